"""Keras's merge layers: Add, Subtract, Multiply, Average, Maximum, Minimum and Dot.

Each reads a list, ``input: [a, b]`` (Keras raises on one tensor; Subtract
and Dot take exactly two, LS330).  The elementwise ones broadcast as Keras's
``Merge.build`` does: the batch sizes must agree (Keras never broadcasts
the batch), and the other dimensions, aligned from the right, must be equal
or 1, so ``[B, T, 8]`` and ``[B, 8]`` give ``[B, T, 8]`` and ``[B, T, 8]``
and ``[B, T]`` are LS313.  A symbol stands for any size, so ``T`` against
``8`` is LS313 too.  Masks: the output carries a mask when every input
does (Keras ORs them) and none otherwise, without a warning; Dot never
returns one.  No parameters.
"""

from __future__ import annotations

from typing import Any, Literal

from lstmshape.costs import Costs, CostShapes, known, numel, size, times
from lstmshape.engine.tensors import LayerContext, LayerOutcome, Tensor
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
from lstmshape.shapes import Dim, Shape, broadcast_dim, dims_conflict

UNKNOWN = LayerOutcome({"output": Tensor(None)}, 0)
_NOTE = "(reads a list: `input: [a, b]`)"
_PAIR: Shapes = {"x": ["B", "T", 8], "y": ["B", "T", 8]}
_FOREIGN_KEYS = {"other": "Keras's merge layers read a list under input: (input: [a, b])"}


class _MergeConfig(KerasLayer):
    input: Reference | list[Reference] | None = None  # type: ignore[assignment]
    """Keras calls ``Add()([a, b])``: a list of references."""


class AddConfig(_MergeConfig):
    type: Literal["Add"]


class SubtractConfig(_MergeConfig):
    type: Literal["Subtract"]


class MultiplyConfig(_MergeConfig):
    type: Literal["Multiply"]


class AverageConfig(_MergeConfig):
    type: Literal["Average"]


class MaximumConfig(_MergeConfig):
    type: Literal["Maximum"]


class MinimumConfig(_MergeConfig):
    type: Literal["Minimum"]


class DotConfig(_MergeConfig):
    type: Literal["Dot"]
    axes: int | list[int]
    normalize: bool = False


def _shapes(config: _MergeConfig, ctx: LayerContext, count: int | None) -> list[Shape] | None:
    """The shapes of the listed inputs, or None (reported when the list is wrong)."""
    kind = config.type
    if not isinstance(config.input, list):
        written = f"input: {config.input}" if config.input else "the previous layer's output"
        ctx.report(
            "LS330",
            f"{ctx.name} ({kind}) is given one tensor, {written}; it takes a list (Keras raises "
            "ValueError: A merge layer should be called on a list of inputs)",
            *(("input",) if config.input else ("type",)),
            hint="write input: [a, b] with the references to merge",
        )
        return None
    if not ctx.inputs or (count is not None and len(ctx.inputs) != count):
        ctx.report(
            "LS330",
            f"{ctx.name} ({kind}) is given {len(ctx.inputs)} tensors; it takes "
            + (f"exactly {count}" if count is not None else "at least 1")
            + f" (Keras raises ValueError: A `{kind}` layer should be called on "
            + (f"exactly {count} inputs)" if count is not None else "a list of at least 1 input)"),
            "input",
        )
        return None
    shapes = [source.tensor.shape for source in ctx.inputs]
    known = [shape for shape in shapes if shape is not None]
    if len(known) != len(shapes):
        return None
    for source, shape in zip(ctx.inputs, known, strict=True):
        if not shape:
            ctx.report_on(
                source,
                "LS302",
                f"{ctx.name} ({kind}) merges batches, but {source.text} is a 0-D scalar",
            )
            return None
    return known


