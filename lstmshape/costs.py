"""What a layer's forward pass costs, as formulas in the spec's symbols.

A layer type's cost rule (``cost=`` of :func:`~lstmshape.frameworks.layer_type.layer_type`)
maps its config and the shapes it reads and returns to :class:`Costs`, whose
fields are :class:`~lstmshape.dims.Expr`: ``B*T`` stays a product of
symbols, and a report evaluates it when the user gives the symbols values.

The conventions (the README's Costs section says the same to users):

* ``macs``: the multiply-accumulates of the layer's matrix multiplies and
  convolutions, the work ``torch.utils.flop_counter.FlopCounterMode`` counts;
  ``flops`` is twice that, which is exactly what FlopCounterMode reports.
* What FlopCounterMode does not count is kept apart, in FLOPs, one line item
  per kind (:data:`EXTRA_KINDS`), so a user adds the ones their convention
  includes: a bias added (1 per element), a nonlinearity (1 per element, a
  gate's sigmoid as a ReLU), an elementwise product or sum, normalization (a
  per-element cost of 5 for batch and layer norm: subtract, scale, shift,
  and the two reductions' one each), a softmax (3 per element: exponent,
  sum, divide).
* ``activations``: the elements the forward pass writes as the layer's
  returned tensors; a view (``permute``, ``view``, ``Flatten``) writes none.
  None in a rule's answer means "the returned tensors", which the engine counts.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Any

from lstmshape.dims import MAX_INT, DimLimitError, Expr
from lstmshape.record import field, record
from lstmshape.shapes import Dim, Shape, from_expr, substitute_dim, to_expr

ZERO = Expr.constant(0)

EXTRA_KINDS = ("bias", "nonlinearity", "elementwise", "normalization", "softmax")
"""The FLOPs outside FlopCounterMode's convention, each a line item of its own."""


class UnknownCost(Exception):
    """A dimension a cost needs is unknown (null, or left unknown by an earlier error)."""


@record(frozen=True, slots=True)
class Costs:
    """One forward pass of a layer: see the module's docstring for each field."""

    macs: Expr = ZERO
    bias: Expr = ZERO
    nonlinearity: Expr = ZERO
    elementwise: Expr = ZERO
    normalization: Expr = ZERO
    softmax: Expr = ZERO
    activations: Expr | None = None
    """Elements written; None for the returned tensors' elements, counted by the engine."""

    @property
    def extra(self) -> tuple[Expr, ...]:
        """The line items, in :data:`EXTRA_KINDS`' order."""
        return (self.bias, self.nonlinearity, self.elementwise, self.normalization, self.softmax)


@record(frozen=True)
class CostShapes:
    """What a cost rule reads: the shapes of the layer's inputs and of what it returns."""

    inputs: tuple[Shape | None, ...]
    outputs: Mapping[str, Shape | None]
    tensor_args: Mapping[str, tuple[Shape | None, ...]] = field(default_factory=dict)

    @property
    def input(self) -> Shape:
        """The first (for most types, the only) input's shape."""
        return known(self.inputs[0] if self.inputs else None)

    @property
    def output(self) -> Shape:
        return known(self.outputs.get("output"))


def known(shape: Shape | None) -> Shape:
    if shape is None:
        raise UnknownCost
    return shape


def size(dim: Dim) -> Expr:
    """A dimension as an expression; raises :class:`UnknownCost` if it is unknown."""
    if dim is None:
        raise UnknownCost
    return to_expr(dim)


def numel(shape: Shape | None) -> Expr:
    """The number of elements of a shape."""
    return _numel(known(shape))


@lru_cache(maxsize=4096)
def _numel(shape: Shape) -> Expr:
    # A model's shapes repeat from layer to layer, and multiplying expressions is the
    # costly part of pricing one: the numbers are multiplied first, the symbols once each.
    number = 1
    product: Expr | None = None
    for dim in shape:
        if isinstance(dim, int):
            number *= dim
        else:
            product = size(dim) if product is None else product * size(dim)
    return Expr.constant(number) if product is None else scale(product, number)


def scale(expr: Expr, factor: int) -> Expr:
    """``expr * factor`` without expanding a product (the common case when pricing)."""
    if factor == 1:
        return expr
    if factor == 0:
        return ZERO
    terms = {monomial: c * factor for monomial, c in expr.terms.items()}
    if any(abs(c) > MAX_INT for c in terms.values()):
        raise DimLimitError(f"the expression has a coefficient beyond {MAX_INT:,} (2**63 - 1)")
    return Expr(terms)  # the same monomials: no more terms, none zero


def times(first: Expr, second: Expr | int) -> Expr:
    """``first * second``, a number times an expression without expanding a product."""
    if isinstance(second, int):
        return scale(first, second)
    number = first.as_int()
    if number is not None:
        return scale(second, number)
    number = second.as_int()
    return first * second if number is None else scale(first, number)


