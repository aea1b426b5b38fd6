"""lstmshape against real Keras 3 on generated specs (skipped without keras)."""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from typing import Any

import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")
pytest.importorskip("keras")

from tests.oracle.cases import Case, Oracle, make_case
from tests.oracle.compare import disagreements, lstmshape_report
from tests.oracle.harness import run_oracle
from tests.oracle.keras_gen import keras_spec
from tests.oracle.keras_runner import run_keras

KERAS = Oracle(
    "keras",
    keras_spec,
    run_keras,
    foreign_names=("state_c", "state_h", "forward_h", "h_n"),
    framework_warnings=("LS408", "LS325"),
    failure_warnings=("LS319",),  # the oracle runs Keras on its torch backend
)


def test_lstmshape_agrees_with_keras() -> None:
    run_oracle(KERAS)


def _first_case(wanted: Callable[[Case, dict[str, Any]], bool]) -> tuple[Case, dict[str, Any]]:
    for seed in range(400):
        case = make_case(KERAS, seed)
        report = lstmshape_report(case.spec)
        if wanted(case, report):
            assert disagreements(case, report, KERAS.framework_warnings) == []
            return case, report
    raise AssertionError("no such case in 400 seeds")


def test_a_wrong_state_shape_is_caught() -> None:
    """The comparison must notice when lstmshape is wrong, or the oracle proves nothing."""
    case, report = _first_case(
        lambda case, report: (
            case.runs[0].failed_at is None and "state_h" in report["layers"][0]["tensors"]
        )
    )
    wrong = copy.deepcopy(report)
    wrong["layers"][0]["tensors"]["state_h"][-1] += 1
    found = disagreements(case, wrong, KERAS.framework_warnings)
    assert any(".state_h" in item for item in found)


def test_a_missing_input_length_warning_is_caught() -> None:
    case, report = _first_case(
        lambda case, report: any("LS408" in layer.warnings for layer in case.runs[0].layers)
    )
    wrong = copy.deepcopy(report)
    wrong["diagnostics"] = [d for d in wrong["diagnostics"] if d["code"] != "LS408"]
    found = disagreements(case, wrong, KERAS.framework_warnings)
    assert any("warnings [] vs framework ['LS408']" in item for item in found)


def test_a_torch_backend_failure_is_agreement_only_with_its_warning() -> None:
    """LS319 predicts the failure the torch backend gives; without it the oracle objects."""
    spec: dict[str, Any] = {
        "framework": "keras",
        "inputs": {"x": [2, 5, 8]},
        "layers": [{"type": "LayerNormalization", "axis": 1}],
    }
    case = Case(0, spec, [run_keras(spec, {"B": 2, "T": 5, "S": 3})])
    report = lstmshape_report(spec)
    assert [d["code"] for d in report["diagnostics"]] == ["LS319"]
    assert disagreements(case, report, failure_warnings=KERAS.failure_warnings) == []
    assert disagreements(case, report) != []
