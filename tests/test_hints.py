"""Hints that name what is really wrong, checked against the framework where it is installed.

Each case is one a user met: the message was right and the hint pointed
elsewhere (batch_first for a stack of the wrong size, return_state on a layer
that already returns its states, nothing at all for a batch in input_shape).
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.helpers import check


def import_keras() -> Any:
    os.environ.setdefault("KERAS_BACKEND", "torch")
    return pytest.importorskip("keras")


# A 2-layer bidirectional encoder hands its states to a 2-layer decoder: the
# decoder takes 2 * 1 = 2 stacked states, the encoder gives 2 * 2 = 4.
ENCODER_DECODER = """\
framework: torch
inputs:
  x: [20, {batch}, 8]
  y: [15, {batch}, 16]
layers:
  - name: enc
    type: LSTM
    input_size: 8
    hidden_size: 32
    num_layers: 2
    bidirectional: true
    input: x
  - name: dec
    type: LSTM
    input_size: 16
    hidden_size: 32
    num_layers: 2
    input: y
    initial_state: [enc.h_n, enc.c_n]
"""


@pytest.mark.parametrize("batch", ["B", "32", "2", "4", "null"])
def test_a_stack_of_the_wrong_size_is_not_called_batch_first(batch: str) -> None:
    report = check(ENCODER_DECODER.format(batch=batch))
    assert [d.code for d in report.diagnostics] == ["LS303", "LS303"]
    for diagnostic in report.diagnostics:
        assert diagnostic.hint is not None
        assert "batch first" not in diagnostic.hint
        assert "num_layers * num_directions" in diagnostic.hint
        assert "dec takes 2 * 1 = 2" in diagnostic.hint
        assert "has 4" in diagnostic.hint
        assert "enc is bidirectional" in diagnostic.hint


def test_torch_rejects_the_stack_size_whatever_the_batch() -> None:
    torch = pytest.importorskip("torch")
    encoder = torch.nn.LSTM(8, 32, num_layers=2, bidirectional=True)
    decoder = torch.nn.LSTM(16, 32, num_layers=2)
    for batch in (2, 4, 32):
        _, states = encoder(torch.zeros(20, batch, 8))
        with pytest.raises(RuntimeError, match=rf"Expected hidden\[0\] size \(2, {batch}, 32\)"):
            decoder(torch.zeros(15, batch, 16), states)


def states_spec(states: list[list[Any]], batch_first: bool = False) -> str:
    names = [f"s{index}" for index in range(len(states))]
    declared = "".join(f"  {name}: {dims}\n" for name, dims in zip(names, states, strict=True))
    shape = "[3, 5, 8]" if batch_first else "[5, 3, 8]"
    return (
        f"framework: torch\ninputs:\n  x: {shape}\n{declared}layers:\n"
        f"  - name: r\n    type: LSTM\n    input_size: 8\n    hidden_size: 6\n"
        f"    batch_first: {str(batch_first).lower()}\n    input: x\n"
        f"    initial_state: [{', '.join(names)}]\n"
    )


@pytest.mark.parametrize(
    ("states", "batch_first", "hint"),
    [
        # the batch really is first: (3, 1, 6) for (1, 3, 6)
        ([[3, 1, 6], [3, 1, 6]], True, "the state has batch first"),
        # the batch differs
        ([[1, 4, 6], [1, 4, 6]], False, "the second dimension is the batch: r reads 3, s0 has 4"),
        # the last dimension differs
        ([[1, 3, 5], [1, 3, 6]], False, "the last dimension is hidden_size: r has 6, s0 has 5"),
    ],
)
def test_state_hints_name_the_dimension_that_differs(
    states: list[Any], batch_first: bool, hint: str
) -> None:
    diagnostic = check(states_spec(states, batch_first)).diagnostics[0]
    assert diagnostic.code == "LS303"
    assert diagnostic.hint is not None and diagnostic.hint.startswith(hint)


# A Bidirectional whose LSTM already has return_state: its states are
# forward_h, forward_c, backward_h and backward_c; state_h does not exist.
BIDIRECTIONAL_STATES = """\
framework: keras
inputs:
  x: [32, 10, 8]
  y: [32, 12, 4]
layers:
  - name: enc
    type: Bidirectional
    input: x
    layer: {type: LSTM, units: 16, return_state: true}
  - name: dec
    type: LSTM
    units: 32
    input: y
    initial_state: [enc.state_h, enc.state_c]
"""


def test_bidirectional_states_are_named_in_the_hint() -> None:
    report = check(BIDIRECTIONAL_STATES)
    assert [d.code for d in report.diagnostics] == ["LS202", "LS202"]
    first, second = report.diagnostics
    assert first.hint is not None and second.hint is not None
    assert "return_state" not in first.hint
    assert "enc.forward_h" in first.hint and "enc.backward_h" in first.hint
    assert "enc.forward_c" in second.hint and "enc.backward_c" in second.hint


def test_a_layer_without_return_state_is_still_told_to_add_it() -> None:
    report = check(BIDIRECTIONAL_STATES.replace(", return_state: true", ""))
    hints = [d.hint for d in report.diagnostics]
    assert hints == ["Keras returns the states only with return_state: true on enc"] * 2


def test_keras_names_the_bidirectional_states_as_lstmshape_does() -> None:
    keras = import_keras()
    inputs = keras.Input((10, 8), batch_size=32)
    outputs = keras.layers.Bidirectional(keras.layers.LSTM(16, return_state=True))(inputs)
    assert len(outputs) == 5  # output, forward_h, forward_c, backward_h, backward_c
    assert [tuple(tensor.shape) for tensor in outputs[1:]] == [(32, 16)] * 4


def keras_input_shape(layer: str, input_shape: str) -> str:
    return f"framework: keras\nlayers:\n  - {{{layer}, input_shape: {input_shape}}}\n"


@pytest.mark.parametrize(
    ("layer", "input_shape", "written"),
    [
        ("type: LSTM, units: 4", "[null, 10, 8]", "[10, 8]"),
        ("type: GRU, units: 4", "[null, null, 8]", "[null, 8]"),
        ("type: Bidirectional, layer: {type: LSTM, units: 4}", "[null, 10, 8]", "[10, 8]"),
        ("type: RepeatVector, n: 3", "[null, 8]", "[8]"),
    ],
)
def test_a_batch_in_input_shape_gets_a_hint(layer: str, input_shape: str, written: str) -> None:
    (diagnostic,) = check(keras_input_shape(layer, input_shape)).diagnostics
    assert diagnostic.code == "LS302"
    assert diagnostic.hint == (
        f"input_shape excludes the batch (Keras adds it): write input_shape: {written}"
    )


@pytest.mark.parametrize("input_shape", ["[32, 10, 8]", "[10, 8, 1, 1]"])
def test_no_batch_hint_where_the_first_dim_is_not_null(input_shape: str) -> None:
    (diagnostic,) = check(keras_input_shape("type: LSTM, units: 4", input_shape)).diagnostics
    assert diagnostic.code == "LS302"
    assert diagnostic.hint is None or "input_shape excludes the batch" not in diagnostic.hint


@pytest.mark.filterwarnings("ignore:Do not pass an `input_shape`:UserWarning")
def test_keras_reads_input_shape_without_the_batch() -> None:
    keras = import_keras()
    with pytest.raises(ValueError, match="expected ndim=3, found ndim=4"):
        keras.Sequential([keras.layers.LSTM(4, input_shape=(None, 10, 8))])
    model = keras.Sequential([keras.layers.LSTM(4, input_shape=(10, 8))])
    assert model.output_shape == (None, 4)
