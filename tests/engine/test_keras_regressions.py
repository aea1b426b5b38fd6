"""Disagreements the Keras oracle (tests/oracle) found, pinned as regular tests.

Each spec is the YAML the oracle printed, cut down.  The expected outcome is
what Keras 3.15.1 (torch backend) does, stated with each spec; where Keras
is installed the same spec is also run through the oracle's comparison.
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
    return report_to_json(check_text(text, "regression.yaml")[0])


def _codes(report: dict[str, Any], layer: str) -> list[str]:
    return sorted(d["code"] for d in report["diagnostics"] if d["layer"] == layer)


def _errors(report: dict[str, Any]) -> list[tuple[str, str]]:
    return [(d["layer"], d["code"]) for d in report["diagnostics"] if d["severity"] == "error"]


# Found on the oracle's first run, where lstmshape crashed (KeyError: 'output',
# reported as LS009).  A Bidirectional with merge_mode null returns
# [forward_output, backward_output]; a Sequential passes both to the next
# layer, which raises "Layer expects 1 input(s), but it received 2 input tensors".
MERGE_NULL_THEN_DEFAULT_INPUT = """
framework: keras
inputs: {x: [null, 10, 8]}
layers:
- name: bi
  type: Bidirectional
  merge_mode: null
  layer: {type: LSTM, units: 4, return_sequences: true}
- {name: lstm, type: LSTM, units: 3}
"""

# Oracle seeds 25, 63, 145, 276, 287.  Without backward_layer, Bidirectional
# makes the backward copy with go_backwards: true; a forward layer that already
# goes backwards makes it raise ValueError: "Forward layer and backward layer
# should have different `go_backwards` value".
GO_BACKWARDS_WITHOUT_BACKWARD_LAYER = """
framework: keras
inputs: {x: [B, T, 4]}
layers:
- name: bi
  type: Bidirectional
  layer: {type: SimpleRNN, units: 1, go_backwards: true}
  merge_mode: ave
"""

# Oracle seeds 74, 81, 155.  An LSTM or GRU ignores extra initial states, but a
# SimpleRNN that is not unrolled fails when it runs: ValueError
# "treespec.unflatten(leaves): `leaves` has length 1 but the spec refers to a
# pytree that holds 2 items".
SIMPLE_RNN_EXTRA_STATE = """
framework: keras
inputs: {x: [B, 6, 5], y: [B, S, 5]}
layers:
- {name: enc, type: SimpleRNN, units: 8, return_state: true, input: x}
- {name: dec, type: SimpleRNN, units: 8, input: y, initial_state: [enc.state_h, enc.state_h]}
"""

# Oracle seed 3496: the same with unroll: true runs (the unrolled loop takes
# the first state and ignores the rest), so only the LS409 warning remains.
SIMPLE_RNN_EXTRA_STATE_UNROLLED = SIMPLE_RNN_EXTRA_STATE.replace(
    "units: 8, input: y", "units: 8, unroll: true, input: y"
)

# Oracle seed 74.  A Bidirectional SimpleRNN given three states hands one to
# the forward layer and two to the backward one, which fails as above.
BIDIRECTIONAL_SIMPLE_RNN_THREE_STATES = """
framework: keras
inputs: {x: [B, T, 7], y: [B, S, 3]}
layers:
- {name: enc, type: SimpleRNN, units: 6, return_state: true, input: x}
- name: dec
  type: Bidirectional
  layer: {type: SimpleRNN, units: 6}
  input: y
  initial_state: [enc.state_h, enc.state_h, enc.state_h]
"""

# Oracle seed 1269.  Embedding checks input_dim and output_dim before it warns
# about input_length, so Keras raises ValueError and gives no warning.
EMBEDDING_BAD_SIZE_WITH_INPUT_LENGTH = """
framework: keras
layers:
- {name: embedding, type: Embedding, input_dim: 0, output_dim: 2, input_length: 5, input_shape: [6]}
"""

# Oracle seed 1808.  merge_mode ave of a 1-unit forward and a 2-unit backward
# SimpleRNN broadcasts: Keras runs it and returns (3, 2), i.e. (batch, 2).
# Parameters, hand-derived: forward 1*(4+1+1) = 6, backward 2*(4+2+1) = 14.
BROADCAST_MERGE = """
framework: keras
inputs: {x: [3, T, 4]}
layers:
- name: bi
  type: Bidirectional
  layer: {type: SimpleRNN, units: 1}
  merge_mode: ave
  backward_layer: {type: SimpleRNN, units: 2, go_backwards: true}
