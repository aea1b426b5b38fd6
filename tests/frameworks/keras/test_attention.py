"""Keras's attention layers on specs around recurrent layers, against Keras itself.

Each spec is checked by lstmshape and run by the oracle's Keras runner (eagerly, on
zero tensors: Keras checks attention shapes only when it runs), and the two must
agree on every tensor, parameter count, failing layer and warning.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.oracle.cases import Case
from tests.oracle.compare import disagreements, lstmshape_report

os.environ.setdefault("KERAS_BACKEND", "torch")

VALUES = ({"B": 2, "T": 5, "S": 3}, {"B": 3, "T": 4, "S": 6})


def _agree(spec: dict[str, Any]) -> dict[str, Any]:
    pytest.importorskip("keras")
    from tests.oracle.keras_runner import run_keras

    case = Case(0, spec, [run_keras(spec, dict(values)) for values in VALUES])
    report = lstmshape_report(spec)
    assert disagreements(case, report, ("LS408", "LS325")) == []
    return report


def _codes(report: dict[str, Any]) -> list[str]:
    return [d["code"] for d in report["diagnostics"]]


def _spec(*layers: dict[str, Any], tokens: bool = False) -> dict[str, Any]:
    return {
        "framework": "keras",
        "inputs": {"x": ["B", "T"] if tokens else ["B", "T", 4]},
        "layers": list(layers),
    }


LSTM = {"name": "lstm", "type": "LSTM", "units": 6, "return_sequences": True}


def test_the_query_mask_passes_to_the_output_and_on_to_a_layer_that_drops_it() -> None:
    embedding = {"type": "Embedding", "input_dim": 10, "output_dim": 4, "mask_zero": True}
    for attention in (
        {"type": "Attention", "input": ["lstm", "lstm"]},
        {"type": "MultiHeadAttention", "num_heads": 2, "key_dim": 3, "value": "lstm"},
    ):
        conv = {"type": "Conv1D", "filters": 2, "kernel_size": 1}
        report = _agree(_spec(embedding, LSTM, attention, conv, tokens=True))
        assert _codes(report) == ["LS325"]  # Conv1D drops the mask the attention passed on


def test_self_attention_over_an_lstm_and_its_scores() -> None:
    report = _agree(
        _spec(
            LSTM,
            {
                "name": "attention",
                "type": "AdditiveAttention",
                "input": ["lstm", "lstm"],
                "return_attention_scores": True,
            },
            {"type": "GlobalAveragePooling1D"},
        )
    )
    assert _codes(report) == []
    assert report["layers"][1]["tensors"]["attention_scores"] == ["B", "T", "T"]
    assert report["layers"][1]["params"] == 6


def test_keys_of_another_length_fail_where_keras_fails() -> None:
    def five_steps(*layers: dict[str, Any]) -> dict[str, Any]:
        spec = _spec(*layers)
        spec["inputs"]["x"][1] = 5  # a slice of a symbol's steps has steps lstmshape cannot know
        return spec

    attention = {"type": "Attention", "input": ["lstm", "lstm", "lstm[:, 1:]"]}
    assert _codes(_agree(five_steps(LSTM, attention))) == ["LS326"]
    heads = {"type": "MultiHeadAttention", "num_heads": 2, "key_dim": 3, "value": "lstm"}
    assert _codes(_agree(five_steps(LSTM, {**heads, "key": "lstm[:, 1:]"}))) == ["LS326"]


def test_a_query_and_value_of_different_features_fail_for_attention_not_for_heads() -> None:
    value = {"name": "value", "type": "Dense", "units": 3, "input": "lstm"}
    attention = {"type": "Attention", "input": ["lstm", "value"]}
    assert _codes(_agree(_spec(LSTM, value, attention))) == ["LS301"]
    heads = {"type": "MultiHeadAttention", "num_heads": 2, "key_dim": 3, "value": "value"}
    report = _agree(_spec(LSTM, value, {**heads, "input": "lstm"}))
    assert _codes(report) == []
    assert report["layers"][2]["tensors"]["output"] == ["B", "T", 6]


def test_the_last_step_as_a_value_is_a_rank_error() -> None:
    """Keras runs it, mixing the batch into the scores: lstmshape's documented choice."""
    from lstmshape.runner import check_text

    text = (
        "framework: keras\ninputs:\n  x: [B, T, 4]\nlayers:\n"
        "  - {name: lstm, type: LSTM, units: 6, return_sequences: true}\n"
        "  - {type: Attention, input: ['lstm', 'lstm[:, -1]']}\n"
    )
    (report,) = check_text(text, "spec.yaml")
    assert [d.code for d in report.diagnostics] == ["LS302"]


