"""torch's shape functions and Tensor methods: permute, transpose, t, reshape, view,
flatten, squeeze, unsqueeze, contiguous.

Written as layers (``type: permute``, ``type: torch.permute``); a method
torch has no function for (``view``, ``contiguous``) is written by its name
alone.  No parameters.  ``view`` is checked as ``reshape``: whether torch
can view a non-contiguous tensor (one a ``transpose`` made) without a copy
depends on strides, which lstmshape does not follow.
"""

from __future__ import annotations

from typing import Any, Literal

from lstmshape.engine.tensors import LayerContext, LayerOutcome, Tensor
from lstmshape.frameworks import cost_rules
from lstmshape.frameworks.layer_type import Draw, Example, Failing, Sample, Sampler, layer_type
from lstmshape.frameworks.torch.base import TorchLayer
from lstmshape.frameworks.torch.op_dims import wrap_dim
from lstmshape.models.common import SizeField
from lstmshape.shapes import Shape, format_shape, multiply_dims, reshape_dims

FUNCTION = ("torch.",)
"""Where torch has these names: ``torch.permute``, never ``nn.permute``."""
METHOD: tuple[str, ...] = ()
"""A Tensor method with no function of that name (``view``): the name alone."""

_SEQ: dict[str, list[Any]] = {"x": ["B", "T", 8]}
UNKNOWN = LayerOutcome({"output": Tensor(None)}, 0)


def _result(shape: Shape | None) -> LayerOutcome:
    return LayerOutcome({"output": Tensor(shape)}, 0)


class PermuteConfig(TorchLayer):
    type: Literal["permute"]
    dims: list[int]


class TransposeConfig(TorchLayer):
    type: Literal["transpose"]
    dim0: int
    dim1: int


def _sample_layout(draw: Draw) -> Sample:
    """Swaps batch and time of a 3-D sequence; at times the features with them."""
    mistake: dict[str, Any] = {}
    if draw.chance(0.5):
        args: dict[str, Any] = {"dims": [1, 0, 2]}
        if draw.chance(0.1):
            mistake["dims"] = draw.rng.choice(([0, 2, 1], [1, 0]))
    else:
        args = {"dim0": 0, "dim1": draw.rng.choice((1, -2))}
        if draw.chance(0.1):
            mistake["dim1"] = draw.rng.choice((2, 3))
    return Sample(args, draw.features, mistake)


def _sample_permute(draw: Draw) -> Sample:
    sample = _sample_layout(draw)
    if "dims" in sample.args:
        return sample
    return Sample({"dims": [1, 0, 2]}, draw.features)


def _sample_transpose(draw: Draw) -> Sample:
    sample = _sample_layout(draw)
    if "dim0" in sample.args:
        return sample
    return Sample({"dim0": 0, "dim1": 1}, draw.features)


@layer_type(
    "torch",
    "permute",
    PermuteConfig,
    cost=cost_rules.view,
    prefixes=FUNCTION,
    note="(`x.permute(dims)`, `torch.permute(input, dims)`)",
    examples=(Example(_SEQ, {"dims": [1, 0, 2]}, {"output": ["T", "B", 8]}, params=0),),
    failing=(
        Failing(_SEQ, {"dims": [0, 2]}, "LS302"),
        Failing(_SEQ, {"dims": [0, 0, 1]}, "LS108"),
    ),
    sample=Sampler("layout", _sample_permute),
)
def permute(config: PermuteConfig, ctx: LayerContext) -> LayerOutcome:
    """Reorders the dimensions: output dim i is input dim dims[i].

    dims must name every dimension once (negative dims count from the end).
    """
    source = ctx.inputs[0]
    shape = source.tensor.shape
    if shape is None:
        return UNKNOWN
    if len(config.dims) != len(shape):
        ctx.report(
            "LS302",
            f"{ctx.name}.dims has {len(config.dims)} entries but its input {source.describe()} is "
            f"{len(shape)}-D (torch raises: the number of dims does not match)",
            "dims",
        )
        return UNKNOWN
    axes: list[int] = []
    for index, dim in enumerate(config.dims):
        axis = wrap_dim(ctx, dim, len(shape), "dims", index)
        if axis is None:
            return UNKNOWN
        if axis in axes:
            ctx.report(
                "LS108",
                f"{ctx.name}.dims names dim {axis} twice (torch raises: duplicate dims are "
                "not allowed)",
                "dims",
                index,
            )
            return UNKNOWN
        axes.append(axis)
    return _result(tuple(shape[axis] for axis in axes) if shape else ())