"""

# Oracle seeds 1633, 1878, 2835, 3436, 3571.  Bidirectional.compute_mask fails
# on a wrapped layer with stateful and return_state, symbolically and when run:
# TypeError "unsupported operand type(s) for *: 'generator' and 'int'".
STATEFUL_RETURN_STATE = """
framework: keras
inputs: {x: [2, 5, 3]}
layers:
- name: bi
  type: Bidirectional
  layer: {type: GRU, units: 3, return_state: true, stateful: true}
  merge_mode: sum
"""

# Keras 3 accepts (and ignores) implementation on LSTM and GRU, a Keras 2 speed
# setting; lstmshape reported LS101 (unknown key).  SimpleRNN rejects it:
# ValueError "Unrecognized keyword arguments passed to SimpleRNN".  Parameters,
# hand-derived: LSTM 4*4*(8+4+1) = 208, GRU 3*4*(8+4+2) = 168.
IMPLEMENTATION = """
framework: keras
inputs: {x: [null, 10, 8]}
layers:
- {name: lstm, type: LSTM, units: 4, implementation: 1}
- {name: gru, type: GRU, units: 4, input: x, implementation: 2}
"""
SIMPLE_RNN_IMPLEMENTATION = """
framework: keras
inputs: {x: [null, 10, 8]}
layers:
- {name: rnn, type: SimpleRNN, units: 4, implementation: 2}
"""

# Oracle seed 187737 (the one disagreement in seeds 100000-199999).  The mask
# of an Embedding with mask_zero reaches an unrolled Bidirectional through a
# Bidirectional and an LSTM with return_sequences; the backward copy of the
# unrolled GRU fails when it runs: AttributeError "'tuple' object has no
# attribute 'shape'" (Keras's unrolled loop calls torch.flip on a tuple of
# mask steps).  dropout: 1.5 is clipped by Keras (LS407), not an error.
MASKED_UNROLLED_BIDIRECTIONAL = """
framework: keras
inputs:
  x: [B, 6]
layers:
- {name: emb1, type: Embedding, input_dim: 4, output_dim: 1, mask_zero: true}
- name: bi2
  type: Bidirectional
  layer: {type: SimpleRNN, units: 6, return_sequences: true, return_state: false, use_bias: true}
  merge_mode: sum
  backward_layer: {type: GRU, units: 6, go_backwards: true, return_sequences: true}
  expect:
    output: [B, 6, 6]
- {type: layers.LSTM, units: 5, return_sequences: true}
- type: keras.layers.Bidirectional
  layer: {type: layers.GRU, units: 5, return_sequences: true, activation: linear, unroll: true,
          dropout: 1.5}
- {type: keras.layers.Dropout, rate: 0.5}
- name: td5
  type: keras.layers.TimeDistributed
  layer: {type: tf.keras.layers.Dense, units: 4, activation: softmax, use_bias: true}
