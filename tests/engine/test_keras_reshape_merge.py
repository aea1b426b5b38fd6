"""Keras's reshaping, step and merge layers, their masks, and Input written as a layer.

Each spec states the diagnostics lstmshape gives, which is what Keras 3.15.1
(torch backend) does; where Keras is installed each spec also runs through
the oracle's comparison, tensor by tensor, with Keras's warnings.
"""

from __future__ import annotations

import os
import random
from typing import Any

import pytest
import yaml

from lstmshape.reporters.json import report_to_json
from lstmshape.runner import check_text


def _report(text: str) -> dict[str, Any]:
    return report_to_json(check_text(text, "reshape.yaml")[0])


def _codes(report: dict[str, Any]) -> list[tuple[str, str]]:
    return [(d["layer"], d["code"]) for d in report["diagnostics"]]


def _spec(inputs: str, *layers: str) -> str:
    return f"framework: keras\ninputs: {inputs}\nlayers:\n" + "".join(f"- {x}\n" for x in layers)


_SEQ = "{x: [B, 5, 4]}"
_MASK = "{name: pad, type: Masking}"
_CONV = "{name: probe, type: Conv1D, filters: 2, kernel_size: 1}"
_DENSE = "{name: d, type: Dense, units: 4}"

SPECS = {
    # Every reshaping and step layer drops a mask, with Keras's warning.
    **{
        kind: (_spec(_SEQ, _MASK, f"{{name: probe, {layer}}}"), [("probe", "LS325")])
        for kind, layer in {
            "reshape": "type: Reshape, target_shape: [-1, 2]",
            "permute": "type: Permute, dims: [2, 1]",
            "flatten": "type: Flatten",
            "zero-padding": "type: ZeroPadding1D",
            "cropping": "type: Cropping1D",
            "upsampling": "type: UpSampling1D",
        }.items()
    },
    "global-pooling-2d": (
        _spec(
            "{x: [B, 5, 4]}",
            _MASK,
            "{type: Reshape, target_shape: [5, 2, 2]}",
            "{name: probe, type: GlobalMaxPooling2D}",
        ),
        [("reshape", "LS325")],
    ),
    # A merge layer keeps a mask only when every input has one (Keras ORs them) ...
    "merge-of-masked": (
        _spec(_SEQ, _MASK, _DENSE, "{type: Add, input: [pad, d]}", _CONV),
        [("probe", "LS325")],
    ),
    "maximum-of-masked": (
        _spec(_SEQ, _MASK, _DENSE, "{type: Maximum, input: [pad, d]}", _CONV),
        [("probe", "LS325")],
    ),
    "merge-of-one-masked": (
        _spec(_SEQ, _MASK, _DENSE, "{type: Subtract, input: [x, d]}", _CONV),
        [],
    ),
    # ... and Dot never returns one.
    "dot-of-masked": (
        _spec(_SEQ, _MASK, _DENSE, "{type: Dot, input: [pad, d], axes: 1}", _CONV),
        [],
    ),
    # Broadcasting as Merge.build: aligned from the right, the batch never.
    "merge-rank-broadcast": (
        _spec("{x: [B, 5, 4], y: [B, 4], z: [B, 1]}", "{name: probe, type: Add, input: [x, y, z]}"),
        [],
    ),
    "merge-rank-mismatch": (
        _spec("{x: [B, 5, 4], y: [B, 5]}", "{name: probe, type: Multiply, input: [x, y]}"),
        [("probe", "LS313")],
    ),
    "merge-batch-mismatch": (
        _spec("{x: [2, 5, 4], y: [3, 1, 4]}", "{name: probe, type: Average, input: [x, y]}"),
        [("probe", "LS313")],
    ),
    "dot-of-unknown-and-known": (
        _spec(
            "{x: [2, null, 4], y: [2, 4, 4]}",
            "{name: probe, type: Dot, input: [x, y], axes: [1, 2]}",
        ),
        [("probe", "LS313")],
    ),
    "dot-of-unknowns": (
        _spec(
            "{x: [2, null, 4], y: [2, null, 3]}", "{name: probe, type: Dot, input: [x, y], axes: 1}"
        ),
        [],
    ),
    "dot-over-the-batch": (
        _spec("{x: [2, 5, 4]}", "{name: probe, type: Dot, input: [x, x], axes: -3}"),
        [("probe", "LS108")],  # Keras takes an int modulo the rank: -3 is the batch axis
    ),
    # Symbolic sizes multiply exactly; a -1 that leaves a remainder for some T is LS312.
    "reshape-symbolic": (
        _spec("{x: [B, T, 6]}", "{name: probe, type: Reshape, target_shape: [-1, 2, 3]}"),
        [],
    ),
    "reshape-remainder": (
        _spec("{x: [B, 5, 6]}", "{name: probe, type: Reshape, target_shape: [-1, 4]}"),
        [("probe", "LS312")],
    ),
    # TimeDistributed holds the 2-D global pooling over frames (a video classifier).
    "frames": (
        _spec(
            "{x: [B, T, 6, 5, 3]}",
            "{type: TimeDistributed, layer: {type: GlobalAveragePooling2D}}",
            "{type: LSTM, units: 4}",
        ),
        [],
    ),
    "cropping-too-much": (
        _spec("{x: [B, 3, 4]}", "{name: probe, type: Cropping1D, cropping: [2, 1]}"),
        [("probe", "LS320")],
    ),
}


