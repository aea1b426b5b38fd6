"""ocr-model-v1: the model of keras-captcha-ocr.yaml, exported by lstmshape.

Each tensor's shape is lstmshape's, as a comment on the line that makes it
(None: a size Keras leaves open, the batch's or a symbol's).
"""

import keras
from keras import layers


def build_model(B: int | None = None) -> keras.Model:
    """ocr-model-v1: 432,725 parameters.

    B: the sizes the spec names; None leaves a size open
    (a stateful layer needs the batch size).
    """
    # [B, 200, 50, 1]
    image = keras.Input(shape=(200, 50, 1), batch_size=B, name="image")
    Conv1_layer = layers.Conv2D(
        filters=32,
        kernel_size=[3, 3],
        activation="relu",
        kernel_initializer="he_normal",
        padding="same",
        name="Conv1",
    )
    Conv1 = Conv1_layer(image)  # [B, 200, 50, 32]; 320 parameters
    # [B, 100, 25, 32]
    pool1 = layers.MaxPooling2D(pool_size=[2, 2], name="pool1")(Conv1)
    Conv2_layer = layers.Conv2D(
        filters=64,
        kernel_size=[3, 3],
        activation="relu",
        kernel_initializer="he_normal",
        padding="same",
        name="Conv2",
    )
    Conv2 = Conv2_layer(pool1)  # [B, 100, 25, 64]; 18,496 parameters
    # [B, 50, 12, 64]
    pool2 = layers.MaxPooling2D(pool_size=[2, 2], name="pool2")(Conv2)
    # [B, 50, 768]
    reshape = layers.Reshape(target_shape=[50, 768], name="reshape")(pool2)
    # [B, 50, 64]; 49,216 parameters
    dense1 = layers.Dense(units=64, activation="relu", name="dense1")(reshape)
    dropout = layers.Dropout(rate=0.2, name="dropout")(dense1)  # [B, 50, 64]
    bidirectional_layer = layers.Bidirectional(
        layer=layers.LSTM(units=128, return_sequences=True, dropout=0.25),
        name="bidirectional",
    )
    bidirectional = bidirectional_layer(dropout)  # [B, 50, 256]; 197,632 parameters
    bidirectional_1_layer = layers.Bidirectional(
        layer=layers.LSTM(units=64, return_sequences=True, dropout=0.25),
        name="bidirectional_1",
    )
    # [B, 50, 128]; 164,352 parameters
    bidirectional_1 = bidirectional_1_layer(bidirectional)
    dense2_layer = layers.Dense(units=21, activation="softmax", name="dense2")
    dense2 = dense2_layer(bidirectional_1)  # [B, 50, 21]; 2,709 parameters
    return keras.Model(inputs=image, outputs=dense2, name="ocr-model-v1")
