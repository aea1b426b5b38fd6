"""torch.nn.Identity, Flatten and Unflatten: the same elements in another shape.

Dims are numbered as torch numbers them, negative from the end; a 0-D input
counts as having dims 0 and -1.  The sizes are exact expressions:
Flatten of [B, T, H] is [B, H*T], and Unflatten's one -1 is the quotient
when it is provably whole (dim 1 of [B, 2*T] into [2, -1] is [B, 2, T]).
"""

from __future__ import annotations

from typing import Any, Literal

from lstmshape.engine.tensors import LayerContext, LayerOutcome, Tensor
from lstmshape.frameworks import cost_rules
from lstmshape.frameworks.layer_type import Draw, Example, Failing, Sample, Sampler, layer_type
from lstmshape.frameworks.torch.activation import same_shape
from lstmshape.frameworks.torch.base import TorchLayer
from lstmshape.shapes import (
    Dim,
    dims_conflict,
    divide_dims_exactly,
    format_dim,
    format_shape,
    multiply_dims,
)


class IdentityConfig(TorchLayer):
    type: Literal["Identity"]


@layer_type(
    "torch",
    "Identity",
    IdentityConfig,
    cost=cost_rules.view,
    examples=(Example({"x": ["B", "T", 8]}, {}, {"output": ["B", "T", 8]}, params=0),),
    failing=(Failing({"x": ["B", "T", 8]}, {"input": "y"}, "LS202"),),
    sample=Sampler("sequence", lambda draw: Sample({}, draw.features)),
    reads_packed=True,
)
def identity(config: IdentityConfig, ctx: LayerContext) -> LayerOutcome:
    """Returns its input: any shape, unchanged; no parameters.

    torch's Identity ignores any argument; lstmshape takes none (LS101).  A
    packed sequence goes through as it is.
    """
    tensor = ctx.inputs[0].tensor
    if tensor.packed is not None:
        return LayerOutcome({"output": Tensor(tensor.shape, packed=tensor.packed)}, 0)
    return same_shape(ctx)


def _wrap(dim: int, rank: int) -> int | None:
    """``dim`` as a position in a tensor of ``rank`` dims, or None if out of range."""
    bound = max(rank, 1)
    return dim % bound if -bound <= dim < bound else None


def _out_of_range(ctx: LayerContext, key: str, dim: int, shape: tuple[Dim, ...]) -> None:
    source = ctx.inputs[0]
    bound = max(len(shape), 1)
    ctx.report(
        "LS302",
        f"{ctx.name}.{key} is {dim} but its input {source.text} {format_shape(shape)} is "
        f"{len(shape)}-D (a dim must be in {-bound} to {bound - 1})",
        key,
    )


class FlattenConfig(TorchLayer):
    type: Literal["Flatten"]
    start_dim: int = 1
    end_dim: int = -1


def _sample_flatten(draw: Draw) -> Sample:
    """On a head's (N, features): a no-op, as in a model that flattens before Linear."""
    mistake = {"start_dim": 2} if draw.chance(0.05) else {}
    return Sample({}, draw.features, mistake)


@layer_type(
    "torch",
    "Flatten",
    FlattenConfig,
    cost=cost_rules.view,
    examples=(
        Example({"x": ["B", 32, 4, 5]}, {}, {"output": ["B", 640]}, params=0),
        Example(
            {"x": ["B", 32, 4, "T"]},
            {"start_dim": 1, "end_dim": 2},
            {"output": ["B", 128, "T"]},
            params=0,
        ),
    ),
    failing=(Failing({"x": ["B", 8]}, {"start_dim": 2}, "LS302"),),
    sample=Sampler("head", _sample_flatten),
)
def flatten(config: FlattenConfig, ctx: LayerContext) -> LayerOutcome:
    """Joins dims start_dim to end_dim into one, their product: [B, C, H, W] -> [B, C*H*W].

    Both dims must be in the input (a 0-D input gives [1]); start_dim must
    not come after end_dim.  No parameters.
    """
    source = ctx.inputs[0]
    shape = source.tensor.shape
    unknown = LayerOutcome({"output": Tensor(None)}, 0)
    if shape is None:
        return unknown
    start, end = _wrap(config.start_dim, len(shape)), _wrap(config.end_dim, len(shape))
    if start is None or end is None:
        key, dim = ("start_dim", config.start_dim) if start is None else ("end_dim", config.end_dim)
        _out_of_range(ctx, key, dim, shape)
        return unknown
    if start > end:
        ctx.report(
            "LS108",
            f"{ctx.name}.start_dim ({config.start_dim}) comes after end_dim ({config.end_dim}) "
            f"in its {len(shape)}-D input {source.text} (torch raises)",
            "start_dim",
        )
        return unknown
    if not shape:
        return LayerOutcome({"output": Tensor((1,))}, 0)
    joined = multiply_dims(shape[start : end + 1])
    return LayerOutcome({"output": Tensor((*shape[:start], joined, *shape[end + 1 :]))}, 0)


