"""The text report's per-layer status column."""

from __future__ import annotations

import io

from lstmshape.report import Summary
from lstmshape.reporters.text import TextReporter
from lstmshape.runner import check_text

# head's in_features (15) disagrees with encoder's hidden_size (16): an error
# on head alone; encoder and drop are fine.
SPEC = """\
framework: torch
inputs:
  x: [B, T, 8]
layers:
  - name: encoder
    type: LSTM
    input_size: 8
    hidden_size: 16
    batch_first: true
  - name: head
    type: Linear
    in_features: 15
    out_features: 4
  - name: drop
    type: Dropout
"""


def _status_by_layer(text: str) -> dict[str, str]:
    statuses = {}
    for line in text.splitlines():
        words = line.split()
        if words and words[0] in {"encoder", "head", "drop"}:
            statuses[words[0]] = words[-1]
    return statuses


def test_each_layer_shows_the_worst_severity_of_its_own_diagnostics() -> None:
    (report,) = check_text(SPEC, "model.yaml")
    assert {d.layer for d in report.diagnostics} == {"head"}
    out = io.StringIO()
    reporter = TextReporter(out, color=False)
    reporter.handle(report)
    reporter.finish(Summary())
    assert _status_by_layer(out.getvalue()) == {"encoder": "ok", "head": "error", "drop": "ok"}
