"""keras.layers.LSTM, GRU and SimpleRNN: shapes, states, parameters.

Shapes, as Keras 3 computes them from a 3-D input (batch, timesteps, features):

* output: (batch, timesteps, units) with return_sequences, else (batch, units);
  go_backwards and unroll never change a shape.
* with return_state, the states follow: ``state_h`` and ``state_c`` (LSTM) or
  ``state_h`` (GRU, SimpleRNN), each (batch, units).

Parameters: gates * units * (features + units + bias rows), where gates is
4 (LSTM), 3 (GRU) or 1 (SimpleRNN) and there is one bias row, two for GRU
with reset_after (the default), none without use_bias.  Keras has one LSTM
bias where torch has two, so LSTM(64) on 8 features has 18,688, not 18,944.

``initial_state`` is not checked by Keras when it builds a model; a wrong
count or size fails only when the model runs, so lstmshape checks both.

Masks (from an Embedding with ``mask_zero``): the output keeps its input's
mask with return_sequences and drops it otherwise; states never have one.  A
layer with unroll and go_backwards (a Bidirectional's backward direction goes
backwards) fails when it runs on a masked input: Keras's unrolled loop
(torch backend) reverses the mask with ``torch.flip`` on a tuple and raises
AttributeError.  With ``initial_state`` Keras does not hand the layer the
mask at all, so that call runs (measured, Keras 3.15.1).

Bidirectional (:mod:`.bidirectional`) runs these layers through their
declared check, ``run`` and ``check_state_sizes`` (the default rules of
:mod:`.directions`) and ``check_masked_unroll``, TimeDistributed through
their declared check and rule; both in a context whose reports point into
their ``layer:``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from lstmshape.costs import Costs, CostShapes, rows, size
from lstmshape.dims import Expr
from lstmshape.engine.tensors import LayerContext, LayerOutcome, Mask, Origin, Source, Tensor
from lstmshape.frameworks import cost_rules
from lstmshape.frameworks.keras.base import KerasArgs, StatefulLayer
from lstmshape.frameworks.keras.cells import CellArgs, GRUCellArgs, RNNArgs
from lstmshape.frameworks.keras.checks import (
    batch_in_input_shape,
    check_activation,
    check_clipped,
    check_positive,
    features_known,
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
from lstmshape.record import record
from lstmshape.shapes import (
    Dim,
    Shape,
    dims_always_differ,
    format_shape,
    shapes_conflict,
    subtract_dims,
)


class LoopArgs(KerasArgs):
    """What Keras's recurrent layers take besides the size of their step (LSTM's units,
    ConvLSTM2D's filters and kernel): how the loop runs and returns."""

    activation: str | None = "tanh"
    use_bias: bool = True
    return_sequences: bool = False
    return_state: bool = False
    go_backwards: bool = False
    stateful: bool = False
    unroll: bool = False
    dropout: float = 0.0
    recurrent_dropout: float = 0.0
    kernel_initializer: str = "glorot_uniform"
    recurrent_initializer: str = "orthogonal"
    bias_initializer: str = "zeros"
    kernel_regularizer: str | None = None
    recurrent_regularizer: str | None = None
    bias_regularizer: str | None = None
    activity_regularizer: str | None = None
    seed: int | None = None
    trainable: bool = True
    dtype: str | None = None


class _UnitsArgs(KerasArgs):
    units: int


class RecurrentArgs(LoopArgs, _UnitsArgs):
    """LSTM's, GRU's and SimpleRNN's: units first, then the loop's (a base listed later
    gives its fields first)."""


class LSTMArgs(RecurrentArgs):
    type: Literal["LSTM"]
    recurrent_activation: str | None = "sigmoid"
    unit_forget_bias: bool = True
    use_cudnn: bool | Literal["auto"] = "auto"
    implementation: int = 2
    """Accepted and ignored by Keras 3 (a Keras 2 speed setting); SimpleRNN rejects it."""


class GRUArgs(RecurrentArgs):
    type: Literal["GRU"]
    recurrent_activation: str | None = "sigmoid"
    reset_after: bool = True
    use_cudnn: bool | Literal["auto"] = "auto"
    implementation: int = 2
    """Accepted and ignored by Keras 3, as on LSTM."""