class UnflattenConfig(TorchLayer):
    type: Literal["Unflatten"]
    dim: int
    unflattened_size: list[int]


def _check_unflatten(config: UnflattenConfig, ctx: LayerContext) -> bool:
    sizes = config.unflattened_size
    problem = None
    if not sizes:
        problem = "is empty; it must list the sizes to split the dim into"
    elif sizes.count(-1) > 1:
        problem = f"is {sizes}: only one size can be -1 (inferred)"
    elif any(size < -1 for size in sizes):
        problem = f"is {sizes}: a size must be positive, or -1 once to infer it"
    if problem is None:
        return True
    ctx.report("LS108", f"{ctx.name}.unflattened_size {problem}", "unflattened_size")
    return False


def _sample_unflatten(draw: Draw) -> Sample:
    """Splits a head's last dim: into [features, 1], or halves with a -1 where it is even."""
    features = draw.features
    if features % 2 == 0 and draw.chance(0.5):
        args: dict[str, Any] = {"dim": -1, "unflattened_size": [2, -1]}
        last = features // 2
    else:
        args, last = {"dim": -1, "unflattened_size": [features, 1]}, 1
    mistake = {"unflattened_size": [features + 1, -1]} if draw.chance(0.05) else {}
    return Sample(args, last, mistake)


@layer_type(
    "torch",
    "Unflatten",
    UnflattenConfig,
    cost=cost_rules.view,
    check=_check_unflatten,
    examples=(
        Example(
            {"x": ["B", 128, "T"]},
            {"dim": 1, "unflattened_size": [32, 4]},
            {"output": ["B", 32, 4, "T"]},
            params=0,
        ),
        Example(
            {"x": ["B", "T", 8]},
            {"dim": -1, "unflattened_size": [2, -1]},
            {"output": ["B", "T", 2, 4]},
            params=0,
        ),
    ),
    failing=(Failing({"x": ["B", 128]}, {"dim": 1, "unflattened_size": [32, 5]}, "LS301"),),
    sample=Sampler("head", _sample_unflatten),
)
def unflatten(config: UnflattenConfig, ctx: LayerContext) -> LayerOutcome:
    """Splits dim into unflattened_size, whose product must be its size: [B, 128] -> [B, 32, 4].

    One size may be -1, inferred as the dim's size over the others' product
    (an error unless provably whole: T into [2, -1] fails for an odd T).
    No parameters.
    """
    source = ctx.inputs[0]
    shape = source.tensor.shape
    unknown = LayerOutcome({"output": Tensor(None)}, 0)
    if shape is None:
        return unknown
    axis = _wrap(config.dim, len(shape)) if shape else None
    if axis is None:
        _out_of_range(ctx, "dim", config.dim, shape)
        return unknown
    size = shape[axis]
    sizes: list[Dim] = list(config.unflattened_size)
    known = multiply_dims(s for s in sizes if s != -1)
    if -1 in sizes:
        inferred = None if known == 0 else divide_dims_exactly(size, known)
        if inferred is None and size is not None and known != 0:
            return _sizes_mismatch(ctx, config, size, f"is not a multiple of {known}")
        if known == 0:
            return _sizes_mismatch(ctx, config, size, "cannot be split with a size of 0")
        sizes[sizes.index(-1)] = inferred
    elif dims_conflict(known, size):
        return _sizes_mismatch(ctx, config, size, f"is not their product {known}")
    return LayerOutcome({"output": Tensor((*shape[:axis], *sizes, *shape[axis + 1 :]))}, 0)


def _sizes_mismatch(
    ctx: LayerContext, config: UnflattenConfig, size: Dim, why: str
) -> LayerOutcome:
    source = ctx.inputs[0]
    ctx.report(
        "LS301",
        f"{ctx.name} splits dim {config.dim} of {source.describe()} into "
        f"{config.unflattened_size}, but its size {format_dim(size)} {why}",
        "unflattened_size",
    )
    return LayerOutcome({"output": Tensor(None)}, 0)
