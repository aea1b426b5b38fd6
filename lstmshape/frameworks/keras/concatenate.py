"""keras.layers.Concatenate: joins a list of tensors, ``input: [a, b]``, along ``axis``."""

from __future__ import annotations

from typing import Literal

from lstmshape.engine.tensors import LayerContext, LayerOutcome, Tensor
from lstmshape.frameworks import cost_rules
from lstmshape.frameworks.keras.base import READS_A_LIST, KerasLayer
from lstmshape.frameworks.layer_type import (
    Draw,
    Example,
    Failing,
    Sample,
    Sampler,
    Shapes,
    layer_type,
)
from lstmshape.models.common import Reference
from lstmshape.shapes import Dim, Shape, add_dims, dims_conflict


class ConcatenateConfig(KerasLayer):
    type: Literal["Concatenate"]
    input: Reference | list[Reference] | None = None  # type: ignore[assignment]
    """Keras calls ``Concatenate(axis)([a, b])``: a list of references."""
    axis: int = -1


def _sample(draw: Draw) -> Sample:
    """Joins tensors of rank ``draw.rank`` (not along axis 0: a symbol cannot say 2B)."""
    args = {"axis": draw.rng.choice((-1, draw.rank - 1))} if draw.chance(0.3) else {}
    return Sample(args, draw.features)


_PAIR: Shapes = {"x": ["B", "T", 8], "y": ["B", "T", 4]}


@layer_type(
    "keras",
    "Concatenate",
    ConcatenateConfig,
    cost=cost_rules.copy,
    passes_mask=True,
    refusals=READS_A_LIST,
    note="(reads a list: `input: [a, b]`)",
    examples=(Example(_PAIR, {"input": ["x", "y"]}, {"output": ["B", "T", 12]}, params=0),),
    failing=(Failing(_PAIR, {"input": ["x", "y"], "axis": 1}, "LS305"),),
    foreign_types={
        "cat": "cat is torch's; in Keras write type: Concatenate with input: [a, b] and axis:"
    },
    sample=Sampler("join", _sample),
)
def concatenate(config: ConcatenateConfig, ctx: LayerContext) -> LayerOutcome:
    """Joins a list of tensors along axis; every other dimension, the batch included, must agree.

    The joined axis is the sum of theirs; no parameters.
    """
    unknown = LayerOutcome({"output": Tensor(None)}, 0)
    if not isinstance(config.input, list):
        written = f"input: {config.input}" if config.input else "the previous layer's output"
        ctx.report(
            "LS305",
            f"{ctx.name} (Concatenate) is given one tensor, {written}; it takes a list "
            "(Keras raises ValueError: A `Concatenate` layer should be called on a list of "
            "at least 1 input)",
            *(("input",) if config.input else ("type",)),
            hint="write input: [a, b] with the references to join",
        )
        return unknown
    if not ctx.inputs:
        ctx.report("LS305", f"{ctx.name} has nothing to concatenate: input is empty", "input")
        return unknown
    shapes = [source.tensor.shape for source in ctx.inputs]
    known = [shape for shape in shapes if shape is not None]
    if len(known) != len(shapes):
        return unknown
    first = ctx.inputs[0]
    rank = len(known[0])
    if not -rank <= config.axis < rank:
        ctx.report(
            "LS305",
            f"{ctx.name}.axis is {config.axis} but {first.describe()} is {rank}-D "
            f"(axis must be in {-rank} to {rank - 1})",
            "axis",
        )
        return unknown
    axis = config.axis % rank
    for index, (source, shape) in enumerate(zip(ctx.inputs, known, strict=True)):
        conflict = _conflict(known[0], shape, axis)
        if conflict is not None:
            ctx.report_on(
                source,
                "LS305",
                f"{ctx.name} joins along axis {config.axis}, so every other dimension must "
                f"match, but {conflict} {first.describe()} and {source.describe()} (Keras "
                "raises ValueError: A `Concatenate` layer requires inputs with matching shapes "
                "except for the concatenation axis)",
                hint=None if index else "check the first tensor's shape",
            )
            return unknown
    output: list[Dim] = list(known[0])
    output[axis] = add_dims([shape[axis] for shape in known])
    return LayerOutcome({"output": Tensor(tuple(output))}, 0)


def _conflict(first: Shape, other: Shape, axis: int) -> str | None:
    if len(first) != len(other):
        return f"the ranks differ ({len(first)}-D and {len(other)}-D):"
    for position, (mine, theirs) in enumerate(zip(first, other, strict=True)):
        if position != axis and dims_conflict(mine, theirs):
            return f"axis {position} is {mine} and {theirs} in"
    return None
