"""Every Keras layer's tensors and parameters, compared with Keras 3 itself.

Each case builds the layer on ``keras.Input`` and reads the shapes of every
output it returns (in Keras's order, which is the order of lstmshape's tensor
names) and ``count_params()``.  Skipped where keras is not installed; the
hand-derived tests in test_keras_engine.py cover the same layers there.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.keras_support import layers_of, spec_text

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip("keras")
L = keras.layers

Factory = Callable[[], Any]
SPECS = Path(__file__).parent.parent / "specs"

# (id, input shape without batch, the layer as lstmshape reads it, the same layer in Keras)
CASES: list[tuple[str, tuple[int | None, ...], dict[str, Any], Factory]] = [
    ("lstm", (10, 8), {"type": "LSTM", "units": 64}, lambda: L.LSTM(64)),
    (
        "lstm-sequences",
        (10, 8),
        {"type": "LSTM", "units": 64, "return_sequences": True},
        lambda: L.LSTM(64, return_sequences=True),
    ),
    (
        "lstm-state",
        (10, 8),
        {"type": "LSTM", "units": 16, "return_state": True, "go_backwards": True},
        lambda: L.LSTM(16, return_state=True, go_backwards=True),
    ),
    (
        "lstm-sequences-state-no-bias",
        (None, 8),
        {
            "type": "LSTM",
            "units": 16,
            "return_sequences": True,
            "return_state": True,
            "use_bias": False,
        },
        lambda: L.LSTM(16, return_sequences=True, return_state=True, use_bias=False),
    ),
    ("gru", (10, 8), {"type": "GRU", "units": 64}, lambda: L.GRU(64)),
    (
        "gru-reset-before",
        (10, 8),
        {"type": "GRU", "units": 64, "reset_after": False},
        lambda: L.GRU(64, reset_after=False),
    ),
    (
        "gru-state-no-bias",
        (10, 8),
        {"type": "GRU", "units": 64, "use_bias": False, "return_state": True},
        lambda: L.GRU(64, use_bias=False, return_state=True),
    ),
    ("simple-rnn", (10, 8), {"type": "SimpleRNN", "units": 64}, lambda: L.SimpleRNN(64)),
    (
        "simple-rnn-sequences-state",
        (10, 8),
        {
            "type": "SimpleRNN",
            "units": 64,
            "return_sequences": True,
            "return_state": True,
            "use_bias": False,
        },
        lambda: L.SimpleRNN(64, return_sequences=True, return_state=True, use_bias=False),
    ),
    (
        "bidirectional-concat",
        (10, 8),
        {"type": "Bidirectional", "layer": {"type": "LSTM", "units": 64}},
        lambda: L.Bidirectional(L.LSTM(64)),
    ),
    *[
        (
            f"bidirectional-{mode}",
            (10, 8),
            {
                "type": "Bidirectional",
                "layer": {"type": "LSTM", "units": 64, "return_sequences": True},
                "merge_mode": mode,
            },
            (lambda mode=mode: L.Bidirectional(L.LSTM(64, return_sequences=True), merge_mode=mode)),
        )
        for mode in ("sum", "mul", "ave")
    ],
    (
        "bidirectional-null",
        (10, 8),
        {"type": "Bidirectional", "layer": {"type": "GRU", "units": 32}, "merge_mode": None},
        lambda: L.Bidirectional(L.GRU(32), merge_mode=None),
    ),
    (
        "bidirectional-lstm-state",
        (10, 8),
        {"type": "Bidirectional", "layer": {"type": "LSTM", "units": 16, "return_state": True}},
        lambda: L.Bidirectional(L.LSTM(16, return_state=True)),
    ),
    (
        "bidirectional-null-state",
        (10, 8),
        {
            "type": "Bidirectional",
            "merge_mode": None,
            "layer": {"type": "LSTM", "units": 16, "return_state": True, "return_sequences": True},
        },
        lambda: L.Bidirectional(
            L.LSTM(16, return_state=True, return_sequences=True), merge_mode=None
        ),
    ),
    (
        "bidirectional-gru-state",
        (10, 8),
        {"type": "Bidirectional", "layer": {"type": "GRU", "units": 16, "return_state": True}},
        lambda: L.Bidirectional(L.GRU(16, return_state=True)),
    ),
    (
        "bidirectional-simple-rnn-backward-layer",
        (10, 8),
        {
            "type": "Bidirectional",
            "layer": {"type": "SimpleRNN", "units": 8},
            "backward_layer": {
                "type": "SimpleRNN",
                "units": 8,
                "go_backwards": True,
                "use_bias": False,
            },
        },
        lambda: L.Bidirectional(
            L.SimpleRNN(8), backward_layer=L.SimpleRNN(8, go_backwards=True, use_bias=False)
        ),
    ),
    ("dense-2d", (8,), {"type": "Dense", "units": 16}, lambda: L.Dense(16)),
    ("dense-3d", (10, 8), {"type": "Dense", "units": 1}, lambda: L.Dense(1)),
    (
        "dense-4d-no-bias",
        (5, 10, 8),
        {"type": "Dense", "units": 16, "use_bias": False},
        lambda: L.Dense(16, use_bias=False),
    ),
    (
        "time-distributed-dense",
        (10, 8),
        {"type": "TimeDistributed", "layer": {"type": "Dense", "units": 16}},
        lambda: L.TimeDistributed(L.Dense(16)),
    ),
    (
        "time-distributed-lstm",
        (5, 10, 8),
        {"type": "TimeDistributed", "layer": {"type": "LSTM", "units": 4}},
        lambda: L.TimeDistributed(L.LSTM(4)),
    ),
    (
        "time-distributed-dropout",
        (5, 10, 8),
        {"type": "TimeDistributed", "layer": {"type": "Dropout", "rate": 0.2}},
        lambda: L.TimeDistributed(L.Dropout(0.2)),
    ),
    ("repeat-vector", (8,), {"type": "RepeatVector", "n": 3}, lambda: L.RepeatVector(3)),
    (
        "embedding",
        (10,),
        {"type": "Embedding", "input_dim": 1000, "output_dim": 64},
        lambda: L.Embedding(1000, 64),
    ),
    (
        "embedding-3d",
        (10, 3),
        {"type": "Embedding", "input_dim": 100, "output_dim": 16, "mask_zero": True},
        lambda: L.Embedding(100, 16, mask_zero=True),
    ),
    ("dropout", (10, 8), {"type": "Dropout", "rate": 0.5}, lambda: L.Dropout(0.5)),
]


def _keras_result(
    shape: tuple[int | None, ...], factory: Factory, batch: int | None
) -> tuple[list[tuple[int | None, ...]], int]:
    layer = factory()
    outputs = layer(keras.Input(batch_shape=(batch, *shape)))
    flat = list(outputs) if isinstance(outputs, list | tuple) else [outputs]
    return [tuple(output.shape) for output in flat], layer.count_params()


@pytest.mark.parametrize("batch", [None, 32])
@pytest.mark.parametrize(
    ("shape", "layer", "factory"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_every_tensor_and_param_count_match_keras(
    shape: tuple[int | None, ...], layer: dict[str, Any], factory: Factory, batch: int | None
) -> None:
    shapes, params = _keras_result(shape, factory, batch)
    text = spec_text([{"name": "layer", **layer}], {"x": [batch, *shape]})
    result = layers_of(text)["layer"]
    assert list(result.tensors.values()) == shapes
    assert result.params == params


def test_the_tutorial_spec_matches_keras_sequential() -> None:
    model = keras.Sequential(
        [keras.Input((10, 8)), L.LSTM(units=64, return_sequences=True), L.Dense(1)]
    )
    layers = layers_of((SPECS / "keras-tutorial.yaml").read_text())
    assert [layer.tensors["output"] for layer in layers.values()] == [
        tuple(layer.output.shape) for layer in model.layers
    ]
    assert [layer.params for layer in layers.values()] == [
        layer.count_params() for layer in model.layers
    ]


def test_the_seq2seq_spec_matches_keras_functional() -> None:
    encoder_inputs = keras.Input((None, 71))
    decoder_inputs = keras.Input((None, 93))
    encoder = L.LSTM(256, return_state=True)
    _, state_h, state_c = encoder(encoder_inputs)
    decoder = L.LSTM(256, return_sequences=True, return_state=True)
    decoded, _, _ = decoder(decoder_inputs, initial_state=[state_h, state_c])
    dense = L.Dense(93, activation="softmax")
    output = dense(decoded)
    layers = layers_of((SPECS / "keras-seq2seq.yaml").read_text())
    assert layers["decoder_dense"].tensors["output"] == tuple(output.shape)
    assert [layers[name].params for name in ("encoder", "decoder", "decoder_dense")] == [
        encoder.count_params(),
        decoder.count_params(),
        dense.count_params(),
    ]


def test_concatenate_matches_keras() -> None:
    a, b = keras.Input((10, 8)), keras.Input((10, 4))
    joined = L.Concatenate()([a, b])
    along_time = L.Concatenate(axis=1)([a, keras.Input((5, 8))])
    text = spec_text(
        [
            {"name": "joined", "type": "Concatenate", "input": ["a", "b"]},
            {"name": "along_time", "type": "Concatenate", "input": ["a", "c"], "axis": 1},
        ],
        {"a": [None, 10, 8], "b": [None, 10, 4], "c": [None, 5, 8]},
    )
    layers = layers_of(text)
    assert layers["joined"].tensors["output"] == tuple(joined.shape)
    assert layers["along_time"].tensors["output"] == tuple(along_time.shape)
    assert layers["joined"].params == 0


# Constructions Keras 3 rejects, which lstmshape reports as errors (see test_keras_engine.py).
REJECTED: list[tuple[str, Callable[[], Any]]] = [
    (
        "stacked-lstm-without-sequences",
        lambda: keras.Sequential([keras.Input((10, 8)), L.LSTM(4), L.LSTM(4)]),
    ),
    ("time-distributed-2d", lambda: L.TimeDistributed(L.Dense(4))(keras.Input((8,)))),
    ("merge-mode", lambda: L.Bidirectional(L.LSTM(4), merge_mode="foo")),
    ("stateful-unknown-batch", lambda: L.LSTM(4, stateful=True)(keras.Input((10, 8)))),
    ("time-major", lambda: L.LSTM(4, time_major=True)),
    ("batch-input-shape", lambda: L.LSTM(4, batch_input_shape=(None, 10, 8))),
    ("units-zero", lambda: L.LSTM(0)),
    ("activation", lambda: L.GRU(4, activation="foo")),
    ("dense-unknown-features", lambda: L.Dense(4)(keras.Input((10, None)))),
    ("repeat-vector-3d", lambda: L.RepeatVector(3)(keras.Input((10, 8)))),
    ("dropout-rate", lambda: L.Dropout(1.5)),
    ("concatenate-mismatch", lambda: L.Concatenate()([keras.Input((10, 8)), keras.Input((5, 4))])),
    ("bidirectional-go-backwards", lambda: L.Bidirectional(L.LSTM(4), backward_layer=L.LSTM(4))),
]


@pytest.mark.parametrize("build", [case[1] for case in REJECTED], ids=[c[0] for c in REJECTED])
def test_keras_rejects_what_lstmshape_reports(build: Callable[[], Any]) -> None:
    with pytest.raises((ValueError, TypeError)):
        build()


def test_keras_builds_a_wrong_initial_state_and_fails_only_when_it_runs() -> None:
    """Why LS303 exists: the symbolic model builds; the call fails."""
    import numpy as np

    encoder_out, state_h, state_c = L.LSTM(16, return_state=True)(keras.Input((10, 8)))
    decoder = L.LSTM(32)
    decoder(keras.Input((5, 8)), initial_state=[state_h, state_c])  # no error
    with pytest.raises(RuntimeError, match="mat1 and mat2 shapes cannot be multiplied"):
        decoder(np.zeros((2, 5, 8), "float32"), initial_state=[np.zeros((2, 16), "float32")] * 2)
    assert encoder_out.shape == (None, 16)
