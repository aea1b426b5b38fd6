"""Each new shipped spec against the public model it mirrors, built as its authors wrote it.

tests/oracle/test_shipped_specs.py holds lstmshape to the framework on each
spec as written; this holds each spec to its model: the model's parameter
count is the spec's total, and the tensors a user pins (states, attention
weights, the output) have the shapes lstmshape reports, for two sets of
values of the symbols.  Skipped where the framework is absent.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from lstmshape.config import Settings
from lstmshape.reporters.json import report_to_json
from lstmshape.runner import check_text
from lstmshape.shapes import evaluate_dim
from lstmshape.suppression import apply_settings

SPECS = Path(__file__).parents[2] / "specs"
VALUES = ({"B": 3, "T": 10, "W": 100}, {"B": 5, "T": 17, "W": 37})

Built = tuple[int, dict[str, tuple[int, ...]]]
"""A model's parameter count, and the shapes of its tensors by ``layer.tensor``."""


def _report(name: str) -> dict[str, Any]:
    """The spec's report as ``lstmshape check --strict`` gives it (its suppressions applied)."""
    path = SPECS / f"{name}.yaml"
    reports = check_text(path.read_text(encoding="utf-8"), str(path))
    assert len(reports) == 1
    return report_to_json(apply_settings(reports[0], Settings(), strict=True))


def _assert_mirrors(name: str, build: Callable[[dict[str, int]], Built]) -> None:
    report = _report(name)
    assert report["diagnostics"] == []
    layers = {layer["name"]: layer["tensors"] for layer in report["layers"]}
    for values in VALUES:
        params, tensors = build(values)
        assert report["params"] == params
        for key, shape in tensors.items():
            layer, tensor = key.split(".")
            mine = tuple(
                evaluate_dim(d, values) if isinstance(d, str) else d for d in layers[layer][tensor]
            )
            assert mine == shape, f"{name} {key} with {values}: lstmshape {mine}, model {shape}"


def _torch_model(
    name: str, make: Callable[[], Any], inputs: Callable[[dict[str, int]], list[Any]]
) -> None:
    torch = pytest.importorskip("torch")

    def build(values: dict[str, int]) -> Built:
        model = make()
        with torch.no_grad():
            tensors = model(*inputs(values))
        return sum(p.numel() for p in model.parameters()), tensors

    _assert_mirrors(name, build)


def test_crnn_mirrors_crnn_pytorch() -> None:
    torch = pytest.importorskip("torch")
    from tests.oracle.shipped_torch_models import CRNN

    _torch_model("torch-crnn", CRNN, lambda v: [torch.zeros(v["B"], 1, 32, v["W"])])


def test_attention_chatbot_mirrors_the_chatbot_tutorial() -> None:
    torch = pytest.importorskip("torch")
    from tests.oracle.shipped_torch_models import Chatbot

    def inputs(v: dict[str, int]) -> list[Any]:
        long = torch.int64
        return [torch.zeros(v["T"], v["B"], dtype=long), torch.zeros(1, v["B"], dtype=long)]

    _torch_model("torch-attention-chatbot", Chatbot, inputs)


def test_conv1d_lstm_forecaster_mirrors_its_module() -> None:
    torch = pytest.importorskip("torch")
    from tests.oracle.shipped_torch_models import Conv1dLSTMForecaster

    _torch_model(
        "torch-conv1d-lstm-forecaster",
        Conv1dLSTMForecaster,
        lambda v: [torch.zeros(v["B"], v["T"], 7)],
    )


def test_lstmcell_step_mirrors_show_attend_and_tell() -> None:
    torch = pytest.importorskip("torch")
    from tests.oracle.shipped_torch_models import DecoderWithAttention

    def inputs(v: dict[str, int]) -> list[Any]:
        return [torch.zeros(v["B"], 196, 2048), torch.zeros(v["B"], dtype=torch.int64)]

    _torch_model("torch-lstmcell-captioning-step", DecoderWithAttention, inputs)


def _keras() -> Any:
    os.environ.setdefault("KERAS_BACKEND", "torch")
    return pytest.importorskip("keras")


