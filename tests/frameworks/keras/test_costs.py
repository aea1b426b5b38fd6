"""Keras costs against their closed forms and against torch's equivalent layers.

Keras has no FLOP counter, so each Keras layer is priced against the same
layer written for torch (whose FLOPs are checked against FlopCounterMode in
tests/frameworks/torch/test_costs.py) and against the closed form.  Where the
frameworks compute differently the difference is asserted: Keras's LSTM adds
one bias vector a step, torch's two.
"""

from __future__ import annotations

import pytest

from lstmshape.costs import LayerCosts
from lstmshape.runner import check_text


def costs_of(framework: str, inputs: str, layer: str) -> LayerCosts:
    text = f"framework: {framework}\ninputs:\n  x: {inputs}\nlayers:\n  - {layer}\n"
    (report,) = check_text(text, "spec.yaml")
    assert [d.code for d in report.diagnostics] == []
    (found,) = report.layers
    assert found.costs is not None
    return found.costs


EQUIVALENT = [
    (
        "[B, T, 8]",
        "{type: LSTM, units: 16, return_sequences: true}",
        "[B, T, 8]",
        "{type: LSTM, input_size: 8, hidden_size: 16, batch_first: true}",
    ),
    (
        "[B, T, 8]",
        "{type: GRU, units: 16}",
        "[B, T, 8]",
        "{type: GRU, input_size: 8, hidden_size: 16, batch_first: true}",
    ),
    (
        "[B, T, 8]",
        "{type: SimpleRNN, units: 16}",
        "[B, T, 8]",
        "{type: RNN, input_size: 8, hidden_size: 16, batch_first: true}",
    ),
    (
        "[B, T, 8]",
        "{type: Bidirectional, layer: {type: LSTM, units: 16, return_sequences: true}}",
        "[B, T, 8]",
        "{type: LSTM, input_size: 8, hidden_size: 16, batch_first: true, bidirectional: true}",
    ),
    (
        "[B, T, 8]",
        "{type: Dense, units: 4}",
        "[B, T, 8]",
        "{type: Linear, in_features: 8, out_features: 4}",
    ),
    (
        "[B, T, 8]",
        "{type: Conv1D, filters: 4, kernel_size: 3}",
        "[B, 8, T]",
        "{type: Conv1d, in_channels: 8, out_channels: 4, kernel_size: 3}",
    ),
    (
        "[B, 9, 9, 3]",
        "{type: Conv2D, filters: 4, kernel_size: 3}",
        "[B, 3, 9, 9]",
        "{type: Conv2d, in_channels: 3, out_channels: 4, kernel_size: 3}",
    ),
    ("[B, T, 8]", "{type: Softmax}", "[B, T, 8]", "{type: Softmax, dim: -1}"),
    ("[B, T, 8]", "{type: ReLU}", "[B, T, 8]", "{type: ReLU}"),
    (
        "[B, T, 8]",
        "{type: LayerNormalization}",
        "[B, T, 8]",
        "{type: LayerNorm, normalized_shape: 8}",
    ),
    ("[B, 8]", "{type: BatchNormalization}", "[B, 8]", "{type: BatchNorm1d, num_features: 8}"),
    ("[B, T, 8]", "{type: Dropout, rate: 0.5}", "[B, T, 8]", "{type: Dropout, p: 0.5}"),
    (
        "[B, T, 8]",
        "{type: MaxPooling1D, pool_size: 2}",
        "[B, 8, T]",
        "{type: MaxPool1d, kernel_size: 2}",
    ),
    (
        "[B, T]",
        "{type: Embedding, input_dim: 50, output_dim: 8}",
        "[B, T]",
        "{type: Embedding, num_embeddings: 50, embedding_dim: 8}",
    ),
    (
        "[B, T, 8]",
        "{type: MultiHeadAttention, num_heads: 2, key_dim: 4, value: x}",
        "[B, T, 8]",
        "{type: MultiheadAttention, embed_dim: 8, num_heads: 2, batch_first: true, key: x, "
        "value: x, need_weights: false}",
    ),
]


@pytest.mark.parametrize(("keras_in", "keras", "torch_in", "torch"), EQUIVALENT)
def test_keras_costs_what_torch_costs_for_the_same_layer(
    keras_in: str, keras: str, torch_in: str, torch: str
) -> None:
    mine, theirs = costs_of("keras", keras_in, keras), costs_of("torch", torch_in, torch)
    assert mine.macs == theirs.macs
    assert mine.flops == theirs.flops
    _, *others = mine.extra
    _, *torch_others = theirs.extra
    assert others == torch_others  # nonlinearity, elementwise, normalization, softmax
    if not any(kind in keras for kind in ("LSTM", "GRU", "SimpleRNN")):
        # torch's recurrent layers write their final states too, Keras's only if asked
        assert mine.activation_bytes == theirs.activation_bytes


