"""Keras's regularization layers that only act while training: the shape is kept.

SpatialDropout1D drops whole feature maps of a 3-D input (it takes no
other rank); GaussianNoise adds noise of deviation stddev, GaussianDropout
multiplies by noise of mean 1.  Keras checks rate and stddev when it
constructs the layer (both in [0, 1]); all three pass the mask on.
"""

from __future__ import annotations

from typing import Literal

from lstmshape.engine.tensors import LayerContext, LayerOutcome, Tensor
from lstmshape.frameworks import cost_rules
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


class SpatialDropout1DArgs(KerasArgs):
    """Keras's SpatialDropout1D takes no further keyword arguments (no trainable).

    Not wrappable here: Keras runs TimeDistributed(SpatialDropout1D) on a 3-D
    input although each step is 2-D, which is not modelled (LS104).
    """

    type: Literal["SpatialDropout1D"]
    rate: float
    seed: int | None = None
    dtype: str | None = None


class GaussianNoiseArgs(KerasArgs):
    type: Literal["GaussianNoise"]
    stddev: float
    seed: int | None = None
    trainable: bool = True
    dtype: str | None = None


class GaussianDropoutArgs(KerasArgs):
    type: Literal["GaussianDropout"]
    rate: float
    seed: int | None = None
    trainable: bool = True
    dtype: str | None = None


class SpatialDropout1DConfig(KerasLayer, SpatialDropout1DArgs):
    type: Literal["SpatialDropout1D"]


class GaussianNoiseConfig(KerasLayer, GaussianNoiseArgs):
    type: Literal["GaussianNoise"]


class GaussianDropoutConfig(KerasLayer, GaussianDropoutArgs):
    type: Literal["GaussianDropout"]


def _in_unit_interval(ctx: LayerContext, key: str, value: float) -> bool:
    if 0 <= value <= 1:
        return True
    ctx.report(
        "LS108",
        f"{ctx.label(key)} must be between 0 and 1, found {value} (Keras raises ValueError: "
        f"Invalid value received for argument `{key}`)",
        key,
    )
    return False


def _check_rate(config: SpatialDropout1DArgs | GaussianDropoutArgs, ctx: LayerContext) -> bool:
    return _in_unit_interval(ctx, "rate", config.rate)


def _check_stddev(config: GaussianNoiseArgs, ctx: LayerContext) -> bool:
    return _in_unit_interval(ctx, "stddev", config.stddev)


def _sampler(key: str) -> Sampler:
    def draw(d: Draw) -> Sample:
        mistake = {key: d.rng.choice((1.5, -0.1))} if d.chance(0.05) else {}
        return Sample({key: d.rng.choice((0.0, 0.1, 0.5, 1))}, d.features, mistake)

    return Sampler("sequence", draw)


def _same_shape(ctx: LayerContext) -> LayerOutcome:
    return LayerOutcome({"output": Tensor(ctx.inputs[0].tensor.shape)}, 0)


_SEQUENCE: Shapes = {"x": ["B", "T", 8]}
_SAME: Shapes = {"output": ["B", "T", 8]}
_TD = ("TimeDistributed",)


@layer_type(
    "keras",
    "SpatialDropout1D",
    SpatialDropout1DConfig,
    cost=cost_rules.identity,
    check=_check_rate,
    passes_mask=True,
    wrapped_config=SpatialDropout1DArgs,
    wrappers=_TD,
    examples=(Example(_SEQUENCE, {"rate": 0.2}, _SAME, params=0),),
    failing=(
        Failing({"x": ["B", 8]}, {"rate": 0.2}, "LS302"),
        Failing(_SEQUENCE, {"rate": 1.5}, "LS108"),
    ),
    sample=_sampler("rate"),
)
def spatial_dropout_1d(config: SpatialDropout1DArgs, ctx: LayerContext) -> LayerOutcome:
    """Drops whole features of (batch, timesteps, features) while training: the shape is kept.

    The input must be 3-D.
    """
    source = ctx.inputs[0]
    shape = source.tensor.shape
    if shape is not None and len(shape) != 3:
        ctx.report_on(
            source,
            "LS302",
            f"SpatialDropout1D takes a 3-D input (batch, timesteps, features); {ctx.name}'s input "
            f"{source.describe()} is {len(shape)}-D (Keras raises ValueError: expected ndim=3, "
            f"found ndim={len(shape)})",
            hint="use Dropout on a tensor of another rank",
        )
        return LayerOutcome({"output": Tensor(None)}, 0)
    return _same_shape(ctx)


@layer_type(
    "keras",
    "GaussianNoise",
    GaussianNoiseConfig,
    cost=cost_rules.identity,
    check=_check_stddev,
    wrapped_config=GaussianNoiseArgs,
    wrappers=_TD,
    passes_mask=True,
    examples=(Example(_SEQUENCE, {"stddev": 0.1}, _SAME, params=0),),
    failing=(Failing(_SEQUENCE, {"stddev": 2.0}, "LS108"),),
    sample=_sampler("stddev"),
)
def gaussian_noise(config: GaussianNoiseArgs, ctx: LayerContext) -> LayerOutcome:
    """Adds Gaussian noise while training: the shape is kept; stddev must be in [0, 1]."""
    return _same_shape(ctx)


@layer_type(
    "keras",
    "GaussianDropout",
    GaussianDropoutConfig,
    cost=cost_rules.identity,
    check=_check_rate,
    wrapped_config=GaussianDropoutArgs,
    wrappers=_TD,
    passes_mask=True,
    examples=(Example(_SEQUENCE, {"rate": 0.1}, _SAME, params=0),),
    failing=(Failing(_SEQUENCE, {"rate": 1.5}, "LS108"),),
    sample=_sampler("rate"),
)
def gaussian_dropout(config: GaussianDropoutArgs, ctx: LayerContext) -> LayerOutcome:
    """Multiplies by Gaussian noise of mean 1 while training: the shape is kept."""
    return _same_shape(ctx)
