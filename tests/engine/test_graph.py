"""Propagation through a spec: default inputs, references, expect:, follow-on errors."""

from __future__ import annotations

from tests.helpers import check_spec, codes, layer, shapes

LSTM = {"type": "LSTM", "input_size": 8, "hidden_size": 4}


def test_first_layer_reads_the_only_input_and_later_ones_the_previous_layer() -> None:
    report = check_spec(
        {"x": [5, 3, 8]}, LSTM, {"type": "Linear", "in_features": 4, "out_features": 2}
    )
    assert codes(report) == []
    assert [result.input for result in report.layers] == ["x", "lstm"]
    assert shapes(report, "linear") == {"output": (5, 3, 2)}


def test_several_inputs_need_input() -> None:
    report = check_spec({"x": [5, 3, 8], "y": [5, 3, 8]}, LSTM)
    assert codes(report) == ["LS204"]
    report = check_spec({"x": [5, 3, 8], "y": [5, 3, 8]}, LSTM | {"input": "y"})
    assert codes(report) == []


def test_unknown_references_suggest_names() -> None:
    report = check_spec({"x": [5, 3, 8]}, LSTM | {"input": "xx"})
    assert codes(report) == ["LS202"]
    assert report.diagnostics[0].hint == "did you mean x?"
    report = check_spec({"x": [5, 3, 8]}, LSTM | {"input": "x.h_n"})
    assert codes(report) == ["LS202"]
    assert "is an input" in report.diagnostics[0].message


def test_a_broken_layer_is_reported_once() -> None:
    report = check_spec(
        {"x": [5, 3, 8]},
        LSTM | {"name": "enc", "hidden_size": "4"},
        {
            "name": "head",
            "type": "Linear",
            "input": "enc.h_n[-1]",
            "in_features": 9,
            "out_features": 2,
        },
    )
    assert codes(report) == ["LS103"]
    assert layer(report, "enc").params is None
    assert shapes(report, "head") == {"output": None}


def test_a_bad_input_shape_is_reported_once() -> None:
    report = check_spec(
        {"x": [5, 0, 8]}, LSTM, {"type": "Linear", "in_features": 3, "out_features": 2}
    )
    # the input keeps its valid dims: the Linear's mismatch with 4 is still found
    assert codes(report) == ["LS107", "LS301"]
    assert shapes(report, "lstm")["output"] == (5, None, 4)


def test_expect_names_an_unknown_tensor() -> None:
    report = check_spec({"x": [5, 3, 8]}, LSTM | {"type": "GRU", "expect": {"c_n": [1, 3, 4]}})
    assert codes(report) == ["LS101"]
    assert report.diagnostics[0].hint == "did you mean h_n?"  # a GRU's only state
    assert "produces output, h_n" in report.diagnostics[0].message


def test_expect_with_symbols() -> None:
    report = check_spec({"x": ["T", "B", 8]}, LSTM | {"expect": {"h_n": [1, "B", 4]}})
    assert codes(report) == []
    report = check_spec({"x": ["T", "B", 8]}, LSTM | {"expect": {"h_n": [1, "N", 4]}})
    assert codes(report) == ["LS306"]
