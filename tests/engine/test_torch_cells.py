"""LSTMCell, GRUCell and RNNCell: one step, its states, and what torch rejects.

Each case is checked by lstmshape and, where torch is installed, by torch on
the same spec, so that a rule here is torch's and not a reading of its docs.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from tests.helpers import check_spec, codes, shapes

_LSTM_STEP = {"x": ["B", "T", 8]}


def _torch_fails_at(inputs: dict[str, list[Any]], *layers: dict[str, Any]) -> int | None:
    pytest.importorskip("torch")
    from tests.oracle.cases import symbol_values
    from tests.oracle.torch_runner import run_torch

    spec = {"framework": "torch", "inputs": inputs, "layers": list(layers)}
    (values, _) = symbol_values(random.Random(0))
    return run_torch(spec, values).failed_at


def test_a_cell_steps_on_one_time_step_of_a_batch_first_sequence() -> None:
    layers = [
        {"name": "cell", "type": "nn.LSTMCell", "input": "x[:, 0]", "input_size": 8,
         "hidden_size": 4},
        {"name": "next", "type": "LSTMCell", "input": "x[:, 1]", "input_size": 8,
         "hidden_size": 4, "initial_state": ["cell.h_1", "cell.c_1"]},
    ]  # fmt: skip
    report = check_spec(_LSTM_STEP, *layers)
    assert codes(report) == []
    assert shapes(report, "next") == {"output": ("B", 4), "h_1": ("B", 4), "c_1": ("B", 4)}
    assert report.params == 2 * (16 * 12 + 32)
    assert _torch_fails_at(_LSTM_STEP, *layers) is None


def test_the_states_of_an_lstm_are_3_d_and_a_cell_takes_one_layers_state() -> None:
    inputs = {"x": ["B", "T", 8]}
    layers = [
        {"name": "enc", "type": "LSTM", "input_size": 8, "hidden_size": 4, "batch_first": True},
        {"name": "cell", "type": "LSTMCell", "input": "x[:, 0]", "input_size": 8,
         "hidden_size": 4, "initial_state": ["enc.h_n", "enc.c_n"]},
    ]  # fmt: skip
    report = check_spec(inputs, *layers)
    assert codes(report) == ["LS303", "LS303"]
    assert "enc.h_n[-1]" in (report.diagnostics[0].hint or "")
    assert _torch_fails_at(inputs, *layers) == 1
    layers[1]["initial_state"] = ["enc.h_n[-1]", "enc.c_n[-1]"]
    assert codes(check_spec(inputs, *layers)) == []
    assert _torch_fails_at(inputs, *layers) is None


@pytest.mark.parametrize(
    ("state", "code"),
    [
        ([2], "LS303"),  # unbatched state under a batched step
        ([1, 4], "LS303"),  # torch does not broadcast a batch of 1
        (["B", 5], "LS303"),
        (["B", 4], None),
    ],
)
def test_a_gru_cell_state_must_be_batch_by_hidden(state: list[Any], code: str | None) -> None:
    inputs = {"x": ["B", 8], "h": state}
    layer = {"type": "GRUCell", "input": "x", "input_size": 8, "hidden_size": 4,
             "initial_state": "h"}  # fmt: skip
    assert codes(check_spec(inputs, layer)) == ([code] if code else [])
    assert _torch_fails_at(inputs, layer) == (0 if code else None)


def test_an_unbatched_step_takes_unbatched_states() -> None:
    inputs = {"x": [8], "h": [4]}
    layer = {"type": "RNNCell", "input": "x", "input_size": 8, "hidden_size": 4,
             "initial_state": ["h"]}  # fmt: skip
    report = check_spec(inputs, layer)
    assert codes(report) == []
    assert shapes(report, "rnn_cell") == {"output": (4,), "h_1": (4,)}
    assert _torch_fails_at(inputs, layer) is None


@pytest.mark.parametrize(
    ("layer", "code"),
    [
        ({"initial_state": "h"}, "LS304"),  # an LSTMCell takes (h_0, c_0)
        ({"initial_state": ["h", "h", "h"]}, "LS304"),
        ({"input": "x[:, 0, 0]"}, "LS301"),  # 1-D step of the wrong size
        ({"input": "x"}, "LS302"),  # the whole sequence
        ({"hidden_size": -1}, "LS108"),
    ],
)
def test_what_torch_rejects_is_an_error(layer: dict[str, Any], code: str) -> None:
    inputs = {"x": ["B", "T", 8], "h": ["B", 4]}
    written = {"type": "LSTMCell", "input": "x[:, 0]", "input_size": 8, "hidden_size": 4, **layer}
    assert code in codes(check_spec(inputs, written))
    assert _torch_fails_at(inputs, written) == 0


def test_an_unknown_nonlinearity_is_an_error_torch_gives_when_the_cell_runs() -> None:
    inputs = {"x": ["B", 8]}
    layer = {"type": "RNNCell", "input_size": 8, "hidden_size": 4, "nonlinearity": "sigmoid"}
    assert codes(check_spec(inputs, layer)) == ["LS108"]
    assert _torch_fails_at(inputs, layer) == 0
