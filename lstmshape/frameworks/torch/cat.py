"""torch.cat and torch.stack(tensors, dim=0): functions, written as layers that read a list."""

from __future__ import annotations

from typing import Literal

from lstmshape.engine.tensors import LayerContext, LayerOutcome, Tensor
from lstmshape.frameworks import cost_rules
from lstmshape.frameworks.layer_type import (
    Draw,
    Example,
    Failing,
    Sample,
    Sampler,
    Shapes,
    layer_type,
)
from lstmshape.models.common import LayerBase, Reference
from lstmshape.shapes import Dim, add_dims, dims_conflict


class CatConfig(LayerBase):
    """``torch.cat(tensors, dim=0)``: a function, written as a layer."""

    type: Literal["cat"]
    tensors: list[Reference]
    dim: int = 0


def _sample(draw: Draw) -> Sample:
    """Joins tensors of rank ``draw.rank`` along their last dimension, at times past it."""
    dim = draw.rng.choice((draw.rank - 1, -1))
    mistake = {"dim": draw.rank} if draw.chance(0.02) else {}
    return Sample({"dim": dim}, draw.features, mistake)


_PAIR: Shapes = {"x": ["B", 8], "y": ["B", 4]}


@layer_type(
    "torch",
    "cat",
    CatConfig,
    cost=cost_rules.copy,
    input_field="tensors",
    note="(`torch.cat(tensors, dim)`; `tensors` is a list of references)",
    examples=(Example(_PAIR, {"tensors": ["x", "y"], "dim": 1}, {"output": ["B", 12]}, params=0),),
    failing=(Failing(_PAIR, {"tensors": ["x", "y"], "dim": 0}, "LS305"),),
    foreign_types={
        "Concatenate": "Concatenate is Keras's; in torch write type: cat with tensors: and dim:"
    },
    sample=Sampler("join", _sample),
    prefixes=("torch.",),
)
def cat(config: CatConfig, ctx: LayerContext) -> LayerOutcome:
    """Joins tensors of equal rank along dim; their other dimensions must agree.

    The joined dimension is the sum of theirs; no parameters.
    """
    unknown = LayerOutcome({"output": Tensor(None)}, 0)
    shapes = [source.tensor.shape for source in ctx.inputs]
    if not ctx.inputs:
        ctx.report("LS305", f"{ctx.name} has nothing to concatenate: tensors is empty", "tensors")
        return unknown
    if any(shape is None for shape in shapes):
        return unknown
    known = [shape for shape in shapes if shape is not None]
    rank = len(known[0])
    for index, (source, shape) in enumerate(zip(ctx.inputs, known, strict=True)):
        if not shape:
            ctx.report(
                "LS305",
                f"{ctx.name} cannot concatenate {source.text}: it is a 0-D scalar",
                "tensors",
                index,
            )
            return unknown
        if len(shape) != rank:
            ctx.report(
                "LS305",
                f"{ctx.name} joins tensors of different ranks: {ctx.inputs[0].describe()} is "
                f"{rank}-D but {source.describe()} is {len(shape)}-D",
                "tensors",
                index,
            )
            return unknown
    if not -rank <= config.dim < rank:
        ctx.report(
            "LS305",
            f"{ctx.name}.dim is {config.dim} but the tensors are {rank}-D "
            f"(dim must be in {-rank} to {rank - 1})",
            "dim",
        )
        return unknown
    axis = config.dim % rank
    output: list[Dim] = list(known[0])
    for index, (source, shape) in enumerate(zip(ctx.inputs, known, strict=True)):
        for position, (first, other) in enumerate(zip(known[0], shape, strict=True)):
            if position != axis and dims_conflict(first, other):
                ctx.report(
                    "LS305",
                    f"{ctx.name} joins along dim {config.dim}, so every other dimension must "
                    f"match: dim {position} is {first} in {ctx.inputs[0].describe()} but "
                    f"{other} in {source.describe()}",
                    "tensors",
                    index,
                )
                return unknown
    output[axis] = add_dims([shape[axis] for shape in known])
    return LayerOutcome({"output": Tensor(tuple(output))}, 0)


class StackConfig(LayerBase):
    """``torch.stack(tensors, dim=0)``: a function, written as a layer."""

    type: Literal["stack"]
    tensors: list[Reference]
    dim: int = 0


def _sample_stack(draw: Draw) -> Sample:
    """Stacks tensors of rank ``draw.rank`` at the front (the last dim stays) or at the end."""
    if draw.chance(0.5):
        return Sample({"dim": 0}, draw.features)
    mistake = {"dim": draw.rank + 1} if draw.chance(0.05) else {}
    return Sample({"dim": -1}, 2, mistake)


@layer_type(
    "torch",
    "stack",
    StackConfig,
    cost=cost_rules.copy,
    input_field="tensors",
    note="(`torch.stack(tensors, dim)`; `tensors` is a list of references)",
    examples=(
        Example(
            _PAIR | {"z": ["B", 8]},
            {"tensors": ["x", "z"], "dim": 1},
            {"output": ["B", 2, 8]},
            params=0,
        ),
        Example(
            {"x": ["B", 8]},
            {"tensors": ["x", "x", "x"], "dim": -1},
            {"output": ["B", 8, 3]},
            params=0,
        ),
    ),
    failing=(
        Failing(_PAIR, {"tensors": ["x", "y"]}, "LS305"),
        Failing({"x": ["B", 8]}, {"tensors": ["x", "x"], "dim": 3}, "LS305"),
    ),
    sample=Sampler("join", _sample_stack),
    prefixes=("torch.",),
)
def stack(config: StackConfig, ctx: LayerContext) -> LayerOutcome:
    """Joins tensors of one shape along a new dim, of size the number of tensors."""
    unknown = LayerOutcome({"output": Tensor(None)}, 0)
    if not ctx.inputs:
        ctx.report("LS305", f"{ctx.name} has nothing to stack: tensors is empty", "tensors")
        return unknown
    shapes = [source.tensor.shape for source in ctx.inputs]
    known = [shape for shape in shapes if shape is not None]
    if len(known) != len(shapes):
        return unknown
    first = ctx.inputs[0]
    for index, (source, shape) in enumerate(zip(ctx.inputs, known, strict=True)):
        if len(shape) != len(known[0]) or any(
            dims_conflict(a, b) for a, b in zip(known[0], shape, strict=True)
        ):
            ctx.report(
                "LS305",
                f"{ctx.name} stacks tensors of one shape only: {first.describe()} and "
                f"{source.describe()} differ (torch raises: stack expects each tensor to be "
                "equal size)",
                "tensors",
                index,
            )
            return unknown
    rank = len(known[0]) + 1
    if not -rank <= config.dim < rank:
        ctx.report(
            "LS305",
            f"{ctx.name}.dim is {config.dim} but the stacked tensor is {rank}-D "
            f"(dim must be in {-rank} to {rank - 1})",
            "dim",
        )
        return unknown
    axis = config.dim % rank
    output = (*known[0][:axis], len(known), *known[0][axis:])
    return LayerOutcome({"output": Tensor(output)}, 0)