def test_keras_lstm_adds_one_bias_a_step_where_torch_adds_two() -> None:
    mine = costs_of("keras", "[B, T, 8]", "{type: LSTM, units: 16}")
    theirs = costs_of(
        "torch", "[B, T, 8]", "{type: LSTM, input_size: 8, hidden_size: 16, batch_first: true}"
    )
    assert str(mine.extra[0]) == "64*B*T"  # 4 gates of 16 units
    assert str(theirs.extra[0]) == "128*B*T"  # b_ih and b_hh


def test_the_closed_forms() -> None:
    lstm = costs_of("keras", "[B, T, 8]", "{type: LSTM, units: 16}")
    assert str(lstm.macs) == f"{4 * 16 * (8 + 16)}*B*T"
    gru = costs_of("keras", "[B, T, 8]", "{type: GRU, units: 16, reset_after: false}")
    assert str(gru.macs) == f"{3 * 16 * (8 + 16)}*B*T"
    assert str(gru.extra[0]) == f"{3 * 16}*B*T"  # one bias vector without reset_after
    dense = costs_of("keras", "[B, 8]", "{type: Dense, units: 4, activation: softmax}")
    assert str(dense.macs) == "32*B"
    assert str(dense.extra[4]) == "12*B"  # softmax: 3 an element
    # depthwise: 10 - 2 positions x 8 channels x 3 taps; pointwise: 8 positions x 8 x 4
    separable = costs_of(
        "keras", "[B, 10, 8]", "{type: SeparableConv1D, filters: 4, kernel_size: 3}"
    )
    assert str(separable.macs) == f"{8 * 8 * 3 + 8 * 8 * 4}*B"
    wrapped = costs_of(
        "keras", "[B, T, 8]", "{type: TimeDistributed, layer: {type: Dense, units: 4}}"
    )
    assert str(wrapped.macs) == "32*B*T"
    ave = costs_of(
        "keras",
        "[B, T, 8]",
        "{type: Bidirectional, merge_mode: sum, layer: {type: GRU, units: 4}}",
    )
    assert str(ave.macs) == f"{2 * 3 * 4 * (8 + 4)}*B*T"
    # both directions' steps, then the sum of their last outputs
    assert str(ave.extra[2]) == f"{2 * 8 * 4}*B*T + 4*B"


def test_an_unknown_batch_leaves_keras_costs_unknown() -> None:
    text = "framework: keras\nlayers:\n  - {type: LSTM, units: 4, input_shape: [10, 8]}\n"
    (report,) = check_text(text, "spec.yaml")
    assert report.layers[0].costs is None
    assert report.costs is None


def test_an_rnn_of_one_cell_costs_its_layer_and_a_list_of_cells_each_cell() -> None:
    layer = costs_of("keras", "[B, T, 8]", "{type: GRU, units: 16, return_sequences: true}")
    cell = costs_of(
        "keras",
        "[B, T, 8]",
        "{type: RNN, cell: {type: GRUCell, units: 16}, return_sequences: true}",
    )
    assert (cell.macs, cell.extra) == (layer.macs, layer.extra)
    stacked = costs_of(
        "keras",
        "[B, T, 8]",
        "{type: RNN, cell: [{type: LSTMCell, units: 16}, {type: SimpleRNNCell, units: 4}]}",
    )
    # the LSTMCell on 8 features, the SimpleRNNCell on the LSTMCell's 16 units
    assert str(stacked.macs) == f"{4 * 16 * (8 + 16) + 4 * (16 + 4)}*B*T"


def test_the_closed_forms_of_attention() -> None:
    dot = costs_of("keras", "[B, T, 8]", "{type: Attention, input: [x, x]}")
    assert str(dot.macs) == "16*B*T*T"  # query·key, then weights·value: 8 each a pair
    assert str(dot.extra[4]) == "3*B*T*T"  # softmax over each query step's T scores
    additive = costs_of("keras", "[B, T, 8]", "{type: AdditiveAttention, input: [x, x]}")
    assert str(additive.macs) == "8*B*T*T"  # only weights·value multiplies matrices
    assert str(additive.extra[1]) == "8*B*T*T"  # tanh of query + key, per feature
    # heads of key_dim 3 and value_dim 5 over 4 key steps; an output of 6 features
    mha = costs_of(
        "keras",
        "[B, T, 8]",
        "{type: MultiHeadAttention, num_heads: 2, key_dim: 3, value_dim: 5, output_shape: 6, "
        "value: x}",
    )
    projections = 8 * 2 * 3 * 2 + 8 * 2 * 5 + 2 * 5 * 6
    assert str(mha.macs) == f"{2 * (3 + 5)}*B*T*T + {projections}*B*T"
