"""keras.layers.RNN: a cell, or a list of cells (Keras's stacked cells), run over time.

``RNN(cell=LSTMCell(units))`` is an LSTM layer built from its cell: the same
shapes, parameters and tensor names (``output``, ``state_h``, ``state_c``).
A list of cells runs them one above the other at each step, each reading the
output of the one before: the output has the last cell's units, the
parameters are each cell's on its own input, and the states are per cell,
named ``state_0_h``, ``state_0_c`` (an LSTMCell), ``state_1_h``, ... in
Keras's order (Keras returns them nested, one entry per cell).

Initial states (measured, Keras 3.15.1, which checks them only when the
model runs): a single cell takes the list of its states, exactly (unlike the
LSTM layer, extra states fail); a list of cells takes one entry per cell,
``[[h0, c0], h1]``: a list ``[h, c]`` for an LSTMCell, a reference (or a
list of one) for the others.  Fewer entries than cells do not fail: Keras
runs only the first cells and returns their output, silently, which
lstmshape reports as an error (LS304) rather than compute a model that
differs from the one written.
"""

from __future__ import annotations

from typing import Any, Literal

from lstmshape.engine.tensors import LayerContext, LayerOutcome, Source
from lstmshape.frameworks.keras.base import StatefulLayer
from lstmshape.frameworks.keras.cells import RNNArgs, cell_refusal
from lstmshape.frameworks.keras.recurrent import (
    ACTIVATIONS,
    STATES,
    Recurrent,
    check_arguments,
    check_state_sizes,
    costs,
    propagate,
    state_suffixes,
    tensor_names,
)
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
from lstmshape.shapes import Dim


class RNNConfig(StatefulLayer, RNNArgs):
    type: Literal["RNN"]
    initial_state: Reference | list[Reference | list[Reference]] | None = None  # type: ignore[assignment]
    """A list of cells takes its states nested, one entry per cell: ``[[h0, c0], h1]``."""


def check_rnn_states(
    config: Recurrent, ctx: LayerContext, states: list[Source], batch: Dim
) -> None:
    """The initial states against the cells' states, entry by entry, as Keras runs them."""
    assert isinstance(config, RNNConfig)
    written = config.initial_state
    entries = [written] if isinstance(written, str) else list(written or ())
    labels = [f"state_{suffix}" for suffix in state_suffixes(config)]
    problem = _structure_problem(config, entries)
    if problem is not None:
        ctx.report(
            "LS304",
            f"{ctx.name} (RNN of {_cells_text(config)}) takes initial states "
            f"{_wanted_text(config)}, but {problem}",
            "initial_state",
            hint="give each cell its own states: a list [h, c] for an LSTMCell, one tensor for "
            "a GRUCell or SimpleRNNCell"
            if config.stacked
            else "pass exactly the cell's states",
        )
        return
    check_state_sizes(ctx, states, config, labels, batch)


def _structure_problem(config: RNNConfig, entries: list[Any]) -> str | None:
    """Why Keras fails (or drops cells) with these initial states, or None."""
    given = len(entries)
    if not config.stacked:
        wanted = len(STATES[config.cells[0].type])
        if any(isinstance(entry, list) for entry in entries):
            return "is given a nested list; a single cell takes a flat list of its states"
        if given != wanted:
            error = "IndexError" if given < wanted else "ValueError"
            return f"is given {given}: Keras builds the model and fails when it runs ({error})"
        return None
    if given != len(config.cells):
        if given > len(config.cells):
            return (
                f"is given {given} entries for {len(config.cells)} cells: Keras builds the "
                "model and fails when it runs (ValueError)"
            )
        return (
            f"is given {given} entries for {len(config.cells)} cells: Keras runs only the "
            f"first {given} cell(s), silently, and returns their output instead"
        )
    for index, (cell, entry) in enumerate(zip(config.cells, entries, strict=True)):
        count = len(entry) if isinstance(entry, list) else 1
        wanted = len(STATES[cell.type])
        if count != wanted or (wanted > 1 and not isinstance(entry, list)):
            error = "IndexError" if count < wanted else "ValueError"
            return (
                f"entry {index}, for its {cell.type}, holds {count} state(s) where the cell "
                f"has {wanted}: Keras builds the model and fails when it runs ({error})"
            )
    return None


def _cells_text(config: RNNConfig) -> str:
    names = ", ".join(cell.type for cell in config.cells)
    return f"[{names}]" if config.stacked else names


def _wanted_text(config: RNNConfig) -> str:
    def one(index: int, kind: str) -> str:
        prefix = f"state_{index}_" if config.stacked else "state_"
        states = [f"{prefix}{state}" for state in STATES[kind]]
        return f"[{', '.join(states)}]" if len(states) > 1 or not config.stacked else states[0]

    if not config.stacked:
        return one(0, config.cells[0].type)
    return "[" + ", ".join(one(i, cell.type) for i, cell in enumerate(config.cells)) + "]"


CELLS = ("LSTMCell", "GRUCell", "SimpleRNNCell")
BAD_ACTIVATIONS = ("foo", "Tanh")


def _cell(draw: Draw, units: int) -> dict[str, Any]:
    rng = draw.rng
    kind = rng.choice(CELLS)
    cell: dict[str, Any] = {"type": rng.choice(("", "", "keras.layers.")) + kind, "units": units}
    if draw.chance(0.15):
        cell["activation"] = rng.choice(ACTIVATIONS)
    if kind != "SimpleRNNCell" and draw.chance(0.1):
        cell["recurrent_activation"] = rng.choice(("sigmoid", "hard_sigmoid", "relu"))
    if draw.chance(0.2):
        cell["use_bias"] = draw.chance(0.5)
    if kind == "GRUCell" and draw.chance(0.3):
        cell["reset_after"] = draw.chance(0.5)
    if draw.chance(0.05):
        cell[rng.choice(("dropout", "recurrent_dropout"))] = rng.choice((0.2, 1.5, -0.1))
    if draw.chance(0.03):
        key, value = rng.choice((("units", 0), ("activation", rng.choice(BAD_ACTIVATIONS))))
        cell[key] = value
    return cell