@layer_type(
    "torch",
    "transpose",
    TransposeConfig,
    cost=cost_rules.view,
    prefixes=FUNCTION,
    note="(`x.transpose(dim0, dim1)`)",
    examples=(Example(_SEQ, {"dim0": 1, "dim1": 2}, {"output": ["B", 8, "T"]}, params=0),),
    failing=(Failing(_SEQ, {"dim0": 0, "dim1": 3}, "LS108"),),
    sample=Sampler("layout", _sample_transpose),
)
def transpose(config: TransposeConfig, ctx: LayerContext) -> LayerOutcome:
    """Swaps two dimensions, dim0 and dim1."""
    shape = ctx.inputs[0].tensor.shape
    if shape is None:
        return UNKNOWN
    first = wrap_dim(ctx, config.dim0, len(shape), "dim0")
    second = wrap_dim(ctx, config.dim1, len(shape), "dim1")
    if first is None or second is None:
        return UNKNOWN
    if not shape:
        return _result(())
    swapped = list(shape)
    swapped[first], swapped[second] = shape[second], shape[first]
    return _result(tuple(swapped))


class TConfig(TorchLayer):
    type: Literal["t"]


@layer_type(
    "torch",
    "t",
    TConfig,
    prefixes=FUNCTION,
    note="(`x.t()`)",
    cost=cost_rules.view,
    examples=(
        Example({"x": ["B", "T"]}, {}, {"output": ["T", "B"]}, params=0),
        Example({"x": [8]}, {}, {"output": [8]}, params=0),
    ),
    failing=(Failing(_SEQ, {}, "LS302"),),
)
def t(config: TConfig, ctx: LayerContext) -> LayerOutcome:
    """Transposes a matrix: (n, m) -> (m, n); a vector or a scalar is returned as it is.

    torch raises for more than 2 dimensions: write transpose(dim0, dim1) there.
    """
    source = ctx.inputs[0]
    shape = source.tensor.shape
    if shape is None:
        return UNKNOWN
    if len(shape) > 2:
        ctx.report_on(
            source,
            "LS302",
            f"{ctx.name} transposes a matrix, but its input {source.describe()} is "
            f"{len(shape)}-D (torch raises: t() expects a tensor with <= 2 dimensions)",
            hint="swap two dimensions with transpose (dim0, dim1)",
        )
        return UNKNOWN
    return _result(tuple(reversed(shape)))


class ReshapeConfig(TorchLayer):
    type: Literal["reshape"]
    shape: list[SizeField]


class ViewConfig(TorchLayer):
    type: Literal["view"]
    shape: list[SizeField]


def _sample_rows(draw: Draw) -> Sample:
    """``(-1, features)``: every leading dimension into one; at times two -1."""
    mistake = {"shape": [-1, -1]} if draw.chance(0.05) else {}
    return Sample({"shape": [-1, draw.features]}, draw.features, mistake)


def _reshape(shape: list[int | str], ctx: LayerContext) -> LayerOutcome:
    source = ctx.inputs[0]
    given = source.tensor.shape
    for index, size in enumerate(shape):
        if isinstance(size, int) and size < -1:
            ctx.report(
                "LS108",
                f"{ctx.name}.shape[{index}] is {size}; a size is positive, or -1 to infer it",
                "shape",
                index,
            )
            return UNKNOWN
    inferred = [index for index, size in enumerate(shape) if size == -1]
    if len(inferred) > 1:
        ctx.report(
            "LS108",
            f"{ctx.name}.shape has -1 twice (torch raises: only one dimension can be inferred)",
            "shape",
            inferred[1],
        )
        return UNKNOWN
    if given is None:
        return UNKNOWN
    output, needs = reshape_dims(multiply_dims(given), shape)
    if output is None:
        _count_mismatch(ctx, source.describe(), f"shape {format_shape(tuple(shape))}", needs)
    return _result(output)


def _count_mismatch(ctx: LayerContext, described: str, wanted: str, needs: str) -> None:
    ctx.report(
        "LS312",
        f"{ctx.name} cannot view {described} as {wanted}: that needs {needs} "
        "(torch raises: shape is invalid for input of size ...)",
        "shape",
    )


