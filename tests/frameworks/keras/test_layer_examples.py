"""Every Keras layer type's declared examples, through lstmshape and through Keras."""

from __future__ import annotations

import os

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

os.environ.setdefault("KERAS_BACKEND", "torch")

EXAMPLES = examples("keras")
FAILING = failing("keras")


@pytest.mark.parametrize("case", EXAMPLES, ids=case_id)
def test_the_example_checks_clean_with_its_tensors_and_params(case: Case) -> None:
    check_passes(*case)


@pytest.mark.parametrize("case", FAILING, ids=case_id)
def test_the_mistake_gets_its_code(case: FailingCase) -> None:
    check_fails(*case)


@pytest.mark.parametrize("case", EXAMPLES, ids=case_id)
def test_keras_computes_the_example_as_declared(case: Case) -> None:
    pytest.importorskip("keras")
    from tests.oracle.keras_runner import run_keras

    check_passes_in_framework(*case, run_keras)


@pytest.mark.parametrize("case", FAILING, ids=case_id)
def test_keras_rejects_the_mistake(case: FailingCase) -> None:
    pytest.importorskip("keras")
    from tests.oracle.keras_runner import run_keras

    check_fails_in_framework(*case, run_keras, ("LS408",))
