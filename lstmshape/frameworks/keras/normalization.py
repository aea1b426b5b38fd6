"""keras.layers.BatchNormalization and LayerNormalization: the shape is kept, the axes sized.

Both keep their input's shape and pass its mask on.  Their weights have the
size of the normalized axis (BatchNormalization's ``axis``, one int) or
axes (LayerNormalization's ``axis``, an int or a list), so those axes must
have a known size, the batch too when an axis is 0: Keras raises when it
builds the layer otherwise.  An axis outside the input's rank raises too
(IndexError).
"""

from __future__ import annotations

from typing import Any, Literal

from lstmshape.costs import Costs, CostShapes, numel
from lstmshape.engine.tensors import LayerContext, LayerOutcome, Source, Tensor
from lstmshape.frameworks.keras.base import KerasArgs, KerasLayer
from lstmshape.frameworks.layer_type import (
    Draw,
    Example,
    Failing,
    Sample,
    Sampler,
    Shapes,
    layer_type,
)
from lstmshape.shapes import Dim, Shape, dims_conflict, format_shape, multiply_dims


class BatchNormalizationArgs(KerasArgs):
    type: Literal["BatchNormalization"]
    axis: int = -1
    momentum: float = 0.99
    epsilon: float = 0.001
    center: bool = True
    scale: bool = True
    beta_initializer: str = "zeros"
    gamma_initializer: str = "ones"
    moving_mean_initializer: str = "zeros"
    moving_variance_initializer: str = "ones"
    beta_regularizer: str | None = None
    gamma_regularizer: str | None = None
    beta_constraint: str | None = None
    gamma_constraint: str | None = None
    synchronized: bool = False
    trainable: bool = True
    dtype: str | None = None


class BatchNormalizationConfig(KerasLayer, BatchNormalizationArgs):
    type: Literal["BatchNormalization"]


class LayerNormalizationArgs(KerasArgs):
    type: Literal["LayerNormalization"]
    axis: int | list[int] = -1
    epsilon: float = 0.001
    center: bool = True
    scale: bool = True
    beta_initializer: str = "zeros"
    gamma_initializer: str = "ones"
    beta_regularizer: str | None = None
    gamma_regularizer: str | None = None
    beta_constraint: str | None = None
    gamma_constraint: str | None = None
    trainable: bool = True
    dtype: str | None = None


class LayerNormalizationConfig(KerasLayer, LayerNormalizationArgs):
    type: Literal["LayerNormalization"]


def _axis_sizes(ctx: LayerContext, source: Source, axes: list[int], what: str) -> list[Dim] | None:
    """The sizes of the input's ``axes``, which size the weights; None (reported) if unknown."""
    shape = source.tensor.shape
    assert shape is not None
    rank = len(shape)
    for axis in axes:
        if not -rank <= axis < rank:
            ctx.report(
                "LS108",
                f"{ctx.label('axis')} is {axis}, but {ctx.name}'s input {source.describe()} is "
                f"{rank}-D (axis must be in {-rank} to {rank - 1}; Keras raises IndexError: "
                "tuple index out of range)",
                "axis",
            )
            return None
    sizes = [shape[axis] for axis in axes]
    unsized = [
        (axis, size) for axis, size in zip(axes, sizes, strict=True) if not isinstance(size, int)
    ]
    if unsized:
        axis, size = unsized[0]
        known = "unknown" if size is None else f"{size}, not one number"
        ctx.report_on(
            source,
            "LS308",
            f"{what} cannot size its weights: axis {axis} of its input {source.text} "
            f"{format_shape(shape)} is {known} (Keras raises ValueError when it builds the "
            "layer with that dimension unknown)",
            hint="normalize the features (axis: -1), or give that dimension a number in "
            "inputs: or input_shape:",
        )
        return None
    return sizes


def _count(per_axis: Dim, vectors: int) -> int | None:
    return per_axis * vectors if isinstance(per_axis, int) else None


def _normalized(ctx: LayerContext, axes: list[int], kind: str, vectors: int) -> LayerOutcome:
    source = ctx.inputs[0]
    shape: Shape | None = source.tensor.shape
    if shape is None:
        return LayerOutcome({"output": Tensor(None)}, None)
    sizes = _axis_sizes(ctx, source, axes, f"{ctx.name} ({kind})")
    if sizes is None:
        return LayerOutcome({"output": Tensor(None)}, None)
    return LayerOutcome({"output": Tensor(shape)}, _count(multiply_dims(sizes), vectors))


