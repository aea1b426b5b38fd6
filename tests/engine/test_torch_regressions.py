"""Disagreements the torch oracle (tests/oracle) found, pinned as regular tests.

Each spec is the YAML the oracle printed, cut down.  The expected outcome is
what torch 2.13.0 does, stated with each test; where torch is installed the
same spec is also run through the oracle's comparison.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from lstmshape.reporters.json import report_to_json
from lstmshape.runner import check_text


def _report(text: str) -> dict[str, Any]:
    return report_to_json(check_text(text, "regression.yaml")[0])


def _codes(report: dict[str, Any], layer: str) -> list[str]:
    return sorted(d["code"] for d in report["diagnostics"] if d["layer"] == layer)


# Oracle seed 68.  torch's RNN.__init__ rejects the nonlinearity before
# RNNBase.__init__ runs, so torch raises ValueError and never gives the
# dropout warning: lstmshape must not give LS401 either.
BAD_NONLINEARITY = """
framework: torch
inputs: {x: [T, 8]}
layers:
- {name: rnn1, type: RNN, input_size: 8, hidden_size: 6, dropout: 1.0, nonlinearity: sigmoid}
"""

# Oracle seeds 455 and 852.  RNNBase.__init__ warns about dropout with one
# layer before it checks bias and batch_first, so torch warns and then raises
# TypeError: lstmshape gives LS401 next to its type error.
BAD_TYPE_AFTER_DROPOUT = """
framework: torch
inputs: {x: [B, T, 4]}
layers:
- {name: lstm1, type: nn.LSTM, input_size: 4, hidden_size: 2, batch_first: 1, dropout: 0.5}
"""

# Oracle seeds 78, 257, 892.  The warning also comes before the size checks:
# torch warns, then raises "input_size must be greater than zero".
BAD_SIZE_AFTER_DROPOUT = """
framework: torch
inputs: {x: [B, T, 4]}
layers:
- {name: gru1, type: GRU, input_size: 0, hidden_size: 2, bidirectional: true, dropout: 0.1}
"""

# torch binds keyword arguments before RNNBase runs: nonlinearity on an LSTM is
# a TypeError raised before any warning.
UNKNOWN_ARGUMENT_BEFORE_DROPOUT = """
framework: torch
inputs: {x: [B, T, 4]}
layers:
- {name: lstm1, type: LSTM, input_size: 4, hidden_size: 2, dropout: 0.5, nonlinearity: tanh}
"""

CASES = {
    "bad-nonlinearity": (BAD_NONLINEARITY, "rnn1", False),
    "bad-type-after-dropout": (BAD_TYPE_AFTER_DROPOUT, "lstm1", True),
    "bad-size-after-dropout": (BAD_SIZE_AFTER_DROPOUT, "gru1", True),
    "unknown-argument-before-dropout": (UNKNOWN_ARGUMENT_BEFORE_DROPOUT, "lstm1", False),
}


@pytest.mark.parametrize(("text", "layer", "warns"), CASES.values(), ids=CASES.keys())
def test_dropout_warning_follows_torchs_order(text: str, layer: str, warns: bool) -> None:
    report = _report(text)
    codes = _codes(report, layer)
    assert any(d["severity"] == "error" for d in report["diagnostics"] if d["layer"] == layer)
    assert ("LS401" in codes) is warns


@pytest.mark.parametrize(("text", "layer", "warns"), CASES.values(), ids=CASES.keys())
def test_torch_agrees(text: str, layer: str, warns: bool) -> None:
    pytest.importorskip("torch")
    import random

    from tests.oracle.cases import Case, symbol_values
    from tests.oracle.compare import disagreements
    from tests.oracle.torch_runner import run_torch

    spec = yaml.safe_load(text)
    runs = [run_torch(spec, values) for values in symbol_values(random.Random(0))]
    assert runs[0].failed_at == 0
    assert ("LS401" in runs[0].layers[0].warnings) is warns
    assert disagreements(Case(0, spec, runs), _report(text)) == []
