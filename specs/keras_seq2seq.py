"""keras-seq2seq: the model of keras-seq2seq.yaml, exported by lstmshape.

Each tensor's shape is lstmshape's, as a comment on the line that makes it
(None: a size Keras leaves open, the batch's or a symbol's).
"""

import keras
from keras import layers


def build_model() -> keras.Model:
    """keras-seq2seq: 718,173 parameters."""
    # [None, None, 71]
    encoder_inputs = keras.Input(shape=(None, 71), name="encoder_inputs")
    # [None, None, 93]
    decoder_inputs = keras.Input(shape=(None, 93), name="decoder_inputs")
    encoder_layer = layers.LSTM(units=256, return_state=True, name="encoder")
    # encoder [None, 256], encoder_state_h [None, 256], encoder_state_c [None, 256]; 335,872 parameters
    encoder, encoder_state_h, encoder_state_c = encoder_layer(encoder_inputs)
    decoder_layer = layers.LSTM(
        units=256,
        return_sequences=True,
        return_state=True,
        name="decoder",
    )
    # decoder [None, None, 256], decoder_state_h [None, 256], decoder_state_c [None, 256]; 358,400 parameters
    decoder, decoder_state_h, decoder_state_c = decoder_layer(
        decoder_inputs,
        initial_state=[encoder_state_h, encoder_state_c],
    )
    decoder_dense_layer = layers.Dense(
        units=93,
        activation="softmax",
        name="decoder_dense",
    )
    decoder_dense = decoder_dense_layer(decoder)  # [None, None, 93]; 23,901 parameters
    return keras.Model(
        inputs=[encoder_inputs, decoder_inputs],
        outputs=decoder_dense,
        name="keras-seq2seq",
    )