def test_attention_axes_outside_the_steps_are_rejected_where_keras_reads_them() -> None:
    """Axis 2 of a 3-D query is the heads' axis once projected: Keras fails when it runs,
    where it computes the scores itself (it returns them, or drops some); else its fused
    attention reads no attention_axes."""
    spec = {
        "framework": "keras",
        "inputs": {"q": ["B", 5, 8], "v": ["B", 7, 6]},
        "layers": [
            {
                "type": "MultiHeadAttention",
                "input": "q",
                "value": "v",
                "num_heads": 2,
                "key_dim": 3,
                "attention_axes": 2,
            }
        ],
    }
    assert _codes(_agree(spec)) == []
    spec["layers"][0]["return_attention_scores"] = True
    assert _codes(_agree(spec)) == ["LS108"]
    spec["layers"][0].update(return_attention_scores=False, dropout=0.1)
    assert _codes(_agree(spec)) == ["LS108"]


def test_a_mask_of_more_steps_than_a_single_step_fails_as_in_keras() -> None:
    """A step of 1 does not broadcast to a mask's 3 steps: Keras fails when it runs."""
    spec = {
        "framework": "keras",
        "inputs": {"q": ["B", 1, 4], "m": ["B", 3]},
        "layers": [{"type": "Attention", "input": ["q", "q"], "mask": ["m", "m"]}],
    }
    assert _codes(_agree(spec)) == ["LS318"]
    spec["inputs"]["m"] = ["B", 1]
    assert _codes(_agree(spec)) == []


@pytest.mark.parametrize("kind", ["Attention", "AdditiveAttention"])
def test_a_causal_mask_on_two_dimensions_adds_the_axis_keras_adds_when_it_runs(kind: str) -> None:
    # Keras's causal mask is (1, Tq, Tv): on a query of (B, dim) the batch is the steps,
    # and the mask broadcasts the output to (1, B, dim) (oracle seed 855525).
    last = {"name": "last", "type": "LSTM", "units": 6}
    attention = {
        "name": "attention",
        "type": kind,
        "input": ["last", "last"],
        "use_causal_mask": True,
        "return_attention_scores": True,
    }
    report = _agree(_spec(last, attention))
    tensors = report["layers"][1]["tensors"]
    assert tensors == {"output": [1, "B", 6], "attention_scores": [1, "B", "B"]}
    (warning,) = report["diagnostics"]
    assert warning["code"] == "LS414"
    assert "with use_causal_mask it returns [1, B, 6] when it runs" in warning["message"]


@pytest.mark.parametrize("sequences", [False, True])
def test_a_query_without_steps_attends_across_the_batch_and_is_warned(sequences: bool) -> None:
    # (B, dim) is (steps, dim) to Keras: scores (B, B), every sample attends to the
    # others, and nothing fails. Only a query with a steps axis is silent.
    lstm = {"name": "lstm", "type": "LSTM", "units": 6, "return_sequences": sequences}
    attention = {"type": "Attention", "input": ["lstm", "lstm"], "return_attention_scores": True}
    report = _agree(_spec(lstm, attention))
    if sequences:
        assert _codes(report) == []
        return
    assert report["layers"][1]["tensors"]["attention_scores"] == ["B", "B"]
    (warning,) = report["diagnostics"]
    assert warning["code"] == "LS414"
    assert "each sample of the batch attends to the others" in warning["message"]
    assert "use_causal_mask" not in warning["message"]


def test_a_key_of_one_step_spreads_over_the_value_steps_its_mask_gives() -> None:
    # Keras adds the value mask to the scores as (B, 1, Tv): a key of 1 step then scores
    # every value step, and the model runs (oracle seed 805865); without a mask it fails.
    embedding = {"type": "Embedding", "input_dim": 10, "output_dim": 4, "mask_zero": True}
    attention = {
        "name": "attention",
        "type": "Attention",
        "input": ["lstm", "lstm", "lstm[:, :1]"],
        "return_attention_scores": True,
    }
    masked = _spec(embedding, LSTM, attention, tokens=True)
    masked["inputs"] = {"x": ["B", 5]}
    assert _agree(masked)["layers"][2]["tensors"] == {
        "output": ["B", 5, 6],
        "attention_scores": ["B", 5, 5],
    }
    unmasked = _spec(LSTM, attention)
    unmasked["inputs"] = {"x": ["B", 5, 4]}
    assert _codes(_agree(unmasked)) == ["LS326"]
