"""lstmshape's exported Keras models, built and run by Keras, against lstmshape's report."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")
pytest.importorskip("keras")

from tests.oracle.export_harness import run_export_oracle
from tests.oracle.export_runner import export_keras_spec, run_keras_export
from tests.oracle.test_keras_oracle import KERAS


def test_exported_keras_code_agrees_with_lstmshape() -> None:
    run_export_oracle(KERAS, export_keras_spec, run_keras_export)