def _batch(ctx: LayerContext, shapes: list[Shape]) -> tuple[bool, Dim]:
    """Whether the batch sizes agree (Keras does not broadcast them), and the batch."""
    first = ctx.inputs[0]
    for source, shape in zip(ctx.inputs, shapes, strict=True):
        if dims_conflict(shapes[0][0], shape[0]):
            ctx.report_on(
                source,
                "LS313",
                f"{ctx.name} merges {first.describe()} and {source.describe()}, whose batch "
                "sizes differ (Keras raises ValueError: Cannot merge tensors with different "
                "batch sizes)",
            )
            return False, None
    return True, next((shape[0] for shape in shapes if shape[0] is not None), None)


def _elementwise(config: _MergeConfig, ctx: LayerContext, count: int | None) -> LayerOutcome:
    shapes = _shapes(config, ctx, count)
    if shapes is None:
        return UNKNOWN
    agree, batch = _batch(ctx, shapes)
    if not agree:
        return UNKNOWN
    merged: list[Dim] = list(shapes[0][1:])
    for source, shape in zip(ctx.inputs[1:], shapes[1:], strict=True):
        rest = list(shape[1:])
        longer, shorter = (merged, rest) if len(merged) >= len(rest) else (rest, merged)
        offset = len(longer) - len(shorter)
        combined = list(longer[:offset])
        for mine, theirs in zip(longer[offset:], shorter, strict=True):
            fits, size = broadcast_dim(mine, theirs)
            if not fits:
                ctx.report_on(
                    source,
                    "LS313",
                    f"{ctx.name} ({config.type}) cannot merge {ctx.inputs[0].describe()} with "
                    f"{source.describe()}: aligned from the right, {mine} meets {theirs} (Keras "
                    "raises ValueError: Inputs have incompatible shapes)",
                    hint="the dimensions after the batch must be equal, or 1",
                )
                return UNKNOWN
            combined.append(size)
        merged = combined
    masks = [source.tensor.mask for source in ctx.inputs]
    mask = masks[0] if all(masks) else None
    return LayerOutcome({"output": Tensor((batch, *merged), mask=mask)}, 0)


def _sample(draw: Draw) -> Sample:
    """Merges ``given["inputs"]``, of one shape; at times a third tensor (LS330 for two-only)."""
    inputs = list(draw.given["inputs"])
    mistake = {"input": [*inputs, inputs[0]]} if draw.chance(0.05) else {}
    return Sample({"input": inputs}, draw.features, mistake)


def _merge_cost(config: _MergeConfig, shapes: CostShapes) -> Costs:
    """One operation an output element for each input after the first; Average one more,
    its division."""
    count = len(shapes.inputs) - (0 if config.type == "Average" else 1)
    return Costs(elementwise=times(numel(shapes.output), count))


def _declare(name: str, config: type[_MergeConfig], doc: str, count: int | None = None) -> None:
    """Declares the elementwise merge ``name``: thin, since only its doc and count differ."""

    def infer(config: _MergeConfig, ctx: LayerContext) -> LayerOutcome:
        return _elementwise(config, ctx, count)

    infer.__doc__ = doc
    wrong: Failing = Failing(_PAIR, {"input": ["x", "x", "y"]}, "LS330")
    if count is None:
        wrong = Failing({"x": ["B", "T", 8], "y": ["B", "T", 4]}, {"input": ["x", "y"]}, "LS313")
    layer_type(
        "keras",
        name,
        config,
        cost=_merge_cost,
        note=_NOTE,
        examples=(
            Example(_PAIR, {"input": ["x", "y"]}, {"output": ["B", "T", 8]}, params=0),
            Example(
                {"x": ["B", "T", 8], "y": ["B", 8]},
                {"input": ["x", "y"]},
                {"output": ["B", "T", 8]},
                params=0,
            ),
        ),
        failing=(wrong, Failing({"x": ["B", "T", 8]}, {"input": "x"}, "LS330")),
        foreign_keys=_FOREIGN_KEYS,
        refusals=READS_A_LIST,
        sample=Sampler("merge", _sample),
    )(infer)


