"""How Keras's Bidirectional merges its two directions when it runs, and what its model
declares instead.

Measured (Keras 3.15.1, torch backend): ``concat`` joins the last axis
(torch.cat, so every other axis must be equal: with a ConvLSTM's
``channels_first`` the last axis is the columns, not the filters), ``sum``,
``mul`` and ``ave`` broadcast (each axis equal, or one of them 1), and
``null`` returns both directions as computed.  Directions that cannot merge
fail when the model runs (LS310).  A model built on the layer takes both
directions to have the forward layer's shape (``compute_output_shape``), so
a backward_layer that returns another shape runs, but the layers after it
fail when the model runs (LS350).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lstmshape.engine.tensors import LayerContext, Mask, Origin, Tensor
from lstmshape.frameworks.keras.directions import direction
from lstmshape.frameworks.keras.recurrent import Run
from lstmshape.shapes import Dim, Shape, add_dims, broadcast_dim, dims_conflict, format_shape

if TYPE_CHECKING:
    from lstmshape.frameworks.keras.bidirectional import BidirectionalArgs


def merged(
    config: BidirectionalArgs, ctx: LayerContext, forward: Run, backward: Run, mask: Mask | None
) -> dict[str, Tensor] | None:
    """The output(s) as Keras computes them when it runs; None (reported) if it fails."""
    time_axis = 1 if config.layer.return_sequences else None
    if not config.layer.return_sequences:
        mask = None
    mode = config.merge_mode
    if mode is None:
        _lint_declared(config, ctx, (forward, backward), forward.output, backward.output)
        return {
            name: Tensor(ran.output, Origin(ctx.name, name, False, time_axis, "keras"), mask=mask)
            for name, ran in (("forward_output", forward), ("backward_output", backward))
        }
    output = merge_shapes(mode, forward.output, backward.output)
    if isinstance(output, int):
        _report_unmerged(config, ctx, forward.output, backward.output, output)
        return None
    declared = merge_shapes(mode, forward.output, forward.output)
    assert not isinstance(declared, int)  # a shape merges with itself
    _lint_declared(config, ctx, (forward, backward), declared, output)
    origin = Origin(ctx.name, "output", True, time_axis, "keras")
    return {"output": Tensor(output, origin, mask=mask)}


def merge_shapes(mode: str, ours: Shape, theirs: Shape) -> Shape | int:
    """The merged shape, or the axis where the two cannot merge (measured, Keras 3.15.1):
    concat joins the last axis (torch.cat: every other axis equal), sum, mul and ave
    broadcast (each axis equal, or one of them 1)."""
    if len(ours) != len(theirs):
        return len(ours) - 1
    if mode == "concat":
        for axis, (mine, other) in enumerate(zip(ours[:-1], theirs[:-1], strict=True)):
            if dims_conflict(mine, other):
                return axis
        return (*ours[:-1], add_dims((ours[-1], theirs[-1])))
    merged: list[Dim] = []
    for axis, (mine, other) in enumerate(zip(ours, theirs, strict=True)):
        fits, size = broadcast_dim(mine, other)
        if not fits:
            return axis
        merged.append(size)
    return tuple(merged)


def _report_unmerged(
    config: BidirectionalArgs, ctx: LayerContext, ours: Shape, theirs: Shape, axis: int
) -> None:
    backward = config.backward_layer
    assert backward is not None  # a layer's copy has its shapes
    keras = (
        f"Sizes of tensors must match except in dimension {len(ours) - 1}"
        if config.merge_mode == "concat"
        else "the size of tensor a must match the size of tensor b"
    )
    forward = config.layer
    rules = direction(backward)
    key = rules.size_key
    differs = getattr(forward, key, None) != getattr(backward, key, None)
    pointer = key if differs and key in backward.model_fields_set else "type"
    broadcast = " (or one of them 1, which broadcasts)" if config.merge_mode != "concat" else ""
    ctx.report(
        "LS310",
        f"{ctx.name} merges its directions with {config.merge_mode}, but the forward layer "
        f"returns {format_shape(ours)} and backward_layer {format_shape(theirs)}, which differ "
        f"on axis {axis}: Keras builds the model and fails when it runs ({keras})",
        "backward_layer",
        pointer,
        hint=f"give both layers the same {rules.sized_by}{broadcast}"
        + (", or use merge_mode: concat" if config.merge_mode != "concat" else ""),
    )


def _lint_declared(
    config: BidirectionalArgs,
    ctx: LayerContext,
    directions: tuple[Run, Run],
    declared: Shape,
    computed: Shape,
) -> None:
    """Keras runs directions of different shapes as computed, but a model built on them
    takes the forward layer's shape for both, and builds the layers after it for that.

    ``declared`` is what Keras's model says (the output, or with merge_mode
    null each direction's), ``computed`` what the layer returns when it runs.
    """
    backward = config.backward_layer
    if backward is None or declared == computed:
        return
    forward_output, backward_output = (ran.output for ran in directions)
    said = format_shape(declared) + (" each" if config.merge_mode is None else "")
    key = direction(backward).size_key
    ctx.report(
        "LS350",
        f"{ctx.name}'s backward_layer returns {format_shape(backward_output)} and its layer "
        f"{format_shape(forward_output)}: the layer runs as computed here, but a Keras model "
        f"built on it (functional or Sequential) takes its output to be {said}, builds the "
        "layers after it for that shape, and fails when it runs (ValueError: Input 0 of layer "
        "... is incompatible with the layer)",
        "backward_layer",
        key if key in backward.model_fields_set else "type",
        hint=f"give backward_layer the {direction(backward).sized_by} of layer",
    )