"""

ERRORS = {
    "masked-unrolled-bidirectional": (MASKED_UNROLLED_BIDIRECTIONAL, "bidirectional", "LS311"),
    "simple-rnn-implementation": (SIMPLE_RNN_IMPLEMENTATION, "rnn", "LS101"),
    "merge-null-then-default-input": (MERGE_NULL_THEN_DEFAULT_INPUT, "lstm", "LS202"),
    "go-backwards-without-backward-layer": (GO_BACKWARDS_WITHOUT_BACKWARD_LAYER, "bi", "LS108"),
    "simple-rnn-extra-state": (SIMPLE_RNN_EXTRA_STATE, "dec", "LS304"),
    "bidirectional-simple-rnn-three-states": (
        BIDIRECTIONAL_SIMPLE_RNN_THREE_STATES,
        "dec",
        "LS304",
    ),
    "embedding-bad-size-with-input-length": (
        EMBEDDING_BAD_SIZE_WITH_INPUT_LENGTH,
        "embedding",
        "LS108",
    ),
    "stateful-return-state": (STATEFUL_RETURN_STATE, "bi", "LS108"),
}


@pytest.mark.parametrize(("text", "layer", "code"), ERRORS.values(), ids=ERRORS.keys())
def test_keras_rejects_and_so_does_lstmshape(text: str, layer: str, code: str) -> None:
    report = _report(text)
    assert _errors(report) == [(layer, code)]
    assert "LS408" not in _codes(report, layer)  # the embedding case: no warning either


def test_an_unrolled_simple_rnn_ignores_extra_states() -> None:
    report = _report(SIMPLE_RNN_EXTRA_STATE_UNROLLED)
    assert _errors(report) == []
    assert _codes(report, "dec") == ["LS409"]


def test_a_size_one_direction_broadcasts_in_an_elementwise_merge() -> None:
    report = _report(BROADCAST_MERGE)
    assert _errors(report) == []
    (layer,) = report["layers"]
    assert layer["tensors"] == {"output": [3, 2]}
    assert layer["params"] == 6 + 14


def test_lstm_and_gru_accept_implementation() -> None:
    report = _report(IMPLEMENTATION)
    assert report["diagnostics"] == []
    assert [layer["params"] for layer in report["layers"]] == [208, 168]


ALL = {
    "implementation": IMPLEMENTATION,
    **{key: case[0] for key, case in ERRORS.items()},
    "simple-rnn-extra-state-unrolled": SIMPLE_RNN_EXTRA_STATE_UNROLLED,
    "broadcast-merge": BROADCAST_MERGE,
}


@pytest.mark.parametrize("text", ALL.values(), ids=ALL.keys())
def test_keras_agrees(text: str) -> None:
    os.environ.setdefault("KERAS_BACKEND", "torch")
    pytest.importorskip("keras")
    from tests.oracle.cases import Case, symbol_values
    from tests.oracle.compare import disagreements
    from tests.oracle.keras_runner import run_keras

    spec = yaml.safe_load(text)
    runs = [run_keras(spec, values) for values in symbol_values(random.Random(0))]
    assert disagreements(Case(0, spec, runs), _report(text), ("LS408",)) == []


# The rule behind seed 187737, measured with Keras 3.15.1 (torch backend) by
# running each layer on a masked tensor: an Embedding with mask_zero attaches
# a mask; Dropout, Dense, TimeDistributed, Concatenate (if any input has one)
# and recurrent layers with return_sequences pass it on; a recurrent layer
# without return_sequences, its states, RepeatVector and an index drop it.  A
# recurrent layer with unroll and go_backwards (a Bidirectional's backward
# direction goes backwards) fails on a masked input, unless initial_state is
# passed: then Keras does not hand the layer the mask.  Each path leads from
# the Embedding ``emb`` to the tensor ``seq`` (batch 3, 5 steps).
MASK_PATHS = {
    "embedding": (True, "- {name: seq, type: Dropout, rate: 0.0, input: emb}"),
    "dense": (True, "- {name: seq, type: Dense, units: 3}"),
    "time-distributed": (
        True,
        "- {name: seq, type: TimeDistributed, layer: {type: Dense, units: 3}}",
    ),
    "concatenate-with-unmasked": (
        True,
        "- {name: seq, type: Concatenate, input: [y, emb]}",
    ),
    "lstm-sequences": (True, "- {name: seq, type: LSTM, units: 3, return_sequences: true}"),
    "bidirectional-sequences": (
        True,
        "- {name: bi, type: Bidirectional, merge_mode: null, "
        "layer: {type: GRU, units: 3, return_sequences: true}}\n"
        "- {name: seq, type: Dropout, rate: 0.1, input: bi.backward_output}",
    ),
    "lstm-last-step-repeated": (
        False,
        "- {type: LSTM, units: 3}\n- {name: seq, type: RepeatVector, n: 5}",
    ),
    "state-repeated": (
        False,
        "- {name: enc, type: GRU, units: 3, return_sequences: true, return_state: true}\n"
        "- {name: seq, type: RepeatVector, n: 5, input: enc.state_h}",
    ),
    "indexed": (False, "- {name: seq, type: Dropout, rate: 0.0, input: 'emb[:, :, :2]'}"),
}
UNROLLED = {
    "lstm-backwards": (True, "{type: LSTM, units: 2, unroll: true, go_backwards: true}"),
    "gru-forwards": (False, "{type: GRU, units: 2, unroll: true}"),
    "simple-rnn-backwards-not-unrolled": (False, "{type: SimpleRNN, units: 2, go_backwards: true}"),
    "bidirectional": (
        True,
        "{type: Bidirectional, layer: {type: SimpleRNN, units: 2, unroll: true}}",
    ),
    "bidirectional-unrolled-backward-layer": (
        True,
        "{type: Bidirectional, layer: {type: GRU, units: 2}, "
        "backward_layer: {type: GRU, units: 2, unroll: true, go_backwards: true}}",
    ),
    "bidirectional-forward-unrolled-only": (
        False,
        "{type: Bidirectional, layer: {type: LSTM, units: 2, unroll: true}, "
        "backward_layer: {type: LSTM, units: 2, go_backwards: true}}",
    ),
    "with-initial-state": (
        False,
        "{type: GRU, units: 2, unroll: true, go_backwards: true, initial_state: h}",
    ),
}


def _masked_spec(path: str, unrolled: str, mask_zero: bool = True) -> str:
    return (
        "framework: keras\n"
        "inputs: {x: [3, 5], y: [3, 5, 2], h: [3, 2]}\n"
        "layers:\n"
        f"- {{name: emb, type: Embedding, input_dim: 6, output_dim: 4, mask_zero: {mask_zero}, "
        "input: x}\n"
        f"{MASK_PATHS[path][1]}\n"
        f"- {{name: probe, input: seq, {unrolled[1:]}\n"
    )


# Every path with the failing probe, and every probe on the plain mask.
MASK_CASES = [(path, "lstm-backwards") for path in MASK_PATHS] + [
    ("embedding", probe) for probe in UNROLLED if probe != "lstm-backwards"
]


@pytest.mark.parametrize(("path", "probe"), MASK_CASES, ids=[f"{p}-{q}" for p, q in MASK_CASES])
def test_an_unrolled_backward_direction_rejects_a_masked_input(path: str, probe: str) -> None:
    fails = MASK_PATHS[path][0] and UNROLLED[probe][0]
    report = _report(_masked_spec(path, UNROLLED[probe][1]))
    assert _errors(report) == ([("probe", "LS311")] if fails else [])
    unmasked = _report(_masked_spec(path, UNROLLED[probe][1], mask_zero=False))
    assert _errors(unmasked) == []


@pytest.mark.parametrize(("path", "probe"), MASK_CASES, ids=[f"{p}-{q}" for p, q in MASK_CASES])
def test_keras_agrees_on_masks(path: str, probe: str) -> None:
    os.environ.setdefault("KERAS_BACKEND", "torch")
    pytest.importorskip("keras")
    from tests.oracle.cases import Case, symbol_values
    from tests.oracle.compare import disagreements
    from tests.oracle.keras_runner import run_keras

    for mask_zero in (True, False):
        text = _masked_spec(path, UNROLLED[probe][1], mask_zero)
        spec = yaml.safe_load(text)
        runs = [run_keras(spec, values) for values in symbol_values(random.Random(0))]
        assert disagreements(Case(0, spec, runs), _report(text), ("LS408",)) == []


# Found when TimeDistributed began to run its wrapped layer's own rule: Keras
# constructs the Dense before TimeDistributed sees any input, so a Dense it
# cannot construct is the error (LS108), whatever the input is: 2-D (which
# TimeDistributed rejects when built, LS302) or unknown after an earlier error.
WRAPPED_DENSE_ON_2D = """
framework: keras
inputs: {x: [4, 8]}
layers:
  - name: td
    type: TimeDistributed
    layer: {type: Dense, units: 0}
