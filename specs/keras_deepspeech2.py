"""DeepSpeech_2: the model of keras-deepspeech2.yaml, exported by lstmshape.

Each tensor's shape is lstmshape's, as a comment on the line that makes it
(None: a size Keras leaves open, the batch's or a symbol's).
"""

import keras
from keras import layers


def build_model(B: int | None = None, T: int | None = None) -> keras.Model:
    """DeepSpeech_2: 26,628,480 parameters.

    B, T: the sizes the spec names; None leaves a size open
    (a stateful layer needs the batch size).
    """
    input_ = keras.Input(shape=(T, 193), batch_size=B, name="input")  # [B, T, 193]
    # [B, T, 193, 1]
    expand_dim = layers.Reshape(target_shape=[-1, 193, 1], name="expand_dim")(input_)
    conv_1_layer = layers.Conv2D(
        filters=32,
        kernel_size=[11, 41],
        strides=[2, 2],
        use_bias=False,
        padding="same",
        name="conv_1",
    )
    conv_1 = conv_1_layer(expand_dim)  # [B, (T + 1) // 2, 97, 32]; 14,432 parameters
    # [B, (T + 1) // 2, 97, 32]; 128 parameters
    conv_1_bn = layers.BatchNormalization(name="conv_1_bn")(conv_1)
    # [B, (T + 1) // 2, 97, 32]
    conv_1_relu = layers.ReLU(name="conv_1_relu")(conv_1_bn)
    conv_2_layer = layers.Conv2D(
        filters=32,
        kernel_size=[11, 21],
        strides=[1, 2],
        use_bias=False,
        padding="same",
        name="conv_2",
    )
    conv_2 = conv_2_layer(conv_1_relu)  # [B, (T + 1) // 2, 49, 32]; 236,544 parameters
    # [B, (T + 1) // 2, 49, 32]; 128 parameters
    conv_2_bn = layers.BatchNormalization(name="conv_2_bn")(conv_2)
    # [B, (T + 1) // 2, 49, 32]
    conv_2_relu = layers.ReLU(name="conv_2_relu")(conv_2_bn)
    # [B, (T + 1) // 2, 1568]
    reshape = layers.Reshape(target_shape=[-1, 1568], name="reshape")(conv_2_relu)
    bidirectional_1_layer = layers.Bidirectional(
        layer=layers.GRU(
            units=512,
            activation="tanh",
            use_bias=True,
            return_sequences=True,
            recurrent_activation="sigmoid",
            reset_after=True,
        ),
        merge_mode="concat",
        name="bidirectional_1",
    )
    # [B, (T + 1) // 2, 1024]; 6,395,904 parameters
    bidirectional_1 = bidirectional_1_layer(reshape)
    # [B, (T + 1) // 2, 1024]
    dropout = layers.Dropout(rate=0.5, name="dropout")(bidirectional_1)
    bidirectional_2_layer = layers.Bidirectional(
        layer=layers.GRU(
            units=512,
            activation="tanh",
            use_bias=True,
            return_sequences=True,
            recurrent_activation="sigmoid",
            reset_after=True,
        ),
        merge_mode="concat",
        name="bidirectional_2",
    )
    # [B, (T + 1) // 2, 1024]; 4,724,736 parameters
    bidirectional_2 = bidirectional_2_layer(dropout)
    # [B, (T + 1) // 2, 1024]
    dropout_1 = layers.Dropout(rate=0.5, name="dropout_1")(bidirectional_2)
    bidirectional_3_layer = layers.Bidirectional(
        layer=layers.GRU(
            units=512,
            activation="tanh",
            use_bias=True,
            return_sequences=True,
            recurrent_activation="sigmoid",
            reset_after=True,
        ),
        merge_mode="concat",
        name="bidirectional_3",
    )
    # [B, (T + 1) // 2, 1024]; 4,724,736 parameters
    bidirectional_3 = bidirectional_3_layer(dropout_1)
    # [B, (T + 1) // 2, 1024]
    dropout_2 = layers.Dropout(rate=0.5, name="dropout_2")(bidirectional_3)
    bidirectional_4_layer = layers.Bidirectional(
        layer=layers.GRU(
            units=512,
            activation="tanh",
            use_bias=True,
            return_sequences=True,
            recurrent_activation="sigmoid",
            reset_after=True,
        ),
        merge_mode="concat",
        name="bidirectional_4",
    )
    # [B, (T + 1) // 2, 1024]; 4,724,736 parameters
    bidirectional_4 = bidirectional_4_layer(dropout_2)
    # [B, (T + 1) // 2, 1024]
    dropout_3 = layers.Dropout(rate=0.5, name="dropout_3")(bidirectional_4)
    bidirectional_5_layer = layers.Bidirectional(
        layer=layers.GRU(
            units=512,
            activation="tanh",
            use_bias=True,
            return_sequences=True,
            recurrent_activation="sigmoid",
            reset_after=True,
        ),
        merge_mode="concat",
        name="bidirectional_5",
    )
    # [B, (T + 1) // 2, 1024]; 4,724,736 parameters
    bidirectional_5 = bidirectional_5_layer(dropout_3)
    # [B, (T + 1) // 2, 1024]; 1,049,600 parameters
    dense_1 = layers.Dense(units=1024, name="dense_1")(bidirectional_5)
    dense_1_relu = layers.ReLU(name="dense_1_relu")(dense_1)  # [B, (T + 1) // 2, 1024]
    # [B, (T + 1) // 2, 1024]
    dropout_4 = layers.Dropout(rate=0.5, name="dropout_4")(dense_1_relu)
    # [B, (T + 1) // 2, 32]; 32,800 parameters
    dense = layers.Dense(units=32, activation="softmax", name="dense")(dropout_4)
    return keras.Model(inputs=input_, outputs=dense, name="DeepSpeech_2")
