"""keras.layers.Masking: marks the timesteps whose features all equal mask_value.

The output is the input, unchanged, with a mask (batch, timesteps) of its
own: a mask the input carried is replaced.  Which layers pass a mask on
(every layer here with Keras's default ``compute_mask``: Dense, Dropout,
the normalization, activation and noise layers, TimeDistributed,
Concatenate, recurrent layers with return_sequences) and which drop it
(RepeatVector, a recurrent layer's last output and its states) is the same
as for an Embedding's ``mask_zero``.
"""

from __future__ import annotations

from typing import Literal

from lstmshape.costs import Costs, CostShapes, numel
from lstmshape.engine.tensors import LayerContext, LayerOutcome, Mask, Tensor
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


class MaskingArgs(KerasArgs):
    type: Literal["Masking"]
    mask_value: float = 0.0
    trainable: bool = True
    dtype: str | None = None


class MaskingConfig(KerasLayer, MaskingArgs):
    type: Literal["Masking"]


def _sample(draw: Draw) -> Sample:
    return Sample({"mask_value": -1.0} if draw.chance(0.3) else {}, draw.features)


_SEQUENCE: Shapes = {"x": ["B", "T", 8]}


def _masking_cost(config: MaskingConfig, shapes: CostShapes) -> Costs:
    """Compares each element with mask_value, and multiplies it by its step's mask."""
    return Costs(elementwise=numel(shapes.output) * 2)


@layer_type(
    "keras",
    "Masking",
    MaskingConfig,
    cost=_masking_cost,
    tensors_doc="`output` (masked)",
    wrapped_config=MaskingArgs,
    wrappers=("TimeDistributed",),
    examples=(Example(_SEQUENCE, {"mask_value": 0.0}, {"output": ["B", "T", 8]}, params=0),),
    failing=(Failing(_SEQUENCE, {"value": -1.0}, "LS101"),),
    sample=Sampler("mask", _sample),
)
def masking(config: MaskingArgs, ctx: LayerContext) -> LayerOutcome:
    """Masks the timesteps whose features all equal mask_value: the shape is unchanged.

    The output carries a mask, which the layers after it pass on or drop as
    they do an Embedding's (mask_zero).  The mask has one entry for each
    vector of the last dimension: (batch, timesteps) of a sequence, (batch,
    frames, rows, cols) of a video.
    """
    shape = ctx.inputs[0].tensor.shape
    entries = shape[:-1] if shape is not None and len(shape) > 3 else None
    mask = Mask(ctx.name, "a Masking layer", f"the Masking layer {ctx.name}", shape=entries)
    return LayerOutcome({"output": Tensor(shape, mask=mask)}, 0)
