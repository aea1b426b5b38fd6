"""The JSON Schema printed by ``lstmshape schema`` agrees with lstmshape check."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from lstmshape.cli import cli
from lstmshape.explanations import EXPLANATIONS
from lstmshape.frameworks import FRAMEWORKS
from lstmshape.runner import check_text
from lstmshape.schema import build_schema
from tests.console import GOOD_SPEC, REPO

jsonschema = pytest.importorskip("jsonschema")

SCHEMA = build_schema()
VALIDATOR_CLASS = jsonschema.validators.validator_for(SCHEMA)
VALIDATOR = VALIDATOR_CLASS(SCHEMA)

# Structure errors the schema must catch too; the other codes are beyond a schema
# (references, shapes) or about the file rather than a document.
STRUCTURE_CODES = {"LS101", "LS102", "LS103", "LS104", "LS105", "LS107"}


def schema_errors(text: str) -> list[str]:
    return [
        error.message
        for document in yaml.safe_load_all(text)
        for error in VALIDATOR.iter_errors(document)
    ]


def test_the_schema_is_a_valid_schema_and_is_what_the_command_prints() -> None:
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    VALIDATOR_CLASS.check_schema(SCHEMA)
    result = CliRunner().invoke(cli, ["schema"], catch_exceptions=False)
    assert json.loads(result.output) == SCHEMA


@pytest.mark.parametrize("key", list(FRAMEWORKS))
def test_each_framework_lists_its_layer_types_and_their_arguments(key: str) -> None:
    framework = FRAMEWORKS[key]
    union = SCHEMA["$defs"][f"{key}_layer"]
    variants = [SCHEMA["$defs"][ref["$ref"].rsplit("/", 1)[-1]] for ref in union["oneOf"]]
    assert len(variants) == len(framework.layers)
    every_spelling = [s for v in variants for s in v["properties"]["type"]["enum"]]
    assert union["properties"]["type"]["enum"] == every_spelling  # what editors complete
    for (type_name, model), variant in zip(framework.layers.items(), variants, strict=True):
        assert variant["properties"]["type"]["enum"][0] == type_name
        assert set(variant["properties"]) == set(model.model_fields)
        assert variant["additionalProperties"] is False
        required = {name for name, field in model.model_fields.items() if field.is_required()}
        assert set(variant["required"]) == required


@pytest.mark.parametrize(
    "code",
    # The import's codes are about Keras JSON, not specs: their examples are not specs.
    sorted(code for code, e in EXPLANATIONS.items() if e.fixed and e.language == "yaml"),
)
def test_every_fixed_example_is_valid(code: str) -> None:
    fixed = EXPLANATIONS[code].fixed
    assert fixed is not None
    assert schema_errors(fixed) == []


@pytest.mark.parametrize("code", sorted(STRUCTURE_CODES | {"LS005"}))
def test_broken_examples_fail_the_schema(code: str) -> None:
    failing = EXPLANATIONS[code].failing
    assert failing is not None
    assert schema_errors(failing) != []


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (("type: LSTM", "type: Dense"), "Keras's type in a torch spec"),
        (("type: LSTM", "type: nn.LSTM"), None),
        (("type: LSTM", "type: torch.nn.LSTM"), None),
        (("batch_first: true", "batch_first: 'yes'"), "a string for a boolean"),
        (("hidden_size: 16", "hidden_size: 16.5"), "a float for an integer"),
        (("hidden_size: 16", "hidden_size: true"), "a boolean for an integer"),
        (("x: [B, T, 8]", "x: [B, T, -8]"), "a negative dimension"),
        (("x: [B, T, 8]", "x: [B, 'T+1', 8]"), None),
        (("x: [B, T, 8]", "x: [B, (T - 2) // 2, 8]"), None),
        (("x: [B, T, 8]", "x: [B, 'T^2', 8]"), "an operator dimensions do not have"),
        (("x: [B, T, 8]", "x: [B, T - * 2, 8]"), "two operators in a row"),
        (("x: [B, T, 8]", "x: [B, T / 2, 8]"), "/ for //"),
        (("x: [B, T, 8]", "x: [B, 2T, 8]"), "a number and a symbol without an operator"),
        (("inputs:", "dims: {B: 32, T: 100}\ninputs:"), None),
        (("inputs:", "dims: {B: 0}\ninputs:"), "a symbol's value that is not positive"),
        (("inputs:", "dims: {B: '32'}\ninputs:"), "a string for a symbol's value"),
        (("inputs:", "dims: {B: 3.5}\ninputs:"), "a float for a symbol's value"),
        (("inputs:", "dims: {2B: 3}\ninputs:"), "a name that is no symbol"),
        (("inputs:", "dims: [B, 32]\ninputs:"), "a list for the mapping"),
    ],
)
def test_the_schema_flags_what_check_flags(change: tuple[str, str], why: str | None) -> None:
    text = GOOD_SPEC.replace(*change)
    assert text != GOOD_SPEC
    (report,) = check_text(text, "spec.yaml")
    flagged_by_check = any(d.code in STRUCTURE_CODES for d in report.diagnostics)
    assert flagged_by_check == (why is not None)
    assert (schema_errors(text) != []) == (why is not None), why


SPECS = sorted(path for suffix in ("*.yaml", "*.yml") for path in (REPO / "specs").rglob(suffix))


@pytest.mark.parametrize("path", SPECS or [None], ids=lambda p: p.name if p else "none")
def test_the_specs_in_the_repo_agree_with_check(path: Path | None) -> None:
    """A spec check finds no structure error in is valid; one it does is not."""
    if path is None:
        pytest.skip("specs/ holds no spec")
    text = path.read_text(encoding="utf-8")
    try:
        documents: list[Any] = list(yaml.safe_load_all(text))
    except yaml.YAMLError:
        pytest.skip(f"{path.name} is not YAML at all (an LS0xx example)")
    reports = check_text(text, path.name)
    for document, report in zip(documents, reports, strict=True):
        structural = {d.code for d in report.diagnostics} & (STRUCTURE_CODES | {"LS005"})
        errors = list(VALIDATOR.iter_errors(document))
        assert bool(errors) == bool(structural), (path.name, structural, errors[:1])
