"""keras-mha-lstm-classifier: the model of keras-mha-lstm-classifier.yaml, exported by lstmshape.

Each tensor's shape is lstmshape's, as a comment on the line that makes it
(None: a size Keras leaves open, the batch's or a symbol's).
"""

import keras
from keras import layers


def build_model(B: int | None = None, T: int | None = None) -> keras.Model:
    """keras-mha-lstm-classifier: 681,730 parameters.

    B, T: the sizes the spec names; None leaves a size open
    (a stateful layer needs the batch size).
    """
    tokens = keras.Input(shape=(T,), batch_size=B, name="tokens")  # [B, T]
    embedding_layer = layers.Embedding(input_dim=20000, output_dim=32, name="embedding")
    embedding = embedding_layer(tokens)  # [B, T, 32]; 640,000 parameters
    # [B, T, 64]; 24,832 parameters
    lstm = layers.LSTM(units=64, return_sequences=True, name="lstm")(embedding)
    attention_layer = layers.MultiHeadAttention(
        num_heads=4,
        key_dim=16,
        name="attention",
    )
    # attention [B, T, 64], attention_attention_scores [B, 4, T, T]; 16,640 parameters
    attention, attention_attention_scores = attention_layer(
        lstm,
        value=lstm,
        return_attention_scores=True,
    )
    residual = layers.Add(name="residual")([lstm, attention])  # [B, T, 64]
    # [B, T, 64]; 128 parameters
    norm = layers.LayerNormalization(epsilon=1e-06, name="norm")(residual)
    pool = layers.GlobalAveragePooling1D(name="pool")(norm)  # [B, 64]
    # [B, 2]; 130 parameters
    classifier = layers.Dense(units=2, activation="softmax", name="classifier")(pool)
    return keras.Model(
        inputs=tokens,
        outputs=classifier,
        name="keras-mha-lstm-classifier",
    )
