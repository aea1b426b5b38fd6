"""torch.nn.LSTMCell, GRUCell and RNNCell: one time step of a recurrent layer.

A cell reads one step, (N, input_size) or unbatched (input_size), and
returns the next state: h_1 (N, hidden_size) or (hidden_size), and for
LSTMCell also c_1 of the same shape.  ``output`` is h_1 (the first tensor
torch returns), so the next layer reads it by default.

Parameters: gates*hidden_size*(input_size + hidden_size) weights and, with
bias, two bias vectors of gates*hidden_size (gates: 4 for LSTMCell, 3 for
GRUCell, 1 for RNNCell).
"""

from __future__ import annotations

from typing import Any, Literal

from lstmshape.costs import Costs, CostShapes, numel, rows, total
from lstmshape.engine.tensors import LayerContext, LayerOutcome, Tensor
from lstmshape.frameworks.cost_rules import recurrent_step, scaled
from lstmshape.frameworks.layer_type import (
    Draw,
    Example,
    Failing,
    Sample,
    Sampler,
    Shapes,
    layer_type,
)
from lstmshape.frameworks.torch.base import TorchLayer, check_non_negative
from lstmshape.models.common import Reference
from lstmshape.record import replace
from lstmshape.shapes import Shape, dims_conflict, format_shape, shapes_conflict, size_hint


class CellConfig(TorchLayer):
    input_size: int
    hidden_size: int
    bias: bool = True
    device: str | None = None
    dtype: str | None = None
    initial_state: Reference | list[Reference] | None = None


class LSTMCellConfig(CellConfig):
    type: Literal["LSTMCell"]


class GRUCellConfig(CellConfig):
    type: Literal["GRUCell"]


class RNNCellConfig(CellConfig):
    type: Literal["RNNCell"]
    nonlinearity: str = "tanh"


GATES = {"LSTMCell": 4, "GRUCell": 3, "RNNCell": 1}


def tensor_names(config: CellConfig) -> tuple[str, ...]:
    return ("output", "h_1", "c_1") if config.type == "LSTMCell" else ("output", "h_1")


def parameter_count(config: CellConfig) -> int:
    rows = GATES[config.type] * config.hidden_size
    biases = 2 * rows if config.bias else 0
    return rows * (config.input_size + config.hidden_size) + biases


def costs(config: CellConfig, shapes: CostShapes) -> Costs:
    """One step for each row of the batch; output and h_1 are one tensor, written once."""
    kind = config.type.removesuffix("Cell")
    bias_vectors = 2 if config.bias else 0
    one = recurrent_step(
        kind, config.hidden_size, config.input_size, config.hidden_size, bias_vectors=bias_vectors
    )
    written = total(numel(shapes.outputs[name]) for name in tensor_names(config)[1:])
    return replace(scaled(one, rows(shapes.input)), activations=written)


def check_arguments(config: CellConfig, ctx: LayerContext) -> bool:
    """torch builds a cell of size 0 but not of a negative size; RNNCell rejects an
    unknown nonlinearity only when it runs, which is still this layer's error."""
    sizes = {"input_size": config.input_size, "hidden_size": config.hidden_size}
    valid = check_non_negative(ctx, sizes)
    if isinstance(config, RNNCellConfig) and config.nonlinearity not in ("tanh", "relu"):
        ctx.report(
            "LS108",
            f"{ctx.name}.nonlinearity must be 'tanh' or 'relu', found {config.nonlinearity!r} "
            f"(torch raises RuntimeError: Unknown nonlinearity: {config.nonlinearity})",
            "nonlinearity",
        )
        valid = False
    return valid