def test_keras_conv1d_lstm_forecaster_mirrors_its_sequential_model() -> None:
    keras = _keras()
    layers = keras.layers

    def build(values: dict[str, int]) -> Built:
        history = keras.Input(batch_shape=(values["B"], 14, 1))
        pooled = layers.MaxPooling1D(pool_size=2)(
            layers.Conv1D(64, 3, activation="relu")(
                layers.Conv1D(64, 3, activation="relu")(history)
            )
        )
        encoded = layers.LSTM(200, activation="relu")(pooled)
        forecast = layers.Dense(7)(layers.Dense(100, activation="relu")(encoded))
        model = keras.Model(history, forecast)
        shapes = {"max_pooling1d.output": pooled.shape, "encoder.output": encoded.shape}
        shapes["forecast.output"] = forecast.shape
        return model.count_params(), {key: tuple(shape) for key, shape in shapes.items()}

    _assert_mirrors("keras-conv1d-lstm-forecaster", build)


def test_keras_masked_classifier_mirrors_the_masking_example() -> None:
    keras = _keras()
    layers = keras.layers
    torch = pytest.importorskip("torch")

    def build(values: dict[str, int]) -> Built:
        masking = layers.Masking(mask_value=0.0)
        lstm = layers.LSTM(32, return_state=True)
        dense = layers.Dense(1, activation="sigmoid")
        sequences = torch.ones(values["B"], values["T"], 8)
        sequences[:, 3, :] = 0.0  # padded steps, as in Keras's example
        output, state_h, state_c = lstm(masking(sequences))
        tensors = {
            "lstm.output": output,
            "lstm.state_h": state_h,
            "lstm.state_c": state_c,
            "dense.output": dense(output),
        }
        params = sum(layer.count_params() for layer in (masking, lstm, dense))
        return params, {key: tuple(tensor.shape) for key, tensor in tensors.items()}

    _assert_mirrors("keras-masked-classifier", build)


def test_deepspeech_mirrors_deepspeech_pytorch() -> None:
    torch = pytest.importorskip("torch")
    from tests.oracle.shipped_torch_models import DeepSpeech

    def inputs(v: dict[str, int]) -> list[Any]:
        # a padded batch: the longest spectrogram is T frames, the others shorter, in
        # decreasing order as pack_padded_sequence's enforce_sorted wants them
        lengths = torch.tensor([max(1, v["T"] - 2 * index) for index in range(v["B"])])
        return [torch.zeros(v["B"], 1, 161, v["T"]), lengths]

    _torch_model("torch-deepspeech", DeepSpeech, inputs)


def _keras_model(
    name: str, build: Callable[[Any, dict[str, int]], tuple[Any, dict[str, Any]]]
) -> None:
    """A Keras model built on ``keras.Input`` with each run's sizes, and its named tensors."""
    keras = _keras()

    def built(values: dict[str, int]) -> Built:
        model, tensors = build(keras, values)
        symbolic = {key: tuple(tensor.shape) for key, tensor in tensors.items()}
        return model.count_params(), symbolic

    _assert_mirrors(name, built)


