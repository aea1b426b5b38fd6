"""keras-tutorial: the model of keras-tutorial.yaml, exported by lstmshape.

Each tensor's shape is lstmshape's, as a comment on the line that makes it
(None: a size Keras leaves open, the batch's or a symbol's).
"""

import keras
from keras import layers


def build_model() -> keras.Model:
    """keras-tutorial: 18,753 parameters."""
    inputs = keras.Input(shape=(10, 8))  # [None, 10, 8]
    # [None, 10, 64]; 18,688 parameters
    lstm = layers.LSTM(units=64, return_sequences=True, name="lstm")(inputs)
    dense = layers.Dense(units=1, name="dense")(lstm)  # [None, 10, 1]; 65 parameters
    return keras.Model(inputs=inputs, outputs=dense, name="keras-tutorial")