_RESHAPE_EXAMPLES = (
    Example(_SEQ, {"shape": [-1, 8]}, {"output": ["B*T", 8]}, params=0),
    Example({"x": ["B", 6, 4]}, {"shape": [-1, 2, 12]}, {"output": ["B", 2, 12]}, params=0),
    Example({"x": ["T", "B", 6]}, {"shape": ["T*B", 6]}, {"output": ["B*T", 6]}, params=0),
    Example({"x": ["T", "B", 6]}, {"shape": ["B", -1]}, {"output": ["B", "6*T"]}, params=0),
)
_RESHAPE_FAILING = (
    Failing({"x": [5, 8]}, {"shape": [-1, 3]}, "LS312"),
    Failing(_SEQ, {"shape": [-1, -1]}, "LS108"),
    Failing(_SEQ, {"shape": ["T", "B", 3]}, "LS312"),
)


@layer_type(
    "torch",
    "reshape",
    ReshapeConfig,
    cost=cost_rules.view,
    prefixes=FUNCTION,
    note="(`x.reshape(shape)`)",
    examples=_RESHAPE_EXAMPLES,
    failing=_RESHAPE_FAILING,
    sample=Sampler("head", _sample_rows),
)
def reshape(config: ReshapeConfig, ctx: LayerContext) -> LayerOutcome:
    """The same elements in another shape; one -1 is inferred from the element count.

    The element counts must be equal: ``[B, T, 8]`` to ``(-1, 8)`` is ``[B*T, 8]``;
    to ``(-1, 3)`` it is an error, since B*T*8 is no multiple of 3 for B = T = 1.
    A size may be an expression of the spec's symbols, as a model computes it
    from ``x.size()``: ``view(T*b, h)`` is ``shape: [T*B, 256]``.
    """
    return _reshape(config.shape, ctx)


@layer_type(
    "torch",
    "view",
    ViewConfig,
    cost=cost_rules.view,
    prefixes=METHOD,
    positional=("shape",),
    note="(`x.view(shape)`, a Tensor method: written `view` alone)",
    examples=_RESHAPE_EXAMPLES,
    failing=_RESHAPE_FAILING,
)
def view(config: ViewConfig, ctx: LayerContext) -> LayerOutcome:
    """The same elements in another shape, as reshape (strides are not followed).

    Torch also raises when the input is not contiguous in a way the view needs
    (after a transpose): lstmshape does not follow strides and does not report
    that; write reshape, or contiguous before view.
    """
    return _reshape(config.shape, ctx)


class FlattenConfig(TorchLayer):
    type: Literal["flatten"]
    start_dim: int = 0
    end_dim: int = -1


def _sample_flatten(draw: Draw) -> Sample:
    mistake = {"start_dim": 1, "end_dim": 0} if draw.chance(0.05) else {}
    return Sample({"start_dim": 0, "end_dim": -2}, draw.features, mistake)


@layer_type(
    "torch",
    "flatten",
    FlattenConfig,
    cost=cost_rules.view,
    prefixes=FUNCTION,
    note="(`torch.flatten`; `nn.Flatten` is a module with start_dim=1)",
    examples=(
        Example(_SEQ, {"start_dim": 1}, {"output": ["B", "8*T"]}, params=0),
        Example(_SEQ, {"end_dim": 1}, {"output": ["B*T", 8]}, params=0),
    ),
    failing=(Failing(_SEQ, {"start_dim": 2, "end_dim": 1}, "LS108"),),
    sample=Sampler("head", _sample_flatten),
)
def flatten(config: FlattenConfig, ctx: LayerContext) -> LayerOutcome:
    """Joins dims start_dim..end_dim into one, of their product; a 0-D input gives (1,)."""
    shape = ctx.inputs[0].tensor.shape
    if shape is None:
        return UNKNOWN
    start = wrap_dim(ctx, config.start_dim, len(shape), "start_dim")
    end = wrap_dim(ctx, config.end_dim, len(shape), "end_dim")
    if start is None or end is None:
        return UNKNOWN
    if start > end:
        ctx.report(
            "LS108",
            f"{ctx.name}.start_dim ({config.start_dim}) comes after end_dim ({config.end_dim}) "
            "(torch raises: start_dim cannot come after end_dim)",
            "start_dim",
        )
        return UNKNOWN
    if not shape:
        return _result((1,))
    joined = multiply_dims(shape[start : end + 1])
    return _result((*shape[:start], joined, *shape[end + 1 :]))


class SqueezeConfig(TorchLayer):
    type: Literal["squeeze"]
    dim: int | list[int] | None = None


class UnsqueezeConfig(TorchLayer):
    type: Literal["unsqueeze"]
    dim: int


