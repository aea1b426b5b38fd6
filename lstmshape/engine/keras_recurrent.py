"""keras.layers.LSTM, GRU, SimpleRNN and Bidirectional: shapes, states, parameters.

Shapes, as Keras 3 computes them from a 3-D input (batch, timesteps, features):

* output: (batch, timesteps, units) with return_sequences, else (batch, units);
  go_backwards and unroll never change a shape.
* with return_state, the states follow: ``state_h`` and ``state_c`` (LSTM) or
  ``state_h`` (GRU, SimpleRNN), each (batch, units).
* Bidirectional runs a forward and a backward copy (or ``backward_layer``)
  and merges their outputs: ``concat`` adds the two feature sizes, ``sum``,
  ``mul`` and ``ave`` keep them, ``null`` returns ``forward_output`` and
  ``backward_output``.  Its states are ``forward_h``, ``forward_c``,
  ``backward_h``, ``backward_c`` (LSTM) or ``forward_h``, ``backward_h``.

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
"""

from __future__ import annotations

from dataclasses import dataclass

from lstmshape.diagnostics import NodePath
from lstmshape.engine.keras_checks import (
    batch_in_input_shape,
    check_activation,
    check_clipped,
    check_positive,
    features_known,
    input_keys,
)
from lstmshape.engine.tensors import LayerContext, LayerOutcome, Origin, Source, Tensor
from lstmshape.models.keras import BidirectionalConfig, GRUArgs, RecurrentArgs
from lstmshape.shapes import Dim, Shape, format_shape, shapes_conflict

GATES = {"LSTM": 4, "GRU": 3, "SimpleRNN": 1}
STATES = {"LSTM": ("h", "c"), "GRU": ("h",), "SimpleRNN": ("h",)}
MERGE_MODES = ("concat", "sum", "mul", "ave", None)


def tensor_names(config: RecurrentArgs) -> tuple[str, ...]:
    states = tuple(f"state_{state}" for state in STATES[config.type])
    return ("output", *states) if config.return_state else ("output",)


def parameter_count(config: RecurrentArgs, features: int) -> int:
    bias_rows = 0
    if config.use_bias:
        bias_rows = 2 if isinstance(config, GRUArgs) and config.reset_after else 1
    return GATES[config.type] * config.units * (features + config.units + bias_rows)


def check_arguments(config: RecurrentArgs, ctx: LayerContext, keys: NodePath = ()) -> bool:
    """The checks of Keras's constructor; False when Keras would raise."""
    valid = check_positive(
        ctx,
        keys,
        "units",
        config.units,
        "Received an invalid value for argument `units`, expected a positive integer",
    )
    valid = check_activation(ctx, keys, "activation", config.activation) and valid
    recurrent_activation = getattr(config, "recurrent_activation", None)
    valid = check_activation(ctx, keys, "recurrent_activation", recurrent_activation) and valid
    check_clipped(ctx, keys, "dropout", config.dropout)
    check_clipped(ctx, keys, "recurrent_dropout", config.recurrent_dropout)
    return valid


@dataclass(frozen=True)
class Run:
    """One recurrent layer applied to a known input."""

    output: Shape
    states: list[Shape]
    batch: Dim
    params: int | None


def run(
    config: RecurrentArgs, ctx: LayerContext, source: Source, keys: NodePath = ()
) -> Run | None:
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
    if config.stateful and batch is None:
        ctx.report(
            "LS309",
            f"{ctx.name} is stateful, which needs a known batch size, but its input "
            f"{source.describe()} has an unknown batch (Keras raises ValueError: When using "
            "`stateful=True` in a RNN, the batch size must be static)",
            *keys,
            "stateful",
            hint="declare the input with its batch size under inputs: (e.g. x: [32, 10, 8]) "
            "instead of input_shape:",
        )
        return None
    output = (batch, time, config.units) if config.return_sequences else (batch, config.units)
    states: list[Shape] = [(batch, config.units) for _ in STATES[config.type]]
    params = parameter_count(config, features) if isinstance(features, int) else None
    return Run(output, states, batch, params)


