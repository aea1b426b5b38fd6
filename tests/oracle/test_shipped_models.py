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
