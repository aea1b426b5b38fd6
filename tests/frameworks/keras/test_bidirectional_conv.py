"""Bidirectional(ConvLSTM1D/2D/3D): every tensor, error and warning, against Keras.

Each case is a spec, the codes lstmshape reports for it and the output it
computes; where Keras (3.15.1, torch backend) is installed, the spec is built
and run by the differential oracle's runner and must agree in every tensor,
parameter count and failing layer, as a generated case must.
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
import yaml

from lstmshape.runner import check_text

os.environ.setdefault("KERAS_BACKEND", "torch")

VIDEO = "framework: keras\ninputs:\n  x: [2, 3, 6, 5, 2]\n"
FIRST = "framework: keras\ninputs:\n  x: [2, 3, 2, 6, 5]\n"  # channels_first frames
STATES = VIDEO + "  h: [2, 4, 3, 4]\n  w: [2, 6, 5, 4]\n"
MASKED = VIDEO + "  m: [2, 3]\n  short: [2, 2]\n"
CONV = "{type: ConvLSTM2D, filters: 4, kernel_size: 3"


def _bi(layer: str, backward: str = "", **rest: Any) -> str:
    """A Bidirectional of ``layer``; ``backward`` is its backward_layer's arguments after
    its type (a ConvLSTM2D going backwards), ``rest`` the other keys."""
    extra = "".join(f", {key}: {json.dumps(value)}" for key, value in rest.items())
    if backward:
        extra += f", backward_layer: {{type: ConvLSTM2D, go_backwards: true, {backward}}}"
    return f"layers:\n  - {{name: bi, type: Bidirectional, layer: {layer}{extra}}}\n"


CASES: list[tuple[str, str, list[str], list[Any] | None]] = [
    # concat joins the last axis: the features, or with channels_first the last column
    ("concat", VIDEO + _bi(CONV + "}"), [], [2, 4, 3, 8]),
    (
        "concat-sequences-states",
        VIDEO + _bi(CONV + ", return_sequences: true, return_state: true}"),
        [],
        [2, 3, 4, 3, 8],
    ),
    ("concat-first", FIRST + _bi(CONV + ", data_format: channels_first}"), [], [2, 4, 4, 6]),
    (
        "sum-first-sequences",
        FIRST
        + _bi(CONV + ", data_format: channels_first, return_sequences: true}", merge_mode="sum"),
        [],
        [2, 3, 4, 4, 3],
    ),
    ("mul", VIDEO + _bi(CONV + "}", merge_mode="mul"), [], [2, 4, 3, 4]),
    (
        "ave-1d",
        "framework: keras\ninputs: {x: [2, 3, 6, 2]}\n"
        + _bi("{type: ConvLSTM1D, filters: 4, kernel_size: 3}", merge_mode="ave"),
        [],
        [2, 4, 4],
    ),
    (
        "null-states",
        VIDEO + _bi(CONV + ", return_state: true}", merge_mode=None),
        [],
        None,
    ),
    (
        "3d",
        "framework: keras\ninputs: {x: [2, 2, 5, 6, 7, 2]}\n"
        + _bi("{type: ConvLSTM3D, filters: 2, kernel_size: 3, return_sequences: true}"),
        [],
        [2, 2, 3, 4, 5, 4],
    ),
    # a backward_layer of other filters or window
    (
        "other-filters-concat",
        VIDEO + _bi(CONV + "}", backward="filters: 2, kernel_size: 3"),
        ["LS350"],
        [2, 4, 3, 6],
    ),
    (
        "other-filters-first",
        FIRST
        + _bi(
            CONV + ", data_format: channels_first}",
            backward="filters: 2, kernel_size: 3, data_format: channels_first",
        ),
        ["LS310"],
        None,
    ),
    (
        "other-kernel",
        VIDEO + _bi(CONV + "}", backward="filters: 4, kernel_size: 1"),
        ["LS310"],
        None,
    ),
    (
        "other-kernel-null",
        VIDEO + _bi(CONV + "}", merge_mode=None, backward="filters: 4, kernel_size: 1"),
        ["LS350"],
        None,
    ),
    (
        "one-filter-sum",
        VIDEO + _bi(CONV + "}", merge_mode="sum", backward="filters: 1, kernel_size: 3"),
        [],
        [2, 4, 3, 4],
    ),
    (
        "forward-one-filter-sum",
        VIDEO
        + _bi(
            "{type: ConvLSTM2D, filters: 1, kernel_size: 3}",
            merge_mode="sum",
            backward="filters: 4, kernel_size: 3",
        ),
        ["LS350"],
        [2, 4, 3, 4],
    ),
    (
        "backward-1d",
        VIDEO
        + _bi(CONV + "}", backward="filters: 4, kernel_size: 3").replace(
            "{type: ConvLSTM2D, go", "{type: ConvLSTM1D, go"
        ),
        ["LS302"],
        None,
    ),
    (
        "backward-forwards",
        VIDEO
        + _bi(CONV + "}", backward="filters: 4, kernel_size: 3").replace(
            "go_backwards: true", "go_backwards: false"
        ),
        ["LS108"],
        None,
    ),
    # Keras's constructor and build
    ("go-backwards", VIDEO + _bi(CONV + ", go_backwards: true}"), ["LS108"], None),
    (
        "stateful-state",
        VIDEO + _bi(CONV + ", stateful: true, return_state: true}"),
        ["LS108"],
        None,
    ),
    ("stateful", VIDEO + _bi(CONV + ", stateful: true}"), [], [2, 4, 3, 8]),
    (
        "stateful-open-batch",
        "framework: keras\n" + _bi(CONV + ", stateful: true}", input_shape=[3, 6, 5, 2]),
        ["LS309"],
        None,
    ),
    ("rank", "framework: keras\ninputs: {x: [2, 3, 6, 2]}\n" + _bi(CONV + "}"), ["LS302"], None),
    ("filters", VIDEO + _bi("{type: ConvLSTM2D, filters: -1, kernel_size: 3}"), ["LS108"], None),
    ("window", VIDEO + _bi(CONV.replace("3", "9") + "}"), ["LS320"], None),
    # initial states: the first half forwards, the rest backwards
    (
        "states",
        STATES + _bi(CONV + "}", input="x", initial_state=["h", "h", "h", "h"]),
        [],
        [2, 4, 3, 8],
    ),
    ("two-states", STATES + _bi(CONV + "}", input="x", initial_state=["h", "h"]), ["LS304"], None),
    ("five-states", STATES + _bi(CONV + "}", input="x", initial_state=["h"] * 5), ["LS304"], None),
    (
        "six-states-unrolled",
        STATES + _bi(CONV + ", unroll: true}", input="x", initial_state=["h"] * 6),
        ["LS409"],
        [2, 4, 3, 8],
    ),
    (
        "wrong-h",
        STATES + _bi(CONV + "}", input="x", initial_state=["w", "h", "h", "h"]),
        ["LS303"],
        None,
    ),
    (
        "wrong-c",
        STATES + _bi(CONV + "}", input="x", initial_state=["h", "h", "h", "w"]),
        ["LS303"],
        None,
    ),
    # the call's mask, and a Masking layer's (one entry per pixel)
    ("mask", MASKED + _bi(CONV + ", return_sequences: true}", input="x", mask="m"), [], None),
    ("mask-unrolled", MASKED + _bi(CONV + ", unroll: true}", input="x", mask="m"), ["LS311"], None),
    ("mask-short", MASKED + _bi(CONV + "}", input="x", mask="short"), ["LS318"], None),
]


def _masking(layer: str) -> str:
    return VIDEO + f"layers:\n  - {{type: Masking}}\n  - {{type: Bidirectional, layer: {layer}}}\n"


CASES += [
    ("masking-same", _masking(CONV + ", padding: same}"), [], None),
    ("masking-valid", _masking(CONV + "}"), ["LS318"], None),
    ("masking-unrolled", _masking(CONV + ", padding: same, unroll: true}"), ["LS318"], None),
    (
        "masking-one-pixel",
        "framework: keras\ninputs:\n  x: [2, 3, 3, 3, 2]\nlayers:\n  - {type: Masking}\n"
        f"  - {{type: Bidirectional, layer: {CONV}}}}}\n",
        ["LS318"],
        None,
    ),
    (
        "time-distributed",
        "framework: keras\ninputs: {x: [2, 5, 3, 6, 2]}\nlayers:\n  - {type: TimeDistributed, "
        "layer: {type: Bidirectional, layer: {type: ConvLSTM1D, filters: 4, kernel_size: 3}}}\n",
        [],
        [2, 5, 4, 8],
    ),
]


def _report(text: str) -> Any:
    (report,) = check_text(text, "spec.yaml")
    return report


@pytest.mark.parametrize(
    ("text", "expected", "output"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_lstmshape_reports(text: str, expected: list[str], output: list[Any] | None) -> None:
    report = _report(text)
    assert [d.code for d in report.diagnostics] == expected
    if output is not None:
        assert list(report.layers[-1].tensors["output"]) == output


WIDENED = ("masking-one-pixel",)
"""Cases where Keras runs but returns another shape than it declares (see below)."""


@pytest.mark.parametrize(
    "text",
    [c[1] for c in CASES if c[0] not in WIDENED],
    ids=[c[0] for c in CASES if c[0] not in WIDENED],
)
def test_keras_agrees(text: str) -> None:
    pytest.importorskip("keras")
    from tests.oracle.cases import Case
    from tests.oracle.compare import disagreements, lstmshape_report
    from tests.oracle.keras_runner import run_keras
    from tests.oracle.test_keras_oracle import KERAS

    spec = yaml.safe_load(text)
    case = Case(0, spec, [run_keras(spec, {})])
    report = lstmshape_report(spec)
    assert disagreements(case, report, KERAS.framework_warnings, KERAS.failure_warnings) == [], (
        case.runs[0].error
    )


def test_a_pixel_mask_widens_a_one_pixel_step_unlike_the_model_keras_declares() -> None:
    """LS318 on masking-one-pixel: each step's (3, 3) mask entries broadcast over the
    step's (1, 1) output, so Keras returns frames of 3 x 3 where its model says 1 x 1."""
    keras = pytest.importorskip("keras")
    import torch

    def layer() -> Any:
        return keras.layers.Bidirectional(keras.layers.ConvLSTM2D(4, 3))

    x = keras.Input(batch_shape=(2, 3, 3, 3, 2))
    assert tuple(layer()(keras.layers.Masking()(x)).shape) == (2, 1, 1, 8)
    frames = keras.layers.Masking()(torch.zeros(2, 3, 3, 3, 2))
    with torch.no_grad():
        assert tuple(layer()(frames).shape) == (2, 3, 3, 8)
