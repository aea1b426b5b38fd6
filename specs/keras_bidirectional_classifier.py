"""keras-bidirectional-classifier: the model of keras-bidirectional-classifier.yaml, exported by lstmshape.

Each tensor's shape is lstmshape's, as a comment on the line that makes it
(None: a size Keras leaves open, the batch's or a symbol's).
"""

import keras
from keras import layers


def build_model() -> keras.Model:
    """keras-bidirectional-classifier: 2,757,761 parameters."""
    tokens = keras.Input(shape=(200,), name="tokens")  # [None, 200]
    embedding_layer = layers.Embedding(
        input_dim=20000,
        output_dim=128,
        name="embedding",
    )
    embedding = embedding_layer(tokens)  # [None, 200, 128]; 2,560,000 parameters
    bidirectional_layer = layers.Bidirectional(
        layer=layers.LSTM(units=64, return_sequences=True),
        name="bidirectional",
    )
    # [None, 200, 128]; 98,816 parameters
    bidirectional = bidirectional_layer(embedding)
    bidirectional_1_layer = layers.Bidirectional(
        layer=layers.LSTM(units=64),
        name="bidirectional_1",
    )
    # [None, 128]; 98,816 parameters
    bidirectional_1 = bidirectional_1_layer(bidirectional)
    dropout = layers.Dropout(rate=0.5, name="dropout")(bidirectional_1)  # [None, 128]
    # [None, 1]; 129 parameters
    dense = layers.Dense(units=1, activation="sigmoid", name="dense")(dropout)
    return keras.Model(
        inputs=tokens,
        outputs=dense,
        name="keras-bidirectional-classifier",
    )