def check_masked_unroll(
    config: RecurrentArgs, ctx: LayerContext, source: Source, keys: NodePath, backwards: bool
) -> None:
    """Report a direction that runs backwards, unrolled, over a masked input."""
    if not (backwards and config.unroll and source.tensor.mask and ctx.states is None):
        return
    what = f"{ctx.name}.{'.'.join(map(str, keys))}" if keys else ctx.name
    runs = "goes backwards"
    if keys == ("layer",) and not config.go_backwards:
        runs = "Bidirectional runs a copy of it backwards"
    mask = source.tensor.mask
    whose = (
        f"{mask} is an Embedding with mask_zero: true"
        if source.text == mask
        else f"{source.text} carries the mask of {mask} (an Embedding with mask_zero: true)"
    )
    ctx.report(
        "LS311",
        f"{what} ({config.type}) has unroll: true and {runs} over a masked input: {whose}. "
        "Keras builds the model and fails when it runs (AttributeError: 'tuple' object has "
        "no attribute 'shape')",
        *keys,
        "unroll",
        hint="remove unroll: true (Keras cannot reverse a mask in an unrolled loop), or "
        f"mask_zero: true from {source.tensor.mask}",
    )


def _wrong_rank(config: RecurrentArgs, ctx: LayerContext, source: Source, shape: Shape) -> None:
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
    ctx.report(
        "LS302",
        f"{config.type} takes a 3-D input (batch, timesteps, features); {ctx.name}'s input "
        f"{source.describe()} is {len(shape)}-D (Keras raises ValueError: expected ndim=3, "
        f"found ndim={len(shape)})",
        *input_keys(source),
        hint=hint,
    )


def propagate(config: RecurrentArgs, ctx: LayerContext) -> LayerOutcome:
    names = tensor_names(config)
    unknown = {name: Tensor(None) for name in names}
    if not check_arguments(config, ctx):
        return LayerOutcome(unknown, None)
    result = run(config, ctx, ctx.inputs[0])
    if result is None:
        return LayerOutcome(unknown, None)
    if ctx.states is not None:
        labels = [f"state_{state}" for state in STATES[config.type]]
        _check_count(ctx, ctx.states, config, labels, f"{ctx.name} ({config.type})")
        _check_sizes(ctx, ctx.states, config, labels, result.batch)
    source = ctx.inputs[0]
    check_masked_unroll(config, ctx, source, (), config.go_backwards)
    time_axis = 1 if config.return_sequences else None
    origin = Origin(ctx.name, "output", False, time_axis, "keras")
    mask = source.tensor.mask if config.return_sequences else None
    tensors = {"output": Tensor(result.output, origin, mask=mask)}
    for name, state in zip(names[1:], result.states, strict=False):
        tensors[name] = Tensor(state, Origin(ctx.name, name, framework="keras"))
    return LayerOutcome(tensors, result.params)


