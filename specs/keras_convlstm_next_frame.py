"""keras-convlstm-next-frame: the model of keras-convlstm-next-frame.yaml, exported by lstmshape.

Each tensor's shape is lstmshape's, as a comment on the line that makes it
(None: a size Keras leaves open, the batch's or a symbol's).
"""

import keras
from keras import layers


def build_model(T: int | None = None) -> keras.Model:
    """keras-convlstm-next-frame: 746,689 parameters.

    T: the sizes the spec names; None leaves a size open
    (a stateful layer needs the batch size).
    """
    frames = keras.Input(shape=(T, 64, 64, 1), name="frames")  # [None, T, 64, 64, 1]
    conv_lstm2d_layer = layers.ConvLSTM2D(
        filters=64,
        kernel_size=[5, 5],
        padding="same",
        activation="relu",
        return_sequences=True,
        name="conv_lstm2d",
    )
    conv_lstm2d = conv_lstm2d_layer(frames)  # [None, T, 64, 64, 64]; 416,256 parameters
    batch_normalization_layer = layers.BatchNormalization(name="batch_normalization")
    # [None, T, 64, 64, 64]; 256 parameters
    batch_normalization = batch_normalization_layer(conv_lstm2d)
    conv_lstm2d_1_layer = layers.ConvLSTM2D(
        filters=64,
        kernel_size=[3, 3],
        padding="same",
        activation="relu",
        return_sequences=True,
        name="conv_lstm2d_1",
    )
    # [None, T, 64, 64, 64]; 295,168 parameters
    conv_lstm2d_1 = conv_lstm2d_1_layer(batch_normalization)
    batch_normalization_1_layer = layers.BatchNormalization(
        name="batch_normalization_1",
    )
    # [None, T, 64, 64, 64]; 256 parameters
    batch_normalization_1 = batch_normalization_1_layer(conv_lstm2d_1)
    conv_lstm2d_2_layer = layers.ConvLSTM2D(
        filters=64,
        kernel_size=[1, 1],
        padding="same",
        activation="relu",
        return_sequences=True,
        name="conv_lstm2d_2",
    )
    # [None, T, 64, 64, 64]; 33,024 parameters
    conv_lstm2d_2 = conv_lstm2d_2_layer(batch_normalization_1)
    next_frames_layer = layers.Conv3D(
        filters=1,
        kernel_size=[3, 3, 3],
        activation="sigmoid",
        padding="same",
        name="next_frames",
    )
    # [None, T, 64, 64, 1]; 1,729 parameters
    next_frames = next_frames_layer(conv_lstm2d_2)
    return keras.Model(
        inputs=frames,
        outputs=next_frames,
        name="keras-convlstm-next-frame",
    )