class SimpleRNNArgs(RecurrentArgs):
    type: Literal["SimpleRNN"]


class LSTMConfig(StatefulLayer, LSTMArgs):
    type: Literal["LSTM"]


class GRUConfig(StatefulLayer, GRUArgs):
    type: Literal["GRU"]


class SimpleRNNConfig(StatefulLayer, SimpleRNNArgs):
    type: Literal["SimpleRNN"]


GATES = {"LSTM": 4, "GRU": 3, "SimpleRNN": 1, "LSTMCell": 4, "GRUCell": 3, "SimpleRNNCell": 1}
STATES = {
    "LSTM": ("h", "c"),
    "GRU": ("h",),
    "SimpleRNN": ("h",),
    "LSTMCell": ("h", "c"),
    "GRUCell": ("h",),
    "SimpleRNNCell": ("h",),
    "ConvLSTM1D": ("h", "c"),
    "ConvLSTM2D": ("h", "c"),
    "ConvLSTM3D": ("h", "c"),
}

Recurrent = RecurrentArgs | RNNArgs
"""A recurrent layer: LSTM, GRU, SimpleRNN, or RNN running cells."""
Looped = LoopArgs | RNNArgs
"""Any layer Keras runs as an RNN over time, ConvLSTM2D's too."""
EXTRA_STATES_FAIL = ("SimpleRNN", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D")
"""The layers whose step returns fewer states than they are given, which Keras's loop
(torch backend, not unrolled) cannot take: extra initial states fail when the model runs."""
Step = RecurrentArgs | CellArgs
"""What runs one step, with its own units and weights: a layer or an RNN's cell."""


def steps(config: Recurrent) -> tuple[Step, ...]:
    """The cells a layer runs, one after the other at each step (an LSTM is its own)."""
    return config.cells if isinstance(config, RNNArgs) else (config,)


def state_suffixes(config: Looped) -> tuple[str, ...]:
    """``h``, ``c``: the layer's states; ``0_h``, ``0_c``, ``1_h`` for cells in a list."""
    if not isinstance(config, RNNArgs):
        return STATES[config.type]
    if config.stacked:
        return tuple(
            f"{index}_{state}"
            for index, cell in enumerate(config.cells)
            for state in STATES[cell.type]
        )
    return STATES[config.cells[0].type]


def state_units(config: Recurrent) -> list[int]:
    """The units of each state, in the order of :func:`state_suffixes`."""
    return [cell.units for cell in steps(config) for _ in STATES[cell.type]]


def tensor_names(config: Recurrent) -> tuple[str, ...]:
    states = tuple(f"state_{state}" for state in state_suffixes(config))
    return ("output", *states) if config.return_state else ("output",)


def parameter_count(config: Step, features: int) -> int:
    bias_rows = 0
    if config.use_bias:
        reset_after = isinstance(config, GRUArgs | GRUCellArgs) and config.reset_after
        bias_rows = 2 if reset_after else 1
    return GATES[config.type] * config.units * (features + config.units + bias_rows)


def check_arguments(config: Recurrent, ctx: LayerContext) -> bool:
    """The checks of Keras's constructor; False when Keras would raise."""
    if isinstance(config, RNNArgs):
        return check_cells(config, ctx)
    return check_step(config, ctx)


def check_cells(config: RNNArgs, ctx: LayerContext) -> bool:
    """Each cell's constructor checks, reported inside ``cell:``."""
    valid = True
    for index, cell in enumerate(config.cells):
        within = ctx.wrapping("cell", index) if config.stacked else ctx.wrapping("cell")
        valid = check_step(cell, within) and valid
    return valid


def check_step(config: Step, ctx: LayerContext) -> bool:
    valid = check_positive(
        ctx,
        "units",
        config.units,
        "Received an invalid value for argument `units`, expected a positive integer",
    )
    valid = check_activation(ctx, "activation", config.activation) and valid
    recurrent_activation = getattr(config, "recurrent_activation", None)
    valid = check_activation(ctx, "recurrent_activation", recurrent_activation) and valid
    check_clipped(ctx, "dropout", config.dropout)
    check_clipped(ctx, "recurrent_dropout", config.recurrent_dropout)
    return valid


@record(frozen=True)
class Run:
    """One recurrent layer applied to a known input."""

    output: Shape
    states: list[Shape]
    batch: Dim
    params: int | None


def run(config: Recurrent, ctx: LayerContext, source: Source) -> Run | None:
    """The shapes ``config`` makes from ``source``; None (reported) if Keras would raise."""
    shape = source.tensor.shape
    if shape is None:
        return None
    if len(shape) != 3:
        _wrong_rank(config, ctx, source, shape)
        return None
    if not features_known(ctx, source, shape, f"{ctx.name} ({config.type})"):
        return None
    batch, time, features = shape
    if not check_stateful_batch(config, ctx, source):
        return None
    output = (batch, time, config.units) if config.return_sequences else (batch, config.units)
    states: list[Shape] = [(batch, units) for units in state_units(config)]
    params = None
    if isinstance(features, int):
        params = 0
        for step in steps(config):  # each cell reads the one before it
            params += parameter_count(step, features)
            features = step.units
    return Run(output, states, batch, params)


def check_stateful_batch(config: Looped, ctx: LayerContext, source: Source) -> bool:
    """Whether a stateful layer's input has the known batch Keras needs (reported if not)."""
    shape = source.tensor.shape
    if not config.stateful or shape is None or shape[0] is not None:
        return True
    ctx.report(
        "LS309",
        f"{ctx.name} is stateful, which needs a known batch size, but its input "
        f"{source.describe()} has an unknown batch (Keras raises ValueError: When using "
        "`stateful=True` in a RNN, the batch size must be static)",
        "stateful",
        hint="declare the input with its batch size under inputs: (e.g. x: [32, 10, 8]) "
        "instead of input_shape:",
    )
    return False


def check_masked_unroll(config: Looped, ctx: LayerContext, source: Source, backwards: bool) -> None:
    """Report a direction that runs backwards, unrolled, over a masked input."""
    mask = source.tensor.mask
    if not (backwards and config.unroll and mask and (mask.explicit or ctx.states is None)):
        return
    what = ctx.label()
    runs = "goes backwards"
    if ctx.within == ("layer",) and not config.go_backwards:
        runs = "Bidirectional runs a copy of it backwards"
    whose = (
        f"{mask.layer} is {mask.maker}"
        if source.text == mask.layer
        else f"{source.text} carries the mask of {mask.layer} ({mask.maker})"
    )
    ctx.report(
        "LS311",
        f"{what} ({config.type}) has unroll: true and {runs} over a masked input: {whose}. "
        "Keras builds the model and fails when it runs (AttributeError: 'tuple' object has "
        "no attribute 'shape')",
        "unroll",
        hint="remove unroll: true (Keras cannot reverse a mask in an unrolled loop), or "
        f"{mask.remedy}",
    )


def check_one_lstm_cell_list(config: Looped, ctx: LayerContext, source: Source) -> None:
    """A list of one LSTMCell fails when it runs in two of Keras's loops.

    Keras keeps that cell's states [h, c] nested in a list of their own, and
    two loops hand the cell one state from the second step on (IndexError in
    LSTMCell.call).  Measured (Keras 3.15.1, torch backend), with the mask
    Keras uses (a mask: argument always; a mask from an earlier layer only
    without initial_state): the loop that is not unrolled fails over a mask,
    and the unrolled one fails without one, in either direction.  One
    timestep, the cell itself and longer lists run.  Unrolled backwards over
    a mask fails otherwise (LS311, check_masked_unroll).
    """
    if not isinstance(config, RNNArgs) or not config.stacked:
        return
    if len(config.cells) != 1 or config.cells[0].type != "LSTMCell":
        return
    shape = source.tensor.shape
    if shape is not None and len(shape) > 1 and shape[1] == 1:
        return
    mask = source.tensor.mask
    used_mask = mask if mask and (mask.explicit or ctx.states is None) else None
    if config.unroll and used_mask is None:
        why = "has unroll: true and no mask to loop over"
        if mask:
            why = f"has unroll: true and initial_state, so Keras ignores the mask of {mask.layer}"
        hint = "write the cell itself, cell: {type: LSTMCell, ...}, or remove unroll: true"
    elif not config.unroll and used_mask is not None:
        why = f"reads a mask (from {used_mask.layer})"
        hint = "write the cell itself, cell: {type: LSTMCell, ...}, not a list of one"
    else:
        return
    ctx.report(
        "LS335",
        f"{ctx.label('cell')} is a list of one LSTMCell and {ctx.name} {why}: Keras builds "
        "the model and fails when it runs (IndexError: list index out of range, in "
        "LSTMCell.call)",
        "cell",
        hint=hint,
    )


def with_call_mask(ctx: LayerContext, source: Source) -> Source | None:
    """The input with the mask given as the call's ``mask:``; None (reported) if Keras fails.

    Keras checks the mask only when the model runs (torch backend, 3.15.1):
    it reads one entry per timestep, so a mask that is not (batch, timesteps)
    fails, as does one with fewer timesteps or another batch size (1
    broadcasts); a trailing axis of size 1 and extra timesteps run.
    """
    given = ctx.tensor_args.get("mask")
    shape = source.tensor.shape
    if not given or shape is None:
        return source
    (mask_source,) = given
    mask_shape = mask_source.tensor.shape
    if mask_shape is None:
        return None
    problem = _call_mask_problem(mask_shape, shape)
    if problem is not None:
        ctx.report_on(
            mask_source,
            "LS318",
            f"{ctx.name}'s mask: {mask_source.describe()} must be (batch, timesteps) = "
            f"{format_shape(shape[:2])} for its input {source.describe()}, but {problem}: Keras "
            "builds the model and fails when it runs",
            hint="a mask has one entry per sample and timestep of the input",
        )
        return None
    mask = Mask(
        mask_source.text,
        f"the mask: given to {ctx.name}",
        f"mask: {mask_source.text} from {ctx.name}",
        explicit=True,
        shape=mask_shape,
    )
    tensor = Tensor(shape, source.tensor.origin, source.tensor.batch_first, mask)
    return Source(source.text, tensor, source.at, source.reference, source.origin)


def _call_mask_problem(mask: Shape, sequence: Shape) -> str | None:
    """Why Keras fails to run with ``mask`` over ``sequence`` (measured), or None."""
    trailing_one = len(mask) == 3 and mask[2] == 1
    if len(mask) != 2 and not trailing_one:
        return f"it is {len(mask)}-D"
    missing = subtract_dims(sequence[1], mask[1])
    if isinstance(missing, int) and missing > 0:
        return f"it has {mask[1]} timesteps (IndexError: list index out of range)"
    if 1 not in (mask[0], sequence[0]) and dims_always_differ(mask[0], sequence[0]):
        return f"its batch is {mask[0]} (RuntimeError: the size of tensor a must match)"
    return None


def _wrong_rank(config: Recurrent, ctx: LayerContext, source: Source, shape: Shape) -> None:
    hint = None
    origin = source.tensor.origin
    if len(shape) == 2 and origin is not None and origin.framework == "keras":
        hint = (
            f"{origin.layer} returns only its last step; give it return_sequences: true "
            "to pass the whole sequence on"
        )
    elif len(shape) == 2:
        hint = "a recurrent layer reads (batch, timesteps, features)"
    else:
        hint = batch_in_input_shape(source, shape, 3)
    keras = f"Keras raises ValueError: expected ndim=3, found ndim={len(shape)}"
    if isinstance(config, RNNArgs):  # no input spec: it builds, and fails when run
        error = "IndexError" if len(shape) < 3 else "RuntimeError"
        keras = f"Keras builds the model and fails when it runs: {error}"
    ctx.report_on(
        source,
        "LS302",
        f"{config.type} takes a 3-D input (batch, timesteps, features); {ctx.name}'s input "
        f"{source.describe()} is {len(shape)}-D ({keras})",
        hint=hint,
    )


def propagate(
    config: Recurrent, ctx: LayerContext, check_states: StatesCheck | None = None
) -> LayerOutcome:
    """Shapes, states and parameters of a config ``check_arguments`` accepted.

    ``check_states`` checks the initial states given (RNN's differ from the
    layers'); by default as LSTM, GRU and SimpleRNN take them.
    """
    names = tensor_names(config)
    unknown = {name: Tensor(None) for name in names}
    result = run(config, ctx, ctx.inputs[0])
    if result is None:
        return LayerOutcome(unknown, None)
    if ctx.states is not None:
        (check_states or _check_layer_states)(config, ctx, ctx.states, result.batch)
    source = with_call_mask(ctx, ctx.inputs[0])
    if source is None:
        return LayerOutcome(unknown, result.params)
    check_masked_unroll(config, ctx, source, config.go_backwards)
    check_one_lstm_cell_list(config, ctx, source)
    time_axis = 1 if config.return_sequences else None
    origin = Origin(ctx.name, "output", False, time_axis, "keras")
    mask = source.tensor.mask if config.return_sequences else None
    tensors = {"output": Tensor(result.output, origin, mask=mask)}
    for name, state in zip(names[1:], result.states, strict=False):
        tensors[name] = Tensor(state, Origin(ctx.name, name, framework="keras"))
    return LayerOutcome(tensors, result.params)


StatesCheck = Callable[[Recurrent, LayerContext, list[Source], Dim], None]


def _check_layer_states(
    config: Recurrent, ctx: LayerContext, states: list[Source], batch: Dim
) -> None:
    labels = [f"state_{state}" for state in state_suffixes(config)]
    check_state_count(ctx, states, config, labels, f"{ctx.name} ({config.type})")
    check_state_sizes(ctx, states, config, labels, batch)


def check_state_count(
    ctx: LayerContext,
    states: list[Source],
    config: Looped,
    labels: list[str],
    owner: str,
) -> bool:
    """Too few states fail when the model runs; so do extra ones for a SimpleRNN.

    An LSTM or GRU ignores states beyond the ones it takes; a SimpleRNN's (or
    a ConvLSTM2D's) step returns the states it takes where Keras's loop (torch
    backend, not unrolled) expects as many as it was given, and the run fails.
    """
    wanted = len(labels)
    if len(states) < wanted:
        ctx.report(
            "LS304",
            f"{owner} takes {wanted} initial state(s), [{', '.join(labels)}], but is given "
            f"{len(states)}: Keras builds the model and fails when it runs (IndexError: list "
            "index out of range)",
            "initial_state",
            hint="an LSTM takes [h, c]; a GRU or SimpleRNN takes [h]"
            if config.type == "LSTM"
            else None,
        )
        return False
    if len(states) > wanted and config.type in EXTRA_STATES_FAIL and not config.unroll:
        ctx.report(
            "LS304",
            f"{owner} takes {wanted} initial state(s), [{', '.join(labels)}], but is given "
            f"{len(states)}: Keras builds the model and fails when it runs (ValueError: "
            f"treespec.unflatten(leaves): `leaves` has length {wanted} but the spec refers to a "
            f"pytree that holds {len(states)} items)",
            "initial_state",
            hint=f"a {config.type} takes [{', '.join(STATES[config.type])}]; pass only "
            + ("that state" if wanted == 1 else "those states"),
        )
        return False
    if len(states) > wanted:
        ctx.report(
            "LS409",
            f"{owner} takes {wanted} initial state(s), [{', '.join(labels)}], but is given "
            f"{len(states)}: Keras silently ignores the rest",
            "initial_state",
            hint="pass only the states the layer takes",
        )
    return True


def check_state_sizes(
    ctx: LayerContext,
    states: list[Source],
    config: Recurrent,
    labels: list[str],
    batch: Dim,
    offset: int = 0,
) -> None:
    owners = [step.type for step in steps(config) for _ in STATES[step.type]]
    sized = zip(labels, states, state_units(config), owners, strict=False)
    for index, (label, state, units, owner) in enumerate(sized):
        want = (batch, units)
        shape = state.tensor.shape
        if shape is None or not shapes_conflict(want, shape):
            continue
        what = config.type if owner == config.type else f"{config.type} {owner}"
        ctx.report_on(
            state,
            "LS303",
            f"initial state {label} of {ctx.name} ({what}, units: {units}) must "
            f"be {format_shape(want)} = (batch, units), but initial_state[{offset + index}] "
            f"{state.text} is {format_shape(shape)}: Keras builds the model and fails when it "
            "runs (mat1 and mat2 shapes cannot be multiplied)",
            hint=f"a state of {owner}(units={units}) is (batch, {units}); "
            "make the two layers' units equal",
        )


ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear", None)
BAD_ACTIVATIONS = ("foo", "Tanh", "leakyrelu")


def _mistake(draw: Draw, kind: str) -> dict[str, Any]:
    """Arguments Keras rejects when it constructs the layer, at a low rate."""
    if not draw.chance(0.05):
        return {}
    rng = draw.rng
    breaks: list[tuple[str, Any]] = [
        ("units", rng.choice((0, -1))),
        ("activation", rng.choice(BAD_ACTIVATIONS)),
        ("time_major", True),
    ]
    if kind == "SimpleRNN":
        breaks += [("recurrent_activation", "sigmoid"), ("implementation", 2)]
    else:
        breaks.append(("recurrent_activation", rng.choice(BAD_ACTIVATIONS)))
    key, value = rng.choice(breaks)
    return {key: value}


def _sampler(kind: str) -> Sampler:
    """Every argument, drawn; ``given`` may fix units, return_sequences and return_state."""

    def draw(d: Draw) -> Sample:
        rng, given = d.rng, d.given
        units = given.get("units") or rng.randint(1, 8)
        sequences = bool(given.get("return_sequences", False))
        state = bool(given.get("return_state", False))
        args: dict[str, Any] = {"units": units}
        if sequences or d.chance(0.15):
            args["return_sequences"] = sequences
        if state or d.chance(0.1):
            args["return_state"] = state
        if d.chance(0.15):
            args["activation"] = rng.choice(ACTIVATIONS)
        if kind != "SimpleRNN" and d.chance(0.1):
            args["recurrent_activation"] = rng.choice(("sigmoid", "hard_sigmoid", "relu"))
        if d.chance(0.2):
            args["use_bias"] = d.chance(0.5)
        if kind != "SimpleRNN" and d.chance(0.05):
            args["implementation"] = rng.choice((1, 2))
        if kind == "GRU" and d.chance(0.3):
            args["reset_after"] = d.chance(0.5)
        for key in ("go_backwards", "unroll"):
            if d.chance(0.08):
                args[key] = d.chance(0.6)
        for key in ("dropout", "recurrent_dropout"):
            if d.chance(0.1):
                args[key] = rng.choice((0.0, 0.2, 0.5, 1, 1.0, 1.5, -0.1))
        if d.chance(0.04):
            args["stateful"] = True
        return Sample(args, units, _mistake(d, kind))

    return Sampler("recurrent", draw)


_SEQUENCE: Shapes = {"x": ["B", "T", 8]}
_WRAPPERS = ("Bidirectional", "TimeDistributed")


_STEP_KINDS = {"SimpleRNN": "RNN", "LSTMCell": "LSTM", "GRUCell": "GRU", "SimpleRNNCell": "RNN"}


def step_costs(config: Step, features: int | Expr) -> Costs:
    """One step of one direction (Keras's GRU adds two biases with reset_after)."""
    bias_vectors = 0
    if config.use_bias:
        reset_after = isinstance(config, GRUArgs | GRUCellArgs) and config.reset_after
        bias_vectors = 2 if reset_after else 1
    kind = _STEP_KINDS.get(config.type, config.type)
    return cost_rules.recurrent_step(
        kind, config.units, features, config.units, bias_vectors=bias_vectors
    )


def costs(config: Recurrent, shapes: CostShapes) -> Costs:
    """Every step of (batch, timesteps, features): batch*timesteps steps; an RNN's
    cells each once a step, each reading the units of the one below."""
    shape = shapes.input
    features: int | Expr = size(shape[-1])
    step = Costs()
    for cell in steps(config):
        step = cost_rules.added(step, step_costs(cell, features))
        features = cell.units
    return cost_rules.scaled(step, rows(shape))


@layer_type(
    "keras",
    "LSTM",
    LSTMConfig,
    cost=costs,
    check=check_arguments,
    tensors=tensor_names,
    tensors_doc="`output`; with `return_state: true` also `state_h`, `state_c`",
    note="(`implementation` is accepted and ignored, as in Keras 3)",
    wrapped_config=LSTMArgs,
    wrappers=_WRAPPERS,
    tensor_args=("mask",),
    examples=(
        Example(
            _SEQUENCE,
            {"units": 16, "return_sequences": True},
            {"output": ["B", "T", 16]},
            params=1600,
        ),
        Example(
            {"x": ["B", "T", 8], "h": ["B", 16], "c": ["B", 16]},
            {"input": "x", "units": 16, "return_state": True, "initial_state": ["h", "c"]},
            {"output": ["B", 16], "state_h": ["B", 16], "state_c": ["B", 16]},
            params=1600,
        ),
    ),
    failing=(Failing({"x": ["B", 8]}, {"units": 16}, "LS302"),),
    sample=_sampler("LSTM"),
)
def lstm(config: LSTMConfig, ctx: LayerContext) -> LayerOutcome:
    """Long short-term memory on (batch, timesteps, features): the last output, or all of them.

    output is (batch, units), or (batch, timesteps, units) with
    return_sequences; with return_state the final states state_h and state_c
    follow, each (batch, units).  initial_state is [h, c].  Parameters
    4*units*(features + units + 1), one bias (torch has two); none without
    use_bias.
    """
    return propagate(config, ctx)


@layer_type(
    "keras",
    "GRU",
    GRUConfig,
    cost=costs,
    check=check_arguments,
    tensors=tensor_names,
    tensors_doc="`output`; with `return_state: true` also `state_h`",
    wrapped_config=GRUArgs,
    wrappers=_WRAPPERS,
    tensor_args=("mask",),
    examples=(
        Example(
            _SEQUENCE,
            {"units": 16, "return_state": True},
            {"output": ["B", 16], "state_h": ["B", 16]},
            params=1248,
        ),
        Example(_SEQUENCE, {"units": 16, "reset_after": False}, {"output": ["B", 16]}, params=1200),
    ),
    failing=(Failing(_SEQUENCE, {"units": 0}, "LS108"),),
    sample=_sampler("GRU"),
)
def gru(config: GRUConfig, ctx: LayerContext) -> LayerOutcome:
    """Gated recurrent unit on (batch, timesteps, features): shapes as LSTM's, one state.

    Parameters 3*units*(features + units + 2) with reset_after (the
    default), 3*units*(features + units + 1) without.
    """
    return propagate(config, ctx)


@layer_type(
    "keras",
    "SimpleRNN",
    SimpleRNNConfig,
    cost=costs,
    check=check_arguments,
    tensors=tensor_names,
    tensors_doc="`output`; with `return_state: true` also `state_h`",
    wrapped_config=SimpleRNNArgs,
    wrappers=_WRAPPERS,
    tensor_args=("mask",),
    examples=(
        Example(
            _SEQUENCE,
            {"units": 16, "return_sequences": True, "return_state": True},
            {"output": ["B", "T", 16], "state_h": ["B", 16]},
            params=400,
        ),
        Example(_SEQUENCE, {"units": 16}, {"output": ["B", 16]}, params=400),
    ),
    failing=(Failing(_SEQUENCE, {"units": 16, "dropout": 1.5}, "LS407"),),
    sample=_sampler("SimpleRNN"),
)
def simple_rnn(config: SimpleRNNConfig, ctx: LayerContext) -> LayerOutcome:
    """Fully connected recurrent layer on (batch, timesteps, features): shapes as GRU's.

    Parameters units*(features + units + 1).
    """
    return propagate(config, ctx)
