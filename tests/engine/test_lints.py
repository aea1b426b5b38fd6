"""Silent bugs with bidirectional layers and layouts (LS402, LS403, LS405)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import check_spec, codes

ENC = {"name": "enc", "type": "GRU", "input": "x", "input_size": 8, "hidden_size": 4}


def reader(*tensors: str) -> dict[str, Any]:
    return {"name": "j", "type": "cat", "tensors": list(tensors), "dim": -1}


@pytest.mark.parametrize(
    ("bidirectional", "batch_first", "tensors", "expected"),
    [
        (True, False, ["enc.h_n[-1]"], ["LS402"]),
        (True, False, ["enc.h_n[-2]", "enc.h_n[-1]"], []),  # both directions joined
        (False, False, ["enc.h_n[-1]"], []),
        (True, False, ["enc.output[-1]"], ["LS403"]),  # time is dim 0
        (True, True, ["enc.output[:, -1]"], ["LS403"]),  # time is dim 1
        (True, True, ["enc.output[-1]"], []),  # the last batch element, not a step
        (True, False, ["enc.output[0]"], []),
        (False, True, ["enc.output[:, -1]"], []),
    ],
)
def test_bidirectional_lints(
    bidirectional: bool, batch_first: bool, tensors: list[str], expected: list[str]
) -> None:
    encoder = ENC | {"bidirectional": bidirectional, "batch_first": batch_first}
    report = check_spec({"x": [5, 3, 8]}, encoder, reader(*tensors))
    assert codes(report) == expected


def test_batch_first_mismatch_is_kept_through_linear_and_dropout() -> None:
    report = check_spec(
        {"x": [5, 3, 8]},
        ENC | {"batch_first": True},
        {"type": "Dropout"},
        {"type": "Linear", "in_features": 4, "out_features": 4},
        {"name": "dec", "type": "LSTM", "input_size": 4, "hidden_size": 4},
    )
    assert codes(report) == ["LS405"]


def test_same_layout_or_plain_input_is_fine() -> None:
    report = check_spec(
        {"x": [5, 3, 8]},
        ENC | {"batch_first": True},
        {"name": "dec", "type": "LSTM", "input_size": 4, "hidden_size": 4, "batch_first": True},
    )
    assert codes(report) == []


PACK = {"name": "packed", "type": "pack_padded_sequence", "input": "x", "lengths": [5, 3, 2]}
PACKED_RNN = {"name": "enc", "type": "LSTM", "input": "packed", "input_size": 8, "hidden_size": 4}


def padded(batch_first: bool, bidirectional: bool = False) -> list[dict[str, Any]]:
    """x (time-first [5, 3, 8]) packed, run through an LSTM, and padded back."""
    pad = {"name": "pad", "type": "pad_packed_sequence", "input": "enc"}
    return [PACK, PACKED_RNN | {"bidirectional": bidirectional}, pad | {"batch_first": batch_first}]


@pytest.mark.parametrize(
    ("batch_first", "reference", "expected"),
    [
        (True, "pad.output[:, -1]", ["LS412"]),
        (True, "pad.output[:, -1, :]", ["LS412"]),
        (False, "pad.output[-1]", ["LS412"]),
        (False, "pad[-1]", ["LS412"]),
        (True, "pad.output[-1]", []),  # the last sequence, every step
        (True, "pad.output[:, 0]", []),
        (False, "enc.h_n[-1]", []),
    ],
)
def test_the_last_step_of_a_padded_batch_is_padding(
    batch_first: bool, reference: str, expected: list[str]
) -> None:
    report = check_spec({"x": [5, 3, 8]}, *padded(batch_first), reader(reference))
    assert codes(report) == expected
    if expected:
        assert "enc.h_n[-1]" in (report.diagnostics[0].hint or "")


def test_the_padded_hint_joins_both_directions_of_a_bidirectional_layer() -> None:
    report = check_spec({"x": [5, 3, 8]}, *padded(True, True), reader("pad.output[:, -1]"))
    assert codes(report) == ["LS412"]
    assert "['enc.h_n[-2]', 'enc.h_n[-1]']" in (report.diagnostics[0].hint or "")


def test_a_recurrent_layer_over_a_padded_batch_reads_padding() -> None:
    again = {"name": "dec", "type": "GRU", "input": "pad", "input_size": 4, "hidden_size": 4}
    report = check_spec({"x": [5, 3, 8]}, *padded(False), again, reader("dec.output[-1]"))
    assert codes(report) == ["LS412"]
    assert "give dec the packed sequence" in (report.diagnostics[0].hint or "")


def test_padding_a_packed_batch_back_without_a_recurrent_layer() -> None:
    pad = {"name": "pad", "type": "pad_packed_sequence", "input": "packed"}
    report = check_spec({"x": [5, 3, 8]}, PACK, pad, reader("pad.output[-1]"))
    assert codes(report) == ["LS412"]


STACK = {"name": "enc", "type": "GRU", "input": "x", "input_size": 8, "hidden_size": 4}


def decoder(state: Any, num_layers: int = 2) -> dict[str, Any]:
    return {
        "name": "dec",
        "type": "GRU",
        "input": "y",
        "input_size": 8,
        "hidden_size": 4,
        "num_layers": num_layers,
        "initial_state": state,
    }


@pytest.mark.parametrize(
    ("encoder", "state", "layers", "expected"),
    [
        ({"num_layers": 3}, "enc.h_n[:2]", 2, ["LS413"]),
        ({"num_layers": 3}, "enc.h_n[0:2]", 2, ["LS413"]),
        ({"num_layers": 3}, "enc.h_n[:-1]", 2, ["LS413"]),
        ({"num_layers": 2, "bidirectional": True}, "enc.h_n[:2]", 2, ["LS413"]),
        ({"num_layers": 1, "bidirectional": True}, "enc.h_n[:1]", 1, ["LS413"]),
        ({"num_layers": 3}, "enc.h_n[-2:]", 2, []),
        ({"num_layers": 3}, "enc.h_n[1:]", 2, []),
        ({"num_layers": 2}, "enc.h_n[:2]", 2, []),  # the whole stack
        ({"num_layers": 2}, "enc.h_n", 2, []),
    ],
)
def test_a_decoder_started_from_the_first_layers(
    encoder: dict[str, Any], state: str, layers: int, expected: list[str]
) -> None:
    inputs = {"x": [5, 3, 8], "y": [4, 3, 8]}
    report = check_spec(inputs, STACK | encoder, decoder(state, layers))
    assert codes(report) == expected
    if expected:  # the slice of the same number of last states
        taken = report.diagnostics[0].message.split(" takes the first ")[1].split()[0]
        assert report.diagnostics[0].hint == f"take the last layers' states: enc.h_n[-{taken}:]"


def test_the_first_layers_lint_reads_c_n_too() -> None:
    encoder = STACK | {"type": "LSTM", "num_layers": 2}
    lstm = decoder(["enc.h_n[:1]", "enc.c_n[:1]"], 1) | {"type": "LSTM"}
    report = check_spec({"x": [5, 3, 8], "y": [4, 3, 8]}, encoder, lstm)
    assert codes(report) == ["LS413", "LS413"]
    assert report.diagnostics[1].hint == "take the last layers' states: enc.c_n[-1:]"
