"""Dimension expressions and the comparison rule, end to end through a check.

The rule: a spec's symbols stand for any size, so a declared dimension
matches a computed one only if they are equal for every value of the symbols.
``expect: {h_n: [B, 4, 96]}`` against the computed ``[4, B, 96]`` holds only
when B is 4, and is reported, as is every other layout swap; ``null`` still
matches anything.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from lstmshape.reporters.json import report_to_json
from tests.helpers import check, check_spec, codes, shapes

ENCODER = {
    "name": "enc",
    "type": "LSTM",
    "input_size": 8,
    "hidden_size": 96,
    "num_layers": 2,
    "bidirectional": True,
    "batch_first": True,
}
"""On [B, T, 8]: output [B, T, 192], h_n and c_n [4, B, 96]."""


def test_the_headline_swap_is_reported() -> None:
    report = check_spec({"x": ["B", "T", 8]}, ENCODER | {"expect": {"h_n": ["B", 4, 96]}})
    assert codes(report) == ["LS306"]
    (diagnostic,) = report.diagnostics
    assert diagnostic.message == "enc.h_n is [4, B, 96], but expect: declares [B, 4, 96]"
    assert diagnostic.hint == (
        "the same sizes in another order, dims 0 and 1 swapped: write [4, B, 96]"
    )


COMPUTED = {"output": ("B", "T", 192), "h_n": (4, "B", 96), "c_n": (4, "B", 96)}


@pytest.mark.parametrize(
    ("tensor", "order"),
    [
        (tensor, order)
        for tensor, shape in COMPUTED.items()
        for order in itertools.permutations(range(len(shape)))
        if order != tuple(range(len(shape)))
    ],
)
@pytest.mark.parametrize("inputs", [["B", "T", 8], [32, 10, 8]], ids=["symbols", "numbers"])
def test_every_layout_swap_is_reported(
    tensor: str, order: tuple[int, ...], inputs: list[Any]
) -> None:
    values = dict(zip(("B", "T"), inputs[:2], strict=True))
    shape = [values.get(dim, dim) if isinstance(dim, str) else dim for dim in COMPUTED[tensor]]
    swapped = [shape[axis] for axis in order]
    report = check_spec({"x": inputs}, ENCODER | {"expect": {tensor: swapped}})
    assert codes(report) == ["LS306"], swapped


@pytest.mark.parametrize(
    ("inputs", "expect"),
    [
        (["B", "T", 8], {"output": ["B", "T", 192], "h_n": [4, "B", 96]}),
        (["B", "T", 8], {"output": [None, None, 192], "h_n": [None, "B", None]}),
        (["B", "T", 8], {"output": ["B", "T", "2*96"]}),
        (["B", "T - 2", 8], {"output": ["B", "-2 + T", 192]}),
        (["B", "(T - 2) // 2", 8], {"output": ["B", "T // 2 - 1", 192]}),
        ([32, 10, 8], {"output": [32, 10, 192], "h_n": [4, 32, 96]}),
        ([None, 10, 8], {"output": ["B", 10, 192]}),  # unknown matches any size
    ],
)
def test_legitimate_expectations_hold(inputs: list[Any], expect: dict[str, Any]) -> None:
    report = check_spec({"x": inputs}, ENCODER | {"expect": expect})
    assert codes(report) == []


def test_keras_unknown_batch_matches_a_symbol_or_null() -> None:
    text = """\
framework: keras
layers:
  - type: LSTM
    units: 16
    input_shape: [10, 8]
    expect:
      output: [B, 16]
  - type: Dense
    units: 1
    expect:
      output: [null, 1]
