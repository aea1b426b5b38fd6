"""lstmshape's exported torch modules, run by torch, against lstmshape's report."""

from __future__ import annotations

import os

import pytest

pytest.importorskip("torch")

from tests.oracle.export_harness import run_export_oracle
from tests.oracle.export_runner import DEVICES, export_torch_spec, run_torch_export
from tests.oracle.test_torch_oracle import TORCH


def test_exported_torch_code_agrees_with_lstmshape(monkeypatch: pytest.MonkeyPatch) -> None:
    # The generated models are tiny: on them torch's CPU kernels are faster than its
    # meta kernels of the recurrent layers, which step through time in Python.
    monkeypatch.setenv("LSTMSHAPE_EXPORT_DEVICE", os.environ.get("LSTMSHAPE_EXPORT_DEVICE", "cpu"))
    run_export_oracle(TORCH, export_torch_spec, run_torch_export)
    print(f"torch export runs by device: {DEVICES}")