def rows(shape: Shape | None) -> Expr:
    """The elements of a shape but its last dimension: the vectors a Linear maps."""
    return numel(known(shape)[:-1])


def total(parts: Iterable[Expr]) -> Expr:
    return Expr.sum(parts)


@record(frozen=True, slots=True)
class LayerCosts:
    """A layer's or a model's costs as reported: the rule's, and the memory in bytes."""

    macs: Expr
    extra: tuple[Expr, ...]
    param_bytes: Expr | None
    """None when the dtype's width is not known."""
    activation_bytes: Expr | None
    padded: bool = False
    """An upper bound: a packed sequence whose lengths the spec does not give is
    priced as the padded batch it was packed from, every step of every sequence."""

    @property
    def flops(self) -> Expr:
        return scale(self.macs, 2)


def model_costs(layers: Iterable[LayerCosts | None]) -> LayerCosts | None:
    """The sum of the layers' costs; unknown if any layer's is, or the sum is too large."""
    # Layers priced alike share one LayerCosts (see engine.costing): each is added
    # once, times its count, so a model of repeated blocks sums as fast as one block.
    listed = list(layers)
    distinct = {id(costs): costs for costs in listed}
    found: list[tuple[LayerCosts, int]] = []
    for key, count in Counter(map(id, listed)).items():
        costs = distinct[key]
        if costs is None:
            return None
        found.append((costs, count))

    def each(field: Callable[[LayerCosts], Expr]) -> Expr:
        return Expr.sum(scale(field(costs), count) for costs, count in found)

    def each_known(field: Callable[[LayerCosts], Expr | None]) -> Expr | None:
        parts = [(field(costs), count) for costs, count in found]
        if any(part is None for part, _ in parts):
            return None
        return Expr.sum(scale(part, count) for part, count in parts if part is not None)

    try:
        return LayerCosts(
            each(lambda costs: costs.macs),
            tuple(
                Expr.sum(scale(costs.extra[kind], count) for costs, count in found)
                for kind in range(len(EXTRA_KINDS))
            ),
            each_known(lambda costs: costs.param_bytes),
            each_known(lambda costs: costs.activation_bytes),
            any(costs.padded for costs, _ in found),
        )
    except DimLimitError:
        return None


# dtypes ---------------------------------------------------------------------

_WIDTHS = {
    "float32": 4,
    "float": 4,
    "float64": 8,
    "double": 8,
    "float16": 2,
    "half": 2,
    "bfloat16": 2,
    "int8": 1,
    "uint8": 1,
    "int16": 2,
    "int32": 4,
    "int64": 8,
    "bool": 1,
}
_MIXED = {"mixed_float16": (4, 2), "mixed_bfloat16": (4, 2)}
"""Keras's mixed precision: float32 variables, half-width computations."""


def dtype_widths(dtype: str | None) -> tuple[int | None, int | None]:
    """Bytes a parameter and an activation take for a layer's ``dtype`` (float32 if None)."""
    if dtype is None:
        return 4, 4
    if dtype in _MIXED:
        return _MIXED[dtype]
    width = _WIDTHS.get(dtype.removeprefix("torch."))
    return width, width


# reporting ------------------------------------------------------------------


def cost_value(expr: Expr | None, values: Mapping[str, int] | None = None) -> Dim:
    """A cost as a report holds it: an ``int``, the canonical text, or None if unknown.

    With ``values``, the symbols that have one are replaced by it.
    """
    if expr is None:
        return None
    try:
        dim = from_expr(expr)
    except DimLimitError:
        return None
    if values and isinstance(dim, str):
        return substitute_dim(dim, values)
    return dim


def format_cost(dim: Dim) -> str:
    """``4,456,448*B*T``: the canonical text with its numbers grouped by thousands."""
    if dim is None:
        return "?"
    if isinstance(dim, int):
        return f"{dim:,}"
    return re.sub(_NUMBER, lambda match: f"{int(match.group()):,}", dim)


_NUMBER = r"(?<![A-Za-z0-9_])\d{4,}"
"""A number of four digits or more in a formula, not the digits of a symbol (``T1000``);
compiled by the re module's cache when a report first prints a formula."""


def cost_fields(
    costs: LayerCosts | None, values: Mapping[str, int] | None = None
) -> dict[str, Any]:
    """The JSON report's cost fields of a layer or a model (all null when unknown)."""
    if costs is None:
        return {
            "macs": None,
            "flops": None,
            "extra_flops": None,
            "param_bytes": None,
            "activation_bytes": None,
            "bound": None,
        }
    return {
        "macs": cost_value(costs.macs, values),
        "flops": cost_value(costs.flops, values),
        "extra_flops": {
            kind: cost_value(expr, values)
            for kind, expr in zip(EXTRA_KINDS, costs.extra, strict=True)
        },
        "param_bytes": cost_value(costs.param_bytes, values),
        "activation_bytes": cost_value(costs.activation_bytes, values),
        "bound": "padded" if costs.padded else None,
    }
