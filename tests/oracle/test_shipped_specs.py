"""Every shipped spec in specs/, built in its real framework and compared tensor by tensor.

Each spec is built by the oracle's runners (torch modules on small zero
tensors; Keras on ``keras.Input``, or run eagerly where Keras shows the
outcome only when it runs) twice, with two sets of values for its symbols,
and lstmshape's report of the file as shipped must agree with both runs:
every tensor's shape, every layer's parameter count, the model's total, and
the framework's warnings.  A spec whose ``expect:`` the framework does not
bear out disagrees too.  A spec is skipped where its framework is absent.

A Keras spec that must run eagerly (initial states, masks) cannot have an
unknown (``null``) input dimension; there, and only for this comparison, a
null batch is ``B`` and any other null ``T``, which lstmshape checks as any
size, as it does null.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from lstmshape.config import Settings
from lstmshape.reporters.json import report_to_json
from lstmshape.runner import check_text
from lstmshape.suppression import apply_settings
from tests.oracle.cases import Case, Oracle
from tests.oracle.compare import disagreements

SPECS = Path(__file__).parents[2] / "specs"
SHIPPED = sorted(SPECS.glob("*.yaml"))

VALUES = (
    {"B": 3, "batch": 3, "T": 10, "W": 100},
    {"B": 5, "batch": 4, "T": 17, "W": 37},
)
"""Two runs' values of the symbols the shipped specs use. W is an image's width
(the CRNN reads 100 pixels in crnn.pytorch); every value is long enough for the
convolutions and pooling that read it."""


def _report(text: str, path: Path) -> dict[str, Any]:
    """The file's report as ``lstmshape check --strict`` gives it (its suppressions applied)."""
    reports = check_text(text, str(path))
    assert len(reports) == 1
    return report_to_json(apply_settings(reports[0], Settings(), strict=True))


def _oracle(framework: str) -> Oracle:
    """The framework's runner and warnings, as the generated cases use them."""
    if framework == "torch":
        pytest.importorskip("torch")
        from tests.oracle.test_torch_oracle import TORCH

        return TORCH
    os.environ.setdefault("KERAS_BACKEND", "torch")
    pytest.importorskip("keras")
    from tests.oracle.test_keras_oracle import KERAS

    return KERAS


def _runnable(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec with a null input dimension named, where Keras must run it."""
    if spec["framework"] != "keras":
        return spec
    _oracle("keras")
    from tests.oracle.keras_runner import needs_run

    if not needs_run(spec):
        return spec
    named = copy.deepcopy(spec)
    for dims in (named.get("inputs") or {}).values():
        dims[:] = [("B" if axis == 0 else "T") if d is None else d for axis, d in enumerate(dims)]
    return named


def _symbols(spec: dict[str, Any]) -> set[str]:
    written = [
        *(spec.get("inputs") or {}).values(),
        *(layer["input_shape"] for layer in spec["layers"] if "input_shape" in layer),
    ]
    return {dim for dims in written for dim in dims if isinstance(dim, str)}


def test_every_shipped_spec_is_compared() -> None:
    assert SHIPPED
    for path in SHIPPED:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert _symbols(spec) <= set(VALUES[0]), f"{path.name}: give its symbols values here"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.stem)
def test_shipped_spec_agrees_with_its_framework(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert _report(text, path)["diagnostics"] == []
    shipped = yaml.safe_load(text)
    oracle = _oracle(shipped["framework"])
    spec = _runnable(shipped)
    runs = [oracle.execute(spec, dict(values)) for values in VALUES]
    for run in runs:
        assert run.error is None, (
            f"{path.name} fails in its framework with {run.values}: {run.error}"
        )
    report = _report(text if spec == shipped else yaml.safe_dump(spec, sort_keys=False), path)
    found = disagreements(
        Case(0, spec, runs), report, oracle.framework_warnings, oracle.failure_warnings
    )
    assert found == [], "\n".join(found)
    for run in runs:
        assert report["params"] == sum(layer.params or 0 for layer in run.layers)
