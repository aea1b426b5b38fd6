"""Dimensions and shapes, and the rule that says when two dimensions conflict.

A dimension (:data:`Dim`) is an ``int`` where it is known, a ``str`` where it
is symbolic, or None where it is unknown.  The string is a symbol (``"B"``)
or an expression in the canonical text of :mod:`lstmshape.dims`
(``"T - 2"``, ``"(T - 2) // 2"``, ``"B*T"``): every symbolic dimension in a
shape is in that form, so two equal texts are the same dimension, and the
JSON report and the text table print a dimension as it is held.  A constant
expression is always an ``int``.

API for the engine (every function takes unknown dimensions, and an unknown
operand makes an unknown result):

* :func:`parse_dim` (``"T*B"`` -> ``"B*T"``, ``"2*4"`` -> ``8``), :func:`to_expr`
  and :func:`from_expr` to compute with :class:`~lstmshape.dims.Expr`'s
  operators where a formula is long:
  ``from_expr((to_expr(t) + 2*p - d*(k - 1) - 1) // s + 1)``;
* :func:`add_dims`, :func:`subtract_dims`, :func:`multiply_dims` (the number of
  elements of a shape), :func:`floor_divide_dim`, :func:`ceil_divide_dim`,
  :func:`divide_dims_exactly` (``view(-1, H)``: None unless provably whole),
  :func:`reshape_dims` (a target shape with one -1, for an element count).
  An expression too large to hold (:class:`~lstmshape.dims.DimLimitError`)
  becomes unknown;
* :func:`dims_equal` (provably equal), :func:`dims_conflict` (the comparison
  rule, below), :func:`broadcast_dim` (two operands of an elementwise op),
  :func:`differing_values`, :func:`dims_always_differ`, :func:`shapes_conflict`;
* :func:`evaluate_dim` (``--dim B=32``), :func:`substitute_dim`;
* :func:`format_dim`, :func:`format_shape`, :func:`mismatch_hint`, :func:`size_hint`.

The comparison rule
    A spec's symbols stand for any positive size, each independently of the
    others.  Two dimensions conflict when some positive values of the symbols
    (making both positive) give them different values: ``4`` and ``2``,
    ``B`` and ``T``, ``T`` and ``T - 2``, and ``B`` and ``4`` too, since a
    shape that is right only when B happens to be 4 is wrong for every other
    batch.  Unknown (None) conflicts with nothing.  A conflict is reported
    only with such values in hand (:func:`differing_values`), so two
    expressions that are equal for every value are never reported, even where
    their normal forms differ.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from itertools import product

from lstmshape.dim_parser import parse
from lstmshape.dim_proofs import always_differ, divide_exactly, find_difference
from lstmshape.dims import MAX_CHARS, DimLimitError, Expr

Dim = int | str | None
Shape = tuple[Dim, ...]

_PARSED: dict[str, Expr] = {}
"""Symbolic dimensions already read, by their text."""
_PARSED_LIMIT = 10_000


def parse_dim(text: str) -> int | str:
    """The dimension ``text`` denotes, in canonical form.

    Raises :class:`~lstmshape.dims.DimSyntaxError` (with the offset of the
    mistake) or :class:`~lstmshape.dims.DimLimitError`.
    """
    return from_expr(parse(text))


def to_expr(dim: int | str) -> Expr:
    """A known dimension as an expression to compute with."""
    if isinstance(dim, int):
        return Expr.constant(dim)
    expr = _PARSED.get(dim)
    if expr is None:
        expr = Expr.symbol(dim) if dim.isidentifier() else parse(dim)
        if len(_PARSED) >= _PARSED_LIMIT:
            _PARSED.clear()
        _PARSED[dim] = expr
    return expr


def from_expr(expr: Expr) -> int | str:
    """An expression as a dimension: an ``int`` if constant, else its canonical text.

    Raises :class:`~lstmshape.dims.DimLimitError` when the text would be too
    long to read back.
    """
    value = expr.as_int()
    if value is not None:
        return value
    text = str(expr)
    if len(text) > MAX_CHARS:
        raise DimLimitError(
            f"the dimension is {len(text):,} characters long once expanded; lstmshape holds "
            f"dimensions of at most {MAX_CHARS} characters"
        )
    _PARSED.setdefault(text, expr)
    return text


def _known(dims: list[Dim]) -> list[int | str] | None:
    if any(dim is None for dim in dims):
        return None
    return [dim for dim in dims if dim is not None]


def add_dims(dims: Iterable[Dim]) -> Dim:
    """The size of dimensions joined end to end (``cat``): ``T + T`` is ``2*T``."""
    dims = list(dims)
    if all(type(dim) is int for dim in dims):
        return sum(dim for dim in dims if isinstance(dim, int))
    known = _known(dims)
    if known is None:
        return None
    try:
        return from_expr(sum((to_expr(dim) for dim in known), Expr.constant(0)))
    except DimLimitError:
        return None


def subtract_dims(first: Dim, second: Dim) -> Dim:
    if first is None or second is None:
        return None
    try:
        return from_expr(to_expr(first) - to_expr(second))
    except DimLimitError:
        return None


def multiply_dims(dims: Iterable[Dim]) -> Dim:
    """The product of dimensions: a shape's number of elements, a flattened size."""
    known = _known(list(dims))
    if known is None:
        return None
    product = Expr.constant(1)
    try:
        for dim in known:
            product = product * to_expr(dim)
        return from_expr(product)
    except DimLimitError:
        return None