"""

WRAPPED_DENSE_AFTER_A_BROKEN_LAYER = """
framework: keras
inputs: {x: [4, 10, 8]}
layers:
  - {name: enc, type: LSTM, units: 0, return_sequences: true}
  - name: td
    type: TimeDistributed
    layer: {type: Dense, units: 4, activation: softmaxx}
"""


def test_a_wrapped_dense_is_constructed_before_its_input_is_seen() -> None:
    assert _codes(_report(WRAPPED_DENSE_ON_2D), "td") == ["LS108"]
    assert _codes(_report(WRAPPED_DENSE_AFTER_A_BROKEN_LAYER), "td") == ["LS108"]


@pytest.mark.parametrize("text", [WRAPPED_DENSE_ON_2D, WRAPPED_DENSE_AFTER_A_BROKEN_LAYER])
def test_keras_rejects_the_wrapped_dense_before_the_wrapper_exists(text: str) -> None:
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    arguments = dict(yaml.safe_load(text)["layers"][-1]["layer"])
    del arguments["type"]
    with pytest.raises(ValueError, match=r"units|activation"):
        keras.layers.Dense(**arguments)


# Oracle seed 6806.  Inside TimeDistributed, BatchNormalization's axis -2 is the
# wrapped layer's batch axis, B*T steps: Keras sizes the weights by it, so the
# model builds for one batch size only, and raises for a batch it does not
# know.  lstmshape's symbols stand for any size: that is LS308, as an unknown
# size is, not a parameter count left unknown without a word.
NORMALIZED_OVER_A_SYMBOL = """
framework: keras
inputs: {x: [B, 4, 8]}
layers:
- name: td
  type: TimeDistributed
  layer: {type: BatchNormalization, axis: -2}