def _sample_squeeze(draw: Draw) -> Sample:
    """The batch dim, kept unless its size is 1; the last dim stays."""
    return Sample({"dim": 0}, draw.features, {"dim": 4} if draw.chance(0.05) else {})


def _sample_unsqueeze(draw: Draw) -> Sample:
    return Sample({"dim": -1}, 1, {"dim": 5} if draw.chance(0.05) else {})


@layer_type(
    "torch",
    "squeeze",
    SqueezeConfig,
    cost=cost_rules.view,
    prefixes=FUNCTION,
    note="(`dim` an int or a list; none: every dim of size 1)",
    examples=(
        Example({"x": ["B", 1, 8]}, {"dim": 1}, {"output": ["B", 8]}, params=0),
        Example({"x": ["B", 1, 8]}, {"dim": [0, 1]}, {"output": ["B", 8]}, params=0),
        Example({"x": [1, "T", 1]}, {}, {"output": ["T"]}, params=0),
    ),
    failing=(Failing({"x": ["B", 1, 8]}, {"dim": 3}, "LS108"),),
    sample=Sampler("head", _sample_squeeze),
)
def squeeze(config: SqueezeConfig, ctx: LayerContext) -> LayerOutcome:
    """Removes the given dims (all, without dim) where their size is 1; others stay.

    A symbolic size stands for any size, which torch keeps unless it is 1:
    lstmshape keeps it (write 1 in the input's shape for a dim to squeeze).
    """
    shape = ctx.inputs[0].tensor.shape
    if shape is None:
        return UNKNOWN
    if config.dim is None:
        axes = list(range(len(shape)))
    else:
        dims = [config.dim] if isinstance(config.dim, int) else config.dim
        keys: list[tuple[str | int, ...]] = (
            [("dim",)] if isinstance(config.dim, int) else [("dim", i) for i in range(len(dims))]
        )
        wrapped = [wrap_dim(ctx, d, len(shape), *key) for d, key in zip(dims, keys, strict=True)]
        if any(axis is None for axis in wrapped):
            return UNKNOWN
        axes = [axis for axis in wrapped if axis is not None]
    if any(shape[axis] is None for axis in axes if axis < len(shape)):
        return UNKNOWN  # an unknown size may be 1 or not
    return _result(tuple(d for axis, d in enumerate(shape) if not (axis in axes and d == 1)))


@layer_type(
    "torch",
    "unsqueeze",
    UnsqueezeConfig,
    cost=cost_rules.view,
    prefixes=FUNCTION,
    examples=(Example({"x": ["B", 8]}, {"dim": 1}, {"output": ["B", 1, 8]}, params=0),),
    failing=(Failing({"x": ["B", 8]}, {"dim": 3}, "LS108"),),
    sample=Sampler("head", _sample_unsqueeze),
)
def unsqueeze(config: UnsqueezeConfig, ctx: LayerContext) -> LayerOutcome:
    """Inserts a dim of size 1 at dim (from -rank-1 to rank)."""
    shape = ctx.inputs[0].tensor.shape
    if shape is None:
        return UNKNOWN
    size = len(shape) + 1
    if not -size <= config.dim < size:
        ctx.report(
            "LS108",
            f"{ctx.name}.dim is {config.dim} but the input {ctx.inputs[0].describe()} takes "
            f"a new dim from {-size} to {size - 1} (torch raises IndexError)",
            "dim",
        )
        return UNKNOWN
    axis = config.dim % size
    return _result((*shape[:axis], 1, *shape[axis:]))


class ContiguousConfig(TorchLayer):
    type: Literal["contiguous"]


def _sample_same(draw: Draw) -> Sample:
    return Sample({}, draw.features)


@layer_type(
    "torch",
    "contiguous",
    ContiguousConfig,
    cost=cost_rules.copy,
    prefixes=METHOD,
    note="(`x.contiguous()`, a Tensor method: written `contiguous` alone)",
    examples=(Example(_SEQ, {}, {"output": ["B", "T", 8]}, params=0),),
    failing=(Failing(_SEQ, {"input": "y"}, "LS202"),),
    sample=Sampler("sequence", _sample_same),
)
def contiguous(config: ContiguousConfig, ctx: LayerContext) -> LayerOutcome:
    """The same tensor, laid out contiguously: the shape is unchanged."""
    tensor = ctx.inputs[0].tensor
    return LayerOutcome({"output": Tensor(tensor.shape, batch_first=tensor.batch_first)}, 0)