_BROADCAST = (
    "The tensors' shapes broadcast: the batch sizes agree, and the other\n"
    "dimensions, aligned from the right, are equal or 1.  No parameters."
)
_declare("Add", AddConfig, f"Sums a list of tensors elementwise.\n\n{_BROADCAST}")
_declare(
    "Subtract",
    SubtractConfig,
    f"Subtracts the second of exactly two tensors from the first.\n\n{_BROADCAST}",
    count=2,
)
_declare("Multiply", MultiplyConfig, f"Multiplies a list of tensors elementwise.\n\n{_BROADCAST}")
_declare("Average", AverageConfig, f"Averages a list of tensors elementwise.\n\n{_BROADCAST}")
_declare("Maximum", MaximumConfig, f"The elementwise maximum of a list of tensors.\n\n{_BROADCAST}")
_declare("Minimum", MinimumConfig, f"The elementwise minimum of a list of tensors.\n\n{_BROADCAST}")


def _check_dot(config: DotConfig, ctx: LayerContext) -> bool:
    if isinstance(config.axes, int) or len(config.axes) == 2:
        return True
    ctx.report(
        "LS108",
        f"{ctx.name}.axes is {config.axes}; Dot takes one axis or a pair, one per input (Keras "
        "raises ValueError: Invalid format for argument `axes`: it should contain two elements)",
        "axes",
    )
    return False


def _dot_axes(config: DotConfig, ctx: LayerContext, shapes: list[Shape]) -> list[int] | None:
    """The axis of each input, as Keras reads ``axes``, or None (reported)."""
    if isinstance(config.axes, int):
        # Keras takes a negative int modulo each rank, and a list's entries as indices.
        written = [config.axes % len(s) if config.axes < 0 else config.axes for s in shapes]
    else:
        written = list(config.axes)
    axes: list[int] = []
    for source, shape, axis in zip(ctx.inputs, shapes, written, strict=True):
        if not -len(shape) <= axis < len(shape):
            ctx.report(
                "LS108",
                f"{ctx.name}.axes is {config.axes}, but {source.describe()} has no axis {axis} "
                "(Keras raises IndexError: tuple index out of range)",
                "axes",
            )
            return None
        axes.append(axis % len(shape))
    if 0 in axes:
        ctx.report(
            "LS108",
            f"{ctx.name}.axes is {config.axes}, which is the batch axis of "
            f"{ctx.inputs[axes.index(0)].describe()} (Keras raises ValueError when it runs: "
            "Cannot perform batch_dot over axis 0)",
            "axes",
            hint="count axes from 1, after the batch, or from the end with -1",
        )
        return None
    return axes


def _sample_dot(draw: Draw) -> Sample:
    """Two tensors of one shape (B, [T,] F): over the features, or over the steps (F, F).

    ``features`` is the output's last dimension: 1 for two vectors, F over the
    steps, and 0 (the steps, which a sampler does not know) over the features.
    """
    inputs = list(draw.given["inputs"])
    rank, rng = draw.rank, draw.rng
    if rank == 2:
        axes: int | list[int] = rng.choice((1, -1, [1, 1]))
    elif draw.given.get("symbolic_time"):  # the (B, T, T) of axes 2 sizes no Dense exactly
        axes = rng.choice((1, [1, 1]))
    else:
        axes = rng.choice((1, 2, -1, [2, 2], [1, 1]))
    mistake: dict[str, Any] = {}
    if draw.chance(0.05):
        mistake = rng.choice(({"axes": rank}, {"input": [*inputs, inputs[0]]}, {"axes": [1]}))
    features = 1 if rank == 2 else draw.features if axes in (1, [1, 1]) else 0
    return Sample({"input": inputs, "axes": axes}, features, mistake)


