"""Dimensions and shapes: ints where known, symbols (``"B"``) or None where not."""

from __future__ import annotations

Dim = int | str | None
Shape = tuple[Dim, ...]


def format_dim(dim: Dim) -> str:
    return "?" if dim is None else str(dim)


def format_shape(shape: Shape | None) -> str:
    if shape is None:
        return "?"
    return "[" + ", ".join(format_dim(dim) for dim in shape) + "]"


def dims_conflict(expected: Dim, found: Dim) -> bool:
    """Whether two dimensions certainly differ.

    A number and a symbol, or anything and None, may be equal at run time, so
    they never conflict.  Two different symbols name different dimensions in a
    spec, so they do.
    """
    if expected is None or found is None:
        return False
    if isinstance(expected, int) and isinstance(found, int):
        return expected != found
    if isinstance(expected, str) and isinstance(found, str):
        return expected != found
    return False


def shapes_conflict(expected: Shape, found: Shape) -> bool:
    return len(expected) != len(found) or any(
        dims_conflict(e, f) for e, f in zip(expected, found, strict=True)
    )


def add_dims(dims: list[Dim]) -> Dim:
    """The size of dimensions joined end to end, if it can be known."""
    if all(isinstance(dim, int) for dim in dims):
        return sum(dim for dim in dims if isinstance(dim, int))
    if len(dims) == 1:
        return dims[0]
    return None
