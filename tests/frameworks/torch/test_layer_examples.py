"""Every torch layer type's declared examples, through lstmshape and through torch."""

from __future__ import annotations

import pytest

from tests.frameworks.examples import (
    Case,
    FailingCase,
    case_id,
    check_fails,
    check_fails_in_framework,
    check_passes,
    check_passes_in_framework,
    examples,
    failing,
)

EXAMPLES = examples("torch")
FAILING = failing("torch")


@pytest.mark.parametrize("case", EXAMPLES, ids=case_id)
def test_the_example_checks_clean_with_its_tensors_and_params(case: Case) -> None:
    check_passes(*case)


@pytest.mark.parametrize("case", FAILING, ids=case_id)
def test_the_mistake_gets_its_code(case: FailingCase) -> None:
    check_fails(*case)


@pytest.mark.parametrize("case", EXAMPLES, ids=case_id)
def test_torch_computes_the_example_as_declared(case: Case) -> None:
    pytest.importorskip("torch")
    from tests.oracle.torch_runner import run_torch

    check_passes_in_framework(*case, run_torch)


@pytest.mark.parametrize("case", FAILING, ids=case_id)
def test_torch_rejects_the_mistake(case: FailingCase) -> None:
    pytest.importorskip("torch")
    from tests.oracle.torch_runner import run_torch

    check_fails_in_framework(*case, run_torch, ("LS401",))
