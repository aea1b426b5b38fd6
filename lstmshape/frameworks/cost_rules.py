"""Cost rules more than one layer type shares, in both frameworks (see :mod:`lstmshape.costs`).

A recurrent step, a dense map, a convolution and the layers that cost one
operation an element are the same arithmetic whichever framework declares
them; each type's module picks the rule that fits it.
"""

from __future__ import annotations

from collections.abc import Callable
from math import prod
from typing import Any

from lstmshape.costs import ZERO, Costs, CostShapes, numel, rows, scale, times
from lstmshape.dims import Expr

GATES = {"LSTM": 4, "GRU": 3, "RNN": 1}
STEP_NONLINEARITIES = {"LSTM": 5, "GRU": 3, "RNN": 1}
"""Per hidden unit and step: LSTM's three sigmoid gates, tanh of its candidate and of
its cell; GRU's two sigmoid gates and tanh; the RNN's one."""
STEP_ELEMENTWISE = {"LSTM": 8, "GRU": 8, "RNN": 1}
"""Per hidden unit and step: adding the input's and the state's gate terms (4 for
LSTM, 2 for GRU's sigmoid gates, 1 for RNN), then LSTM's c = f*c + i*g (3) and
h = o*tanh(c) (1); GRU's r*(U_n h) and its sum (2) and h = (1 - z)*n + z*h (4)."""


def scaled(costs: Costs, factor: Expr | int) -> Costs:
    """The costs of ``factor`` passes (steps, directions, time steps)."""
    return Costs(
        times(costs.macs, factor),
        times(costs.bias, factor),
        times(costs.nonlinearity, factor),
        times(costs.elementwise, factor),
        times(costs.normalization, factor),
        times(costs.softmax, factor),
        None if costs.activations is None else times(costs.activations, factor),
    )


def added(first: Costs, second: Costs) -> Costs:
    """Both: a layer's stack of recurrent layers, a convolution and its activation."""
    activations = None
    if first.activations is not None and second.activations is not None:
        activations = first.activations + second.activations
    return Costs(
        first.macs + second.macs,
        first.bias + second.bias,
        first.nonlinearity + second.nonlinearity,
        first.elementwise + second.elementwise,
        first.normalization + second.normalization,
        first.softmax + second.softmax,
        activations,
    )


def recurrent_step(
    kind: str,
    hidden: int,
    features: int | Expr,
    state: int,
    *,
    bias_vectors: int,
    projection: int = 0,
) -> Costs:
    """One step of one direction: the gates' matrix multiplies, biases, nonlinearities."""
    gates = GATES[kind] * hidden
    return Costs(
        (features + state) * gates + projection * hidden + ZERO,
        bias=Expr.constant(bias_vectors * gates),
        nonlinearity=Expr.constant(STEP_NONLINEARITIES[kind] * hidden),
        elementwise=Expr.constant(STEP_ELEMENTWISE[kind] * hidden),
    )


def dense(shapes: CostShapes, features: int | Expr, units: int, *, bias: bool) -> Costs:
    """A weight matrix applied to every vector along the last dimension."""
    vectors = rows(shapes.input)
    return Costs(
        times(scale(vectors, units), features), bias=scale(vectors, units) if bias else ZERO
    )


def convolution(
    shapes: CostShapes,
    in_channels: int | Expr,
    groups: int,
    kernel: tuple[int, ...],
    *,
    bias: bool,
) -> Costs:
    """Each output element: (in_channels / groups) * kernel products, plus its bias."""
    outputs = numel(shapes.output)
    per_output = (in_channels + ZERO) // groups * prod(kernel)
    return Costs(times(outputs, per_output), bias=outputs if bias else ZERO)


def activation(name: str | None, elements: Expr) -> Costs:
    """A Keras ``activation`` argument applied to ``elements``: none for linear."""
    if name in (None, "linear"):
        return Costs()
    if name in ("softmax", "log_softmax"):
        return Costs(softmax=elements * 3)
    return Costs(nonlinearity=elements)


def view(_config: Any, _shapes: CostShapes) -> Costs:
    """A view of its input: no arithmetic, nothing written."""
    return Costs(activations=ZERO)


def copy(_config: Any, _shapes: CostShapes) -> Costs:
    """Moves elements (a lookup, a join, a repeat): no arithmetic, its output written."""
    return Costs()


def identity(_config: Any, _shapes: CostShapes) -> Costs:
    """Returns its input at inference (dropout, noise): no arithmetic, nothing written."""
    return Costs(activations=ZERO)


def nonlinearity(_config: Any, shapes: CostShapes) -> Costs:
    """An activation function: one operation an output element."""
    return Costs(nonlinearity=numel(shapes.output))


def elementwise(_config: Any, shapes: CostShapes) -> Costs:
    """An elementwise sum, product or quotient: one operation an output element."""
    return Costs(elementwise=numel(shapes.output))


def softmax(_config: Any, shapes: CostShapes) -> Costs:
    """Exponent, sum and divide (or log): three operations an element."""
    return Costs(softmax=numel(shapes.output) * 3)


def reduction(_config: Any, shapes: CostShapes) -> Costs:
    """A sum or mean over some dimensions: one operation an input element."""
    return Costs(elementwise=numel(shapes.input))


def sizes(value: int | list[int], rank: int) -> tuple[int, ...]:
    """A window argument per spatial dimension: ``3`` is ``(3,)`` in 1-D, ``(3, 3)`` in 2-D."""
    return (value,) * rank if isinstance(value, int) else tuple(value)


def windows(kernel: Callable[[Any], tuple[int, ...]]) -> Callable[[Any, CostShapes], Costs]:
    """Pooling: one comparison or sum for each element of each window."""

    def rule(config: Any, shapes: CostShapes) -> Costs:
        return Costs(elementwise=numel(shapes.output) * prod(kernel(config)))

    rule.__doc__ = windows.__doc__
    return rule
