"""Dimension arithmetic: what certainly conflicts, and joined sizes."""

from __future__ import annotations

import pytest

from lstmshape.shapes import Dim, add_dims, dims_conflict, format_shape, shapes_conflict


@pytest.mark.parametrize(
    ("a", "b", "conflict"),
    [
        (3, 3, False),
        (3, 4, True),
        ("B", "B", False),
        ("B", "N", True),
        ("B", 3, False),
        (None, 3, False),
        (None, "B", False),
    ],
)
def test_dims_conflict(a: Dim, b: Dim, conflict: bool) -> None:
    assert dims_conflict(a, b) is conflict
    assert dims_conflict(b, a) is conflict


def test_shapes_conflict_on_rank() -> None:
    assert shapes_conflict((1, 2), (1, 2, 3))
    assert not shapes_conflict((1, "B"), (1, None))


@pytest.mark.parametrize(
    ("dims", "total"), [([3, 4], 7), (["B"], "B"), (["B", 3], None), (["B", "B"], None)]
)
def test_add_dims(dims: list[Dim], total: Dim) -> None:
    assert add_dims(dims) == total


def test_format_shape() -> None:
    assert format_shape((1, "B", None)) == "[1, B, ?]"
    assert format_shape(()) == "[]"
    assert format_shape(None) == "?"
