"""How the text report shows costs (``--costs``) and symbols' values (``--dim``, ``dims:``).

The table gains two columns, a layer's MACs and the bytes of what it
writes; the model's totals follow the table in two lines, the second the
FLOPs outside the MAC count by kind.  Formulas print in canonical form with
their numbers grouped by thousands (``557,056*B*T``); a symbol with a value
is replaced by it, and a shape's dimensions that the values decide print with
them: ``[B=32, T=100, 64]``, ``[B=32, (T - 2)=98, 64]``.  An upper bound (a
packed sequence of unknown lengths priced as its padded batch) prints after
``<=``, and the totals say why.
"""

from __future__ import annotations

from collections.abc import Mapping

from lstmshape.costs import EXTRA_KINDS, LayerCosts, cost_value, format_cost
from lstmshape.shapes import Dim, Shape, format_dim, format_shape, substitute_dim

COST_COLUMNS = ["MACs", "act. bytes"]


def shape_cell(shape: Shape | None, values: Mapping[str, int]) -> str:
    """``[B=32, 50, 256]``: each dimension the values decide, with its value."""
    if shape is None or not values:
        return format_shape(shape)
    return "[" + ", ".join(_dim_cell(dim, values) for dim in shape) + "]"


def _dim_cell(dim: Dim, values: Mapping[str, int]) -> str:
    value = substitute_dim(dim, values) if isinstance(dim, str) else dim
    if not isinstance(dim, str) or not isinstance(value, int):
        return format_dim(dim)
    return f"{dim}={value}" if dim.isidentifier() else f"({dim})={value}"


def cost_cells(costs: LayerCosts | None, values: Mapping[str, int]) -> list[str]:
    if costs is None:
        return ["?", "?"]
    at_most = "<=" if costs.padded else ""
    return [
        at_most + format_cost(cost_value(costs.macs, values)),
        at_most + format_cost(cost_value(costs.activation_bytes, values)),
    ]


def cost_lines(costs: LayerCosts | None, values: Mapping[str, int]) -> list[str]:
    """The model's totals, after its table."""
    if costs is None:
        return ["costs: unknown (a layer's costs are unknown: see its ? in the table)"]
    bound = " at most (packed sequences of unknown lengths priced padded)" if costs.padded else ""
    first = (
        f"costs{bound}: {format_cost(cost_value(costs.macs, values))} MACs · "
        f"{format_cost(cost_value(costs.flops, values))} FLOPs · "
        f"params {format_cost(cost_value(costs.param_bytes, values))} bytes · "
        f"activations {format_cost(cost_value(costs.activation_bytes, values))} bytes"
    )
    extra = [
        f"{kind} {format_cost(cost_value(expr, values))}"
        for kind, expr in zip(EXTRA_KINDS, costs.extra, strict=True)
        if expr.as_int() != 0
    ]
    if not extra:
        return [first]
    return [first, "FLOPs beyond the MACs: " + " · ".join(extra)]