def _sample(draw: Draw) -> Sample:
    """One cell or a list of one to three; ``given`` fixes units (the last cell's),
    return_sequences and return_state, as for LSTM."""
    rng, given = draw.rng, draw.given
    units = given.get("units") or rng.randint(1, 8)
    sequences = bool(given.get("return_sequences", False))
    state = bool(given.get("return_state", False))
    if draw.chance(0.5):
        cell: Any = _cell(draw, units)
    else:
        count = rng.randint(1, 3)
        cell = [_cell(draw, rng.randint(1, 8)) for _ in range(count - 1)]
        cell.append(_cell(draw, units))
    args: dict[str, Any] = {"cell": cell}
    if sequences or draw.chance(0.15):
        args["return_sequences"] = sequences
    if state or draw.chance(0.1):
        args["return_state"] = state
    for key in ("go_backwards", "unroll", "zero_output_for_mask"):
        if draw.chance(0.08):
            args[key] = draw.chance(0.6)
    if draw.chance(0.04):
        args["stateful"] = True
    mistake = {"time_major": True} if draw.chance(0.01) else {}
    return Sample(args, units, mistake)


_SEQUENCE: Shapes = {"x": ["B", "T", 8]}


@layer_type(
    "keras",
    "RNN",
    RNNConfig,
    cost=costs,
    check=check_arguments,
    tensors=tensor_names,
    tensors_doc="`output`; with `return_state: true` also `state_h` (and `state_c` for an "
    "LSTMCell), or per cell of a list `state_0_h`, `state_0_c`, `state_1_h`, ...",
    note="(`cell` is an `LSTMCell`, `GRUCell` or `SimpleRNNCell` mapping, with the arguments "
    "of LSTM, GRU or SimpleRNN that a cell takes, or a list of them)",
    wrapped_config=RNNArgs,
    wrappers=("Bidirectional", "TimeDistributed"),
    tensor_args=("mask",),
    nests=("cell",),
    nest_refusal=cell_refusal,
    examples=(
        Example(
            _SEQUENCE,
            {"cell": {"type": "LSTMCell", "units": 16}, "return_state": True},
            {"output": ["B", 16], "state_h": ["B", 16], "state_c": ["B", 16]},
            params=1600,
        ),
        Example(
            _SEQUENCE,
            {"cell": {"type": "GRUCell", "units": 16}, "return_sequences": True},
            {"output": ["B", "T", 16]},
            params=1248,
        ),
        Example(
            _SEQUENCE,
            {
                "cell": [{"type": "LSTMCell", "units": 16}, {"type": "GRUCell", "units": 4}],
                "return_sequences": True,
                "return_state": True,
            },
            {
                "output": ["B", "T", 4],
                "state_0_h": ["B", 16],
                "state_0_c": ["B", 16],
                "state_1_h": ["B", 4],
            },
            params=1864,
        ),
        Example(  # unrolled, only a list of one LSTMCell fails (LS335)
            _SEQUENCE,
            {"cell": [{"type": "GRUCell", "units": 4}], "unroll": True},
            {"output": ["B", 4]},
            params=168,
        ),
        Example(
            {"x": ["B", "T", 8], "h": ["B", 16], "g": ["B", 4]},
            {
                "input": "x",
                "cell": [{"type": "GRUCell", "units": 16}, {"type": "SimpleRNNCell", "units": 4}],
                "initial_state": ["h", "g"],
            },
            {"output": ["B", 4]},
            params=1332,
        ),
    ),
    failing=(
        Failing(_SEQUENCE, {"cell": {"type": "LSTMCell", "units": 0}}, "LS108"),
        Failing(
            {"x": ["B", "T", 8], "h": ["B", 16], "c": ["B", 16]},
            {
                "input": "x",
                "cell": [{"type": "LSTMCell", "units": 16}, {"type": "GRUCell", "units": 4}],
                "initial_state": ["h", "c"],
            },
            "LS304",
        ),
        Failing(_SEQUENCE, {"cell": [{"type": "LSTMCell", "units": 16}], "unroll": True}, "LS335"),
    ),
    foreign_keys={
        "units": "Keras's RNN takes its units in its cell (cell: {type: SimpleRNNCell, "
        "units: 64}); for a plain recurrent layer write type: SimpleRNN",
        "hidden_size": "torch's RNN is Keras's SimpleRNN (units); Keras's RNN takes a cell "
        "(cell: {type: SimpleRNNCell, units: 64})",
    },
    sample=Sampler("recurrent", _sample),
)
def rnn(config: RNNConfig, ctx: LayerContext) -> LayerOutcome:
    """Runs a cell, or a list of cells, over (batch, timesteps, features), as Keras's RNN.

    One cell has the shapes, states and parameters of its layer
    (RNN(cell=LSTMCell(u)) those of LSTM(u)).  A list of cells stacks them at
    each step: the output has the last cell's units; the parameters are each
    cell's on the units of the cell below (the first on the features); the
    states are per cell, state_0_h, state_0_c, state_1_h, ...; initial_state
    is nested the same way, [[h0, c0], h1].
    """
    return propagate(config, ctx, check_rnn_states)