def _dot_cost(config: DotConfig, shapes: CostShapes) -> Costs:
    """A multiply-add for each pair along the axis, per output element; normalize adds
    three operations an input element (square, sum, divide)."""
    first = known(shapes.inputs[0])
    axis = config.axes if isinstance(config.axes, int) else config.axes[0]
    costs = Costs(times(numel(shapes.output), size(first[axis % len(first)])))
    if not config.normalize:
        return costs
    read = numel(first) + numel(shapes.inputs[1])
    return Costs(costs.macs, elementwise=times(read, 3))


@layer_type(
    "keras",
    "Dot",
    DotConfig,
    cost=_dot_cost,
    check=_check_dot,
    refusals=READS_A_LIST,
    note="(reads a list of two: `input: [a, b]`; `axes` an int or a pair)",
    examples=(
        Example(
            {"x": ["B", "T", 8], "y": ["B", "S", 8]},
            {"input": ["x", "y"], "axes": 2},
            {"output": ["B", "T", "S"]},
            params=0,
        ),
        Example(
            {"x": ["B", 8], "y": ["B", 8]},
            {"input": ["x", "y"], "axes": -1, "normalize": True},
            {"output": ["B", 1]},
            params=0,
        ),
        Example(
            {"x": ["B", "T", 8], "y": ["B", 4, "T"]},
            {"input": ["x", "y"], "axes": [1, 2]},
            {"output": ["B", 8, 4]},
            params=0,
        ),
    ),
    failing=(
        Failing(
            {"x": ["B", "T", 8], "y": ["B", "T", 4]}, {"input": ["x", "y"], "axes": 2}, "LS313"
        ),
        Failing(_PAIR, {"input": ["x", "y"], "axes": 3}, "LS108"),
        Failing(_PAIR, {"input": ["x", "y", "x"], "axes": 2}, "LS330"),
    ),
    foreign_types={
        "bmm": "bmm is torch's; in Keras write type: Dot with input: [a, b] and axes:",
    },
    foreign_keys=_FOREIGN_KEYS,
    sample=Sampler("merge", _sample_dot),
)
def dot(config: DotConfig, ctx: LayerContext) -> LayerOutcome:
    """The dot product of two tensors along one axis of each: [B, T, 8]·[B, S, 8] -> [B, T, S].

    axes is one axis for both, or a pair; never the batch axis 0.  The two
    axes must have the same size (Keras raises when one is known and the
    other unknown, too).  The output is the first input without its axis,
    then the second without its batch and axis; (batch, 1) when that leaves
    only the batch.  normalize (cosine similarity) keeps the shape.  No
    parameters; returns no mask.
    """
    shapes = _shapes(config, ctx, 2)
    if shapes is None:
        return UNKNOWN
    axes = _dot_axes(config, ctx, shapes)
    if axes is None:
        return UNKNOWN
    (first, second), (mine, theirs) = shapes, axes
    a, b = first[mine], second[theirs]
    if (a is None) != (b is None) or dims_conflict(a, b):
        ctx.report_on(
            ctx.inputs[1],
            "LS313",
            f"{ctx.name} takes the dot product of axis {mine} of {ctx.inputs[0].describe()} "
            f"({a}) and axis {theirs} of {ctx.inputs[1].describe()} ({b}), which differ (Keras "
            "raises ValueError: Incompatible input shapes)",
        )
        return UNKNOWN
    if dims_conflict(first[0], second[0]):
        ctx.report_on(
            ctx.inputs[1],
            "LS313",
            f"{ctx.name} multiplies batches of matrices, but {ctx.inputs[0].describe()} and "
            f"{ctx.inputs[1].describe()} have different batch sizes (Keras raises ValueError "
            "when it runs: Cannot do batch_dot on inputs with different batch sizes)",
        )
        return UNKNOWN
    output = [d for i, d in enumerate(first) if i != mine]
    output += [d for i, d in enumerate(second) if i not in (0, theirs)]
    return LayerOutcome({"output": Tensor(tuple(output) if len(output) > 1 else (*output, 1))}, 0)
