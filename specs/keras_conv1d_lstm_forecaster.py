"""keras-conv1d-lstm-forecaster: the model of keras-conv1d-lstm-forecaster.yaml, exported by lstmshape.

Each tensor's shape is lstmshape's, as a comment on the line that makes it
(None: a size Keras leaves open, the batch's or a symbol's).
"""

import keras
from keras import layers


def build_model(B: int | None = None) -> keras.Model:
    """keras-conv1d-lstm-forecaster: 245,415 parameters.

    B: the sizes the spec names; None leaves a size open
    (a stateful layer needs the batch size).
    """
    history = keras.Input(shape=(14, 1), batch_size=B, name="history")  # [B, 14, 1]
    conv1d_layer = layers.Conv1D(
        filters=64,
        kernel_size=3,
        activation="relu",
        name="conv1d",
    )
    conv1d = conv1d_layer(history)  # [B, 12, 64]; 256 parameters
    conv1d_1_layer = layers.Conv1D(
        filters=64,
        kernel_size=3,
        activation="relu",
        name="conv1d_1",
    )
    conv1d_1 = conv1d_1_layer(conv1d)  # [B, 10, 64]; 12,352 parameters
    # [B, 5, 64]
    max_pooling1d = layers.MaxPooling1D(pool_size=2, name="max_pooling1d")(conv1d_1)
    # [B, 200]; 212,000 parameters
    encoder = layers.LSTM(units=200, activation="relu", name="encoder")(max_pooling1d)
    # [B, 100]; 20,100 parameters
    dense = layers.Dense(units=100, activation="relu", name="dense")(encoder)
    forecast = layers.Dense(units=7, name="forecast")(dense)  # [B, 7]; 707 parameters
    return keras.Model(
        inputs=history,
        outputs=forecast,
        name="keras-conv1d-lstm-forecaster",
    )