@pytest.mark.parametrize("name", list(SPECS))
def test_the_layers_are_checked_as_keras_does(name: str) -> None:
    text, expected = SPECS[name]
    assert _codes(_report(text)) == expected


@pytest.mark.parametrize("name", list(SPECS))
def test_keras_agrees(name: str) -> None:
    os.environ.setdefault("KERAS_BACKEND", "torch")
    pytest.importorskip("keras")
    from tests.oracle.cases import Case, symbol_values
    from tests.oracle.compare import disagreements
    from tests.oracle.keras_runner import run_keras

    text = SPECS[name][0]
    spec = yaml.safe_load(text)
    runs = [run_keras(spec, values) for values in symbol_values(random.Random(0))]
    assert disagreements(Case(0, spec, runs), _report(text), ("LS408", "LS325")) == []


def test_symbolic_sizes_multiply_exactly() -> None:
    text = _spec(
        "{x: [B, T, 6]}",
        "{name: r, type: Reshape, target_shape: [-1, 2, 3]}",
        "{name: f, type: Flatten}",
        "{name: u, type: UpSampling1D, input: x}",
        "{name: z, type: ZeroPadding1D, padding: [0, 3]}",
    )
    tensors = {layer["name"]: layer["tensors"]["output"] for layer in _report(text)["layers"]}
    assert tensors == {
        "r": ["B", "T", 2, 3],
        "f": ["B", "6*T"],
        "u": ["B", "2*T", 6],
        "z": ["B", "2*T + 3", 6],
    }


INPUT_LAYERS = {
    "shape": ("{type: Input, shape: [10, 8]}", "x: [B, 10, 8]", "[10, 8]"),
    "batch-size": (
        "{type: InputLayer, shape: [null, 8], batch_size: 32, name: tokens}",
        "tokens: [32, null, 8]",
        "[null, 8]",
    ),
    "batch-shape": (
        "{type: keras.Input, batch_shape: [16, 10, 8]}",
        "x: [16, 10, 8]",
        "[10, 8]",
    ),
    "one-dimension": ("{type: layers.Input, shape: 12}", "x: [B, 12]", "[12]"),
}


@pytest.mark.parametrize("name", list(INPUT_LAYERS))
def test_input_written_as_a_layer_says_how_to_declare_it(name: str) -> None:
    layer, declared, input_shape = INPUT_LAYERS[name]
    text = f"framework: keras\nlayers:\n- {layer}\n- {{type: LSTM, units: 4}}\n"
    (diagnostic,) = _report(text)["diagnostics"]
    assert (diagnostic["code"], diagnostic["line"], diagnostic["column"]) == ("LS331", 3, 10)
    assert f"inputs: ({declared}," in diagnostic["hint"]
    assert f"input_shape: {input_shape} (the batch excluded)" in diagnostic["hint"]


def test_a_type_named_like_input_is_still_unknown() -> None:
    text = "framework: keras\ninputs: {x: [B, 3]}\nlayers:\n- {type: Inputs}\n"
    assert [d["code"] for d in _report(text)["diagnostics"]] == ["LS104"]


_BATCHED = "input_shape: [null, 10, 8]"


@pytest.mark.parametrize(
    ("inputs", "layer", "code"),
    [
        ("", f"{{type: Conv1D, filters: 2, kernel_size: 1, {_BATCHED}}}", "LS302"),
        ("", f"{{type: Permute, dims: [2, 1], {_BATCHED}}}", "LS302"),
        ("inputs: {x: [B, 10, 8]}\n", f"{{type: Dense, units: 2, {_BATCHED}}}", "LS307"),
    ],
)
def test_an_input_shape_with_the_batch_gets_the_hint(inputs: str, layer: str, code: str) -> None:
    (diagnostic,) = _report(f"framework: keras\n{inputs}layers:\n- {layer}\n")["diagnostics"]
    assert diagnostic["code"] == code
    assert (
        "input_shape excludes the batch (Keras adds it): write input_shape: [10, 8]"
        in (diagnostic["hint"])
    )
