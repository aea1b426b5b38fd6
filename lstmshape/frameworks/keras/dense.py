"""keras.layers.Dense: maps the last axis of an input of rank >= 2."""

from __future__ import annotations

from typing import Any, Literal

from lstmshape.costs import Costs, CostShapes, numel, size
from lstmshape.engine.tensors import LayerContext, LayerOutcome, Tensor
from lstmshape.frameworks import cost_rules
from lstmshape.frameworks.keras.base import KerasArgs, KerasLayer
from lstmshape.frameworks.keras.checks import check_activation, check_positive, features_known
from lstmshape.frameworks.layer_type import Draw, Example, Failing, Sample, Sampler, layer_type


class DenseArgs(KerasArgs):
    type: Literal["Dense"]
    units: int
    activation: str | None = None
    use_bias: bool = True
    kernel_initializer: str = "glorot_uniform"
    bias_initializer: str = "zeros"
    kernel_regularizer: str | None = None
    bias_regularizer: str | None = None
    activity_regularizer: str | None = None
    trainable: bool = True
    dtype: str | None = None


class DenseConfig(KerasLayer, DenseArgs):
    type: Literal["Dense"]


def _check(config: DenseArgs, ctx: LayerContext) -> bool:
    valid = check_positive(ctx, "units", config.units, "Received an invalid value for `units`")
    return check_activation(ctx, "activation", config.activation) and valid


def _sample(draw: Draw) -> Sample:
    """``given["units"]`` may fix the size; at times units <= 0 or an unknown activation."""
    rng = draw.rng
    args: dict[str, Any] = {"units": draw.given.get("units") or rng.randint(1, 8)}
    if draw.chance(0.3):
        args["activation"] = rng.choice(("softmax", "sigmoid", "relu", None))
    if draw.chance(0.15):
        args["use_bias"] = draw.chance(0.5)
    mistake: dict[str, Any] = {}
    if draw.chance(0.02):
        if draw.chance(0.5):
            mistake["units"] = rng.choice((0, -2))
        else:
            mistake["activation"] = "softmaxx"
    return Sample(args, args["units"], mistake)


def _dense_cost(config: DenseConfig, shapes: CostShapes) -> Costs:
    features = size(shapes.input[-1])
    linear = cost_rules.dense(shapes, features, config.units, bias=config.use_bias)
    return cost_rules.added(linear, cost_rules.activation(config.activation, numel(shapes.output)))


@layer_type(
    "keras",
    "Dense",
    DenseConfig,
    cost=_dense_cost,
    check=_check,
    wrapped_config=DenseArgs,
    wrappers=("TimeDistributed",),
    passes_mask=True,
    examples=(
        Example({"x": ["B", "T", 64]}, {"units": 1}, {"output": ["B", "T", 1]}, params=65),
        Example(
            {"x": ["B", 16]},
            {"units": 4, "activation": "softmax", "use_bias": False},
            {"output": ["B", 4]},
            params=64,
        ),
    ),
    failing=(Failing({"x": ["B", "T", None]}, {"units": 4}, "LS308"),),
    foreign_types={"Linear": "Linear is torch's; Keras's is Dense (units)"},
    sample=Sampler("head", _sample),
)
def dense(config: DenseArgs, ctx: LayerContext) -> LayerOutcome:
    """Maps the last axis: (batch, ..., features) -> (batch, ..., units).

    Acts on every step of a 3-D input, with the same weights; parameters
    features*units + units (no bias without use_bias).  The feature
    dimension must be known to size the kernel.
    """
    source = ctx.inputs[0]
    shape = source.tensor.shape
    unknown = LayerOutcome({"output": Tensor(None)}, None)
    if shape is None:
        return unknown
    if len(shape) < 2:
        ctx.report_on(
            source,
            "LS302",
            f"Dense takes an input of at least 2 dimensions (batch, ..., features); {ctx.name}'s "
            f"input {source.describe()} is {len(shape)}-D (Keras raises ValueError: expected "
            f"min_ndim=2, found ndim={len(shape)})",
        )
        return unknown
    if not features_known(ctx, source, shape, f"{ctx.name} (Dense)"):
        return unknown
    features = shape[-1]
    params = None
    if isinstance(features, int):
        params = features * config.units + (config.units if config.use_bias else 0)
    return LayerOutcome({"output": Tensor((*shape[:-1], config.units))}, params)