def _check_count(
    ctx: LayerContext,
    states: list[Source],
    config: RecurrentArgs,
    labels: list[str],
    owner: str,
) -> bool:
    """Too few states fail when the model runs; so do extra ones for a SimpleRNN.

    An LSTM or GRU ignores states beyond the ones it takes; a SimpleRNN's
    step returns one state where Keras's loop (torch backend, not unrolled)
    expects as many as it was given, and the run fails.
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
    if len(states) > wanted and config.type == "SimpleRNN" and not config.unroll:
        ctx.report(
            "LS304",
            f"{owner} takes 1 initial state, [{labels[0]}], but is given {len(states)}: Keras "
            "builds the model and fails when it runs (ValueError: treespec.unflatten(leaves): "
            f"`leaves` has length 1 but the spec refers to a pytree that holds {len(states)} "
            "items)",
            "initial_state",
            hint="a SimpleRNN takes [h]; pass only that state",
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


def _check_sizes(
    ctx: LayerContext,
    states: list[Source],
    config: RecurrentArgs,
    labels: list[str],
    batch: Dim,
    offset: int = 0,
) -> None:
    want = (batch, config.units)
    for index, (label, state) in enumerate(zip(labels, states, strict=False)):
        shape = state.tensor.shape
        if shape is None or not shapes_conflict(want, shape):
            continue
        ctx.report(
            "LS303",
            f"initial state {label} of {ctx.name} ({config.type}, units: {config.units}) must "
            f"be {format_shape(want)} = (batch, units), but initial_state[{offset + index}] "
            f"{state.text} is {format_shape(shape)}: Keras builds the model and fails when it "
            "runs (mat1 and mat2 shapes cannot be multiplied)",
            *state.at[2:],
            hint=f"a state of {config.type}(units={config.units}) is (batch, {config.units}); "
            "make the two layers' units equal",
        )


def bidirectional_names(config: BidirectionalConfig) -> tuple[str, ...]:
    forward = config.layer
    backward = config.backward_layer or forward
    outputs = (
        ("output",) if config.merge_mode is not None else ("forward_output", "backward_output")
    )
    if not forward.return_state:
        return outputs
    return (
        *outputs,
        *(f"forward_{state}" for state in STATES[forward.type]),
        *(f"backward_{state}" for state in STATES[backward.type]),
    )


def propagate_bidirectional(config: BidirectionalConfig, ctx: LayerContext) -> LayerOutcome:
    names = bidirectional_names(config)
    unknown = LayerOutcome({name: Tensor(None) for name in names}, None)
    forward = config.layer
    backward = config.backward_layer or forward
    valid = check_arguments(forward, ctx, ("layer",))
    if config.backward_layer is not None:
        valid = check_arguments(config.backward_layer, ctx, ("backward_layer",)) and valid
        valid = _check_pair(config, ctx) and valid
    elif forward.go_backwards:
        ctx.report(
            "LS108",
            f"{ctx.name}'s layer has go_backwards: true, so the backward copy Keras makes of it "
            "has go_backwards: true as well (Keras raises ValueError: Forward layer and "
            "backward layer should have different `go_backwards` value)",
            "layer",
            "go_backwards",
            hint="remove go_backwards: Bidirectional runs the backward direction itself",
        )
        valid = False
    if config.merge_mode not in MERGE_MODES:
        ctx.report(
            "LS108",
            f"{ctx.name}.merge_mode is {config.merge_mode!r}; it must be concat, sum, mul, ave "
            f"or null (Keras raises ValueError: Invalid merge mode. Received: {config.merge_mode})",
            "merge_mode",
        )
        valid = False
    if forward.stateful and forward.return_state:
        ctx.report(
            "LS108",
            f"{ctx.name} wraps a layer with both stateful: true and return_state: true, which "
            "Keras 3 cannot build inside Bidirectional (Keras raises TypeError: unsupported "
            "operand type(s) for *: 'generator' and 'int', in Bidirectional.compute_mask)",
            "layer",
            "stateful",
            hint="drop stateful or return_state, or run two layers, one with go_backwards: true",
        )
        valid = False
    if not valid:
        return unknown
    source = ctx.inputs[0]
    ran_forward = run(forward, ctx, source, ("layer",))
    ran_backward = (
        run(backward, ctx, source, ("backward_layer",) if config.backward_layer else ("layer",))
        if ran_forward
        else None
    )
    if ran_forward is None or ran_backward is None:
        return unknown
    if ctx.states is not None:
        _check_bidirectional_states(config, ctx, ran_forward.batch)
    check_masked_unroll(forward, ctx, source, ("layer",), forward.go_backwards)
    if config.backward_layer is None:  # the copy goes backwards (else LS108 above)
        check_masked_unroll(forward, ctx, source, ("layer",), True)
    else:
        check_masked_unroll(backward, ctx, source, ("backward_layer",), backward.go_backwards)
    tensors = _merged(config, ctx, ran_forward, ran_backward, source.tensor.mask)
    if tensors is None:
        return unknown
    if forward.return_state:
        state_names = names[len(names) - len(ran_forward.states) - len(ran_backward.states) :]
        for name, shape in zip(state_names, ran_forward.states + ran_backward.states, strict=True):
            tensors[name] = Tensor(shape, Origin(ctx.name, name, True, framework="keras"))
    params = None
    if ran_forward.params is not None and ran_backward.params is not None:
        params = ran_forward.params + ran_backward.params
    return LayerOutcome(tensors, params)


def _check_pair(config: BidirectionalConfig, ctx: LayerContext) -> bool:
    """Keras's constructor compares the forward and backward layers."""
    forward, backward = config.layer, config.backward_layer
    assert backward is not None
    valid = True
    if forward.go_backwards == backward.go_backwards:
        flag = str(forward.go_backwards).lower()
        ctx.report(
            "LS108",
            f"{ctx.name}'s layer and backward_layer both have go_backwards: {flag}; they must "
            "differ (Keras raises ValueError: Forward layer and backward layer should have "
            "different `go_backwards` value)",
            "backward_layer",
            "go_backwards" if "go_backwards" in backward.model_fields_set else "type",
            hint="give backward_layer go_backwards: true",
        )
        valid = False
    for key in ("return_sequences", "return_state", "stateful"):
        mine, theirs = getattr(forward, key), getattr(backward, key)
        if mine != theirs:
            ctx.report(
                "LS108",
                f"{ctx.name}'s layer has {key}: {str(mine).lower()} but backward_layer has "
                f"{key}: {str(theirs).lower()} (Keras raises ValueError: Forward layer and "
                f'backward layer are expected to have the same value for attribute "{key}")',
                "backward_layer",
                key if key in backward.model_fields_set else "type",
            )
            valid = False
    return valid


