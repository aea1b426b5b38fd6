"""torch.nn.BatchNorm1d, BatchNorm2d and LayerNorm: normalize, keeping the shape.

BatchNorm's features are the channel dim, dim 1: BatchNorm1d reads (N, C) or
(N, C, L), BatchNorm2d (N, C, H, W).  Its parameters are weight and bias
(num_features each, only with affine; bias: false drops the bias); the
running mean and variance are buffers, not parameters.  In training mode,
as a module is built, it needs more than one value per channel: N times the
spatial sizes must not be 1.  LayerNorm normalizes over the trailing dims,
which must be normalized_shape.
"""

from __future__ import annotations

from typing import Any, Literal

from lstmshape.costs import Costs, CostShapes, numel
from lstmshape.engine.tensors import LayerContext, LayerOutcome, Tensor
from lstmshape.frameworks.layer_type import Draw, Example, Failing, Sample, Sampler, layer_type
from lstmshape.frameworks.torch.activation import same_shape
from lstmshape.frameworks.torch.base import TorchLayer
from lstmshape.shapes import dims_conflict, format_shape, multiply_dims, size_hint


class BatchNormConfig(TorchLayer):
    num_features: int
    eps: float = 1e-05
    momentum: float | None = 0.1
    affine: bool = True
    track_running_stats: bool = True
    device: str | None = None
    dtype: str | None = None
    bias: bool = True


class BatchNorm1dConfig(BatchNormConfig):
    type: Literal["BatchNorm1d"]


class BatchNorm2dConfig(BatchNormConfig):
    type: Literal["BatchNorm2d"]


_RANKS = {"BatchNorm1d": (2, 3), "BatchNorm2d": (4,)}
_LAYOUTS = {"BatchNorm1d": "(N, C) or (N, C, L)", "BatchNorm2d": "(N, C, H, W)"}


def _has_weights(config: BatchNormConfig) -> bool:
    """Whether torch makes tensors of num_features (weights or running stats)."""
    return config.affine or config.track_running_stats


def _check_batch_norm(config: BatchNormConfig, ctx: LayerContext) -> bool:
    valid = True
    if config.num_features < 0 and _has_weights(config):
        ctx.report(
            "LS108",
            f"{ctx.name}.num_features must not be negative, found {config.num_features} "
            "(torch cannot create a weight with a negative dimension)",
            "num_features",
        )
        valid = False
    if config.eps <= 0:
        ctx.report(
            "LS108",
            f"{ctx.name}.eps must be positive, found {config.eps} "
            "(torch raises ValueError when the layer runs in training mode)",
            "eps",
        )
        valid = False
    return valid


def _batch_norm(config: BatchNormConfig, ctx: LayerContext) -> LayerOutcome:
    params = config.num_features * (2 if config.bias else 1) if config.affine else 0
    source = ctx.inputs[0]
    shape = source.tensor.shape
    outcome = same_shape(ctx, params)
    unknown = LayerOutcome({"output": Tensor(None)}, params)
    if shape is None:
        return outcome
    if len(shape) not in _RANKS[config.type]:
        ctx.report_on(
            source,
            "LS302",
            f"{config.type} reads {_LAYOUTS[config.type]}; {ctx.name}'s input {source.text} "
            f"{format_shape(shape)} is {len(shape)}-D",
        )
        return unknown
    if _has_weights(config) and dims_conflict(config.num_features, shape[1]):
        ctx.report(
            "LS301",
            f"{ctx.name}.num_features is {config.num_features} but its input {source.text} has "
            f"{shape[1]} channels (dim 1 of {format_shape(shape)}: {config.type}'s features are "
            "dim 1, not the last dim)",
            "num_features",
            hint=size_hint("num_features", shape[1]),
        )
        return unknown
    if multiply_dims((shape[0], *shape[2:])) == 1:
        ctx.report_on(
            source,
            "LS323",
            f"{ctx.name} normalizes each channel over one value: its input {source.text} "
            f"{format_shape(shape)} has 1 value per channel, and torch raises in training mode",
            hint="a batch of one cannot be batch-normalized while training; use a larger batch",
        )
        return unknown
    return outcome


def _sample_batch_norm(draw: Draw) -> Sample:
    """On a head's (N, features) input; sometimes the last dim of a sequence, which
    BatchNorm1d does not read, or a wrong size."""
    args: dict[str, Any] = {"num_features": draw.features}
    if draw.chance(0.2):
        args["affine"] = draw.chance(0.5)
    if draw.chance(0.1):
        args["track_running_stats"] = False
    mistake = {"num_features": draw.features + 1} if draw.chance(0.1) else {}
    return Sample(args, draw.features, mistake)


def _batch_norm_cost(config: BatchNormConfig, shapes: CostShapes) -> Costs:
    """At inference, with running statistics: a scale and a shift an element (the
    affine weights fold into them)."""
    return Costs(normalization=numel(shapes.output) * 2)


@layer_type(
    "torch",
    "BatchNorm1d",
    BatchNorm1dConfig,
    cost=_batch_norm_cost,
    check=_check_batch_norm,
    examples=(
        Example({"x": ["B", 16]}, {"num_features": 16}, {"output": ["B", 16]}, params=32),
        Example(
            {"x": ["B", 16, "T"]},
            {"num_features": 16, "affine": False},
            {"output": ["B", 16, "T"]},
            params=0,
        ),
    ),
    failing=(
        Failing({"x": ["B", "T", 16]}, {"num_features": 16}, "LS301"),
        Failing({"x": [1, 16]}, {"num_features": 16}, "LS323"),
    ),
    sample=Sampler("head", _sample_batch_norm),
)
def batch_norm_1d(config: BatchNorm1dConfig, ctx: LayerContext) -> LayerOutcome:
    """Normalizes each channel over the batch: (N, C) or (N, C, L), unchanged.

    C (dim 1) must be num_features; 2*num_features parameters with affine
    (num_features with bias: false), none without.
    """
    return _batch_norm(config, ctx)