def step(config: CellConfig, ctx: LayerContext) -> LayerOutcome:
    """Shapes and parameters of a cell whose arguments torch accepts."""
    names = tensor_names(config)
    params = parameter_count(config)
    unknown = LayerOutcome({name: Tensor(None) for name in names}, params)
    source = ctx.inputs[0]
    shape = source.tensor.shape
    if shape is None:
        return unknown
    if len(shape) not in (1, 2):
        ctx.report_on(
            source,
            "LS302",
            f"{config.type} takes one time step, 2-D (batch, input_size) or 1-D (input_size); "
            f"{ctx.name}'s input {source.describe()} is {len(shape)}-D",
            hint=f"a cell runs one step: read one, e.g. input: {source.text}[:, 0] "
            "for a batch-first sequence"
            if len(shape) == 3
            else None,
        )
        return unknown
    if dims_conflict(config.input_size, shape[-1]):
        ctx.report(
            "LS301",
            f"{ctx.name}.input_size is {config.input_size} but its input {source.text} has "
            f"{shape[-1]} features (last dim of {format_shape(shape)})",
            "input_size",
            hint=size_hint("input_size", shape[-1]),
        )
    state: Shape = (shape[0], config.hidden_size) if len(shape) == 2 else (config.hidden_size,)
    _check_states(config, ctx, state)
    return LayerOutcome({name: Tensor(state) for name in names}, params)


def _check_states(config: CellConfig, ctx: LayerContext, want: Shape) -> None:
    states = ctx.states
    if states is None:
        return
    count = 2 if config.type == "LSTMCell" else 1
    if len(states) != count:
        ctx.report(
            "LS304",
            f"{ctx.name} takes {count} initial state(s), "
            f"{'(h_0, c_0)' if count == 2 else 'h_0'}, but initial_state lists {len(states)}",
            "initial_state",
            hint="an LSTMCell starts from both states: initial_state: [CELL.h_1, CELL.c_1]"
            if count == 2
            else f"a {config.type} has one state: initial_state: CELL.h_1",
        )
        return
    layout = "(batch, hidden_size)" if len(want) == 2 else "(hidden_size) for an unbatched input"
    for index, state in enumerate(states):
        found = state.tensor.shape
        if found is None or not shapes_conflict(want, found):
            continue
        ctx.report_on(
            state,
            "LS303",
            f"{ctx.name}'s {('h_0', 'c_0')[index]} must be {format_shape(want)} = {layout}, "
            f"but initial_state{f'[{index}]' if count == 2 else ''} {state.text} is "
            f"{format_shape(found)}",
            hint="a cell's state has no layer dimension: take one layer's state, e.g. "
            f"{state.text}[-1]"
            if len(found) == len(want) + 1
            else None,
        )


def _sampler(kind: str) -> Sampler:
    """A cell on one step of ``draw.features``; ``given["hidden_size"]`` fixes the size of a
    cell that takes another's states.  Mistakes: a wrong input_size, a negative size, an
    unknown nonlinearity."""

    def draw(d: Draw) -> Sample:
        rng = d.rng
        hidden = d.given.get("hidden_size") or rng.randint(1, 8)
        args: dict[str, Any] = {"input_size": d.features, "hidden_size": hidden}
        if d.chance(0.2):
            args["bias"] = d.chance(0.5)
        if kind == "RNNCell" and d.chance(0.5):
            args["nonlinearity"] = rng.choice(("tanh", "relu"))
        mistake: dict[str, Any] = {}
        if d.chance(0.08):
            mistake["input_size"] = d.features + 1
        elif d.chance(0.02):
            mistake["hidden_size"] = -1
        elif kind == "RNNCell" and d.chance(0.03):
            mistake["nonlinearity"] = "sigmoid"
        return Sample(args, hidden, mistake)

    return Sampler("cell", draw)


_STEP: Shapes = {"x": ["B", 8]}
_STEP_WITH_STATES: Shapes = {"x": ["B", 8], "h": ["B", 16], "c": ["B", 16]}


