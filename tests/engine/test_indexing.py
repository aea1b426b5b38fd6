"""Indexing shapes with torch's semantics (facts: torch 2.13 on zeros(2, 3, 4))."""

from __future__ import annotations

from typing import Any

import pytest

from lstmshape.engine.indexing import IndexProblem, apply_subscript
from lstmshape.references import parse_reference
from lstmshape.shapes import Shape

X: Shape = (2, 3, 4)


def index(text: str, shape: Shape = X) -> Shape:
    """Apply every subscript of ``x<text>`` to ``shape``."""
    for subscript in parse_reference("x" + text).subscripts:
        shape = apply_subscript(shape, subscript)
    return shape


# each expected shape is what torch returns for zeros(2, 3, 4)[...]
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[-2]", (3, 4)),
        ("[0, 0, 0]", ()),
        ("[..., 0:4]", (2, 3, 4)),
        ("[..., 0]", (2, 3)),
        ("[None]", (1, 2, 3, 4)),
        ("[:, None]", (2, 1, 3, 4)),
        ("[..., None]", (2, 3, 4, 1)),
        ("[:, -1]", (2, 4)),
        ("[1:100]", (1, 3, 4)),
        ("[5:10]", (0, 3, 4)),
        ("[-100:]", (2, 3, 4)),
        ("[::2]", (1, 3, 4)),
        ("[:, ::2]", (2, 2, 4)),
        ("[0, ..., 0]", (3,)),
        ("[:, 1:1]", (2, 0, 4)),
        ("[3:1]", (0, 3, 4)),
        ("[0][0][0]", ()),
        ("[-1, -1, -1]", ()),
        ("[:, -1, :]", (2, 4)),
        # torch allows several ellipses: the first takes the free dimensions
        ("[..., ...]", (2, 3, 4)),
        ("[..., 0, ...]", (2, 3)),
        ("[0, ..., ...]", (3, 4)),
        ("[..., None, ...]", (2, 3, 4, 1)),
        ("[0, 0, 0, ..., ...]", ()),
    ],
)
def test_shape_like_torch(text: str, expected: Shape) -> None:
    assert index(text) == expected


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[5]", "index 5 is out of range for dimension 0 of size 2"),
        ("[2]", "index 2 is out of range"),
        ("[-3]", "index -3 is out of range for dimension 0"),
        ("[:, 7]", "dimension 1 of size 3"),
        ("[:, :, 4]", "dimension 2 of size 4"),
        ("[0, 0, 0, 0]", "too many indices: 4 for a tensor of 3 dimensions"),
        ("[:, :, :, :]", "too many indices"),
        ("[0][0][0][0]", "too many indices: 1 for a tensor of 0 dimensions"),
        ("[::-1]", "step must be greater than zero"),
        ("[:, ::-1]", "step must be greater than zero"),
        ("[::0]", "step must be greater than zero"),
        ("[..., ..., 0]", "past the last dimension"),
    ],
)
def test_errors_like_torch(text: str, words: str) -> None:
    with pytest.raises(IndexProblem, match=words.replace("[", r"\[")):
        index(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[:, -1, :]", ("B", "H")),
        ("[0]", ("T", "H")),
        ("[:]", ("B", "T", "H")),
        ("[1:]", (None, "T", "H")),  # a symbol minus one is not known
        ("[:, ::2]", ("B", None, "H")),
        ("[:, 5]", ("B", "H")),  # a symbol may be large enough
        ("[:, :1]", ("B", 1, "H")),  # a dimension is at least 1: one step is one
        ("[:, -1:]", ("B", 1, "H")),
        ("[:, :2]", ("B", None, "H")),  # T may be 1
    ],
)
def test_symbols(text: str, expected: tuple[Any, ...]) -> None:
    assert index(text, ("B", "T", "H")) == expected


@pytest.mark.parametrize(
    "text",
    [
        "[-2]",
        "[0, 0, 0]",
        "[..., 0]",
        "[None]",
        "[:, None]",
        "[1:100]",
        "[5:10]",
        "[::2]",
        "[0, ..., 0]",
        "[:, 1:1]",
        "[3:1]",
        "[0][0][0]",
        "[:, -1, :]",
        "[None, 1, None]",
    ],
)
def test_matches_torch(text: str) -> None:
    torch = pytest.importorskip("torch")
    x = torch.zeros(*X)  # noqa: F841 - read by eval below
    assert index(text) == tuple(eval("x" + text).shape)


@pytest.mark.parametrize(
    "text", ["[5]", "[-3]", "[:, 7]", "[0, 0, 0, 0]", "[::-1]", "[::0]", "[..., ..., 0]"]
)
def test_torch_raises_too(text: str) -> None:
    torch = pytest.importorskip("torch")
    x = torch.zeros(*X)  # noqa: F841 - read by eval below
    with pytest.raises((IndexError, ValueError)):
        eval("x" + text)
    with pytest.raises(IndexProblem):
        index(text)
