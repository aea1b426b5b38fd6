"""Keras models written as a user writes them, for the import's tests (Keras imported lazily)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

os.environ.setdefault("KERAS_BACKEND", "torch")


def sequential_stack() -> Any:
    import keras
    from keras import layers

    return keras.Sequential(
        [
            keras.Input((10, 8)),
            layers.LSTM(16, return_sequences=True, dropout=0.1),
            layers.GRU(12, reset_after=False),
            layers.Dense(3, activation="softmax"),
        ],
        name="stack",
    )


def bidirectional_classifier() -> Any:
    import keras
    from keras import layers

    return keras.Sequential(
        [
            keras.Input((None,), dtype="int32"),
            layers.Embedding(1000, 32, mask_zero=True),
            layers.Bidirectional(layers.LSTM(16, return_sequences=True)),
            layers.Bidirectional(layers.GRU(8), merge_mode="sum"),
            layers.Dense(1, activation="sigmoid"),
        ]
    )


def time_distributed_tagger() -> Any:
    import keras
    from keras import layers

    inputs = keras.Input((None, 6), name="frames")
    x = layers.SimpleRNN(10, return_sequences=True, name="rnn")(inputs)
    outputs = layers.TimeDistributed(layers.Dense(4), name="per_step")(x)
    return keras.Model(inputs, outputs)


def rnn_cells() -> Any:
    import keras
    from keras import layers

    inputs = keras.Input((7, 5), name="x")
    x = layers.RNN(layers.LSTMCell(8), return_sequences=True, name="one_cell")(inputs)
    x, *states = layers.RNN(
        [layers.GRUCell(6), layers.SimpleRNNCell(4)], return_state=True, name="stacked"
    )(x)
    return keras.Model(inputs, [x, *states])


def encoder_decoder() -> Any:
    import keras
    from keras import layers

    encoder_inputs = keras.Input((None, 20), name="encoder_inputs")
    decoder_inputs = keras.Input((None, 30), name="decoder_inputs")
    _, state_h, state_c = layers.LSTM(32, return_state=True, name="encoder")(encoder_inputs)
    decoded = layers.LSTM(32, return_sequences=True, name="decoder")(
        decoder_inputs, initial_state=[state_h, state_c]
    )
    outputs = layers.Dense(30, activation="softmax", name="decoder_dense")(decoded)
    return keras.Model([encoder_inputs, decoder_inputs], outputs, name="seq2seq")


def masked_multi_input() -> Any:
    import keras
    from keras import layers

    frames = keras.Input((None, 12), name="frames")
    mask = keras.Input((None,), dtype="bool", name="mask")
    tokens = keras.Input((None,), dtype="int32", name="tokens")
    x = layers.GRU(16, return_sequences=True, name="gru")(frames, mask=mask)
    y = layers.Embedding(50, 16, mask_zero=True, name="embed")(tokens)
    y = layers.LSTM(16, return_sequences=True, name="lstm")(y)
    joined = layers.Concatenate(name="join")([x, y])
    pooled = layers.Bidirectional(layers.LSTM(8), name="summary")(joined)
    return keras.Model([frames, mask, tokens], layers.Dense(2, name="head")(pooled))


def conv_forecaster() -> Any:
    import keras
    from keras import layers

    return keras.Sequential(
        [
            keras.Input((48, 3)),
            layers.Conv1D(16, 5, padding="causal", activation="relu"),
            layers.MaxPooling1D(2),
            layers.BatchNormalization(),
            layers.LSTM(24),
            layers.Dropout(0.2),
            layers.Dense(1),
        ]
    )


def bidirectional_convlstm() -> Any:
    import keras
    from keras import layers

    frames = keras.Input((None, 8, 6, 2), name="frames")
    h, c = keras.Input((8, 6, 4), name="h"), keras.Input((8, 6, 4), name="c")
    forward = layers.ConvLSTM2D(
        4, 3, padding="same", return_sequences=True, return_state=True, name="forward"
    )
    backward = layers.ConvLSTM2D(
        4,
        3,
        padding="same",
        activation="relu",
        go_backwards=True,
        return_sequences=True,
        return_state=True,
        name="backward",
    )
    x, *_ = layers.Bidirectional(forward, backward_layer=backward, name="both")(
        frames, initial_state=[h, c, h, c]
    )
    x = layers.Bidirectional(
        layers.ConvLSTM2D(2, 3, data_format="channels_first", name="frames_first"),
        merge_mode="ave",
        name="last",
    )(x)
    outputs = layers.Dense(3, name="head")(layers.Flatten(name="flat")(x))
    return keras.Model([frames, h, c], outputs, name="video_encoder")


MODELS: dict[str, Callable[[], Any]] = {
    builder.__name__: builder
    for builder in (
        sequential_stack,
        bidirectional_classifier,
        time_distributed_tagger,
        rnn_cells,
        encoder_decoder,
        masked_multi_input,
        conv_forecaster,
        bidirectional_convlstm,
    )
}


def lambda_last_step() -> Any:
    import keras
    from keras import layers

    inputs = keras.Input((10, 8), name="x")
    x = layers.LSTM(16, return_sequences=True, name="lstm")(inputs)
    # Keras saves the lambda's marshalled code, which holds the file it was compiled
    # in: compiled here under a fixed name, the fixture is the same in every checkout.
    last_step = eval(compile("lambda t: t[:, -1]", "<fixture>", "eval"))
    return keras.Model(inputs, layers.Lambda(last_step, name="last")(x))


def operation_last_step() -> Any:
    import keras
    from keras import layers

    inputs = keras.Input((10, 8), name="x")
    x = layers.LSTM(16, return_sequences=True, name="lstm")(inputs)
    return keras.Model(inputs, layers.Dense(2, name="head")(x[:, -1]))


def custom_objects() -> Any:
    import keras
    from keras import layers

    @keras.saving.register_keras_serializable(package="my_project")
    class Scale(layers.Layer):  # a user's layer: its code lives in the user's project
        def call(self, inputs: Any) -> Any:
            return inputs * 2

    def doubled(values: Any) -> Any:
        return values * 2

    inputs = keras.Input((10, 8), name="x")
    x = Scale(name="scale")(inputs)
    return keras.Model(inputs, layers.Dense(4, activation=doubled, name="head")(x))


def shared_and_nested() -> Any:
    import keras
    from keras import layers

    first = keras.Input((10, 8), name="first")
    second = keras.Input((10, 8), name="second")
    shared = layers.LSTM(16, name="shared")
    inner = keras.Sequential([keras.Input((16,)), layers.Dense(2)], name="inner")
    return keras.Model([first, second], [shared(first), inner(shared(second))])


REFUSED: dict[str, Callable[[], Any]] = {
    builder.__name__: builder
    for builder in (lambda_last_step, operation_last_step, custom_objects, shared_and_nested)
}
"""Models the import refuses, each with a diagnostic (the fixtures record which)."""
