"""MultiheadAttention: its tensors, parameters, and what torch rejects or misreads.

Each case is checked by lstmshape and, where torch is installed, by torch on
the same spec, so that a rule here is torch's and not a reading of its docs.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from tests.helpers import check_spec, codes, shapes
from tests.oracle.outcome import Run

_SEQUENCE = {"x": ["B", "T", 16]}
_ENCODER = {"name": "enc", "type": "LSTM", "input": "x", "input_size": 16, "hidden_size": 8,
            "batch_first": True}  # fmt: skip
_SELF = {"name": "att", "type": "nn.MultiheadAttention", "embed_dim": 8, "num_heads": 2,
         "batch_first": True, "input": "enc", "key": "enc", "value": "enc.output"}  # fmt: skip


def _torch(inputs: dict[str, list[Any]], *layers: dict[str, Any]) -> Run:
    pytest.importorskip("torch")
    from tests.oracle.cases import symbol_values
    from tests.oracle.torch_runner import run_torch

    spec = {"framework": "torch", "inputs": inputs, "layers": list(layers)}
    (values, _) = symbol_values(random.Random(0))
    return run_torch(spec, values)


def test_self_attention_over_a_batch_first_lstm_keeps_its_layout() -> None:
    report = check_spec(_SEQUENCE, _ENCODER, _SELF)
    assert codes(report) == []
    assert shapes(report, "att") == {
        "output": ("B", "T", 8),
        "attn_output_weights": ("B", "T", "T"),
    }
    run = _torch(_SEQUENCE, _ENCODER, _SELF)
    assert run.error is None
    values = run.values
    assert run.layers[1].tensors == {
        "output": (values["B"], values["T"], 8),
        "attn_output_weights": (values["B"], values["T"], values["T"]),
    }


@pytest.mark.parametrize(
    ("arguments", "params"),
    [
        ({}, 288),
        ({"bias": False}, 256),
        ({"add_bias_kv": True}, 304),
        ({"kdim": 4, "vdim": 6}, 240),
        ({"kdim": 4, "vdim": 6, "bias": False, "add_bias_kv": True}, 224),
    ],
)
def test_parameters_are_counted_as_torch_counts_them(
    arguments: dict[str, Any], params: int
) -> None:
    inputs = {"q": ["T", "B", 8], "k": ["S", "B", arguments.get("kdim", 8)],
              "v": ["S", "B", arguments.get("vdim", 8)]}  # fmt: skip
    layer = {"type": "MultiheadAttention", "embed_dim": 8, "num_heads": 2, "input": "q",
             "key": "k", "value": "v", **arguments}  # fmt: skip
    report = check_spec(inputs, layer)
    assert codes(report) == []
    assert report.params == params
    assert _torch(inputs, layer).layers[0].params == params


@pytest.mark.parametrize(
    ("inputs", "arguments", "tensors"),
    [
        ({"x": ["T", "B", 8]}, {"average_attn_weights": False},
         {"output": ("T", "B", 8), "attn_output_weights": ("B", 2, "T", "T")}),
        ({"x": ["T", "B", 8]}, {"add_bias_kv": True, "add_zero_attn": True},
         {"output": ("T", "B", 8), "attn_output_weights": ("B", "T", "T + 2")}),
        ({"x": ["T", 8]}, {"batch_first": True, "average_attn_weights": False},
         {"output": ("T", 8), "attn_output_weights": (2, "T", "T")}),
        ({"x": ["B", "T", 8]}, {"batch_first": True, "need_weights": False},
         {"output": ("B", "T", 8)}),
    ],
)  # fmt: skip
def test_the_weights_follow_the_call_and_the_appended_keys(
    inputs: dict[str, list[Any]], arguments: dict[str, Any], tensors: dict[str, Any]
) -> None:
    layer = {"type": "MultiheadAttention", "embed_dim": 8, "num_heads": 2, "key": "x",
             "value": "x", **arguments}  # fmt: skip
    report = check_spec(inputs, layer)
    assert codes(report) == []
    assert shapes(report, "multihead_attention") == tensors
    assert set(_torch(inputs, layer).layers[0].tensors) == set(tensors)


_CROSS: dict[str, list[Any]] = {
    "q": ["S", "B", 8],
    "memory": ["T", "B", 8],
    "pad": ["B", "T"],
    "mask": ["S", "T"],
}


@pytest.mark.parametrize(
    ("inputs", "arguments", "code"),
    [
        ({}, {"num_heads": 3}, "LS108"),
        ({}, {"num_heads": 0}, "LS108"),
        ({}, {"kdim": -1}, "LS108"),
        ({}, {"dropout": 1.5}, "LS108"),
        ({}, {"is_causal": True}, "LS108"),
        ({"q": ["S", "B", 6]}, {}, "LS301"),
        ({"memory": ["T", "B", 4]}, {}, "LS301"),
        ({"memory": ["T", "B", 4]}, {"kdim": 6, "vdim": 4}, "LS301"),
        ({"v": ["S", "B", 8]}, {"value": "v"}, "LS326"),
        ({"v": ["T", 1, 8]}, {"value": "v"}, "LS326"),
        ({"q": ["S", 1, 8]}, {}, "LS326"),
        ({"memory": ["T", 8]}, {}, "LS302"),
        ({"q": ["S", "B", 1, 8]}, {}, "LS302"),
        ({"pad": ["T", "B"]}, {"key_padding_mask": "pad"}, "LS326"),
        ({"pad": ["T"]}, {"key_padding_mask": "pad"}, "LS302"),
        ({"mask": ["T", "S"]}, {"attn_mask": "mask"}, "LS326"),
        ({"mask": ["B", "S", "T"]}, {"attn_mask": "mask"}, "LS326"),
        ({"mask": [1, "B", "S", "T"]}, {"attn_mask": "mask"}, "LS302"),
        ({"q": ["S", 8], "memory": ["T", 8], "mask": [1, "S", "T"]}, {"attn_mask": "mask"},
         "LS326"),
    ],
)  # fmt: skip
def test_what_torch_rejects_is_an_error_on_the_layer(
    inputs: dict[str, list[Any]], arguments: dict[str, Any], code: str
) -> None:
    spec_inputs = {**_CROSS, **inputs}
    layer = {"name": "att", "type": "MultiheadAttention", "embed_dim": 8, "num_heads": 2,
             "input": "q", "key": "memory", "value": "memory", **arguments}  # fmt: skip
    report = check_spec(spec_inputs, layer)
    assert codes(report) == [code]
    assert _torch(spec_inputs, layer).failed_at == 0


@pytest.mark.parametrize(
    "arguments",
    [
        {"attn_mask": "mask", "key_padding_mask": "pad"},
        {"attn_mask": "heads"},  # (N*num_heads, L, S)
        {"attn_mask": "mask", "is_causal": True},
        # torch drops attn_mask unread: is_causal, no key_padding_mask, no weights
        {"attn_mask": "pad", "is_causal": True, "need_weights": False},
    ],
)
def test_masks_torch_accepts_are_accepted(arguments: dict[str, Any]) -> None:
    inputs = {**_CROSS, "heads": ["2*B", "S", "T"]}
    layer = {"name": "att", "type": "MultiheadAttention", "embed_dim": 8, "num_heads": 2,
             "input": "q", "key": "memory", "value": "memory", **arguments}  # fmt: skip
    assert codes(check_spec(inputs, layer)) == []
    assert _torch(inputs, layer).error is None


def test_reading_a_sequence_with_the_other_batch_first_is_ls405_and_torch_runs_it() -> None:
    layer = {**_SELF, "batch_first": False}
    report = check_spec(_SEQUENCE, _ENCODER, layer)
    assert codes(report) == ["LS405"]
    assert "give att batch_first: true" in (report.diagnostics[0].hint or "")
    assert shapes(report, "att")["attn_output_weights"] == ("T", "B", "B")
    assert _torch(_SEQUENCE, _ENCODER, layer).error is None


def test_a_reused_attention_is_called_on_other_tensors_and_counted_once() -> None:
    inputs = {"a": ["T", "B", 8], "b": ["S", "B", 8]}
    first = {"name": "att", "type": "MultiheadAttention", "embed_dim": 8, "num_heads": 2,
             "input": "a", "key": "a", "value": "a"}  # fmt: skip
    again = {"name": "again", "reuse": "att", "input": "b", "key": "a", "value": "a"}
    report = check_spec(inputs, first, again)
    assert codes(report) == []
    assert shapes(report, "again")["output"] == ("S", "B", 8)
    assert report.params == 288
    assert _torch(inputs, first, again).error is None


def test_a_reused_attention_takes_the_calls_arguments_of_its_own_call() -> None:
    inputs = {"a": ["T", "B", 8]}
    first = {"name": "att", "type": "MultiheadAttention", "embed_dim": 8, "num_heads": 2,
             "input": "a", "key": "a", "value": "a", "need_weights": False}  # fmt: skip
    again = {"name": "again", "reuse": "att", "input": "a", "key": "a", "value": "a",
             "average_attn_weights": False}  # fmt: skip
    report = check_spec(inputs, first, again)
    assert codes(report) == []
    assert shapes(report, "att") == {"output": ("T", "B", 8)}
    assert shapes(report, "again")["attn_output_weights"] == ("B", 2, "T", "T")
    run = _torch(inputs, first, again)
    assert set(run.layers[1].tensors) == {"output", "attn_output_weights"}
