"""keras.layers.ZeroPadding1D, Cropping1D and UpSampling1D: more or fewer steps.

Each reads a 3-D (batch, steps, features) and changes only the steps:
padding adds ``left + right`` zero steps, cropping removes them, and
upsampling repeats each step ``size`` times; symbolic lengths stay exact
(``T + 2``, ``T - 2``, ``2*T``).  Keras raises when cropping leaves no step of
a known length (LS320); a symbolic length is never too short, as for the
convolutions.  No parameters; each drops a mask with Keras's warning (LS325).
"""

from __future__ import annotations

from functools import partial
from typing import Any, Literal

from lstmshape.engine.tensors import LayerContext, LayerOutcome, Tensor
from lstmshape.frameworks import cost_rules
from lstmshape.frameworks.keras.base import KerasLayer
from lstmshape.frameworks.keras.checks import check_positive
from lstmshape.frameworks.keras.windows import (
    CHANNELS_FIRST,
    WindowArgs,
    check_rank,
    check_steps,
    drop_mask,
    spatial,
)
from lstmshape.frameworks.layer_type import (
    Draw,
    Example,
    Failing,
    Sample,
    Sampler,
    Shapes,
    layer_type,
)
from lstmshape.shapes import Dim, add_dims, multiply_dims

UNKNOWN = LayerOutcome({"output": Tensor(None)}, 0)
_SEQUENCE: Shapes = {"x": ["B", "T", 8]}


class _StepArgs(WindowArgs):
    trainable: bool = True
    dtype: str | None = None


class ZeroPadding1DArgs(_StepArgs):
    type: Literal["ZeroPadding1D"]
    padding: int | list[int] = 1
    data_format: Literal["channels_last", "channels_first"] | None = None


class ZeroPadding1DConfig(KerasLayer, ZeroPadding1DArgs):
    type: Literal["ZeroPadding1D"]


class Cropping1DArgs(_StepArgs):
    type: Literal["Cropping1D"]
    cropping: int | list[int] = 1


class Cropping1DConfig(KerasLayer, Cropping1DArgs):
    type: Literal["Cropping1D"]


class UpSampling1DArgs(_StepArgs):
    type: Literal["UpSampling1D"]
    size: int = 2


class UpSampling1DConfig(KerasLayer, UpSampling1DArgs):
    type: Literal["UpSampling1D"]


AnyStep = ZeroPadding1DArgs | Cropping1DArgs | UpSampling1DArgs


def _amounts(config: AnyStep, ctx: LayerContext) -> tuple[int, ...] | None:
    """The steps added or removed at each end, or the repeats; None (reported) if invalid."""
    if isinstance(config, ZeroPadding1DArgs):
        return spatial(ctx, "padding", config.padding, 2, minimum=0)
    if isinstance(config, Cropping1DArgs):
        return spatial(ctx, "cropping", config.cropping, 2, minimum=0)
    valid = check_positive(ctx, "size", config.size, "Argument `size` should be a positive integer")
    return (config.size,) if valid else None


def _check(config: AnyStep, ctx: LayerContext) -> bool:
    return _amounts(config, ctx) is not None


def _resize(config: AnyStep, ctx: LayerContext) -> LayerOutcome:
    source = ctx.inputs[0]
    shape = source.tensor.shape
    if shape is None:
        return UNKNOWN
    keras = f"expected ndim=3, found ndim={len(shape)}"
    if not check_rank(ctx, source, shape, 3, config.type, keras):
        return UNKNOWN
    amounts = _amounts(config, ctx)
    assert amounts is not None  # checked before
    axis = 2 if getattr(config, "data_format", None) == CHANNELS_FIRST else 1
    steps: Dim
    if isinstance(config, UpSampling1DArgs):
        steps = multiply_dims([shape[axis], config.size])
    elif isinstance(config, ZeroPadding1DArgs):
        steps = add_dims([shape[axis], *amounts])
    else:
        steps = add_dims([shape[axis], *(-amount for amount in amounts)])
        if not check_steps(ctx, source, [steps], "cropping"):
            return UNKNOWN
    # Keras warns that the mask is destroyed only for a layer it builds (seed 626781)
    drop_mask(ctx, source, config.type)
    output = list(shape)
    output[axis] = steps
    return LayerOutcome({"output": Tensor(tuple(output))}, 0)


