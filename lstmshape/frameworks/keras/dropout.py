"""keras.layers.Dropout: zeroes inputs at random while training, keeping the shape."""

from __future__ import annotations

from typing import Literal

from lstmshape.engine.tensors import LayerContext, LayerOutcome, Tensor
from lstmshape.frameworks import cost_rules
from lstmshape.frameworks.keras.base import KerasArgs, KerasLayer
from lstmshape.frameworks.layer_type import Draw, Example, Failing, Sample, Sampler, layer_type


class DropoutArgs(KerasArgs):
    type: Literal["Dropout"]
    rate: float
    noise_shape: list[int | None] | None = None
    seed: int | None = None


class DropoutConfig(KerasLayer, DropoutArgs):
    type: Literal["Dropout"]


def _check(config: DropoutArgs, ctx: LayerContext) -> bool:
    if 0 <= config.rate <= 1:
        return True
    ctx.report(
        "LS108",
        f"{ctx.label('rate')} must be between 0 and 1, found "
        f"{config.rate} (Keras raises ValueError: Invalid value received for argument `rate`)",
        "rate",
    )
    return False


def _sample(draw: Draw) -> Sample:
    args = {"rate": draw.rng.choice((0.0, 0.2, 0.5, 1, 1.0))}
    mistake = {"rate": draw.rng.choice((1.5, -0.1))} if draw.chance(0.05) else {}
    return Sample(args, draw.features, mistake)


@layer_type(
    "keras",
    "Dropout",
    DropoutConfig,
    cost=cost_rules.identity,
    check=_check,
    wrapped_config=DropoutArgs,
    wrappers=("TimeDistributed",),
    passes_mask=True,
    examples=(Example({"x": ["B", "T", 8]}, {"rate": 0.5}, {"output": ["B", "T", 8]}, params=0),),
    failing=(Failing({"x": ["B", "T", 8]}, {"rate": 1.5}, "LS108"),),
    sample=Sampler("sequence", _sample),
)
def dropout(config: DropoutArgs, ctx: LayerContext) -> LayerOutcome:
    """Drops a fraction rate of its inputs: the shape is unchanged, no parameters."""
    return LayerOutcome({"output": Tensor(ctx.inputs[0].tensor.shape)}, 0)
