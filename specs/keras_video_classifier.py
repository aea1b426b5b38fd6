"""keras-video-classifier: the model of keras-video-classifier.yaml, exported by lstmshape.

Each tensor's shape is lstmshape's, as a comment on the line that makes it
(None: a size Keras leaves open, the batch's or a symbol's).
"""

import keras
from keras import layers


def build_model(B: int | None = None, T: int | None = None) -> keras.Model:
    """keras-video-classifier: 399,909 parameters.

    B, T: the sizes the spec names; None leaves a size open
    (a stateful layer needs the batch size).
    """
    # [B, T, 64, 64, 3]
    frames = keras.Input(shape=(T, 64, 64, 3), batch_size=B, name="frames")
    # [B, T]
    frame_mask = keras.Input(shape=(T,), batch_size=B, dtype="bool", name="frame_mask")
    time_distributed_layer = layers.TimeDistributed(
        layer=layers.Conv2D(
            filters=16,
            kernel_size=3,
            activation="relu",
            padding="same",
        ),
        name="time_distributed",
    )
    # [B, T, 64, 64, 16]; 448 parameters
    time_distributed = time_distributed_layer(frames)
    time_distributed_1_layer = layers.TimeDistributed(
        layer=layers.MaxPooling2D(pool_size=2),
        name="time_distributed_1",
    )
    # [B, T, 32, 32, 16]
    time_distributed_1 = time_distributed_1_layer(time_distributed)
    time_distributed_2_layer = layers.TimeDistributed(
        layer=layers.Conv2D(
            filters=32,
            kernel_size=3,
            activation="relu",
            padding="same",
        ),
        name="time_distributed_2",
    )
    # [B, T, 32, 32, 32]; 4,640 parameters
    time_distributed_2 = time_distributed_2_layer(time_distributed_1)
    time_distributed_3_layer = layers.TimeDistributed(
        layer=layers.MaxPooling2D(pool_size=2),
        name="time_distributed_3",
    )
    # [B, T, 16, 16, 32]
    time_distributed_3 = time_distributed_3_layer(time_distributed_2)
    frame_features_layer = layers.TimeDistributed(
        layer=layers.Flatten(),
        name="frame_features",
    )
    frame_features = frame_features_layer(time_distributed_3)  # [B, T, 8192]
    gru_layer = layers.GRU(units=16, return_sequences=True, name="gru")
    gru = gru_layer(frame_features, mask=frame_mask)  # [B, T, 16]; 394,080 parameters
    clip = layers.GRU(units=8, name="clip")(gru)  # [B, 8]; 624 parameters
    dropout = layers.Dropout(rate=0.4, name="dropout")(clip)  # [B, 8]
    # [B, 8]; 72 parameters
    dense = layers.Dense(units=8, activation="relu", name="dense")(dropout)
    # [B, 5]; 45 parameters
    classes = layers.Dense(units=5, activation="softmax", name="classes")(dense)
    return keras.Model(
        inputs=[frames, frame_mask],
        outputs=classes,
        name="keras-video-classifier",
    )
