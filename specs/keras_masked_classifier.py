"""keras-masked-classifier: the model of keras-masked-classifier.yaml, exported by lstmshape.

Each tensor's shape is lstmshape's, as a comment on the line that makes it
(None: a size Keras leaves open, the batch's or a symbol's).
"""

import keras
from keras import layers


def build_model(B: int | None = None, T: int | None = None) -> keras.Model:
    """keras-masked-classifier: 5,281 parameters.

    B, T: the sizes the spec names; None leaves a size open
    (a stateful layer needs the batch size).
    """
    sequences = keras.Input(shape=(T, 8), batch_size=B, name="sequences")  # [B, T, 8]
    masking = layers.Masking(mask_value=0.0, name="masking")(sequences)  # [B, T, 8]
    lstm_layer = layers.LSTM(units=32, return_state=True, name="lstm")
    # lstm [B, 32], lstm_state_h [B, 32], lstm_state_c [B, 32]; 5,248 parameters
    lstm, lstm_state_h, lstm_state_c = lstm_layer(masking)
    # [B, 1]; 33 parameters
    dense = layers.Dense(units=1, activation="sigmoid", name="dense")(lstm)
    return keras.Model(inputs=sequences, outputs=dense, name="keras-masked-classifier")
