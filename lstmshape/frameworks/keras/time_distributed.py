"""keras.layers.TimeDistributed: a layer applied to every step of a sequence.

TimeDistributed(layer) applies ``layer`` to every slice along axis 1 of an
input of rank >= 3: (batch, T, ...) -> (batch, T, layer's output without
batch), with the wrapped layer's parameters.  The wrapped layer is any type
that names TimeDistributed in its ``wrappers``; its own rule computes the
step, in a context whose reports point into ``layer:``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from lstmshape.costs import Costs, CostShapes, UnknownCost, size
from lstmshape.engine.tensors import LayerContext, LayerOutcome, Source, Tensor
from lstmshape.frameworks import cost_rules
from lstmshape.frameworks.keras.base import KerasArgs, KerasLayer, WrappedBy
from lstmshape.frameworks.layer_type import (
    LAYER_TYPES,
    Draw,
    Example,
    Failing,
    LayerType,
    Sample,
    Sampler,
    Shapes,
    layer_type,
    wrapping_refusal,
)
from lstmshape.shapes import Shape, dims_conflict, format_shape


class TimeDistributedArgs(KerasArgs):
    type: Literal["TimeDistributed"]
    layer: Annotated[KerasArgs, WrappedBy("TimeDistributed")]


class TimeDistributedConfig(KerasLayer, TimeDistributedArgs):
    type: Literal["TimeDistributed"]


def _wrapped(config: TimeDistributedArgs, ctx: LayerContext) -> LayerType[Any] | None:
    """The wrapped layer's type; never a silent stand-in for a type TimeDistributed cannot hold."""
    inner = config.layer
    declared = LAYER_TYPES.get(("keras", inner.type))
    if declared is not None and "TimeDistributed" in declared.wrappers:
        return declared
    why, held = wrapping_refusal("keras", "TimeDistributed", inner.type)
    ctx.report("LS104", f"{ctx.label('layer')} is {inner.type}, {why}", "layer", "type", hint=held)
    return None


def _check(config: TimeDistributedArgs, ctx: LayerContext) -> bool:
    """Keras constructs the wrapped layer first, so its arguments are checked first."""
    declared = _wrapped(config, ctx)
    if declared is None:
        return False
    if declared.check is not None and not declared.check(config.layer, ctx.wrapping("layer")):
        return False
    inner = config.layer
    returned = declared.tensors(inner)
    if len(returned) > 1:
        held = getattr(inner, "layer", inner)  # a Bidirectional's states are its layer's
        key = "return_state" if getattr(held, "return_state", False) else "merge_mode"
        ctx.report(
            "LS108",
            f"{ctx.name} wraps a layer that returns {len(returned)} tensors "
            f"({', '.join(returned)}); TimeDistributed takes a layer with one output (Keras "
            "raises ValueError: Cannot convert ... to a shape)",
            "layer",
            *(("layer", key) if held is not inner else (key,)),
        )
        return False
    return True


def _sample(draw: Draw) -> Sample:
    """``given["layer"]``: the wrapped layer (a mapping), drawn by its own sampler."""
    return Sample({"layer": draw.given["layer"]}, draw.features)


_SEQUENCE: Shapes = {"x": ["B", "T", 8]}


def _time_distributed_cost(config: TimeDistributedArgs, shapes: CostShapes) -> Costs:
    """The wrapped layer's costs on one step, (batch, ...), times the timesteps."""
    declared = LAYER_TYPES[("keras", config.layer.type)]
    if declared.cost is None:
        raise UnknownCost
    shape, output = shapes.input, shapes.output
    step = CostShapes(((shape[0], *shape[2:]),), {"output": (output[0], *output[2:])})
    return cost_rules.scaled(declared.cost(config.layer, step), size(shape[1]))


@layer_type(
    "keras",
    "TimeDistributed",
    TimeDistributedConfig,
    cost=_time_distributed_cost,
    check=_check,
    nests=("layer",),
    wrapped_config=TimeDistributedArgs,
    wrappers=("TimeDistributed",),
    passes_mask=True,
    examples=(
        Example(
            _SEQUENCE,
            {"layer": {"type": "Dense", "units": 4}},
            {"output": ["B", "T", 4]},
            params=36,
        ),
        Example(
            {"x": ["B", "T", "S", 8]},
            {"layer": {"type": "LSTM", "units": 16}},
            {"output": ["B", "T", 16]},
            params=1600,
        ),
    ),
    failing=(Failing({"x": ["B", 8]}, {"layer": {"type": "Dense", "units": 4}}, "LS302"),),
    sample=Sampler("wrapper", _sample),
)
def time_distributed(config: TimeDistributedArgs, ctx: LayerContext) -> LayerOutcome:
    """Applies its layer to every step: (batch, T, ...) -> (batch, T, the layer's output).

    The input has at least 3 dimensions; the parameters are the wrapped
    layer's.
    """
    declared = LAYER_TYPES[("keras", config.layer.type)]
    source = ctx.inputs[0]
    shape = source.tensor.shape
    if shape is None:
        return LayerOutcome({"output": Tensor(None)}, None)
    if len(shape) < 3:
        ctx.report_on(
            source,
            "LS302",
            f"TimeDistributed takes an input of at least 3 dimensions (batch, timesteps, ...); "
            f"{ctx.name}'s input {source.describe()} is {len(shape)}-D (Keras raises "
            "ValueError: `TimeDistributed` Layer should be passed an `input_shape` with at "
            "least 3 dimensions)",
            hint="to apply the layer to a 2-D tensor, use the layer itself",
        )
        return LayerOutcome({"output": Tensor(None)}, None)
    if not _mask_fits(ctx, source, shape):
        return LayerOutcome({"output": Tensor(None)}, None)
    step_tensor = Tensor((shape[0], *shape[2:]), mask=source.tensor.mask)
    step = Source(source.text, step_tensor, source.at, source.reference)
    outcome = declared.infer(config.layer, ctx.wrapping("layer", inputs=[step]))
    output = outcome.tensors["output"].shape
    if output is None:
        return LayerOutcome({"output": Tensor(None)}, outcome.params)
    return LayerOutcome({"output": Tensor((shape[0], shape[1], *output[1:]))}, outcome.params)


def _mask_fits(ctx: LayerContext, source: Source, shape: Shape) -> bool:
    """Whether the input's mask has the input's batch and timesteps; else LS318.

    Keras checks it when the model runs (ValueError: The `mask` passed to the
    `TimeDistributed` layer has a shape ... that is incompatible with the input
    shape); a mask of another shape comes from an attention layer given a query
    mask of one step, which broadcasts there.
    """
    mask = source.tensor.mask
    if mask is None or mask.shape is None or len(mask.shape) < 2:
        return True
    if not any(
        dims_conflict(mine, theirs) for mine, theirs in zip(mask.shape[:2], shape[:2], strict=True)
    ):
        return True
    ctx.report_on(
        source,
        "LS318",
        f"{ctx.name}'s input {source.text} {format_shape(shape)} carries the mask of "
        f"{mask.layer} {format_shape(mask.shape)}, whose batch and timesteps are not the "
        "input's (Keras fails when it runs: the first two dimensions of the mask must match "
        "the input's)",
        hint=f"give {mask.layer} one mask entry per sample and step",
    )
    return False
