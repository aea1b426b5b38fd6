"""torch's tensor functions: spellings, broadcasting and matmul's rank cases, against torch."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from tests.helpers import check_spec, codes, shapes

OPS = [
    "permute",
    "transpose",
    "reshape",
    "view",
    "flatten",
    "squeeze",
    "unsqueeze",
    "contiguous",
    "add",
    "sub",
    "rsub",
    "mul",
    "div",
    "matmul",
    "bmm",
    "sum",
    "mean",
    "softmax",
    "log_softmax",
    "relu",
    "tanh",
    "sigmoid",
    "stack",
    "cat",
]
PREFIXES = ("torch.", "F.", "torch.nn.functional.", "nn.", "torch.nn.")


def _accepted(written: str) -> bool:
    report = check_spec({"x": [2, 3]}, {"type": written, "input": "x"})
    return "LS104" not in codes(report)


@pytest.mark.parametrize("name", OPS)
def test_a_function_takes_the_prefixes_under_which_torch_has_it(name: str) -> None:
    torch = pytest.importorskip("torch")
    functional = torch.nn.functional
    modules = {"torch.": torch, "F.": functional, "torch.nn.functional.": functional}
    modules |= {"nn.": torch.nn, "torch.nn.": torch.nn}
    assert _accepted(name)
    for prefix in PREFIXES:
        assert _accepted(prefix + name) == hasattr(modules[prefix], name), prefix + name


def test_a_wrong_prefix_says_how_the_function_is_written() -> None:
    report = check_spec({"x": [2, 3]}, {"type": "nn.permute", "dims": [1, 0]})
    (problem,) = report.diagnostics
    assert problem.code == "LS104"
    assert problem.hint == "torch has no nn.permute; write permute or torch.permute"


def _output(inputs: dict[str, list[Any]], layer: dict[str, Any]) -> tuple[Any, ...] | None:
    report = check_spec(inputs, {"name": "op", **layer})
    return None if codes(report) else shapes(report, "op")["output"]


SIZES = ([3], [1], [2, 3], [3, 4], [4, 3], [1, 3, 4], [2, 4, 5], [2, 1, 3, 4], [5, 2, 4, 3])


@pytest.mark.parametrize(("first", "second"), list(itertools.product(SIZES, repeat=2)))
def test_matmul_and_add_give_torchs_shape_or_fail_where_torch_raises(
    first: list[int], second: list[int]
) -> None:
    torch = pytest.importorskip("torch")
    inputs = {"a": first, "b": second}
    for kind in ("matmul", "add", "bmm"):
        key = "mat2" if kind == "bmm" else "other"
        a, b = torch.zeros(first), torch.zeros(second)
        try:
            expected: tuple[int, ...] | None = tuple(getattr(torch, kind)(a, b).shape)
        except RuntimeError:
            expected = None
        assert _output(inputs, {"type": kind, "input": "a", key: "b"}) == expected, kind


def test_a_symbol_broadcasts_against_1_and_conflicts_with_another_symbol() -> None:
    assert _output(
        {"x": ["B", "T", 8], "y": [1, "T", 1]}, {"type": "mul", "input": "x", "other": "y"}
    ) == ("B", "T", 8)
    report = check_spec({"x": ["B", 8], "y": ["T", 8]}, {"type": "add", "input": "x", "other": "y"})
    assert codes(report) == ["LS313"]


def test_view_infers_a_symbolic_size_and_checks_the_element_count() -> None:
    assert _output({"x": ["B", "T", 8]}, {"type": "view", "shape": [-1, 8]}) == ("B*T", 8)
    assert _output({"x": ["B", "T", 8]}, {"type": "reshape", "shape": [-1, 2, 4]}) == (
        "B*T",
        2,
        4,
    )
    report = check_spec({"x": ["B", "T", 8]}, {"type": "view", "shape": [-1, 16]})
    assert codes(report) == ["LS312"]  # not a whole number of rows when B*T is odd


def test_permute_between_batch_first_and_time_first() -> None:
    report = check_spec(
        {"x": ["B", "T", 8]},
        {"name": "swap", "type": "torch.permute", "dims": [1, 0, 2]},
        {"name": "enc", "type": "LSTM", "input_size": 8, "hidden_size": 4},
    )
    assert codes(report) == []
    assert shapes(report, "enc")["output"] == ("T", "B", 4)
