"""Every Keras layer type's declared examples, through lstmshape and through Keras."""

from __future__ import annotations

import os
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

os.environ.setdefault("KERAS_BACKEND", "torch")


@pytest.mark.parametrize(("declared", "example"), examples("keras"))
def test_the_example_checks_clean_with_its_tensors_and_params(
    declared: LayerType[Any], example: Example
) -> None:
    check_passes(declared, example)


@pytest.mark.parametrize(("declared", "mistake"), failing("keras"))
def test_the_mistake_gets_its_code(declared: LayerType[Any], mistake: Failing) -> None:
    check_fails(declared, mistake)


@pytest.mark.parametrize(("declared", "example"), examples("keras"))
def test_keras_computes_the_example_as_declared(declared: LayerType[Any], example: Example) -> None:
    pytest.importorskip("keras")
    from tests.oracle.keras_runner import run_keras

    check_passes_in_framework(declared, example, run_keras)


@pytest.mark.parametrize(("declared", "mistake"), failing("keras"))
def test_keras_rejects_the_mistake(declared: LayerType[Any], mistake: Failing) -> None:
    pytest.importorskip("keras")
    from tests.oracle.keras_runner import run_keras

    check_fails_in_framework(declared, mistake, run_keras, ("LS408", "LS325"))
