"""torch.nn.Dropout: zeroes elements at random, keeping the shape."""

from __future__ import annotations

from typing import Literal

from lstmshape.engine.tensors import LayerContext, LayerOutcome, Tensor
from lstmshape.frameworks.layer_type import Draw, Example, Failing, Sample, Sampler, layer_type
from lstmshape.frameworks.torch.base import TorchLayer


class DropoutConfig(TorchLayer):
    type: Literal["Dropout"]
    p: float = 0.5
    inplace: bool = False


def _check(config: DropoutConfig, ctx: LayerContext) -> bool:
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
    check=_check,
    examples=(Example({"x": ["B", "T", 8]}, {"p": 0.2}, {"output": ["B", "T", 8]}, params=0),),
    failing=(Failing({"x": ["B", "T", 8]}, {"p": 1.5}, "LS108"),),
    sample=Sampler("sequence", _sample),
)
def dropout(config: DropoutConfig, ctx: LayerContext) -> LayerOutcome:
    """Zeroes elements with probability p: the shape is unchanged, no parameters."""
    tensor = ctx.inputs[0].tensor
    return LayerOutcome({"output": Tensor(tensor.shape, batch_first=tensor.batch_first)}, 0)
