"""keras-autoencoder: the model of keras-autoencoder.yaml, exported by lstmshape.

Each tensor's shape is lstmshape's, as a comment on the line that makes it
(None: a size Keras leaves open, the batch's or a symbol's).
"""

import keras
from keras import layers


def build_model() -> keras.Model:
    """keras-autoencoder: 121,301 parameters."""
    inputs = keras.Input(shape=(30, 1))  # [None, 30, 1]
    # [None, 100]; 40,800 parameters
    encoder = layers.LSTM(units=100, activation="relu", name="encoder")(inputs)
    # [None, 30, 100]
    repeat_vector = layers.RepeatVector(n=30, name="repeat_vector")(encoder)
    decoder_layer = layers.LSTM(
        units=100,
        activation="relu",
        return_sequences=True,
        name="decoder",
    )
    decoder = decoder_layer(repeat_vector)  # [None, 30, 100]; 80,400 parameters
    time_distributed_layer = layers.TimeDistributed(
        layer=layers.Dense(units=1),
        name="time_distributed",
    )
    time_distributed = time_distributed_layer(decoder)  # [None, 30, 1]; 101 parameters
    return keras.Model(
        inputs=inputs,
        outputs=time_distributed,
        name="keras-autoencoder",
    )
