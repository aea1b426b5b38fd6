"""The comparison must notice when lstmshape is wrong, or the oracle proves nothing."""

from __future__ import annotations

import copy
from typing import Any

import pytest

pytest.importorskip("torch")

from tests.oracle.cases import Case, make_case
from tests.oracle.compare import disagreements, lstmshape_report
from tests.oracle.test_torch_oracle import TORCH


def _valid_case_with_recurrent_layer() -> tuple[Case, dict[str, Any]]:
    for seed in range(200):
        case = make_case(TORCH, seed)
        report = lstmshape_report(case.spec)
        if case.runs[0].failed_at is None and "h_n" in report["layers"][0]["tensors"]:
            assert disagreements(case, report) == []
            return case, report
    raise AssertionError("no valid case in 200 seeds")


def test_a_wrong_parameter_count_is_caught() -> None:
    case, report = _valid_case_with_recurrent_layer()
    wrong = copy.deepcopy(report)
    wrong["layers"][0]["params"] += 1
    assert any("params" in item for item in disagreements(case, wrong))


def test_a_symbol_swapped_for_another_is_caught() -> None:
    case, report = _valid_case_with_recurrent_layer()
    wrong = copy.deepcopy(report)
    h_n = wrong["layers"][0]["tensors"]["h_n"]
    h_n[1] = "T" if h_n[1] != "T" else "B"  # the batch axis of h_n, made another dim
    assert any(".h_n" in item for item in disagreements(case, wrong))


def test_expressions_are_evaluated_with_each_runs_values() -> None:
    case, report = _valid_case_with_recurrent_layer()
    h_n = report["layers"][0]["tensors"]["h_n"]
    for written, agrees in ((f"B - B + {h_n[1]}", True), (f"B - B + {h_n[1]} + 1", False)):
        changed = copy.deepcopy(report)
        changed["layers"][0]["tensors"]["h_n"][1] = written
        assert (disagreements(case, changed) == []) is agrees, written


def test_an_error_lstmshape_misses_is_caught() -> None:
    for seed in range(200):
        case = make_case(TORCH, seed)
        if case.runs[0].failed_at is not None:
            report = lstmshape_report(case.spec)
            report["diagnostics"] = [d for d in report["diagnostics"] if d["severity"] != "error"]
            assert any("reports no error" in item for item in disagreements(case, report))
            return
    raise AssertionError("no failing case in 200 seeds")


def test_no_size_near_a_symbol_passes_for_another_symbol_in_both_runs() -> None:
    """An attention's weights end in T + 1; were the second run a shift of the first, S = T + 1
    in the first would hold in both, and the expected shape would say S where lstmshape
    rightly computes T + 1 (seeds 385 and 1427 of the torch oracle did)."""
    import random

    from tests.oracle.cases import SYMBOLS, symbol_values

    for seed in range(500):
        runs = symbol_values(random.Random(seed))
        for x in SYMBOLS:
            for y in SYMBOLS:
                for offset in (-2, -1, 1, 2):
                    assert not all(run[y] == run[x] + offset for run in runs), (seed, x, y)
                if x != y:
                    assert not all(run[y] == 2 * run[x] for run in runs), (seed, x, y)