def _sample_batch_norm_2d(draw: Draw) -> Sample:
    return Sample({"num_features": draw.features}, draw.features)


@layer_type(
    "torch",
    "BatchNorm2d",
    BatchNorm2dConfig,
    cost=_batch_norm_cost,
    check=_check_batch_norm,
    examples=(
        Example(
            {"x": ["B", 32, 41, "T"]},
            {"num_features": 32},
            {"output": ["B", 32, 41, "T"]},
            params=64,
        ),
    ),
    failing=(Failing({"x": ["B", 32, "T"]}, {"num_features": 32}, "LS302"),),
    sample=Sampler("head", _sample_batch_norm_2d),
)
def batch_norm_2d(config: BatchNorm2dConfig, ctx: LayerContext) -> LayerOutcome:
    """Normalizes each channel over batch and space: (N, C, H, W), unchanged.

    C (dim 1) must be num_features; parameters as BatchNorm1d's.
    """
    return _batch_norm(config, ctx)


class LayerNormConfig(TorchLayer):
    type: Literal["LayerNorm"]
    normalized_shape: int | list[int]
    eps: float = 1e-05
    elementwise_affine: bool = True
    bias: bool = True
    device: str | None = None
    dtype: str | None = None


def _normalized(config: LayerNormConfig) -> list[int]:
    shape = config.normalized_shape
    return [shape] if isinstance(shape, int) else shape


def _check_layer_norm(config: LayerNormConfig, ctx: LayerContext) -> bool:
    normalized = _normalized(config)
    if not normalized:
        ctx.report(
            "LS108",
            f"{ctx.name}.normalized_shape is empty; torch needs at least one dim to normalize",
            "normalized_shape",
        )
        return False
    if config.elementwise_affine and any(size < 0 for size in normalized):
        ctx.report(
            "LS108",
            f"{ctx.name}.normalized_shape must not have a negative size, found {normalized} "
            "(torch cannot create a weight with a negative dimension)",
            "normalized_shape",
        )
        return False
    return True


def _sample_layer_norm(draw: Draw) -> Sample:
    args: dict[str, Any] = {"normalized_shape": draw.rng.choice((draw.features, [draw.features]))}
    if draw.chance(0.2):
        args["elementwise_affine"] = False
    elif draw.chance(0.2):
        args["bias"] = False
    mistake = {"normalized_shape": draw.features + 1} if draw.chance(0.1) else {}
    return Sample(args, draw.features, mistake)


def _layer_norm_cost(config: LayerNormConfig, shapes: CostShapes) -> Costs:
    """Mean (1), variance (2), subtract and divide (2) an element; the affine weight and
    bias one more each."""
    affine = (1 + config.bias) if config.elementwise_affine else 0
    return Costs(normalization=numel(shapes.output) * (5 + affine))


@layer_type(
    "torch",
    "LayerNorm",
    LayerNormConfig,
    cost=_layer_norm_cost,
    check=_check_layer_norm,
    examples=(
        Example(
            {"x": ["B", "T", 64]}, {"normalized_shape": 64}, {"output": ["B", "T", 64]}, params=128
        ),
        Example(
            {"x": ["B", 4, 8]},
            {"normalized_shape": [4, 8], "bias": False},
            {"output": ["B", 4, 8]},
            params=32,
        ),
    ),
    failing=(Failing({"x": ["B", "T", 64]}, {"normalized_shape": 32}, "LS301"),),
    sample=Sampler("sequence", _sample_layer_norm),
)
def layer_norm(config: LayerNormConfig, ctx: LayerContext) -> LayerOutcome:
    """Normalizes over the trailing dims: (*, normalized_shape), unchanged.

    normalized_shape (one size, or a list) must be the input's last dims;
    with elementwise_affine, a weight and a bias (none with bias: false) of
    normalized_shape's size each.
    """
    normalized = _normalized(config)
    size = 1
    for dim in normalized:
        size *= dim
    params = size * (2 if config.bias else 1) if config.elementwise_affine else 0
    source = ctx.inputs[0]
    shape = source.tensor.shape
    if shape is None:
        return same_shape(ctx, params)
    trailing = shape[len(shape) - len(normalized) :] if len(normalized) <= len(shape) else None
    if trailing is None or any(
        dims_conflict(want, got) for want, got in zip(normalized, trailing, strict=True)
    ):
        expected = format_shape(("*", *normalized))
        ctx.report(
            "LS301",
            f"{ctx.name}.normalized_shape is {config.normalized_shape}, so its input must be "
            f"{expected}, but {source.text} is {format_shape(shape)}",
            "normalized_shape",
            hint=_layer_norm_hint(len(normalized), shape),
        )
        return LayerOutcome({"output": Tensor(None)}, params)
    return same_shape(ctx, params)


def _layer_norm_hint(count: int, shape: tuple[Any, ...]) -> str | None:
    if count > len(shape):
        return None
    trailing = list(shape[len(shape) - count :])
    if not all(isinstance(dim, int) for dim in trailing):
        return None
    return f"set normalized_shape: {trailing[0] if count == 1 else trailing}"
