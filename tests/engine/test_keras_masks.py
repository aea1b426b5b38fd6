"""Masks from a Masking layer: passed on, replaced, dropped and refused as Keras 3 does.

Each spec states what Keras 3.15.1 (torch backend) does when the model runs
on zero tensors; where Keras is installed the spec is also run through the
oracle's comparison.
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
    return report_to_json(check_text(text, "masks.yaml")[0])


def _errors(report: dict[str, Any]) -> list[tuple[str, str]]:
    return [(d["layer"], d["code"]) for d in report["diagnostics"] if d["severity"] == "error"]


def _spec(*layers: str) -> str:
    return "framework: keras\ninputs: {x: [B, 5, 3]}\nlayers:\n" + "".join(
        f"- {layer}\n" for layer in layers
    )


_MASK = "{name: pad, type: Masking}"
_SOFTMAX = "{name: probe, type: Softmax}"

SPECS = {
    # The mask reaches the Softmax through every layer that passes it on.
    "through-norms": (
        _spec(
            _MASK,
            "{type: BatchNormalization}",
            "{type: LayerNormalization}",
            "{type: PReLU, shared_axes: [1]}",
            "{type: SpatialDropout1D, rate: 0.1}",
            "{type: GaussianNoise, stddev: 0.1}",
            "{type: LSTM, units: 4, return_sequences: true}",
            "{type: LeakyReLU}",
            _SOFTMAX,
        ),
        [("probe", "LS318")],
    ),
    "no-mask": (_spec("{type: LSTM, units: 4, return_sequences: true}", _SOFTMAX), []),
    # The last output of a recurrent layer has no mask, nor has RepeatVector's.
    "dropped-by-last-output": (_spec(_MASK, "{type: GRU, units: 4}", _SOFTMAX), []),
    "dropped-by-repeat": (
        _spec(_MASK, "{type: GRU, units: 4}", "{type: RepeatVector, n: 2}", _SOFTMAX),
        [],
    ),
    "unrolled-backwards": (
        _spec(_MASK, "{name: probe, type: GRU, units: 4, unroll: true, go_backwards: true}"),
        [("probe", "LS311")],
    ),
}


@pytest.mark.parametrize("name", list(SPECS))
def test_a_masking_layers_mask_is_tracked(name: str) -> None:
    text, errors = SPECS[name]
    assert _errors(_report(text)) == errors


def test_the_messages_name_the_masking_layer() -> None:
    report = _report(SPECS["unrolled-backwards"][0])
    (diagnostic,) = report["diagnostics"]
    assert "pad is a Masking layer" in diagnostic["message"]
    assert diagnostic["hint"].endswith("or the Masking layer pad")


def test_a_masking_layer_replaces_an_embeddings_mask() -> None:
    text = (
        "framework: keras\ninputs: {tokens: [B, 5]}\nlayers:\n"
        "- {type: Embedding, input_dim: 10, output_dim: 3, mask_zero: true}\n"
        f"- {_MASK}\n- {_SOFTMAX}\n"
    )
    (diagnostic,) = _report(text)["diagnostics"]
    assert "the mask of pad (a Masking layer)" in diagnostic["message"]


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
    assert disagreements(Case(0, spec, runs), _report(text), ("LS408",)) == []


# What Keras does at run time with a call's mask= of each shape (zero tensors).
CALL_MASKS = {
    "right": ("[2, 5]", []),
    "trailing-one": ("[2, 5, 1]", []),
    "longer": ("[2, 6]", []),
    "batch-one": ("[1, 5]", []),
    "shorter": ("[2, 4]", [("probe", "LS318")]),
    "one-dimensional": ("[2]", [("probe", "LS318")]),
    "features": ("[2, 5, 3]", [("probe", "LS318")]),
    "other-batch": ("[3, 5]", [("probe", "LS318")]),
}
CALLED = {
    "gru": "{type: GRU, units: 4",
    "bidirectional": "{type: Bidirectional, layer: {type: LSTM, units: 2}",
}


def _call_spec(mask: str, layer: str) -> str:
    return (
        f"framework: keras\ninputs: {{x: [2, 5, 3], m: {mask}}}\nlayers:\n"
        f"- {{name: probe, input: x, {layer[1:]}, mask: m}}\n"
    )


@pytest.mark.parametrize("layer", list(CALLED))
@pytest.mark.parametrize("name", list(CALL_MASKS))
def test_a_calls_mask_is_checked_as_keras_runs_it(name: str, layer: str) -> None:
    mask, errors = CALL_MASKS[name]
    assert _errors(_report(_call_spec(mask, CALLED[layer]))) == errors


@pytest.mark.parametrize("layer", list(CALLED))
@pytest.mark.parametrize("name", list(CALL_MASKS))
def test_keras_agrees_on_a_calls_mask(name: str, layer: str) -> None:
    os.environ.setdefault("KERAS_BACKEND", "torch")
    pytest.importorskip("keras")
    from tests.oracle.cases import Case
    from tests.oracle.compare import disagreements
    from tests.oracle.keras_runner import run_keras

    text = _call_spec(CALL_MASKS[name][0], CALLED[layer])
    spec = yaml.safe_load(text)
    runs = [run_keras(spec, {})]
    assert disagreements(Case(0, spec, runs), _report(text), ("LS408",)) == []


def test_a_calls_mask_reaches_the_layers_after_it() -> None:
    text = _call_spec("[2, 5]", "{type: GRU, units: 4, return_sequences: true")
    report = _report(text + "- {name: soft, type: Softmax}\n")
    assert _errors(report) == [("soft", "LS318")]
    assert "the mask of m (the mask: given to probe)" in report["diagnostics"][0]["message"]
