"""keras.layers.Reshape, Permute and Flatten: the same elements in another shape.

The batch is never part of their arguments: ``Reshape(target_shape)`` and
``Permute(dims)`` (counted from 1) describe the dimensions after it, and
Flatten joins them all.  Sizes multiply exactly: ``[B, T, 8]`` flattened is
``[B, 8*T]``, and ``Reshape([-1, 4])`` makes it ``[B, 2*T, 4]``; a -1 that
does not divide the element count for every value of the symbols is LS312,
as for torch's ``reshape``.  None has parameters, and none can use a mask:
each drops one with Keras's warning (LS325).
"""

from __future__ import annotations

from typing import Any, Literal

from lstmshape.engine.tensors import LayerContext, LayerOutcome, Tensor
from lstmshape.frameworks import cost_rules
from lstmshape.frameworks.keras.base import KerasArgs, KerasLayer
from lstmshape.frameworks.keras.windows import WindowArgs, check_rank, drop_mask
from lstmshape.frameworks.layer_type import (
    Draw,
    Example,
    Failing,
    Sample,
    Sampler,
    Shapes,
    layer_type,
)
from lstmshape.shapes import multiply_dims, reshape_dims

UNKNOWN = LayerOutcome({"output": Tensor(None)}, 0)
_SEQUENCE: Shapes = {"x": ["B", "T", 8]}
_TD = ("TimeDistributed",)


class ReshapeArgs(KerasArgs):
    type: Literal["Reshape"]
    target_shape: list[int]
    trainable: bool = True
    dtype: str | None = None


class ReshapeConfig(KerasLayer, ReshapeArgs):
    type: Literal["Reshape"]


def _check_reshape(config: ReshapeArgs, ctx: LayerContext) -> bool:
    target = config.target_shape
    wrong = next((i for i, size in enumerate(target) if size < -1), None)
    if wrong is None and target.count(-1) > 1:
        wrong = [i for i, size in enumerate(target) if size == -1][1]
    if wrong is None:
        return True
    ctx.report(
        "LS108",
        f"{ctx.name}.target_shape is {target}: each size is a non-negative integer, or -1 once, "
        "to infer it (Keras raises ValueError: Each dimension in `target_shape` must be a "
        "non-negative integer, or `-1` for a single unknown dimension)",
        "target_shape",
        wrong,
    )
    return False