def _sample_axis(draw: Draw) -> dict[str, Any]:
    """Mostly the features; at times one too far, or the timesteps.

    The timesteps only when ``given["symbolic_time"]`` is false: a symbol
    sizes no weights exactly, and a count of parameters is a number.
    """
    if not draw.chance(0.25):
        return {}
    rank = draw.rank or 3
    axes = [-1, rank - 1, rank]
    if not draw.given.get("symbolic_time", True):
        axes += [1, -rank + 1]
    return {"axis": draw.rng.choice(axes)}


def _sample_batch(draw: Draw) -> Sample:
    args = _sample_axis(draw)
    for key in ("center", "scale"):
        if draw.chance(0.2):
            args[key] = draw.chance(0.5)
    if draw.chance(0.1):
        args["momentum"] = draw.rng.choice((0.9, 0.5))
    return Sample(args, draw.features)


def _sample_layer(draw: Draw) -> Sample:
    """An axis only if ``given["runs"]``: the torch backend checks it only then (LS319)."""
    args = _sample_axis(draw) if draw.given.get("runs") else {}
    if draw.given.get("runs") and not draw.given.get("symbolic_time", True) and draw.chance(0.1):
        args["axis"] = [1, 2]
    for key in ("center", "scale"):
        if draw.chance(0.2):
            args[key] = draw.chance(0.5)
    return Sample(args, draw.features)


_SEQUENCE: Shapes = {"x": ["B", "T", 8]}


def _batch_norm_cost(config: BatchNormalizationConfig, shapes: CostShapes) -> Costs:
    """At inference, with the moving statistics: a scale and a shift an element."""
    return Costs(normalization=numel(shapes.output) * 2)


def _layer_norm_cost(config: LayerNormalizationConfig, shapes: CostShapes) -> Costs:
    """Mean (1), variance (2), subtract and divide (2) an element; scale and center one more
    each."""
    return Costs(normalization=numel(shapes.output) * (5 + config.scale + config.center))


@layer_type(
    "keras",
    "BatchNormalization",
    BatchNormalizationConfig,
    cost=_batch_norm_cost,
    wrapped_config=BatchNormalizationArgs,
    wrappers=("TimeDistributed",),
    passes_mask=True,
    examples=(
        Example(_SEQUENCE, {}, {"output": ["B", "T", 8]}, params=32),
        Example(
            {"x": ["B", 5, 8]},
            {"axis": 1, "center": False, "scale": False},
            {"output": ["B", 5, 8]},
            params=10,
        ),
    ),
    failing=(
        Failing({"x": ["B", None, 8]}, {"axis": 1}, "LS308"),
        Failing(_SEQUENCE, {"axis": 3}, "LS108"),
    ),
    foreign_types={
        name: f"{name} is torch's; Keras's is BatchNormalization (axis: -1, the default, "
        "normalizes the features of (batch, timesteps, features))"
        for name in ("BatchNorm1d", "BatchNorm2d")
    },
    foreign_keys={
        "num_features": "Keras's BatchNormalization reads its size from its input; choose the "
        "normalized dimension with axis: (-1, the features, by default)",
        "eps": "eps is torch's name; Keras calls it epsilon",
        "affine": "affine is torch's; Keras has center: and scale:",
        "track_running_stats": "Keras's BatchNormalization always keeps the moving mean and "
        "variance",
    },
    sample=Sampler("sequence", _sample_batch),
)
def batch_normalization(config: BatchNormalizationArgs, ctx: LayerContext) -> LayerOutcome:
    """Normalizes over the batch, per index of axis: the shape is unchanged.

    Parameters (as count_params() counts them) 4*size of axis: gamma and
    beta (trainable; none without scale or center) and the moving mean and
    variance (non-trainable, always there).  axis is one int; its size must
    be known.  It passes a mask on, which must have one dimension less than
    its input (a call's (batch, timesteps) mask on frames fails, LS318).
    """
    vectors = 2 + config.center + config.scale
    if not _mask_fits(ctx):
        return LayerOutcome({"output": Tensor(None)}, None)
    return _normalized(ctx, [config.axis], "BatchNormalization", vectors)


