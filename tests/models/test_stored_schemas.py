"""A cold check validates with stored schemas (lstmshape.models.light) exactly as pydantic does.

The stored schemas must be those pydantic makes of the models now; a check that
uses them must report what a check with pydantic's models reports, byte for
byte; and they are used only when they are current.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lstmshape.frameworks import FRAMEWORKS
from lstmshape.frameworks.docs import example_spec
from lstmshape.models import light, schemas

REPO = Path(__file__).resolve().parents[2]
LIGHT_CHECK = [sys.executable, "-m", "lstmshape", "check", "--no-cache"]
"""The entry a user runs: a plain check, which enables the stored schemas."""
PYDANTIC_CHECK = [
    sys.executable,
    "-c",
    "from lstmshape.cli import entry; entry()",
    "check",
    "--no-cache",
]
"""The full command line, which leaves the models pydantic's."""


def _run(command: list[str], *args: str) -> tuple[int, str, str]:
    done = subprocess.run([*command, *args], capture_output=True, text=True, check=False, cwd=REPO)
    return done.returncode, done.stdout, done.stderr


def test_the_stored_schemas_are_current() -> None:
    """In a fresh interpreter: the models of a test do not belong in the file."""
    script = "from lstmshape.models.generate import source; print(source(), end='')"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=REPO
    )
    stored = (REPO / "lstmshape" / "models" / "schemas.py").read_text(encoding="utf-8")
    assert done.stdout == stored, "run `python -m lstmshape.models.generate` and commit"


def test_a_plain_check_uses_them() -> None:
    script = (
        "from lstmshape.models import light\n"
        "light.enable()\n"
        "from lstmshape.models.common import StrictModel\n"
        "import sys\n"
        "print(light.active(), issubclass(StrictModel, light.BaseModel), 'pydantic' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert done.stdout.split() == ["True", "True", "False"]


def test_the_models_are_pydantics_unless_enabled() -> None:
    from pydantic import BaseModel

    from lstmshape.models.common import StrictModel

    assert not light.active()
    assert issubclass(StrictModel, BaseModel)


@pytest.mark.parametrize(
    ("setting", "value"), [("PYDANTIC_CORE", "0.0.0"), ("SOURCES", "changed since generated")]
)
def test_stale_schemas_are_not_used(
    monkeypatch: pytest.MonkeyPatch, setting: str, value: str
) -> None:
    assert light._current()
    monkeypatch.setattr(schemas, setting, value)
    assert not light._current()


@pytest.mark.parametrize("output_format", ["json", "text"])
def test_every_example_reports_alike(output_format: str) -> None:
    """The shipped specs, the examples and the hostile corpus, as one run of each kind."""
    paths = ("specs", "tests/examples", "tests/corpus")
    light_run = _run(LIGHT_CHECK, "--format", output_format, *paths)
    assert light_run == _run(PYDANTIC_CHECK, "--format", output_format, *paths)
    assert light_run[0] == 1  # the negative examples do fail


def _declared_examples() -> list[tuple[str, str]]:
    """Every layer type's declared examples and mistakes as spec files, from the registry."""
    specs = []
    for key in FRAMEWORKS:
        for declared in FRAMEWORKS[key].types.values():
            shown: list[Any] = [*declared.examples, *declared.failing]
            for index, example in enumerate(shown):
                name = f"{key}-{declared.name}-{index}.yaml"
                specs.append((name, example_spec(declared, example)))
    return specs


def test_every_layer_types_examples_report_alike(tmp_path: Path) -> None:
    for name, text in _declared_examples():
        (tmp_path / name).write_text(text, encoding="utf-8")
    light_run = _run(LIGHT_CHECK, "--format", "json", str(tmp_path))
    assert light_run == _run(PYDANTIC_CHECK, "--format", "json", str(tmp_path))
    report = json.loads(light_run[1])
    assert report["summary"]["files"] == len(list(tmp_path.iterdir()))
    assert report["summary"]["errors"] > 0  # the mistakes are found


def test_the_fields_written_are_pydantics_and_layers_written_alike_share_them() -> None:
    written = {"name": "enc", "type": "LSTM", "input_size": 8, "hidden_size": 16}
    script = (
        "from lstmshape.models import light\n"
        "light.enable()\n"
        "from lstmshape.frameworks import FRAMEWORKS\n"
        "model = FRAMEWORKS['torch'].types['LSTM'].config\n"
        f"first = model.model_validate({written!r})\n"
        f"second = model.model_validate({{**{written!r}, 'name': 'dec'}})\n"
        "print(sorted(first.model_fields_set), first.model_fields_set is second.model_fields_set)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=REPO
    )
    pydantic_model = FRAMEWORKS["torch"].types["LSTM"].config
    expected = sorted(pydantic_model.model_validate(written).model_fields_set)
    assert done.stdout.strip() == f"{expected} True"


KERAS_ALWAYS = ["base", "cells", "checks", "sequential"]
"""What Keras's package imports itself: its base, the RNN cells, the Sequential model's hooks."""


@pytest.mark.parametrize(
    ("framework", "layer", "params", "modules"),
    [
        ("torch", "{type: Linear, in_features: 8, out_features: 4}", 36, ["base", "linear"]),
        ("keras", "{type: Dense, units: 4}", 36, sorted([*KERAS_ALWAYS, "dense"])),
    ],
)
def test_a_plain_check_imports_only_the_layer_modules_of_the_types_a_spec_uses(
    framework: str, layer: str, params: int, modules: list[str]
) -> None:
    script = (
        "from lstmshape.models import light\n"
        "light.enable()\n"
        "import sys\n"
        "from lstmshape.runner import check_text\n"
        "from lstmshape.frameworks import FRAMEWORKS\n"
        f"text = 'framework: {framework}\\ninputs:\\n  x: [B, 8]\\nlayers:\\n  - {layer}\\n'\n"
        "(report,) = check_text(text, 'spec.yaml')\n"
        "print(report.params, report.diagnostics)\n"
        f"package = 'lstmshape.frameworks.{framework}.'\n"
        "print(sorted(m[len(package):] for m in sys.modules if m.startswith(package)))\n"
        f"print(list(FRAMEWORKS['{framework}'].types))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=REPO
    )
    result, imported, listed = done.stdout.splitlines()
    assert result == f"{params} []"
    assert imported == str(modules)
    # every type is still listed, in the order the full import lists them
    assert listed == str(list(FRAMEWORKS[framework].types))
