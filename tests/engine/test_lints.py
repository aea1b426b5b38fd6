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
