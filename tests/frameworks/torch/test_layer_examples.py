"""Every torch layer type's declared examples, through lstmshape and through torch."""

from __future__ import annotations

from typing import Any

import pytest

from lstmshape.frameworks.layer_type import Example, Failing, LayerType
from tests.frameworks.examples import (
    check_fails,
    check_fails_in_framework,
    check_passes,
    check_passes_in_framework,
    examples,
    failing,
)


@pytest.mark.parametrize(("declared", "example"), examples("torch"))
def test_the_example_checks_clean_with_its_tensors_and_params(
    declared: LayerType[Any], example: Example
) -> None:
    check_passes(declared, example)


@pytest.mark.parametrize(("declared", "mistake"), failing("torch"))
def test_the_mistake_gets_its_code(declared: LayerType[Any], mistake: Failing) -> None:
    check_fails(declared, mistake)


@pytest.mark.parametrize(("declared", "example"), examples("torch"))
def test_torch_computes_the_example_as_declared(declared: LayerType[Any], example: Example) -> None:
    pytest.importorskip("torch")
    from tests.oracle.torch_runner import run_torch

    check_passes_in_framework(declared, example, run_torch)


@pytest.mark.parametrize(("declared", "mistake"), failing("torch"))
def test_torch_rejects_the_mistake(declared: LayerType[Any], mistake: Failing) -> None:
    pytest.importorskip("torch")
    from tests.oracle.torch_runner import TORCH_WARNINGS, run_torch

    check_fails_in_framework(declared, mistake, run_torch, TORCH_WARNINGS)
