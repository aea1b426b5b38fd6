"""What Keras's convolution, pooling and padding layers share: windows sliding over steps.

A layer of rank n reads (batch, *n spatial dims, channels), or with
``data_format: channels_first`` (batch, channels, *n spatial dims).  A
window of ``k`` steps, dilated by ``d`` and moved by ``s``, leaves
``(L - d*(k - 1) - 1) // s + 1`` steps of ``L`` with ``padding: valid`` and
``ceil(L / s)`` with ``same`` or ``causal``; symbolic lengths stay exact
(``T - 2``, ``(T + 1) // 2``).  Keras raises when a known length leaves no
step (LS320), and warns when a layer that cannot use a mask is given one
(LS325): the mask is lost, and the layers after it see padding as data.
"""

from __future__ import annotations

from typing import Any

from lstmshape.engine.tensors import LayerContext, Source
from lstmshape.frameworks.keras.base import KerasArgs
from lstmshape.frameworks.keras.checks import batch_in_input_shape
from lstmshape.models.common import field_validator
from lstmshape.shapes import Dim, Shape, add_dims, ceil_divide_dim, floor_divide_dim

CHANNELS_FIRST = "channels_first"


class WindowArgs(KerasArgs):
    """Arguments Keras reads in any case (``SAME``, ``Channels_First``): written lower."""

    @field_validator("padding", "data_format", mode="before", check_fields=False)
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value


def spatial(
    ctx: LayerContext, key: str, value: int | list[int], rank: int, minimum: int = 1
) -> tuple[int, ...] | None:
    """An argument Keras reads as ``rank`` integers (one integer for all), or None, reported."""
    values = (value,) * rank if isinstance(value, int) else tuple(value)
    if len(values) == rank and all(v >= minimum for v in values):
        return values
    condition = "value > 0" if minimum else "value >= 0"
    ctx.report(
        "LS108",
        f"{ctx.label(key)} is {value}; Keras takes one integer or a list of {rank}, each "
        f"{condition} (Keras raises ValueError: The `{key}` argument must be a tuple of "
        f"{rank} integers)",
        key,
    )
    return None


def output_length(length: Dim, window: int, stride: int, dilation: int, padding: str) -> Dim:
    """The steps a window leaves of ``length`` (module docstring)."""
    if padding != "valid":
        return ceil_divide_dim(length, stride)
    span = dilation * (window - 1) + 1
    return add_dims([floor_divide_dim(add_dims([length, -span]), stride), 1])


def layout(shape: Shape, data_format: str | None) -> tuple[list[Dim], Dim]:
    """The spatial dimensions and the channels of an input (batch first)."""
    if data_format == CHANNELS_FIRST:
        return list(shape[2:]), shape[1]
    return list(shape[1:-1]), shape[-1]


def arrange(batch: Dim, steps: list[Dim], channels: Dim, data_format: str | None) -> Shape:
    if data_format == CHANNELS_FIRST:
        return (batch, channels, *steps)
    return (batch, *steps, channels)


def check_rank(
    ctx: LayerContext,
    source: Source,
    shape: Shape,
    rank: int,
    kind: str,
    keras: str,
    described: str | None = None,
) -> bool:
    """Whether the input has ``rank`` dimensions; ``keras`` is Keras's error for this case,
    ``described`` the dimensions' names where they are not a convolution's."""
    if len(shape) == rank:
        return True
    layout_text = f" {described}" if described else _LAYOUTS.get(rank, "")
    ctx.report_on(
        source,
        "LS302",
        f"{kind} takes a {rank}-D input{layout_text}; {ctx.name}'s input {source.describe()} "
        f"is {len(shape)}-D (Keras raises ValueError: {keras})",
        hint=batch_in_input_shape(source, shape, rank),
    )
    return False


_LAYOUTS = {3: " (batch, steps, channels)", 4: " (batch, rows, cols, channels)"}


def rank_error(rank: int, found: int, weights: bool) -> str:
    """Keras's words: a layer with a kernel checks a minimum rank, then the kernel's."""
    if not weights:
        return f"expected ndim={rank}, found ndim={found}"
    if found < rank:
        return f"expected min_ndim={rank}, found ndim={found}"
    return "Kernel shape must have the same length as input"


def check_steps(ctx: LayerContext, source: Source, steps: list[Dim], what: str) -> bool:
    """Whether every known output length is positive (Keras raises otherwise)."""
    empty = [dim for dim in steps if isinstance(dim, int) and dim <= 0]
    if not empty:
        return True
    ctx.report_on(
        source,
        "LS320",
        f"{ctx.name}'s {what} is longer than its input {source.describe()}: the output would "
        f"have {empty[0]} steps (Keras raises ValueError: Computed output size would be zero or "
        "negative)",
        hint="use a smaller window, or padding: same",
    )
    return False


def drop_mask(ctx: LayerContext, source: Source, kind: str) -> None:
    """Warn, as Keras does, that a layer that cannot use a mask loses the one it is given.

    Not inside a wrapper: TimeDistributed does not hand its mask to such a layer.
    """
    mask = source.tensor.mask
    if mask is None or ctx.within:
        return
    whose = (
        f"{mask.layer} is {mask.maker}"
        if source.text == mask.layer
        else f"{source.text} carries the mask of {mask.layer} ({mask.maker})"
    )
    ctx.report(
        "LS325",
        f"{ctx.name} ({kind}) does not support masking, and its input {whose}: the mask is "
        "dropped, so the "
        "layers after it read the padding as data (Keras warns: this layer does not support "
        "masking and will therefore destroy the mask information)",
        hint=f"apply the mask first (a recurrent layer reads it), or remove {mask.remedy}",
    )