def _sample_reshape(draw: Draw) -> Sample:
    """Rows of one feature, ``[-1, 1]``; ``[-1, F]`` and its halves where ``given`` says
    ``draw.features`` is exact (a story's own tensor), since a wrong F may still divide.

    Mistakes: -1 twice, or a fixed size that no step count gives for every value.
    """
    features = draw.features
    choices = [[-1, 1]]
    if draw.given.get("features_exact"):
        choices = [[-1, features], [-1, features]]
        if features % 2 == 0:
            choices.append([-1, features // 2])
    target = draw.rng.choice(choices)
    mistake: dict[str, Any] = {}
    if draw.chance(0.05):
        mistake = {"target_shape": draw.rng.choice(([-1, -1], [features + 1]))}
    return Sample({"target_shape": target}, target[-1], mistake)


@layer_type(
    "keras",
    "Reshape",
    ReshapeConfig,
    cost=cost_rules.view,
    check=_check_reshape,
    wrapped_config=ReshapeArgs,
    wrappers=_TD,
    examples=(
        Example(_SEQUENCE, {"target_shape": [-1, 4]}, {"output": ["B", "2*T", 4]}, params=0),
        Example({"x": ["B", 12]}, {"target_shape": [3, 4]}, {"output": ["B", 3, 4]}, params=0),
        Example(
            {"x": ["B", "T", 4, 2]}, {"target_shape": [-1, 8]}, {"output": ["B", "T", 8]}, params=0
        ),
    ),
    failing=(
        Failing({"x": ["B", 10, 8]}, {"target_shape": [-1, 3]}, "LS312"),
        Failing({"x": ["B", 12]}, {"target_shape": [5, 2]}, "LS312"),
        Failing(_SEQUENCE, {"target_shape": [-1, -1]}, "LS108"),
    ),
    foreign_types={
        "view": "view is torch's; in Keras write type: Reshape with target_shape: (batch excluded)",
    },
    foreign_keys={"shape": "Keras's Reshape calls it target_shape, and it excludes the batch"},
    sample=Sampler("sequence", _sample_reshape),
)
def reshape(config: ReshapeArgs, ctx: LayerContext) -> LayerOutcome:
    """The same elements in target_shape: (batch, ...) -> (batch, *target_shape).

    target_shape excludes the batch, and may hold one -1, inferred from the
    element count: [B, T, 8] to [-1, 4] is [B, 2*T, 4].  The count must be
    the input's for every value of the symbols (LS312).  Drops a mask (LS325).
    """
    source = ctx.inputs[0]
    shape = source.tensor.shape
    if shape is None:
        return UNKNOWN
    if not shape:
        ctx.report_on(source, "LS302", f"{ctx.name} reshapes batches, but {source.text} is 0-D")
        return UNKNOWN
    output, needs = reshape_dims(multiply_dims(shape[1:]), config.target_shape)
    if output is None:
        ctx.report(
            "LS312",
            f"{ctx.name} cannot reshape {source.describe()} to target_shape "
            f"{config.target_shape}: the {multiply_dims(shape[1:])} elements after the batch "
            f"are not {needs} (Keras raises ValueError: The total size of the tensor must be "
            "unchanged)",
            "target_shape",
            hint="target_shape excludes the batch; -1 takes what the other sizes leave",
        )
        return UNKNOWN
    drop_mask(ctx, source, "Reshape")  # Keras warns once the layer is built: not when it raises
    return LayerOutcome({"output": Tensor((shape[0], *output))}, 0)


class PermuteArgs(KerasArgs):
    type: Literal["Permute"]
    dims: list[int]
    trainable: bool = True
    dtype: str | None = None


class PermuteConfig(KerasLayer, PermuteArgs):
    type: Literal["Permute"]


def _check_permute(config: PermuteArgs, ctx: LayerContext) -> bool:
    if sorted(config.dims) == list(range(1, len(config.dims) + 1)):
        return True
    ctx.report(
        "LS108",
        f"{ctx.name}.dims is {config.dims}; it orders the dimensions after the batch, counted "
        "from 1, each once (Keras raises ValueError: Invalid permutation argument `dims` for "
        "Permute Layer)",
        "dims",
        hint=f"for a {len(config.dims) + 1}-D input, a permutation of "
        f"{list(range(1, len(config.dims) + 1))}",
    )
    return False


def _sample_permute(draw: Draw) -> Sample:
    """Swaps rows and columns of (batch, rows, cols, channels), or keeps them; at times a
    permutation of the wrong length or counted from 0."""
    dims = draw.rng.choice(([2, 1, 3], [2, 1, 3], [1, 2, 3]))
    mistake: dict[str, Any] = {}
    if draw.chance(0.05):
        mistake = {"dims": draw.rng.choice(([2, 1], [0, 1, 2], [1, 1, 3]))}
    return Sample({"dims": dims}, draw.features, mistake)


@layer_type(
    "keras",
    "Permute",
    PermuteConfig,
    cost=cost_rules.view,
    check=_check_permute,
    examples=(
        Example(_SEQUENCE, {"dims": [2, 1]}, {"output": ["B", 8, "T"]}, params=0),
        Example(
            {"x": ["B", "T", 4, 2]}, {"dims": [2, 1, 3]}, {"output": ["B", 4, "T", 2]}, params=0
        ),
    ),
    failing=(
        Failing(_SEQUENCE, {"dims": [0, 1]}, "LS108"),
        Failing(_SEQUENCE, {"dims": [2, 1, 3]}, "LS302"),
    ),
    foreign_types={
        "permute": "permute is torch's; in Keras write type: Permute with dims: counted from 1, "
        "the batch excluded",
        "transpose": "transpose is torch's; in Keras write type: Permute with dims: [2, 1] to "
        "swap the two dimensions after the batch",
    },
    wrapped_config=PermuteArgs,
    wrappers=_TD,
    sample=Sampler("image", _sample_permute),
)
def permute(config: PermuteArgs, ctx: LayerContext) -> LayerOutcome:
    """Reorders the dimensions after the batch: output dim i is input dim dims[i].

    dims counts from 1 (the batch, 0, stays first) and names each of them
    once: [2, 1] turns (batch, steps, features) into (batch, features, steps).
    Drops a mask (LS325).
    """
    source = ctx.inputs[0]
    shape = source.tensor.shape
    if shape is None:
        return UNKNOWN
    rank = len(config.dims) + 1
    keras = f"expected ndim={rank}, found ndim={len(shape)}"
    if not check_rank(ctx, source, shape, rank, "Permute", keras):
        return UNKNOWN
    drop_mask(ctx, source, "Permute")
    return LayerOutcome({"output": Tensor((shape[0], *(shape[d] for d in config.dims)))}, 0)


class FlattenArgs(WindowArgs):
    type: Literal["Flatten"]
    data_format: Literal["channels_last", "channels_first"] | None = None
    trainable: bool = True
    dtype: str | None = None


class FlattenConfig(KerasLayer, FlattenArgs):
    type: Literal["Flatten"]


def _sample_flatten(draw: Draw) -> Sample:
    """Every dimension after the batch into one, whose size the sampler does not know (0)."""
    args = {"data_format": draw.rng.choice(("channels_first", "channels_last"))}
    return Sample(args if draw.chance(0.2) else {}, 0)


@layer_type(
    "keras",
    "Flatten",
    FlattenConfig,
    cost=cost_rules.view,
    examples=(
        Example(_SEQUENCE, {}, {"output": ["B", "8*T"]}, params=0),
        Example(
            {"x": ["B", 3, 4, 2]},
            {"data_format": "channels_first"},
            {"output": ["B", 24]},
            params=0,
        ),
    ),
    failing=(Failing(_SEQUENCE, {"start_dim": 1}, "LS101"),),
    foreign_keys={
        "start_dim": "Keras's Flatten always keeps the batch and joins every other dimension",
        "end_dim": "Keras's Flatten always keeps the batch and joins every other dimension",
    },
    wrapped_config=FlattenArgs,
    wrappers=_TD,
    sample=Sampler("flatten", _sample_flatten),
)
def flatten(config: FlattenArgs, ctx: LayerContext) -> LayerOutcome:
    """Joins every dimension after the batch into one, of their product: [B, T, 8] -> [B, 8*T].

    A (batch,) input gives (batch, 1).  data_format changes the order of the
    elements, not the shape.  Drops a mask (LS325).
    """
    source = ctx.inputs[0]
    shape = source.tensor.shape
    if shape is None:
        return UNKNOWN
    if not shape:
        ctx.report_on(
            source,
            "LS302",
            f"Flatten takes an input of at least 1 dimension (batch, ...); {ctx.name}'s input "
            f"{source.describe()} is 0-D (Keras raises ValueError: expected min_ndim=1, found "
            "ndim=0)",
        )
        return UNKNOWN
    drop_mask(ctx, source, "Flatten")
    joined = multiply_dims(shape[1:]) if len(shape) > 1 else 1
    return LayerOutcome({"output": Tensor((shape[0], joined))}, 0)
