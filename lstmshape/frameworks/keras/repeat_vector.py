"""keras.layers.RepeatVector: a vector repeated into a sequence, (batch, F) -> (batch, n, F)."""

from __future__ import annotations

from typing import Literal

from lstmshape.engine.tensors import LayerContext, LayerOutcome, Tensor
from lstmshape.frameworks import cost_rules
from lstmshape.frameworks.keras.base import KerasArgs, KerasLayer
from lstmshape.frameworks.keras.checks import batch_in_input_shape, check_positive
from lstmshape.frameworks.layer_type import Draw, Example, Failing, Sample, Sampler, layer_type


class RepeatVectorArgs(KerasArgs):
    type: Literal["RepeatVector"]
    n: int


class RepeatVectorConfig(KerasLayer, RepeatVectorArgs):
    type: Literal["RepeatVector"]


def _check(config: RepeatVectorArgs, ctx: LayerContext) -> bool:
    return check_positive(ctx, "n", config.n, "Argument `n` should be a positive integer")


def _sample(draw: Draw) -> Sample:
    mistake = {"n": 0} if draw.chance(0.03) else {}
    return Sample({"n": draw.rng.randint(1, 6)}, draw.features, mistake)


@layer_type(
    "keras",
    "RepeatVector",
    RepeatVectorConfig,
    cost=cost_rules.copy,
    check=_check,
    wrapped_config=RepeatVectorArgs,
    wrappers=("TimeDistributed",),
    examples=(Example({"x": ["B", 8]}, {"n": 10}, {"output": ["B", 10, 8]}, params=0),),
    failing=(Failing({"x": ["B", "T", 8]}, {"n": 10}, "LS302"),),
    sample=Sampler("repeat", _sample),
)
def repeat_vector(config: RepeatVectorArgs, ctx: LayerContext) -> LayerOutcome:
    """Repeats a vector n times: (batch, features) -> (batch, n, features); drops a mask."""
    source = ctx.inputs[0]
    shape = source.tensor.shape
    if shape is None:
        return LayerOutcome({"output": Tensor(None)}, 0)
    if len(shape) != 2:
        hint = batch_in_input_shape(source, shape, 2)
        origin = source.tensor.origin
        if origin is not None and origin.time_axis is not None:
            hint = (
                f"{origin.layer} returns the whole sequence; an encoder before RepeatVector "
                "has return_sequences: false"
            )
        ctx.report_on(
            source,
            "LS302",
            f"RepeatVector takes a 2-D input (batch, features); {ctx.name}'s input "
            f"{source.describe()} is {len(shape)}-D (Keras raises ValueError: expected ndim=2, "
            f"found ndim={len(shape)})",
            hint=hint,
        )
        return LayerOutcome({"output": Tensor(None)}, 0)
    return LayerOutcome({"output": Tensor((shape[0], config.n, shape[1]))}, 0)