def floor_divide_dim(dim: Dim, divisor: int) -> Dim:
    """``dim // divisor`` for a positive integer divisor, as torch's length formulas."""
    if dim is None:
        return None
    if isinstance(dim, int):
        return dim // divisor
    try:
        return from_expr(to_expr(dim) // divisor)
    except DimLimitError:
        return None


def ceil_divide_dim(dim: Dim, divisor: int) -> Dim:
    """``ceil(dim / divisor)``, as pooling with ``ceil_mode`` rounds."""
    return floor_divide_dim(add_dims([dim, divisor - 1]), divisor)


def divide_dims_exactly(numerator: Dim, divisor: Dim) -> Dim:
    """``numerator / divisor`` where it is provably a whole size (``B*T*H / H`` is
    ``B*T``); None when unknown or not provably whole."""
    if numerator is None or divisor is None:
        return None
    if isinstance(numerator, int) and isinstance(divisor, int):
        return numerator // divisor if numerator % divisor == 0 else None
    try:
        quotient = divide_exactly(to_expr(numerator), to_expr(divisor))
        return None if quotient is None else from_expr(quotient)
    except DimLimitError:
        return None


def reshape_dims(total: Dim, target: Sequence[int | str]) -> tuple[Shape | None, str]:
    """``target`` (sizes, at most one -1) filled in for ``total`` elements.

    The -1 is ``total`` divided by the product of the other sizes, where that
    division is whole for every value of the symbols.  Returns the shape, or
    None and what the target needs (``"12 elements"``, ``"a multiple of 3
    elements, which it is not when T = 1"``) when it cannot hold ``total``.
    An unknown ``total`` leaves a -1 unknown and checks nothing.
    """
    rows = multiply_dims([size for size in target if size != -1])
    if -1 not in target:
        if dims_conflict(total, rows):
            return None, f"{format_dim(rows)} elements"
        return tuple(target), ""
    values = _values_not_divisible(total, rows)
    if rows == 0 or values or (isinstance(total, int) and isinstance(rows, int) and total % rows):
        when = ", ".join(f"{k} = {v}" for k, v in (values or {}).items())
        return None, f"a multiple of {format_dim(rows)} elements" + (
            f", which it is not when {when}" if when else ""
        )
    output: list[Dim] = list(target)
    output[target.index(-1)] = divide_dims_exactly(total, rows)
    return tuple(output), ""


def _symbols(dim: int | str) -> set[str]:
    return set(to_expr(dim).symbols) if isinstance(dim, str) else set()


def _values_not_divisible(total: Dim, rows: Dim) -> dict[str, int] | None:
    """Small values of the symbols for which ``total`` is not a multiple of ``rows``."""
    if total is None or rows is None:
        return None
    symbols = sorted({*_symbols(total), *_symbols(rows)})[:4]
    for values in product(range(1, 5), repeat=len(symbols)):
        named = dict(zip(symbols, values, strict=True))
        size, divisor = evaluate_dim(total, named), evaluate_dim(rows, named)
        if size is not None and divisor is not None and (divisor == 0 or size % divisor):
            return named
    return None


def evaluate_dim(dim: Dim, values: Mapping[str, int]) -> int | None:
    """The size for these values of the symbols; None if unknown or a symbol has no value."""
    if dim is None or isinstance(dim, int):
        return dim
    try:
        return to_expr(dim).evaluate(values)
    except KeyError:
        return None


def substitute_dim(dim: Dim, values: Mapping[str, int | str]) -> Dim:
    """The dimension with some symbols given values (numbers or dimensions)."""
    if dim is None or isinstance(dim, int):
        return dim
    try:
        exprs = {name: to_expr(value) for name, value in values.items()}
        return from_expr(to_expr(dim).substitute(exprs))
    except DimLimitError:
        return None


def dims_equal(first: Dim, second: Dim) -> bool:
    """Whether the two are provably the same size for every value of the symbols."""
    if first is None or second is None:
        return False
    if first == second:
        return True
    if isinstance(first, int) and isinstance(second, int):
        return False
    return to_expr(first) == to_expr(second)


def differing_values(first: Dim, second: Dim) -> dict[str, int] | None:
    """Positive values of the symbols that give the two different positive sizes."""
    if first is None or second is None or first == second:
        return None
    return find_difference(to_expr(first), to_expr(second))


def dims_conflict(first: Dim, second: Dim) -> bool:
    """Whether two dimensions conflict under the comparison rule (module docstring)."""
    if first is None or second is None or first == second:
        return False
    if isinstance(first, int) and isinstance(second, int):
        return True
    if _is_symbol_or_int(first) and _is_symbol_or_int(second):
        return True  # B against 4 or T: B = 5 or 1 tells them apart
    return differing_values(first, second) is not None


def broadcast_dim(first: Dim, second: Dim) -> tuple[bool, Dim]:
    """Whether two sizes broadcast (equal, or one of them 1), and the size they give.

    An unknown size could be 1 or the other one, so it broadcasts with any.
    """
    if first == 1:
        return True, second
    if second == 1:
        return True, first
    if first is None or second is None:
        return True, None
    if first == second or dims_equal(first, second):
        return True, first
    return not dims_conflict(first, second), first


def _is_symbol_or_int(dim: int | str) -> bool:
    return isinstance(dim, int) or dim.isidentifier()


def dims_always_differ(first: Dim, second: Dim) -> bool:
    """Whether the two differ for every positive value of the symbols (``T``
    and ``T - 2`` do; ``B*T`` and ``B`` do not, when T is 1)."""
    if first is None or second is None:
        return False
    return always_differ(to_expr(first), to_expr(second))


def shapes_conflict(expected: Shape, found: Shape) -> bool:
    return len(expected) != len(found) or any(
        dims_conflict(e, f) for e, f in zip(expected, found, strict=True)
    )


def format_dim(dim: Dim) -> str:
    return "?" if dim is None else str(dim)


def format_shape(shape: Shape | None) -> str:
    if shape is None:
        return "?"
    return _formatted(tuple(shape))  # a model's shapes repeat: a table writes each once


@lru_cache(maxsize=4096)
def _formatted(shape: Shape) -> str:
    return "[" + ", ".join(["?" if dim is None else str(dim) for dim in shape]) + "]"


def size_hint(argument: str, dim: Dim) -> str:
    """The hint for a size argument that differs from the dimension it must match."""
    if isinstance(dim, int) or dim is None:
        return f"set {argument}: {format_dim(dim)}"
    return (
        f"{dim} stands for any size but {argument} is one number: declare the input's last "
        "dimension as a number"
    )


def mismatch_hint(expected: Shape, computed: Shape, declared: Iterable[str]) -> str | None:
    """What is wrong in a declared shape that conflicts with the computed one.

    ``declared`` are the symbols the spec's inputs use; a symbol that is not
    one of them stands for a size nothing computed can have.
    """
    if len(expected) != len(computed):
        return None
    conflicts = [
        axis
        for axis, (want, got) in enumerate(zip(expected, computed, strict=True))
        if dims_conflict(want, got)
    ]
    if not conflicts:
        return None
    write = "write [" + ", ".join("null" if d is None else str(d) for d in computed) + "]"
    if len(conflicts) > 1 and sorted(map(str, expected)) == sorted(map(str, computed)):
        if len(conflicts) == 2:
            swapped = f"dims {conflicts[0]} and {conflicts[1]} swapped"
            return f"the same sizes in another order, {swapped}: {write}"
        return f"the same sizes in another order: {write}"
    axis = conflicts[0]
    want, got = expected[axis], computed[axis]
    if want is None or got is None or (isinstance(want, int) and isinstance(got, int)):
        return None
    free = sorted(to_expr(want).symbols - set(declared))
    if free:
        one = len(free) == 1
        return (
            f"{' and '.join(free)} {'is' if one else 'are'} not a dimension of any input: "
            f"{'it stands' if one else 'they stand'} for any size, which the computed {got} "
            f"is not; write {got}, or null to leave dim {axis} unchecked"
        )
    if isinstance(got, int):
        return (
            f"dim {axis} is {got} whatever the inputs' sizes, but {want} stands for any size "
            f"(a symbol is no wildcard): write {got}"
        )
    if isinstance(want, int):
        changes = ", ".join(sorted(to_expr(got).symbols))
        return f"dim {axis} is {got}, which changes with {changes}; {want} does not: write {got}"
    values = differing_values(want, got) or {}
    when = ", ".join(f"{name} = {value}" for name, value in values.items())
    return f"dim {axis} is {got}, not {want} (they differ when {when}): write {got}"