def _sample(draw: Draw, kind: str) -> Sample:
    """Small amounts; no cropping where the steps are symbols (the oracle's may be 1 after
    pooling, which a symbolic length never is).  Mistakes: a negative amount, size 0."""
    rng = draw.rng
    mistake: dict[str, Any] = {}
    if kind == "Cropping1D":
        most = 0 if draw.given.get("symbolic_time") else 1
        args: dict[str, Any] = {"cropping": rng.choice(([0, most], most, [most, 0]))}
        if draw.chance(0.03):
            mistake = {"cropping": -1}
    elif kind == "UpSampling1D":
        args = {"size": rng.randint(1, 3)} if draw.chance(0.7) else {}
        if draw.chance(0.03):
            mistake = {"size": 0}
    else:
        args = {"padding": rng.choice((1, 2, [0, 2], [1, 0]))} if draw.chance(0.7) else {}
        if draw.chance(0.03):
            mistake = {"padding": rng.choice((-1, [1, 2, 3]))}
    return Sample(args, draw.features, mistake)


def _sampler(kind: str) -> Sampler:
    return Sampler("sequence", partial(_sample, kind=kind))


@layer_type(
    "keras",
    "ZeroPadding1D",
    ZeroPadding1DConfig,
    cost=cost_rules.copy,
    check=_check,
    examples=(
        Example(_SEQUENCE, {}, {"output": ["B", "T + 2", 8]}, params=0),
        Example(
            {"x": ["B", 8, "T"]},
            {"padding": [0, 3], "data_format": "channels_first"},
            {"output": ["B", 8, "T + 3"]},
            params=0,
        ),
    ),
    failing=(Failing(_SEQUENCE, {"padding": -1}, "LS108"), Failing({"x": ["B", 8]}, {}, "LS302")),
    wrapped_config=ZeroPadding1DArgs,
    wrappers=("TimeDistributed",),
    sample=_sampler("ZeroPadding1D"),
)
def zero_padding1d(config: ZeroPadding1DArgs, ctx: LayerContext) -> LayerOutcome:
    """Adds zero steps at each end: (batch, steps, features) -> (batch, steps + padding, features).

    padding is one number for both ends or [left, right], each >= 0.  With
    data_format channels_first the input is (batch, features, steps).
    """
    return _resize(config, ctx)


@layer_type(
    "keras",
    "Cropping1D",
    Cropping1DConfig,
    cost=cost_rules.view,
    check=_check,
    examples=(
        Example(_SEQUENCE, {}, {"output": ["B", "T - 2", 8]}, params=0),
        Example({"x": ["B", 10, 8]}, {"cropping": [3, 0]}, {"output": ["B", 7, 8]}, params=0),
    ),
    failing=(Failing({"x": ["B", 4, 8]}, {"cropping": 2}, "LS320"),),
    wrapped_config=Cropping1DArgs,
    wrappers=("TimeDistributed",),
    sample=_sampler("Cropping1D"),
)
def cropping1d(config: Cropping1DArgs, ctx: LayerContext) -> LayerOutcome:
    """Removes steps at each end: (batch, steps, features) -> (batch, steps - cropping, features).

    cropping is one number for both ends or [start, end], each >= 0; at least
    one step must remain of a known length (LS320).
    """
    return _resize(config, ctx)


@layer_type(
    "keras",
    "UpSampling1D",
    UpSampling1DConfig,
    cost=cost_rules.copy,
    check=_check,
    examples=(
        Example(_SEQUENCE, {}, {"output": ["B", "2*T", 8]}, params=0),
        Example({"x": ["B", 5, 8]}, {"size": 3}, {"output": ["B", 15, 8]}, params=0),
    ),
    failing=(Failing(_SEQUENCE, {"size": 0}, "LS108"),),
    wrapped_config=UpSampling1DArgs,
    wrappers=("TimeDistributed",),
    sample=_sampler("UpSampling1D"),
)
def upsampling1d(config: UpSampling1DArgs, ctx: LayerContext) -> LayerOutcome:
    """Repeats each step size times: (batch, steps, features) -> (batch, size*steps, features)."""
    return _resize(config, ctx)
