"""torch.nn.Dropout, Dropout1d and Dropout2d: zero elements at random, keeping the shape.

Dropout1d and Dropout2d zero whole channels (dim 1 of a batch): Dropout1d
reads (N, C, L) or (C, L) and raises on other ranks; Dropout2d reads
(N, C, H, W) and warns (LS322) on any other rank, raising below 2 dims.
"""

from __future__ import annotations

from typing import Literal

from lstmshape.engine.tensors import LayerContext, LayerOutcome, Tensor
from lstmshape.frameworks import cost_rules
from lstmshape.frameworks.layer_type import Draw, Example, Failing, Sample, Sampler, layer_type
from lstmshape.frameworks.torch.base import TorchLayer
from lstmshape.shapes import format_shape


class DropoutBase(TorchLayer):
    p: float = 0.5
    inplace: bool = False


class DropoutConfig(DropoutBase):
    type: Literal["Dropout"]


def _check(config: DropoutBase, ctx: LayerContext) -> bool:
    if 0 <= config.p <= 1:
        return True
    ctx.report(
        "LS108",
        f"{ctx.name}.p must be between 0 and 1, found {config.p} "
        "(torch raises ValueError: dropout probability has to be between 0 and 1)",
        "p",
    )
    return False


def _sample(draw: Draw) -> Sample:
    args = {"p": draw.rng.choice((0.0, 0.2, 0.5, 1))}
    mistake = {"p": draw.rng.choice((1.5, -0.5))} if draw.chance(0.1) else {}
    return Sample(args, draw.features, mistake)


@layer_type(
    "torch",
    "Dropout",
    DropoutConfig,
    cost=cost_rules.identity,
    check=_check,
    examples=(Example({"x": ["B", "T", 8]}, {"p": 0.2}, {"output": ["B", "T", 8]}, params=0),),
    failing=(Failing({"x": ["B", "T", 8]}, {"p": 1.5}, "LS108"),),
    sample=Sampler("sequence", _sample),
)
def dropout(config: DropoutConfig, ctx: LayerContext) -> LayerOutcome:
    """Zeroes elements with probability p: the shape is unchanged, no parameters."""
    tensor = ctx.inputs[0].tensor
    return LayerOutcome({"output": Tensor(tensor.shape, batch_first=tensor.batch_first)}, 0)


class Dropout1dConfig(DropoutBase):
    type: Literal["Dropout1d"]


class Dropout2dConfig(DropoutBase):
    type: Literal["Dropout2d"]


def _unchanged(ctx: LayerContext) -> LayerOutcome:
    tensor = ctx.inputs[0].tensor
    return LayerOutcome({"output": Tensor(tensor.shape, batch_first=tensor.batch_first)}, 0)


@layer_type(
    "torch",
    "Dropout1d",
    Dropout1dConfig,
    cost=cost_rules.identity,
    check=_check,
    examples=(
        Example({"x": ["B", 8, "T"]}, {"p": 0.2}, {"output": ["B", 8, "T"]}, params=0),
        Example({"x": [8, "T"]}, {}, {"output": [8, "T"]}, params=0),
    ),
    failing=(Failing({"x": ["B", 8, 4, "T"]}, {"p": 0.2}, "LS302"),),
    sample=Sampler("sequence", _sample),
)
def dropout_1d(config: Dropout1dConfig, ctx: LayerContext) -> LayerOutcome:
    """Zeroes whole channels (dim 1, or dim 0 unbatched): (N, C, L) or (C, L), unchanged.

    No parameters; torch raises on an input of any other rank.
    """
    source = ctx.inputs[0]
    shape = source.tensor.shape
    if shape is not None and len(shape) not in (2, 3):
        ctx.report_on(
            source,
            "LS302",
            f"Dropout1d reads (N, C, L) or (C, L); {ctx.name}'s input {source.text} "
            f"{format_shape(shape)} is {len(shape)}-D",
        )
        return LayerOutcome({"output": Tensor(None)}, 0)
    return _unchanged(ctx)


@layer_type(
    "torch",
    "Dropout2d",
    Dropout2dConfig,
    cost=cost_rules.identity,
    check=_check,
    examples=(
        Example({"x": ["B", 32, 41, "T"]}, {"p": 0.2}, {"output": ["B", 32, 41, "T"]}, params=0),
    ),
    failing=(
        Failing({"x": ["B", 8, "T"]}, {"p": 0.2}, "LS322"),
        Failing({"x": ["T"]}, {"p": 0.2}, "LS302"),
    ),
    sample=Sampler("sequence", _sample),
)
def dropout_2d(config: Dropout2dConfig, ctx: LayerContext) -> LayerOutcome:
    """Zeroes whole channels (dim 1): (N, C, H, W), unchanged; no parameters.

    On a 3-D input torch assumes (N, C, L) and warns that this will change; on
    any other rank it warns that this is deprecated (LS322), and below 2 dims
    it raises.
    """
    source = ctx.inputs[0]
    shape = source.tensor.shape
    if shape is None or len(shape) == 4:
        return _unchanged(ctx)
    if len(shape) == 3:
        why = (
            "torch reads a 3-D input as (N, C, L), channel-wise 1-D dropout, and warns that "
            "this will change"
        )
    else:
        why = f"torch warns that a {len(shape)}-D input to Dropout2d is deprecated"
    ctx.report_on(
        source,
        "LS322",
        f"Dropout2d reads (N, C, H, W) but {ctx.name}'s input {source.text} "
        f"{format_shape(shape)} is {len(shape)}-D: {why}",
        hint="use Dropout1d for (N, C, L), Dropout for any other shape",
    )
    if len(shape) < 2:
        ctx.report_on(
            source,
            "LS302",
            f"Dropout2d zeroes channels and needs at least 2 dims; {ctx.name}'s input "
            f"{source.text} is {len(shape)}-D (torch raises)",
        )
        return LayerOutcome({"output": Tensor(None)}, 0)
    return _unchanged(ctx)
