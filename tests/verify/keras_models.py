"""Small Keras model factories for the verify tests: an LSTM and a Dense head."""

from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras
from keras import layers


def build_tagger(
    units: int = 16, bidirectional: bool = False, stacked: bool = False, every_step: bool = False
) -> keras.Model:
    """An LSTM over [None, 10, 8] (two when stacked) and a Dense head."""
    inputs = keras.Input(shape=(10, 8), name="x")
    sequence = inputs
    if stacked:
        sequence = layers.LSTM(units, return_sequences=True, name="first")(sequence)
    if bidirectional:
        recurrent = layers.LSTM(units, return_sequences=every_step)
        encoded = layers.Bidirectional(recurrent, name="encoder")(sequence)
    else:
        encoded = layers.LSTM(units, return_sequences=every_step, name="encoder")(sequence)
    outputs = layers.Dense(4, name="head")(encoded)
    return keras.Model(inputs=inputs, outputs=outputs)
