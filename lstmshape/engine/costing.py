"""A layer's costs from its type's cost rule, with its memory in bytes.

A type without a cost rule, or a size the rule needs that is unknown, or a
formula too large to hold, leaves the layer's costs unknown: never an error,
since the shapes were checked all the same.
"""

from __future__ import annotations

from typing import Any

from lstmshape.costs import Costs, CostShapes, LayerCosts, UnknownCost, dtype_widths, numel, total
from lstmshape.dims import DimLimitError, Expr
from lstmshape.engine.tensors import LayerContext
from lstmshape.frameworks.layer_type import LayerType
from lstmshape.models.common import LayerBase
from lstmshape.shapes import Shape


def layer_costs(
    declared: LayerType[Any],
    config: LayerBase,
    ctx: LayerContext,
    outputs: dict[str, Shape | None],
    params: int | None,
) -> LayerCosts | None:
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
    try:
        costs: Costs = declared.cost(config, shapes)
        activations = costs.activations
        if activations is None:
            activations = total(numel(shape) for shape in outputs.values())
        return _with_bytes(costs, activations, params, vars(config).get("dtype"))
    except (UnknownCost, DimLimitError):
        return None


def _with_bytes(costs: Costs, activations: Expr, params: int, dtype: Any) -> LayerCosts:
    param_width, activation_width = dtype_widths(dtype if isinstance(dtype, str) else None)
    return LayerCosts(
        costs.macs,
        costs.extra,
        None if param_width is None else Expr.constant(params * param_width),
        None if activation_width is None else activations * activation_width,
    )