- {name: bn, type: BatchNormalization, axis: 0, input: x}
- {name: fixed, type: BatchNormalization, axis: 1, input: x}
"""


def test_weights_sized_by_a_symbol_are_ls308() -> None:
    report = _report(NORMALIZED_OVER_A_SYMBOL)
    assert _errors(report) == [("td", "LS308"), ("bn", "LS308")]
    assert report["layers"][2]["params"] == 16


# Oracle seed 616163.  Dot over the last axis of two [B, T, 1] sequences is
# [B, T, T]; a Dense after it sizes its kernel by T.  Keras, which has no
# symbols, builds that Dense for one length only (the oracle's T) and raises
# for an open one; lstmshape left the parameters unknown without a word.
DENSE_OVER_A_SYMBOL = """
framework: keras
inputs: {x: [B, T, 7]}
layers:
- {name: gru, type: GRU, units: 1, return_sequences: true}
- {name: scores, type: Dot, input: [gru, gru], axes: -1}
- {name: dense, type: Dense, units: 4}
- {name: lstm, type: LSTM, units: 4, input: scores}
- {name: conv, type: Conv1D, filters: 2, kernel_size: 1, input: scores}
- {name: prelu, type: PReLU, input: gru}
- {name: shared, type: PReLU, shared_axes: [1], input: gru}
"""


def test_a_kernel_sized_by_a_symbol_is_ls308() -> None:
    report = _report(DENSE_OVER_A_SYMBOL)
    assert _errors(report) == [
        ("dense", "LS308"),
        ("lstm", "LS308"),
        ("conv", "LS308"),
        ("prelu", "LS308"),
    ]


# Oracle seed 419.  An attention layer given a query mask of one step broadcasts it;
# its output keeps that mask, and TimeDistributed, which checks that its mask has the
# input's batch and timesteps, fails when the model runs.
BROADCAST_QUERY_MASK = """
framework: keras
inputs: {x: [B, 6, 4], mask: [B, 1]}
layers:
- {name: attention, type: AdditiveAttention, input: [x, x], mask: [mask, mask]}
- {name: td, type: TimeDistributed, layer: {type: Dense, units: 2}}
"""


def test_time_distributed_fails_on_a_mask_of_other_steps() -> None:
    report = _report(BROADCAST_QUERY_MASK)
    assert _errors(report) == [("td", "LS318")]
    assert _errors(_report(BROADCAST_QUERY_MASK.replace("[B, 1]", "[B, 6]"))) == []


# Oracle seed 626781.  Cropping away every step of a masked input: Keras raises at the
# Cropping1D before it warns that the layer destroys the mask, so the error is all.
CROPPED_MASK = """
framework: keras
inputs: {x: [B, 1, 4]}
layers:
- {name: mask, type: Masking}
- {name: crop, type: Cropping1D, cropping: [1, 0]}
"""


def test_a_layer_that_raises_does_not_also_warn_of_its_mask() -> None:
    report = _report(CROPPED_MASK)
    assert [(d["layer"], d["code"]) for d in report["diagnostics"]] == [("crop", "LS320")]


# Oracle seed 811662.  Reshape, Permute and Flatten raise on a masked input they cannot
# take before Keras warns that they destroy its mask (measured), as Cropping1D does.
@pytest.mark.parametrize(
    ("layer", "code"),
    [
        ("{name: bad, type: Reshape, target_shape: [17]}", "LS312"),
        ("{name: bad, type: Permute, dims: [2, 1, 3]}", "LS302"),
    ],
)
def test_a_reshaping_layer_that_raises_does_not_also_warn_of_its_mask(
    layer: str, code: str
) -> None:
    spec = f"framework: keras\ninputs: {{x: [B, 4, 5]}}\nlayers:\n- {{type: Masking}}\n- {layer}\n"
    report = _report(spec)
    assert [(d["layer"], d["code"]) for d in report["diagnostics"]] == [("bad", code)]
    fine = spec.replace("[17]", "[20]").replace("[2, 1, 3]", "[2, 1]")
    assert [d["code"] for d in _report(fine)["diagnostics"]] == ["LS325"]
