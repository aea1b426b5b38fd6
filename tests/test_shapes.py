"""Dimensions as the engine holds them: the comparison rule, arithmetic, text."""

from __future__ import annotations

import pytest

from lstmshape.dims import MAX_TERMS, DimSyntaxError
from lstmshape.shapes import (
    Dim,
    add_dims,
    ceil_divide_dim,
    differing_values,
    dims_always_differ,
    dims_conflict,
    dims_equal,
    divide_dims_exactly,
    evaluate_dim,
    floor_divide_dim,
    format_shape,
    from_expr,
    mismatch_hint,
    multiply_dims,
    parse_dim,
    shapes_conflict,
    substitute_dim,
    subtract_dims,
    to_expr,
)


@pytest.mark.parametrize(
    ("a", "b", "conflict"),
    [
        (3, 3, False),
        (3, 4, True),
        ("B", "B", False),
        ("B", "N", True),
        # a symbol stands for every size: B = 3 holds only by chance
        ("B", 3, True),
        ("T - 2", "T", True),
        ("T - 2", 3, True),
        ("B*T", "B", True),
        ("2*T", "T + T", False),  # never both written so, but equal however written
        ("(T - 2) // 2", "T // 2 - 1", False),
        # equal for every T, though the normal forms differ
        ("T // 2 + (T + 1) // 2", "T", False),
        (None, 3, False),
        (None, "B", False),
        (None, "T - 2", False),
        (None, None, False),
    ],
)
def test_dims_conflict(a: Dim, b: Dim, conflict: bool) -> None:
    a = a if not isinstance(a, str) else parse_dim(a)
    b = b if not isinstance(b, str) else parse_dim(b)
    assert dims_conflict(a, b) is conflict
    assert dims_conflict(b, a) is conflict


def test_shapes_conflict_on_rank_and_dims() -> None:
    assert shapes_conflict((1, 2), (1, 2, 3))
    assert not shapes_conflict((1, "B"), (1, None))
    assert shapes_conflict(("B", 4, 96), (4, "B", 96))  # the layout swap
    assert not shapes_conflict(("B", 4, 96), ("B", 4, 96))


@pytest.mark.parametrize(
    ("written", "dim"),
    [("8", 8), ("2*4", 8), ("B", "B"), ("T*B", "B*T"), ("T + -2", "T - 2"), ("T - T", 0)],
)
def test_parse_dim_gives_the_canonical_form(written: str, dim: Dim) -> None:
    assert parse_dim(written) == dim


def test_parse_dim_raises_with_the_offset() -> None:
    with pytest.raises(DimSyntaxError) as raised:
        parse_dim("T + * 2")
    assert raised.value.offset == 4


@pytest.mark.parametrize(
    ("dims", "total"),
    [
        ([3, 4], 7),
        (["B"], "B"),
        (["B", 3], "B + 3"),
        (["B", "B"], "2*B"),
        (["T - 2", 2], "T"),
        (["B", None], None),
        ([], 0),
    ],
)
def test_add_dims(dims: list[Dim], total: Dim) -> None:
    assert add_dims(dims) == total


def test_arithmetic_on_dims() -> None:
    assert subtract_dims("T", 2) == "T - 2"
    assert subtract_dims("T", "T") == 0
    assert subtract_dims("T", None) is None
    assert multiply_dims(["B", "T", 64]) == "64*B*T"
    assert multiply_dims([2, 3]) == 6
    assert multiply_dims(["B", None]) is None
    assert floor_divide_dim("T - 2", 2) == "(T - 2) // 2"
    assert floor_divide_dim(9, 2) == 4
    assert floor_divide_dim(None, 2) is None
    assert ceil_divide_dim("T", 2) == "(T + 1) // 2"
    assert ceil_divide_dim(9, 2) == 5
    # view(-1, H) on [B, T, H]: the element count divided by the known sizes
    assert divide_dims_exactly(multiply_dims(["B", "T", "H"]), "H") == "B*T"
    assert divide_dims_exactly(multiply_dims(["B", "T", 8]), 4) == "2*B*T"
    assert divide_dims_exactly(multiply_dims(["B", "T", 8]), 3) is None
    assert divide_dims_exactly(12, 5) is None
    assert divide_dims_exactly(12, 4) == 3
    assert divide_dims_exactly("B", None) is None


def test_arithmetic_that_grows_too_large_is_unknown() -> None:
    wide = add_dims([f"X{i}" for i in range(MAX_TERMS)])
    assert wide is not None
    assert add_dims([wide, "Y"]) is None
    assert multiply_dims([wide, wide]) is None


def test_evaluate_and_substitute() -> None:
    assert evaluate_dim("(T - 2) // 2", {"T": 10}) == 4
    assert evaluate_dim(5, {}) == 5
    assert evaluate_dim(None, {"T": 1}) is None
    assert evaluate_dim("B*T", {"B": 2}) is None  # T has no value
    assert substitute_dim("B*T", {"B": 32}) == "32*T"
    assert substitute_dim("B*T", {"B": 2, "T": 5}) == 10
    assert substitute_dim("T - 2", {"T": "S + 2"}) == "S"


def test_equality_and_differences() -> None:
    assert dims_equal("B*T", "B*T")
    assert dims_equal("(T - 2) // 2", from_expr(to_expr("T") // 2 - 1))
    assert not dims_equal("B", None)
    assert not dims_equal(None, None)
    assert differing_values("T", "T - 2") == {"T": 3}
    assert differing_values("B", "B") is None
    assert dims_always_differ("T", "T - 2")
    assert not dims_always_differ("B*T", "B")
    assert not dims_always_differ("B", None)


def test_format_shape() -> None:
    assert format_shape((1, "B", None)) == "[1, B, ?]"
    assert format_shape((2, "(T - 2) // 2")) == "[2, (T - 2) // 2]"
    assert format_shape(()) == "[]"
    assert format_shape(None) == "?"


DECLARED = {"B", "T"}


@pytest.mark.parametrize(
    ("expected", "computed", "hint"),
    [
        (
            ("B", 4, 96),
            (4, "B", 96),
            "the same sizes in another order, dims 0 and 1 swapped: write [4, B, 96]",
        ),
        (("T", "B", 8), ("B", "T", 8), "dims 0 and 1 swapped: write [B, T, 8]"),
        (("B", 8, "T"), ("T", "B", 8), "the same sizes in another order: write [T, B, 8]"),
        (
            ("N", 64),
            (32, 64),
            "N is not a dimension of any input: it stands for any size, which the computed "
            "32 is not; write 32, or null to leave dim 0 unchecked",
        ),
        (
            ("B", 64),
            (32, 64),
            "dim 0 is 32 whatever the inputs' sizes, but B stands for any size (a symbol is "
            "no wildcard): write 32",
        ),
        (("B", 62), ("B", "T - 2"), "dim 1 is T - 2, which changes with T; 62 does not"),
        (("B", "T"), ("B", "T - 2"), "dim 1 is T - 2, not T (they differ when T = 3)"),
        (("B", 62), ("B", 64), None),
        (("B", 62), ("B", 62, 1), None),
    ],
)
def test_mismatch_hint(expected: tuple[Dim, ...], computed: tuple[Dim, ...], hint: str) -> None:
    found = mismatch_hint(expected, computed, DECLARED)
    if hint is None:
        assert found is None
    else:
        assert found is not None
        assert hint in found