def _mask_fits(ctx: LayerContext) -> bool:
    """Whether the input's mask, if any, has one dimension less than the input, which Keras's
    BatchNormalization asks of it when the model runs: a ConvLSTM2D's sequence of frames
    carries the (batch, timesteps) mask it was called with, which does not."""
    source = ctx.inputs[0]
    shape, mask = source.tensor.shape, source.tensor.mask
    if mask is None or shape is None or ctx.within:
        return True
    rank = 2 if mask.shape is None else len(mask.shape)
    if rank == len(shape) - 1:
        return True
    ctx.report_on(
        source,
        "LS318",
        f"{ctx.name} (BatchNormalization) reads {source.describe()}, which carries the "
        f"{rank}-D mask of {mask.layer} ({mask.maker}); Keras takes a mask of one dimension "
        f"less than the input, {len(shape) - 1}-D, and fails when it runs (ValueError: The mask "
        "provided should be one dimension less than the inputs)",
        hint=f"remove {mask.remedy}, or normalize before the mask is made",
    )
    return False


@layer_type(
    "keras",
    "LayerNormalization",
    LayerNormalizationConfig,
    cost=_layer_norm_cost,
    wrapped_config=LayerNormalizationArgs,
    wrappers=("TimeDistributed",),
    passes_mask=True,
    examples=(
        Example(_SEQUENCE, {}, {"output": ["B", "T", 8]}, params=16),
        Example(
            {"x": ["B", 5, 8]},
            {"axis": [1, 2], "center": False},
            {"output": ["B", 5, 8]},
            params=40,
        ),
        # torch's layer_norm accepts axis 1 here: its size equals the last one's.
        Example({"x": ["B", 8, 8]}, {"axis": 1}, {"output": ["B", 8, 8]}, params=16),
    ),
    failing=(
        Failing({"x": ["B", "T", None]}, {}, "LS308"),
        Failing({"x": ["B", 5, 8]}, {"axis": 1}, "LS319"),
    ),
    foreign_types={
        "LayerNorm": "LayerNorm is torch's; Keras's is LayerNormalization (axis: -1 normalizes "
        "the last dimension)"
    },
    foreign_keys={
        "normalized_shape": "Keras's LayerNormalization reads its size from its input; choose "
        "the normalized dimensions with axis:",
        "elementwise_affine": "elementwise_affine is torch's; Keras has center: and scale:",
        "eps": "eps is torch's name; Keras calls it epsilon",
    },
    sample=Sampler("sequence", _sample_layer),
)
def layer_normalization(config: LayerNormalizationArgs, ctx: LayerContext) -> LayerOutcome:
    """Normalizes each sample over axis (an int or a list): the shape is unchanged.

    Parameters 2*(product of the sizes of axis): gamma and beta, none
    without scale or center.  Those sizes must be known.
    """
    axes = config.axis if isinstance(config.axis, list) else [config.axis]
    outcome = _normalized(ctx, axes, "LayerNormalization", config.center + config.scale)
    shape = outcome.tensors["output"].shape
    if shape is not None:  # the axes are valid
        _warn_torch_backend(ctx, sorted(axis % len(shape) for axis in axes), shape)
    return outcome


def _warn_torch_backend(ctx: LayerContext, axes: list[int], shape: Shape) -> None:
    """LS319: consecutive axes that stop short of the last one fail on torch.

    Keras's torch backend sends consecutive axes to torch's layer_norm as
    ``normalized_shape``; torch checks those sizes against the input's
    trailing dimensions, so the call fails only when they can differ
    ([1, 4, 4] normalized over axis 1 runs).  Other axes take the
    backend-neutral path, which is right everywhere.
    """
    rank = len(shape)
    consecutive = axes == list(range(axes[0], axes[0] + len(axes)))
    trailing = shape[rank - len(axes) :]
    sizes_differ = any(
        dims_conflict(shape[axis], last) for axis, last in zip(axes, trailing, strict=True)
    )
    if consecutive and axes[-1] != rank - 1 and sizes_differ:
        ctx.report(
            "LS319",
            f"{ctx.name} normalizes axis {axes if len(axes) > 1 else axes[0]} of "
            f"{format_shape(shape)}, which does not end at the last axis and differs in size "
            "from the last dimensions: Keras's torch backend fails when "
            "it runs (RuntimeError: Given normalized_shape=..., expected input with shape "
            "[*, ...]); TensorFlow and JAX run it",
            "axis",
            hint=f"normalize axes that end at the last one (axis: -1, or "
            f"{list(range(axes[0], rank))}) if the model runs on torch",
        )