"""
    assert codes(check(text)) == []


def test_a_symbol_of_no_input_cannot_stand_for_a_number() -> None:
    report = check_spec({"x": [32, 10, 8]}, ENCODER | {"expect": {"h_n": [4, "N", 96]}})
    assert codes(report) == ["LS306"]
    assert report.diagnostics[0].hint == (
        "N is not a dimension of any input: it stands for any size, which the computed 32 "
        "is not; write 32, or null to leave dim 1 unchecked"
    )


def test_a_symbol_against_a_number_is_reported_with_its_reason() -> None:
    report = check_spec({"x": ["B", 10, 8]}, ENCODER | {"expect": {"output": ["B", "T", 192]}})
    assert codes(report) == ["LS306"]
    assert report.diagnostics[0].hint == (
        "T is not a dimension of any input: it stands for any size, which the computed 10 "
        "is not; write 10, or null to leave dim 1 unchecked"
    )
    report = check_spec({"x": ["B", "T", 8]}, ENCODER | {"expect": {"h_n": ["L", "B", 96]}})
    assert "L is not a dimension of any input" in str(report.diagnostics[0].hint)
    report = check_spec(
        {"x": ["B", "T", 8], "y": ["T", 8]},
        ENCODER | {"input": "x", "expect": {"h_n": ["T", "B", 96]}},
    )
    assert report.diagnostics[0].hint == (
        "dim 0 is 4 whatever the inputs' sizes, but T stands for any size (a symbol is no "
        "wildcard): write 4"
    )


def test_expressions_follow_cat_and_are_compared_exactly() -> None:
    joined = {"name": "j", "type": "cat", "tensors": ["x", "y"], "dim": 1}
    inputs = {"x": ["B", "T", 8], "y": ["B", "T - 2", 8]}
    report = check_spec(inputs, joined | {"expect": {"output": ["B", "2*(T - 1)", 8]}})
    assert codes(report) == []
    assert shapes(report, "j") == {"output": ("B", "2*T - 2", 8)}
    report = check_spec(inputs, joined | {"expect": {"output": ["B", "2*T", 8]}})
    assert codes(report) == ["LS306"]
    assert report.diagnostics[0].hint == (
        "dim 1 is 2*T - 2, not 2*T (they differ when T = 2): write 2*T - 2"
    )


def test_a_symbolic_feature_size_conflicts_with_the_layer_argument() -> None:
    report = check_spec({"x": ["B", "T", "F"]}, ENCODER)
    assert codes(report) == ["LS301"]
    assert report.diagnostics[0].hint == (
        "F stands for any size but input_size is one number: declare the input's last "
        "dimension as a number"
    )


# reading dimensions --------------------------------------------------------------


@pytest.mark.parametrize(
    ("dims", "column", "words"),
    [
        ("[B, T - * 2, 8]", 14, "expected a number, a symbol or '(' after '-', found '*'"),
        ("[B, 'T - * 2', 8]", 15, "after '-', found '*'"),
        ('[B, "(T - 2", 8]', 11, "'(' is not closed"),
        ("[B, T / 2, 8]", 12, "/ is not a dimension operator"),
        ("[B, 2T, 8]", 11, "write 2*T"),
        ("[B, T // B, 8]", 15, "// divides a dimension by a positive integer, not by B"),
        ("[B, 3 - 3, 8]", 10, "it is 0, not a positive size"),
        ("[B, 1 - T, 8]", 10, "not positive for any positive values"),
    ],
)
def test_a_malformed_dimension_is_ls107_where_it_goes_wrong(
    dims: str, column: int, words: str
) -> None:
    text = f"framework: torch\ninputs:\n  x: {dims}\nlayers:\n  - type: Dropout\n"
    report = check(text)
    assert codes(report) == ["LS107"]
    (diagnostic,) = report.diagnostics
    assert (diagnostic.line, diagnostic.column) == (3, column)
    assert words in diagnostic.message
    assert diagnostic.message.startswith("inputs.x[1] ")


def test_a_malformed_dimension_in_expect_is_ls107_too() -> None:
    text = (
        "framework: torch\ninputs:\n  x: [B, T, 8]\nlayers:\n  - type: Dropout\n"
        "    expect:\n      output: [B, T +, 8]\n"
    )
    report = check(text)
    # just after the text: where the missing operand should be
    assert [(d.code, d.line, d.column) for d in report.diagnostics] == [("LS107", 7, 22)]


def test_a_dimension_beyond_the_limits_is_ls006() -> None:
    bomb = "*".join(["(A + B + C + D + E + F + G + H)"] * 2)
    text = f"framework: torch\ninputs:\n  x: [B, {bomb}, 8]\nlayers:\n  - type: Dropout\n"
    report = check(text)
    assert [(d.code, d.line, d.column) for d in report.diagnostics] == [("LS006", 3, 10)]
    assert "expands to 36 terms" in report.diagnostics[0].message


def test_dimensions_are_reported_in_canonical_form() -> None:
    text = """\
framework: torch
inputs:
  x: [T*B, 2*4, (T - 2) // 2, null]
layers:
  - type: Dropout
"""
    report = check(text)
    assert codes(report) == []
    assert shapes(report, "dropout") == {"output": ("B*T", 8, "(T - 2) // 2", None)}
    tensors = report_to_json(report)["layers"][0]["tensors"]
    assert json.loads(json.dumps(tensors)) == {"output": ["B*T", 8, "(T - 2) // 2", None]}


def test_distinct_expressions_per_spec_are_limited(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("lstmshape.models.spec.MAX_EXPRESSIONS", 3)
    text = """\
framework: torch
inputs:
  x: [B, T - 1, T - 1, 8]
  y: [B, T - 2, T + 1]
layers:
  - type: Dropout
    input: x
    expect:
      output: [B, T - 2, T*B, 8]
"""
    report = check(text)
    # T - 1, T - 2 and T + 1 are three; T*B, the fourth, is one too many
    assert [(d.code, d.line, d.column) for d in report.diagnostics] == [("LS006", 9, 26)]
    assert "more than 3 different dimension expressions" in report.diagnostics[0].message