def test_keras_captcha_ocr_mirrors_the_keras_io_example() -> None:
    def build(keras: Any, values: dict[str, int]) -> tuple[Any, dict[str, Any]]:
        """captcha_ocr.py's build_model() up to dense2, as its prediction_model."""
        layers = keras.layers
        img_width, img_height, characters = 200, 50, 19
        image = (img_width, img_height, 1)
        input_img = keras.Input(shape=image, batch_size=values["B"], name="image")
        conv = {"activation": "relu", "kernel_initializer": "he_normal", "padding": "same"}
        x = layers.Conv2D(32, (3, 3), name="Conv1", **conv)(input_img)
        pool1 = x = layers.MaxPooling2D((2, 2), name="pool1")(x)
        x = layers.Conv2D(64, (3, 3), name="Conv2", **conv)(x)
        pool2 = x = layers.MaxPooling2D((2, 2), name="pool2")(x)
        new_shape = ((img_width // 4), (img_height // 4) * 64)
        reshape = x = layers.Reshape(target_shape=new_shape, name="reshape")(x)
        x = layers.Dense(64, activation="relu", name="dense1")(x)
        x = layers.Dropout(0.2)(x)
        first = x = layers.Bidirectional(layers.LSTM(128, return_sequences=True, dropout=0.25))(x)
        second = x = layers.Bidirectional(layers.LSTM(64, return_sequences=True, dropout=0.25))(x)
        vocabulary = characters + 1  # StringLookup's "[UNK]" and the 19 characters
        x = layers.Dense(vocabulary + 1, activation="softmax", name="dense2")(x)
        tensors = {"pool1.output": pool1, "pool2.output": pool2, "reshape.output": reshape}
        tensors |= {"bidirectional.output": first, "bidirectional_1.output": second}
        return keras.Model(input_img, x), tensors | {"dense2.output": x}

    _keras_model("keras-captcha-ocr", build)


def test_keras_deepspeech2_mirrors_the_keras_io_example() -> None:
    def build(keras: Any, values: dict[str, int]) -> tuple[Any, dict[str, Any]]:
        """ctc_asr.py's build_model(input_dim=193, output_dim=31, rnn_units=512), on
        spectrograms of T frames (the example's keras.Input((None, input_dim)) takes any)."""
        layers = keras.layers
        input_dim, output_dim, rnn_layers, rnn_units = 384 // 2 + 1, 31, 5, 512
        frames, batch = values["T"], values["B"]
        input_spectrogram = keras.Input((frames, input_dim), batch_size=batch, name="input")
        x = layers.Reshape((-1, input_dim, 1), name="expand_dim")(input_spectrogram)
        conv_1 = x = layers.Conv2D(
            filters=32,
            kernel_size=[11, 41],
            strides=[2, 2],
            padding="same",
            use_bias=False,
            name="conv_1",
        )(x)
        x = layers.BatchNormalization(name="conv_1_bn")(x)
        x = layers.ReLU(name="conv_1_relu")(x)
        x = layers.Conv2D(
            filters=32,
            kernel_size=[11, 21],
            strides=[1, 2],
            padding="same",
            use_bias=False,
            name="conv_2",
        )(x)
        x = layers.BatchNormalization(name="conv_2_bn")(x)
        conv_2_relu = x = layers.ReLU(name="conv_2_relu")(x)
        reshape = x = layers.Reshape((-1, x.shape[-2] * x.shape[-1]))(x)
        for i in range(1, rnn_layers + 1):
            recurrent = layers.GRU(
                units=rnn_units,
                activation="tanh",
                recurrent_activation="sigmoid",
                use_bias=True,
                return_sequences=True,
                reset_after=True,
                name=f"gru_{i}",
            )
            x = layers.Bidirectional(recurrent, name=f"bidirectional_{i}", merge_mode="concat")(x)
            if i < rnn_layers:
                x = layers.Dropout(rate=0.5)(x)
        recurrent_output = x
        x = layers.Dense(units=rnn_units * 2, name="dense_1")(x)
        x = layers.ReLU(name="dense_1_relu")(x)
        x = layers.Dropout(rate=0.5)(x)
        # unnamed in the example: "dense" is the name Keras gives it in a new session
        output = layers.Dense(units=output_dim + 1, activation="softmax", name="dense")(x)
        tensors = {"conv_1.output": conv_1, "conv_2_relu.output": conv_2_relu}
        tensors |= {"reshape.output": reshape, "bidirectional_5.output": recurrent_output}
        return keras.Model(input_spectrogram, output), tensors | {"dense.output": output}

    _keras_model("keras-deepspeech2", build)


def test_keras_mha_lstm_classifier_mirrors_its_functional_model() -> None:
    """Built as the keras-io Transformer classifier writes its block, on an LSTM's steps.

    Run on token ids: Keras's symbolic attention scores are (batch, heads, Tq, Tq)
    whatever the key, so the scores are the ones Keras computes when it runs."""
    keras = _keras()
    layers = keras.layers
    torch = pytest.importorskip("torch")

    def build(values: dict[str, int]) -> Built:
        embedding = layers.Embedding(20000, 32)
        lstm = layers.LSTM(64, return_sequences=True)
        attention = layers.MultiHeadAttention(num_heads=4, key_dim=16)
        norm = layers.LayerNormalization(epsilon=1e-6)
        classifier = layers.Dense(2, activation="softmax")
        tokens = torch.zeros(values["B"], values["T"], dtype=torch.int32)
        with torch.no_grad():
            steps = lstm(embedding(tokens))
            attended, scores = attention(steps, steps, return_attention_scores=True)
            pooled = layers.GlobalAveragePooling1D()(norm(layers.Add()([steps, attended])))
            output = classifier(pooled)
        tensors = {
            "lstm.output": steps,
            "attention.output": attended,
            "attention.attention_scores": scores,
            "pool.output": pooled,
            "classifier.output": output,
        }
        built = (embedding, lstm, attention, norm, classifier)
        params = sum(layer.count_params() for layer in built)
        return params, {key: tuple(tensor.shape) for key, tensor in tensors.items()}

    _assert_mirrors("keras-mha-lstm-classifier", build)


def test_keras_convlstm_next_frame_mirrors_the_keras_io_model() -> None:
    keras = _keras()
    layers = keras.layers

    def build(values: dict[str, int]) -> Built:
        # keras-io writes Input(shape=(None, *x_train.shape[2:])): 64 x 64 x 1 frames, the
        # batch open; the timesteps are the spec's T
        frames = keras.Input(shape=(values["T"], 64, 64, 1))
        x = layers.ConvLSTM2D(
            filters=64,
            kernel_size=(5, 5),
            padding="same",
            return_sequences=True,
            activation="relu",
        )(frames)
        first = x
        x = layers.BatchNormalization()(x)
        x = layers.ConvLSTM2D(
            filters=64,
            kernel_size=(3, 3),
            padding="same",
            return_sequences=True,
            activation="relu",
        )(x)
        x = layers.BatchNormalization()(x)
        x = layers.ConvLSTM2D(
            filters=64,
            kernel_size=(1, 1),
            padding="same",
            return_sequences=True,
            activation="relu",
        )(x)
        x = layers.Conv3D(filters=1, kernel_size=(3, 3, 3), activation="sigmoid", padding="same")(x)
        model = keras.Model(frames, x)
        shapes = {"conv_lstm2d.output": first.shape, "next_frames.output": x.shape}
        return model.count_params(), {key: tuple(shape) for key, shape in shapes.items()}

    _assert_mirrors("keras-convlstm-next-frame", build)


def test_keras_video_classifier_mirrors_the_keras_io_video_model() -> None:
    """keras-io's CNN-RNN video classifier with its InceptionV3 features learned per frame:
    TimeDistributed convolutions and pooling, then GRUs under the clip's frame mask."""
    keras = _keras()
    layers = keras.layers

    def build(values: dict[str, int]) -> Built:
        frames = keras.Input(batch_shape=(values["B"], values["T"], 64, 64, 3))
        mask_input = keras.Input(batch_shape=(values["B"], values["T"]), dtype="bool")
        x = frames
        for filters in (16, 32):
            x = layers.TimeDistributed(
                layers.Conv2D(filters, 3, padding="same", activation="relu")
            )(x)
            x = layers.TimeDistributed(layers.MaxPooling2D(2))(x)
        features = layers.TimeDistributed(layers.Flatten())(x)
        x = layers.GRU(16, return_sequences=True)(features, mask=mask_input)
        clip = layers.GRU(8)(x)
        x = layers.Dense(8, activation="relu")(layers.Dropout(0.4)(clip))
        output = layers.Dense(5, activation="softmax")(x)
        model = keras.Model([frames, mask_input], output)
        shapes = {
            "frame_features.output": features.shape,
            "clip.output": clip.shape,
            "classes.output": output.shape,
        }
        return model.count_params(), {key: tuple(shape) for key, shape in shapes.items()}

    _assert_mirrors("keras-video-classifier", build)
