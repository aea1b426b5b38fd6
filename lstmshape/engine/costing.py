"""A layer's costs from its type's cost rule, with its memory in bytes.

A type without a cost rule, or a size the rule needs that is unknown, or a
formula too large to hold, leaves the layer's costs unknown: never an error,
since the shapes were checked all the same.  A packed sequence whose lengths
are not given (a reference) has an unknown number of steps; its layers are
priced at the padded batch it was packed from, an upper bound labelled so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache, partial
from operator import attrgetter
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
from lstmshape.engine.tensors import LayerContext, Source, Tensor
from lstmshape.frameworks.layer_type import LayerType
from lstmshape.models.common import LayerBase
from lstmshape.references import is_written_reference
from lstmshape.shapes import Shape, multiply_dims


def pricer(
    declared: LayerType[Any],
    config: LayerBase,
    ctx: LayerContext,
    outputs: dict[str, Tensor],
    params: int | None,
) -> Callable[[], LayerCosts | None] | None:
    """What computes the layer's costs when a report asks for them; None if it has none.

    Nothing is computed now: pricing a layer costs more than checking it, and most
    reports (the text table without ``--costs``) never show costs.  The tensors
    are immutable, so they price the same later.
    """
    if declared.cost is None or params is None:
        return None
    return partial(_price_tensors, declared, config, ctx.inputs, ctx.tensor_args, outputs, params)


def _price_tensors(
    declared: LayerType[Any],
    config: LayerBase,
    inputs: list[Source],
    tensor_args: Mapping[str, list[Source]],
    outputs: dict[str, Tensor],
    params: int,
) -> LayerCosts | None:
    padded: list[bool] = []
    shapes = CostShapes(
        tuple([_priced(source.tensor, padded) for source in inputs]),
        {name: _priced(tensor, padded) for name, tensor in outputs.items()},
        {
            key: tuple([_priced(source.tensor, padded) for source in sources])
            for key, sources in tensor_args.items()
        }
        if tensor_args
        else {},
    )
    return layer_costs(declared, config, shapes, params, bool(padded))


def _priced(tensor: Tensor, padded: list[bool]) -> Shape | None:
    """The tensor's shape; a packed one of unknown total steps as its padded batch's."""
    shape, packed = tensor.shape, tensor.packed
    if packed is None or shape is None or not shape or shape[0] is not None:
        return shape
    steps = multiply_dims([packed.batch, packed.time])
    if steps is None:
        return shape
    padded.append(True)
    return (steps, *shape[1:])


def layer_costs(
    declared: LayerType[Any],
    config: LayerBase,
    shapes: CostShapes,
    params: int,
    padded: bool = False,
) -> LayerCosts | None:
    """The layer's costs; a layer priced before with the same arguments and shapes shares its
    answer (a deep model repeats its blocks, and a 10,000-layer chain's pricing is mostly that).
    """
    shown = (
        declared.cost,
        shapes.inputs,
        tuple(shapes.outputs.items()),
        tuple(shapes.tensor_args.items()),
        params,
        padded,
    )
    references = (declared.input_field, *declared.tensor_args)
    key: tuple[object, ...] = (*shown, *_arguments(config, references))
    try:
        return _PRICES[key]
    except KeyError:
        pass
    except TypeError:  # an argument is a list or a wrapped layer: compared by _frozen
        try:
            key = (*shown, _frozen_config(config, references))
        except _Unkeyed:
            return _price(declared, config, shapes, params, padded)
        if key in _PRICES:
            return _PRICES[key]
    priced = _price(declared, config, shapes, params, padded)
    if len(_PRICES) >= _PRICES_LIMIT:
        _PRICES.clear()
    _PRICES[key] = priced
    return priced


_PRICES: dict[tuple[object, ...], LayerCosts | None] = {}
_PRICES_LIMIT = 4096
"""Distinct layers remembered; more in one run than a model has, few enough to stay small."""
_UNPRICED_FIELDS = frozenset({"name", "expect", "module", "initial_state"})
"""Fields a cost rule never reads: a layer's name, its expectations and the references to
its states (the states' shapes are the shapes'); references to tensors are left out too."""


class _Unkeyed(Exception):
    """A config holds a value lstmshape does not know how to compare: price it afresh."""


def _arguments(config: LayerBase, references: tuple[str, ...]) -> tuple[object, ...]:
    """What a cost rule may read of ``config``: its type, the values of its priced fields and
    their types (True == 1, but not as an argument), and the reference fields that hold no
    reference (``other: 2``); hashable unless a value is a list or a wrapped layer."""
    read, referring = _priced_fields(type(config), references)
    values = read(config)
    unwritten = tuple(
        [None if is_written_reference(value := getattr(config, k)) else value for k in referring]
    )
    return (type(config), values, tuple(map(type, values)), unwritten, tuple(map(type, unwritten)))


@cache
def _priced_fields(
    model: type[LayerBase], references: tuple[str, ...]
) -> tuple[Callable[[LayerBase], tuple[object, ...]], tuple[str, ...]]:
    """A getter of the priced fields of ``model`` that hold no reference, and those that may."""
    names = [name for name in model.model_fields if name not in _UNPRICED_FIELDS]
    plain = [name for name in names if name not in references]
    getter = attrgetter(*plain, "type")  # never one name, which attrgetter gives alone
    return getter, tuple(name for name in names if name in references)


def _frozen_config(config: LayerBase, references: tuple[str, ...]) -> tuple[object, ...]:
    """The config's priced fields, each made comparable by :func:`_frozen`."""
    priced = {
        key: value
        for key, value in vars(config).items()
        if key not in _UNPRICED_FIELDS and not (key in references and is_written_reference(value))
    }
    return (type(config), *((key, _frozen(value)) for key, value in priced.items()))


def _frozen(value: object) -> object:
    """A hashable value equal only to values a cost rule cannot tell apart."""
    if isinstance(value, bool):
        return (bool, value)  # True == 1, but not as an argument
    if value is None or isinstance(value, int | str | float):
        return value
    if isinstance(value, list | tuple):
        return (type(value), *(_frozen(item) for item in value))
    if isinstance(value, dict):
        return (dict, *((key, _frozen(item)) for key, item in value.items()))
    if isinstance(value, LayerBase):  # a wrapped layer or a cell
        return _frozen_config(value, ())
    raise _Unkeyed


def _price(
    declared: LayerType[Any],
    config: LayerBase,
    shapes: CostShapes,
    params: int,
    padded: bool,
) -> LayerCosts | None:
    assert declared.cost is not None
    try:
        costs: Costs = declared.cost(config, shapes)
        activations = costs.activations
        if activations is None:
            activations = total(numel(shape) for shape in shapes.outputs.values())
        return _with_bytes(costs, activations, params, vars(config).get("dtype"), padded)
    except (UnknownCost, DimLimitError):
        return None


def _with_bytes(
    costs: Costs, activations: Expr, params: int, dtype: Any, padded: bool
) -> LayerCosts:
    param_width, activation_width = dtype_widths(dtype if isinstance(dtype, str) else None)
    return LayerCosts(
        costs.macs,
        costs.extra,
        None if param_width is None else Expr.constant(params * param_width),
        None if activation_width is None else scale(activations, activation_width),
        padded,
    )
