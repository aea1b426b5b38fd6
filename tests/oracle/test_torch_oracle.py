"""lstmshape against real PyTorch on generated specs (skipped without torch).

Shapes, parameters and warnings as :mod:`tests.oracle.compare` says, and FLOPs
against FlopCounterMode on the meta device (:mod:`tests.oracle.flops`)."""

from __future__ import annotations

import pytest

pytest.importorskip("torch")

from tests.oracle.cases import Oracle
from tests.oracle.harness import run_oracle
from tests.oracle.torch_gen import torch_spec
from tests.oracle.torch_runner import TORCH_WARNINGS, count_flops, run_torch

TORCH = Oracle(
    "torch",
    torch_spec,
    run_torch,
    foreign_names=("c_n", "h_n", "state"),
    framework_warnings=TORCH_WARNINGS,
    count_flops=count_flops,
)


def test_lstmshape_agrees_with_torch() -> None:
    run_oracle(TORCH)