def _merged(
    config: BidirectionalConfig, ctx: LayerContext, forward: Run, backward: Run, mask: str | None
) -> dict[str, Tensor] | None:
    time_axis = 1 if config.layer.return_sequences else None
    if not config.layer.return_sequences:
        mask = None
    if config.merge_mode is None:
        return {
            name: Tensor(ran.output, Origin(ctx.name, name, False, time_axis, "keras"), mask=mask)
            for name, ran in (("forward_output", forward), ("backward_output", backward))
        }
    ours, theirs = forward.output[-1], backward.output[-1]
    if config.merge_mode == "concat":
        features: Dim = ours + theirs if isinstance(ours, int) and isinstance(theirs, int) else None
    elif 1 in (ours, theirs):
        features = theirs if ours == 1 else ours  # the elementwise merge broadcasts a size 1
    elif ours != theirs:
        ctx.report(
            "LS310",
            f"{ctx.name} merges its directions with {config.merge_mode}, but the forward layer "
            f"has {ours} units and backward_layer {theirs}: Keras builds the model and fails "
            "when it runs (the size of tensor a must match the size of tensor b)",
            "backward_layer",
            "units",
            hint="give both layers the same units (or one of them 1, which broadcasts), or "
            "use merge_mode: concat",
        )
        return None
    else:
        features = ours
    output = (*forward.output[:-1], features)
    origin = Origin(ctx.name, "output", True, time_axis, "keras")
    return {"output": Tensor(output, origin, mask=mask)}


def _check_bidirectional_states(config: BidirectionalConfig, ctx: LayerContext, batch: Dim) -> None:
    """Keras gives the first half of initial_state to the forward layer, the rest backward.

    Each half then follows its layer's rule: too few states fail when the
    model runs, extra ones are ignored except by a SimpleRNN, which fails.
    """
    states = ctx.states or []
    forward = config.layer
    backward = config.backward_layer or forward
    forward_labels = [f"forward_{state}" for state in STATES[forward.type]]
    backward_labels = [f"backward_{state}" for state in STATES[backward.type]]
    half = len(states) // 2
    owner = f"{ctx.name} (Bidirectional {forward.type})"
    wanted = forward_labels + backward_labels
    if len(states) != len(wanted):
        halves = ((forward, half, forward_labels), (backward, len(states) - half, backward_labels))
        short = any(given < len(labels) for _, given, labels in halves)
        extra_simple = any(
            layer.type == "SimpleRNN" and not layer.unroll and given > len(labels)
            for layer, given, labels in halves
        )
        if short or extra_simple:
            error = (
                "IndexError: list index out of range"
                if short
                else "ValueError: treespec.unflatten(leaves): `leaves` has length 1"
            )
            ctx.report(
                "LS304",
                f"{owner} takes {len(wanted)} initial states, [{', '.join(wanted)}], but is "
                f"given {len(states)}: Keras gives the first {half} to the forward layer and the "
                f"other {len(states) - half} to the backward layer, and fails when it runs "
                f"({error})",
                "initial_state",
            )
            return
        ctx.report(
            "LS409",
            f"{owner} takes {len(wanted)} initial states, [{', '.join(wanted)}], but is given "
            f"{len(states)}: Keras silently ignores the extra ones in each half",
            "initial_state",
        )
    _check_sizes(ctx, states[:half], forward, forward_labels, batch)
    _check_sizes(ctx, states[half:], backward, backward_labels, batch, offset=half)
