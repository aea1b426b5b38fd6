"""A layer's costs from its type's cost rule, with its memory in bytes.

A type without a cost rule, or a size the rule needs that is unknown, or a
formula too large to hold, leaves the layer's costs unknown: never an error,
since the shapes were checked all the same.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from lstmshape.costs import (
    Costs,
    CostShapes,
    LayerCosts,
    UnknownCost,
    dtype_widths,
    numel,
    scale,
    total,
)
from lstmshape.dims import DimLimitError, Expr
from lstmshape.engine.tensors import LayerContext
from lstmshape.frameworks.layer_type import LayerType
from lstmshape.models.common import LayerBase
from lstmshape.shapes import Shape


def pricer(
    declared: LayerType[Any],
    config: LayerBase,
    ctx: LayerContext,
    outputs: dict[str, Shape | None],
    params: int | None,
) -> Callable[[], LayerCosts | None] | None:
    """What computes the layer's costs when a report asks for them; None if it has none.

    Only the shapes are taken now: pricing a layer costs more than checking it,
    and most reports (the text table without ``--costs``) never show costs.
    """
    if declared.cost is None or params is None:
        return None
    shapes = CostShapes(
        tuple(source.tensor.shape for source in ctx.inputs),
        outputs,
        {
            key: tuple(source.tensor.shape for source in sources)
            for key, sources in ctx.tensor_args.items()
        },
    )
    return partial(layer_costs, declared, config, shapes, params)


def layer_costs(
    declared: LayerType[Any], config: LayerBase, shapes: CostShapes, params: int
) -> LayerCosts | None:
    assert declared.cost is not None
    try:
        costs: Costs = declared.cost(config, shapes)
        activations = costs.activations
        if activations is None:
            activations = total(numel(shape) for shape in shapes.outputs.values())
        return _with_bytes(costs, activations, params, vars(config).get("dtype"))
    except (UnknownCost, DimLimitError):
        return None


def _with_bytes(costs: Costs, activations: Expr, params: int, dtype: Any) -> LayerCosts:
    param_width, activation_width = dtype_widths(dtype if isinstance(dtype, str) else None)
    return LayerCosts(
        costs.macs,
        costs.extra,
        None if param_width is None else Expr.constant(params * param_width),
        None if activation_width is None else scale(activations, activation_width),
    )
