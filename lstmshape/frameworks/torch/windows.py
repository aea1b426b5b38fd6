"""What torch's convolutions and pooling share: sliding windows over 1 or 2 spatial dims.

A window layer reads ``(N, C, *spatial)`` or, unbatched, ``(C, *spatial)``
and slides a window along each spatial dimension.  The lengths are torch's
own formulas (``torch/nn/modules/conv.py`` and ``pooling_output_shape``),
computed with the dimension algebra so that a symbolic length stays exact:
``Conv1d(kernel_size=3)`` on ``[B, 8, T]`` gives ``[B, C, T - 2]``.
"""

from __future__ import annotations

from collections.abc import Sequence

from lstmshape.engine.tensors import LayerContext, Source
from lstmshape.shapes import Dim, Shape, add_dims, floor_divide_dim, format_shape


def per_dim(value: int | Sequence[int], spatial: int) -> tuple[int, ...]:
    """An int or tuple argument as one value per spatial dimension, as torch's ``_pair``."""
    if isinstance(value, int):
        return (value,) * spatial
    values = tuple(value)
    return values * spatial if len(values) == 1 else values


def spatial_input(ctx: LayerContext, kind: str, spatial: int) -> tuple[Source, Shape | None]:
    """The input and its shape when it has the rank ``kind`` takes; None (reported) if not."""
    source = ctx.inputs[0]
    shape = source.tensor.shape
    if shape is None:
        return source, None
    ranks = (spatial + 1, spatial + 2)
    if len(shape) not in ranks:
        channels = ", ".join(("C", "L") if spatial == 1 else ("C", "H", "W"))
        ctx.report_on(
            source,
            "LS302",
            f"{kind} takes a {ranks[0]}-D ({channels}) or {ranks[1]}-D (N, {channels}) input; "
            f"{ctx.name}'s input {source.describe()} is {len(shape)}-D",
        )
        return source, None
    return source, shape


def window_length(
    length: Dim,
    kernel: int,
    stride: int,
    dilation: int,
    pads: tuple[int, int],
    *,
    ceil_mode: bool = False,
) -> Dim:
    """The number of window positions along one dimension, as torch counts them.

    ``(L + left + right - dilation*(kernel - 1) - 1) // stride + 1``.  With
    ceil_mode torch rounds the division up but drops a last window that
    would start past the input and its left padding; both are upper bounds
    on the window's start, so the count is the floor formula with the
    smaller of the two slacks added: ``min(stride, dilation*(kernel - 1) + 1
    - right) - 1``.
    """
    left, right = pads
    span = dilation * (kernel - 1) + 1
    slack = min(stride, span - right) - 1 if ceil_mode else 0
    reach = add_dims([length, left + right - span + slack])
    return add_dims([floor_divide_dim(reach, stride), 1])


def written(values: Sequence[object]) -> str:
    """Per-dimension values as a spec writes them: ``3`` for one, ``[3, 5]`` for two."""
    return str(values[0]) if len(values) == 1 else "[" + ", ".join(map(str, values)) + "]"


def report_too_short(
    ctx: LayerContext, source: Source, kind: str, lengths: Sequence[Dim], detail: str
) -> bool:
    """LS320 when a computed length is a number below 1, as torch raises; True if reported."""
    if not any(isinstance(length, int) and length < 1 for length in lengths):
        return False
    shown = format_shape(tuple(lengths))
    ctx.report_on(
        source,
        "LS320",
        f"{ctx.name} ({kind}) leaves no output on {source.describe()}: its windows ({detail}) "
        f"give the spatial size {shown}; torch raises because the window is larger than the "
        "padded input",
        hint="use a longer input, or a smaller kernel_size, dilation or stride, or more padding",
    )
    return True
