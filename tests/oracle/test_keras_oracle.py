"""lstmshape against real Keras 3 on generated specs (skipped without keras)."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")
pytest.importorskip("keras")

from tests.oracle.cases import Oracle
from tests.oracle.harness import run_oracle
from tests.oracle.keras_gen import keras_spec
from tests.oracle.keras_runner import run_keras

KERAS = Oracle(
    "keras",
    keras_spec,
    run_keras,
    foreign_names=("state_c", "state_h", "forward_h", "h_n"),
    framework_warnings=("LS408",),
)


def test_lstmshape_agrees_with_keras() -> None:
    run_oracle(KERAS)
