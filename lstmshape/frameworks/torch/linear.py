"""torch.nn.Linear: maps the last dimension, (*, in_features) -> (*, out_features)."""

from __future__ import annotations

from typing import Any, Literal

from lstmshape.costs import Costs, CostShapes
from lstmshape.engine.tensors import LayerContext, LayerOutcome, Tensor
from lstmshape.frameworks.cost_rules import dense
from lstmshape.frameworks.layer_type import Draw, Example, Failing, Sample, Sampler, layer_type
from lstmshape.frameworks.torch.base import TorchLayer, check_non_negative
from lstmshape.shapes import dims_conflict, format_shape, size_hint


class LinearConfig(TorchLayer):
    type: Literal["Linear"]
    in_features: int
    out_features: int
    bias: bool = True
    device: str | None = None
    dtype: str | None = None


def _check(config: LinearConfig, ctx: LayerContext) -> bool:
    sizes = {"in_features": config.in_features, "out_features": config.out_features}
    return check_non_negative(ctx, sizes)


def _cost(config: LinearConfig, shapes: CostShapes) -> Costs:
    return dense(shapes, config.in_features, config.out_features, bias=config.bias)


def _sample(draw: Draw) -> Sample:
    """A head on ``draw.features``; sometimes the wrong in_features or a negative size."""
    rng = draw.rng
    args: dict[str, Any] = {"in_features": draw.features, "out_features": rng.randint(1, 8)}
    if draw.chance(0.2):
        args["bias"] = draw.chance(0.5)
    mistake: dict[str, Any] = {}
    if draw.chance(0.1):
        mistake["in_features"] = draw.features + rng.choice((-1, 1)) or 2
    if draw.chance(0.02):
        mistake["out_features"] = -1
    return Sample(args, args["out_features"], mistake)


@layer_type(
    "torch",
    "Linear",
    LinearConfig,
    check=_check,
    cost=_cost,
    examples=(
        Example(
            {"x": ["B", 64]},
            {"in_features": 64, "out_features": 10},
            {"output": ["B", 10]},
            params=650,
        ),
        Example(
            {"x": ["B", "T", 64]},
            {"in_features": 64, "out_features": 1, "bias": False},
            {"output": ["B", "T", 1]},
            params=64,
        ),
    ),
    failing=(Failing({"x": ["B", 64]}, {"in_features": 32, "out_features": 10}, "LS301"),),
    foreign_types={"Dense": "Dense is Keras's; torch's is Linear (in_features, out_features)"},
    sample=Sampler("head", _sample),
)
def linear(config: LinearConfig, ctx: LayerContext) -> LayerOutcome:
    """Maps the last dimension: (*, in_features) -> (*, out_features).

    Any input of at least one dimension; parameters in_features*out_features
    weights plus out_features biases (none with bias: false).
    """
    params = config.in_features * config.out_features + (config.out_features if config.bias else 0)
    source = ctx.inputs[0]
    shape = source.tensor.shape
    if shape is None:
        return LayerOutcome({"output": Tensor(None)}, params)
    if not shape:
        ctx.report_on(
            source,
            "LS302",
            f"Linear takes an input of at least 1 dimension; {ctx.name}'s input "
            f"{source.text} is a 0-D scalar",
        )
        return LayerOutcome({"output": Tensor(None)}, params)
    if dims_conflict(config.in_features, shape[-1]):
        ctx.report(
            "LS301",
            f"{ctx.name}.in_features is {config.in_features} but its input {source.text} has "
            f"{shape[-1]} features (last dim of {format_shape(shape)})",
            "in_features",
            hint=size_hint("in_features", shape[-1]),
        )
    output = (*shape[:-1], config.out_features)
    return LayerOutcome({"output": Tensor(output, batch_first=source.tensor.batch_first)}, params)