@layer_type(
    "torch",
    "LSTMCell",
    LSTMCellConfig,
    check=check_arguments,
    cost=costs,
    tensors=tensor_names,
    returns="h_1, c_1",
    tensors_doc="`output` (= `h_1`), `h_1`, `c_1`",
    note="(`initial_state: [h_0, c_0]`)",
    examples=(
        Example(
            _STEP_WITH_STATES,
            {"input": "x", "input_size": 8, "hidden_size": 16, "initial_state": ["h", "c"]},
            {"output": ["B", 16], "h_1": ["B", 16], "c_1": ["B", 16]},
            params=1664,
        ),
        Example(
            {"x": [8]},
            {"input_size": 8, "hidden_size": 16, "bias": False},
            {"output": [16], "h_1": [16], "c_1": [16]},
            params=1536,
        ),
    ),
    failing=(
        Failing({"x": ["B", "T", 8]}, {"input_size": 8, "hidden_size": 16}, "LS302"),
        Failing(
            {"x": ["B", 8], "h": [1, "B", 16], "c": [1, "B", 16]},
            {"input": "x", "input_size": 8, "hidden_size": 16, "initial_state": ["h", "c"]},
            "LS303",
        ),
    ),
    sample=_sampler("LSTMCell"),
)
def lstm_cell(config: LSTMCellConfig, ctx: LayerContext) -> LayerOutcome:
    """One LSTM step: (N, input_size) -> h_1 and c_1, each (N, hidden_size).

    An unbatched input (input_size) gives h_1 and c_1 of (hidden_size).
    initial_state is [h_0, c_0], each shaped as h_1 (torch does not broadcast
    a batch of 1, nor take the 3-D states of an LSTM: take one layer's,
    `enc.h_n[-1]`).  `output` is h_1.  Parameters
    4*hidden_size*(input_size + hidden_size) weights plus two bias vectors of
    4*hidden_size (none with bias: false).
    """
    return step(config, ctx)


@layer_type(
    "torch",
    "GRUCell",
    GRUCellConfig,
    check=check_arguments,
    cost=costs,
    tensors=tensor_names,
    returns="h_1",
    tensors_doc="`output` (= `h_1`), `h_1`",
    note="(`initial_state: h_0`)",
    examples=(
        Example(
            {"x": ["B", 8], "h": ["B", 16]},
            {"input": "x", "input_size": 8, "hidden_size": 16, "initial_state": "h"},
            {"output": ["B", 16], "h_1": ["B", 16]},
            params=1248,
        ),
    ),
    failing=(Failing(_STEP, {"input_size": 4, "hidden_size": 16}, "LS301"),),
    sample=_sampler("GRUCell"),
)
def gru_cell(config: GRUCellConfig, ctx: LayerContext) -> LayerOutcome:
    """One GRU step: (N, input_size) -> h_1 (N, hidden_size).

    An unbatched input (input_size) gives h_1 of (hidden_size).  initial_state
    is h_0, shaped as h_1.  `output` is h_1.  Parameters
    3*hidden_size*(input_size + hidden_size) weights plus two bias vectors of
    3*hidden_size.
    """
    return step(config, ctx)


@layer_type(
    "torch",
    "RNNCell",
    RNNCellConfig,
    check=check_arguments,
    cost=costs,
    tensors=tensor_names,
    returns="h_1",
    tensors_doc="`output` (= `h_1`), `h_1`",
    note="(`initial_state: h_0`; `nonlinearity` is `tanh` or `relu`)",
    examples=(
        Example(
            _STEP,
            {"input_size": 8, "hidden_size": 16, "nonlinearity": "relu"},
            {"output": ["B", 16], "h_1": ["B", 16]},
            params=416,
        ),
    ),
    failing=(
        Failing(_STEP, {"input_size": 8, "hidden_size": 16, "nonlinearity": "gelu"}, "LS108"),
    ),
    sample=_sampler("RNNCell"),
)
def rnn_cell(config: RNNCellConfig, ctx: LayerContext) -> LayerOutcome:
    """One Elman step (tanh or relu): (N, input_size) -> h_1 (N, hidden_size).

    Shapes as GRUCell's.  Parameters hidden_size*(input_size + hidden_size)
    weights plus two bias vectors of hidden_size.
    """
    return step(config, ctx)
