"""Keras-saved JSON (committed, written by make_fixtures.py) imported without Keras.

Each model's spec must check clean and give every layer the parameter count
and output shapes Keras gave it when the fixture was written; each refused
model gets its diagnostics at their place in the JSON.  With Keras installed,
the fixtures must be what the script writes today.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from lstmshape.cli import cli
from lstmshape.importing.inputs import spec_name
from tests.importing.make_fixtures import EXPECTED, FIXTURES
from tests.keras_support import check

ROOT = Path(__file__).resolve().parents[2]
EXPECTED_FACTS: dict[str, Any] = json.loads(EXPECTED.read_text(encoding="utf-8"))
REFUSED = {
    "lambda_last_step": [("LS512", 124, 4)],
    "operation_last_step": [("LS514", 124, 4)],
    "custom_objects": [("LS513", 27, 4), ("LS513", 92, 20)],
    "shared_and_nested": [("LS515", 46, 4), ("LS514", 167, 4)],
}
"""The refused fixtures' diagnostics, (code, line, column) in the JSON."""


def run_import(path: Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["import", str(path)], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _same(keras_shape: list[Any], shape: Any) -> bool:
    """A size Keras knows is lstmshape's; one it leaves open is a symbol to lstmshape."""
    return (
        shape is not None
        and len(shape) == len(keras_shape)
        and all(
            (known is None and not isinstance(dim, int)) or known == dim
            for known, dim in zip(keras_shape, shape, strict=True)
        )
    )


@pytest.mark.parametrize("name", sorted(EXPECTED_FACTS))
def test_a_keras_saved_model_imports_as_keras_built_it(name: str) -> None:
    exit_code, printed, errors = run_import(FIXTURES / f"{name}.json")
    assert (exit_code, errors) == (0, "")
    report = check(printed)
    assert report.diagnostics == []
    facts = EXPECTED_FACTS[name]
    assert report.params == facts["params"]
    layers = {layer.name: layer for layer in report.layers}
    taken: set[str] = set()
    for keras_name, expected in facts["layers"].items():
        layer = layers[spec_name(keras_name, taken)]
        assert layer.params == expected["params"], keras_name
        shapes = list(layer.tensors.values())
        assert len(shapes) == len(expected["shapes"]), keras_name
        for keras_shape, shape in zip(expected["shapes"], shapes, strict=True):
            assert _same(keras_shape, shape), (keras_name, keras_shape, shape)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_refused_model_gets_its_diagnostics_at_their_place(name: str) -> None:
    path = FIXTURES / f"{name}.json"
    exit_code, printed, errors = run_import(path)
    assert (exit_code, printed) == (1, "")
    found = [
        (line.split(": ")[1].split()[0], *map(int, line.split(": ")[0].split(":")[-2:]))
        for line in errors.splitlines()
        if line.startswith(str(path))
    ]
    assert found == REFUSED[name]


def test_the_import_needs_neither_keras_nor_torch() -> None:
    code = (
        "import sys; from lstmshape.cli import main; "
        f"exit_code = main(['import', {str(FIXTURES / 'encoder_decoder.json')!r}]); "
        "heavy = sorted({'keras', 'torch', 'tensorflow'} & set(sys.modules)); "
        "print(exit_code, heavy, file=sys.stderr)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert result.stderr.strip().splitlines()[-1] == "0 []"


def test_the_fixtures_are_what_the_script_writes_today() -> None:
    pytest.importorskip("keras")
    code = (
        "import json; from tests.importing.make_fixtures import written; "
        "print(json.dumps(written()))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, "KERAS_BACKEND": "torch"},
    )
    for name, text in json.loads(result.stdout).items():
        assert (FIXTURES / name).read_text(encoding="utf-8") == text, name
