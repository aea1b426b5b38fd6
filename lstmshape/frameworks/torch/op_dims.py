"""What torch's tensor functions share: dim arguments and broadcasting.

A dim argument is wrapped as torch wraps it (``-1`` is the last dimension;
a 0-D tensor takes ``0`` and ``-1``), and one out of range is LS108 with
torch's own words.  Broadcasting aligns shapes from the right; two sizes
combine when they are equal or one of them is 1.  A symbol stands for any
size (the comparison rule of :mod:`lstmshape.shapes`), so ``T`` against
``B``, or against ``4``, is an error: torch raises for every value where
they differ and neither is 1.  ``T`` against 1 is ``T``.
"""

from __future__ import annotations

from lstmshape.engine.tensors import LayerContext, Source
from lstmshape.shapes import Dim, Shape, broadcast_dim, format_shape


def wrap_dim(ctx: LayerContext, dim: int, rank: int, *keys: str | int) -> int | None:
    """``dim`` as an index into a shape of ``rank`` dims, or None (reported) when out of range."""
    size = max(rank, 1)
    if -size <= dim < size:
        return dim % size
    ctx.report(
        "LS108",
        f"{ctx.label(*keys)} is {dim} but the input is {rank}-D: torch raises IndexError "
        f"(Dimension out of range, expected to be in range of [{-size}, {size - 1}])",
        *keys,
    )
    return None


def broadcast(ctx: LayerContext, first: Source, second: Source | Shape, key: str) -> Shape | None:
    """The shape torch broadcasts two shapes to; None (reported at ``key``) when they do not."""
    other = second.tensor.shape if isinstance(second, Source) else second
    mine = first.tensor.shape
    if mine is None or other is None:
        return None
    rank = max(len(mine), len(other))
    left = (1,) * (rank - len(mine)) + mine
    right = (1,) * (rank - len(other)) + other
    result: list[Dim] = []
    for axis, (a, b) in enumerate(zip(left, right, strict=True)):
        fits, size = broadcast_dim(a, b)
        if not fits:
            described = second.describe() if isinstance(second, Source) else format_shape(other)
            ctx.report(
                "LS313",
                f"{ctx.name} cannot broadcast {first.describe()} with {described}: "
                f"dim {axis - rank} is {a} against {b} (broadcast sizes must be equal or 1)",
                key,
            )
            return None
        result.append(size)
    return tuple(result)
