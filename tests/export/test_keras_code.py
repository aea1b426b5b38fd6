"""The Keras code export writes: what Keras returns, unpacked as Keras returns it."""

from __future__ import annotations

import ast
from typing import Any

import pytest
import yaml

from tests.export.running import export_disagreements

STACKED_IN_BIDIRECTIONAL = """\
framework: keras
inputs:
  x: [B, T, 5]
layers:
  - name: bi
    type: Bidirectional
    merge_mode: null
    layer:
      type: RNN
      cell: [{type: LSTMCell, units: 5}, {type: GRUCell, units: 4}, {type: SimpleRNNCell, units: 3}]
      return_state: true
"""


def _spec() -> dict[str, Any]:
    spec: dict[str, Any] = yaml.safe_load(STACKED_IN_BIDIRECTIONAL)
    return spec


def test_bidirectional_cells_return_their_states_grouped_per_cell() -> None:
    # Keras returns (forward_output, backward_output, [h, c], h, h, [h, c], h, h): an
    # LSTMCell's two states together, per direction (seed 900083 of the export oracle).
    from lstmshape.export.command import export_spec
    from tests.oracle.export_runner import checked

    report, parsed = checked(_spec())
    tree = ast.parse(export_spec(parsed, report, "bi.yaml"))
    (unpacked,) = [
        node.targets[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and "bi_layer(" in ast.unparse(node.value)
    ]
    assert isinstance(unpacked, ast.Tuple)
    assert [ast.unparse(item) for item in unpacked.elts] == [
        "bi_forward_output",
        "bi_backward_output",
        "[bi_forward_0_h, bi_forward_0_c]",
        "bi_forward_1_h",
        "bi_forward_2_h",
        "[bi_backward_0_h, bi_backward_0_c]",
        "bi_backward_1_h",
        "bi_backward_2_h",
    ]


def test_bidirectional_cells_exported_run_as_lstmshape_says() -> None:
    pytest.importorskip("keras")
    assert export_disagreements(_spec()) == []
