"""keras.layers.Bidirectional: a recurrent layer run forwards and backwards, merged.

Bidirectional runs a forward and a backward copy of its layer (or
``backward_layer``) and merges their outputs: ``concat`` joins them on the
last axis (the features; with a ConvLSTM's ``data_format: channels_first``
the last spatial axis, as Keras does), ``sum``, ``mul`` and ``ave`` keep the
shape, ``null`` returns ``forward_output`` and ``backward_output``.  Its
states are ``forward_h``, ``forward_c``, ``backward_h``, ``backward_c``
(LSTM, ConvLSTM) or ``forward_h``, ``backward_h``.  It wraps the layer types
that name it in their ``wrappers`` (LSTM, GRU, SimpleRNN, RNN, ConvLSTM1D/2D/3D),
each direction by its type's own rules (:mod:`.directions`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from lstmshape.costs import Costs, CostShapes, UnknownCost, numel
from lstmshape.engine.tensors import LayerContext, LayerOutcome, Origin, Tensor
from lstmshape.frameworks import cost_rules
from lstmshape.frameworks.keras.base import KerasArgs, StatefulLayer, WrappedBy
from lstmshape.frameworks.keras.bidirectional_merge import merged
from lstmshape.frameworks.keras.cells import RNNArgs
from lstmshape.frameworks.keras.directions import DIRECTIONS, RECURRENT, direction
from lstmshape.frameworks.keras.recurrent import (
    EXTRA_STATES_FAIL,
    STATES,
    LoopArgs,
    Looped,
    Run,
    check_masked_unroll,
    check_one_lstm_cell_list,
    state_suffixes,
    with_call_mask,
)
from lstmshape.frameworks.layer_type import (
    LAYER_TYPES,
    Draw,
    Example,
    Failing,
    Sample,
    Sampler,
    Shapes,
    layer_type,
    wrapping_refusal,
)
from lstmshape.shapes import Shape

MERGE_MODES = ("concat", "sum", "mul", "ave", None)
REFUSES = (
    "Bidirectional makes its backward copy of the layer with go_backwards: true, which only "
    "a recurrent layer takes (Keras raises TypeError: <class ...> could not be deserialized "
    "properly, or ValueError: Unrecognized keyword arguments: {'go_backwards': True})"
)
Wrapped = Looped
"""What Bidirectional holds: the types that name it in their ``wrappers``, all loops
over time (the union is made from the registry: see ``WrappedBy``)."""


class BidirectionalArgs(KerasArgs):
    type: Literal["Bidirectional"]
    layer: Annotated[Wrapped, WrappedBy("Bidirectional")]
    merge_mode: str | None = "concat"
    backward_layer: Annotated[Wrapped, WrappedBy("Bidirectional")] | None = None


class BidirectionalConfig(StatefulLayer, BidirectionalArgs):
    type: Literal["Bidirectional"]


def bidirectional_names(config: BidirectionalArgs) -> tuple[str, ...]:
    forward = config.layer
    backward = config.backward_layer or forward
    outputs = (
        ("output",) if config.merge_mode is not None else ("forward_output", "backward_output")
    )
    looped = isinstance(forward, LoopArgs | RNNArgs) and isinstance(backward, LoopArgs | RNNArgs)
    if not (looped and forward.return_state):  # not a loop: LS104 from the check
        return outputs
    return (
        *outputs,
        *(f"forward_{state}" for state in state_suffixes(forward)),
        *(f"backward_{state}" for state in state_suffixes(backward)),
    )


def check_bidirectional(config: BidirectionalArgs, ctx: LayerContext) -> bool:
    """The checks of Keras's constructor, of the wrapped layers and of the pair."""
    forward = config.layer
    for key in ("layer", "backward_layer"):
        wrapped = getattr(config, key)
        declared = None if wrapped is None else LAYER_TYPES.get(("keras", wrapped.type))
        if wrapped is not None and (declared is None or "Bidirectional" not in declared.wrappers):
            why, held = wrapping_refusal("keras", "Bidirectional", wrapped.type)
            message = f"{ctx.label(key)} is {wrapped.type}, {why}"
            ctx.report("LS104", message, key, "type", hint=held)
            return False
    valid = _check_wrapped(forward, ctx.wrapping("layer"))
    if config.backward_layer is not None:
        valid = _check_wrapped(config.backward_layer, ctx.wrapping("backward_layer")) and valid
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
    return valid


def _check_wrapped(layer: Wrapped, ctx: LayerContext) -> bool:
    """The wrapped type's own constructor checks, as it declares them."""
    check = LAYER_TYPES[("keras", layer.type)].check
    return check is None or check(layer, ctx)


def propagate_bidirectional(config: BidirectionalArgs, ctx: LayerContext) -> LayerOutcome:
    """Shapes and parameters of a config ``check_bidirectional`` accepted."""
    names = bidirectional_names(config)
    unknown = LayerOutcome({name: Tensor(None) for name in names}, None)
    forward = config.layer
    backward = config.backward_layer or forward
    forward_ctx = ctx.wrapping("layer")
    backward_ctx = ctx.wrapping("backward_layer") if config.backward_layer else forward_ctx
    source = ctx.inputs[0]
    ran_forward = direction(forward).run(forward, forward_ctx, source)
    ran_backward = direction(backward).run(backward, backward_ctx, source) if ran_forward else None
    if ran_forward is None or ran_backward is None:
        return unknown
    if ctx.states is not None:
        _check_bidirectional_states(config, ctx, ran_forward, ran_backward)
    masked = with_call_mask(ctx, source)
    if masked is None:
        return unknown
    source = masked
    if direction(forward).mask_fails(forward, forward_ctx, source, ran_forward):
        return unknown
    if config.backward_layer is not None and direction(backward).mask_fails(
        backward, backward_ctx, source, ran_backward
    ):
        return unknown
    check_masked_unroll(forward, forward_ctx, source, forward.go_backwards)
    check_one_lstm_cell_list(forward, forward_ctx, source)
    if config.backward_layer is not None:
        check_one_lstm_cell_list(config.backward_layer, backward_ctx, source)
    if config.backward_layer is None:  # the copy goes backwards (else LS108 above)
        check_masked_unroll(forward, forward_ctx, source, True)
    else:
        check_masked_unroll(backward, backward_ctx, source, backward.go_backwards)
    tensors = merged(config, ctx, ran_forward, ran_backward, source.tensor.mask)
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


def _check_pair(config: BidirectionalArgs, ctx: LayerContext) -> bool:
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


def _check_bidirectional_states(
    config: BidirectionalArgs, ctx: LayerContext, ran_forward: Run, ran_backward: Run
) -> None:
    """Keras gives the first half of initial_state to the forward layer, the rest backward.

    Each half then follows its layer's rule: too few states fail when the
    model runs, extra ones are ignored except by a SimpleRNN or a ConvLSTM
    that is not unrolled, or an RNN, which fail.
    """
    states = ctx.states or []
    forward = config.layer
    backward = config.backward_layer or forward
    forward_labels = [f"forward_{state}" for state in state_suffixes(forward)]
    backward_labels = [f"backward_{state}" for state in state_suffixes(backward)]
    half = len(states) // 2
    owner = f"{ctx.name} (Bidirectional {forward.type})"
    nested = [
        layer
        for layer in (forward, backward)
        if isinstance(layer, RNNArgs)
        and layer.stacked
        and any(len(STATES[cell.type]) > 1 for cell in layer.cells)
    ]
    if nested:
        ctx.report(
            "LS304",
            f"{owner} runs a list of cells with an LSTMCell, which takes its states as a list "
            "[h, c] of its own; Bidirectional's initial_state is a flat list, so Keras builds "
            "the model and fails when it runs (IndexError: list index out of range)",
            "initial_state",
            hint="start the two directions with separate RNN layers (one with go_backwards: "
            "true), each given its nested initial_state",
        )
        return
    wanted = forward_labels + backward_labels
    if len(states) != len(wanted):
        halves = ((forward, half, forward_labels), (backward, len(states) - half, backward_labels))
        short = any(given < len(labels) for _, given, labels in halves)
        extra = [
            len(labels)
            for layer, given, labels in halves
            if _fails_on_extra(layer) and given > len(labels)
        ]
        if short or extra:
            error = (
                "IndexError: list index out of range"
                if short
                else f"ValueError: treespec.unflatten(leaves): `leaves` has length {extra[0]}"
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
    directions = (
        (forward, states[:half], forward_labels, ran_forward, 0),
        (backward, states[half:], backward_labels, ran_backward, half),
    )
    for layer, given, labels, ran, offset in directions:
        direction(layer).check_states(layer, ctx, given, ran, labels, offset)


def _fails_on_extra(layer: Wrapped) -> bool:
    """Whether extra initial states fail when the model runs, rather than being ignored.

    Keras's RNN fails on any extra state (measured); its LSTM and GRU layers
    ignore them, and a SimpleRNN or ConvLSTM that is not unrolled fails.
    """
    return isinstance(layer, RNNArgs) or (layer.type in EXTRA_STATES_FAIL and not layer.unroll)


def _units(layer: dict[str, Any]) -> int:
    """A drawn layer's output features: its units (a ConvLSTM's filters), or its (last)
    cell's."""
    if "cell" not in layer:
        return int(layer["filters" if "filters" in layer else "units"])
    cell = layer["cell"]
    return int((cell[-1] if isinstance(cell, list) else cell)["units"])


_WINDOW = ("kernel_size", "strides", "padding", "dilation_rate", "data_format")


def _backward(draw: Draw, kind: str, forward: dict[str, Any]) -> dict[str, Any]:
    """A backward_layer for ``forward``, right or (at times) not matching it: of another
    size or type, or for a ConvLSTM of another window."""
    key = DIRECTIONS.get(kind, RECURRENT).size_key
    family = [  # the types sized as this one: a ConvLSTM's backward layer has filters
        name
        for (framework, name), declared in LAYER_TYPES.items()
        if framework == "keras"
        and "Bidirectional" in declared.wrappers
        and DIRECTIONS.get(name, RECURRENT).size_key == key
    ]
    other = kind if draw.chance(0.7) else draw.rng.choice(family)
    units = _units(forward) + (1 if draw.chance(0.3) else 0)
    layer: dict[str, Any] = {"type": other, key: units, "go_backwards": True}
    if key == "filters":
        layer |= {name: forward[name] for name in _WINDOW if name in forward}
        if draw.chance(0.15):  # another window: other frame sizes, but for padding same
            layer["kernel_size"] = draw.rng.randint(1, 3)
    elif other == "RNN":  # its units are its cell's
        cell = draw.rng.choice(("LSTMCell", "GRUCell", "SimpleRNNCell"))
        layer = {"type": other, "cell": {"type": cell, "units": units}, "go_backwards": True}
    for flag in ("return_sequences", "return_state"):
        if flag in forward:
            layer[flag] = forward[flag]
    if draw.chance(0.1):
        layer["go_backwards"] = False
    if draw.chance(0.1):
        layer["return_sequences"] = not forward.get("return_sequences", False)
    return layer


def _sample(draw: Draw) -> Sample:
    """``given``: the wrapped ``layer`` (a mapping), its ``kind``, and whether the spec
    ``runs`` (a backward_layer that differs fails only when the model runs).  The features
    are a ConvLSTM's channels (with channels_first concat doubles the last spatial axis)."""
    forward = draw.given["layer"]
    mode = draw.rng.choice(MERGE_MODES)
    args: dict[str, Any] = {"layer": forward}
    if mode != "concat" or draw.chance(0.2):
        args["merge_mode"] = mode
    mistake = {"merge_mode": draw.rng.choice(("max", "Concat"))} if draw.chance(0.02) else {}
    if draw.given.get("runs") and draw.chance(0.25):
        args["backward_layer"] = _backward(draw, draw.given["kind"], forward)
    units = _units(forward)
    doubled = mode == "concat" and forward.get("data_format") != "channels_first"
    return Sample(args, 2 * units if doubled else units, mistake)


_SEQUENCE: Shapes = {"x": ["B", "T", 8]}
_VIDEO: Shapes = {"x": ["B", "T", 16, 12, 3]}
_CONV = {"type": "ConvLSTM2D", "filters": 4, "kernel_size": 3}
_SIDES = ("forward", "backward")


def _bidirectional_cost(config: BidirectionalArgs, shapes: CostShapes) -> Costs:
    """Both directions over every step, each by its type's cost rule, and merging them (one
    operation an element but for concat, which only writes)."""
    both = Costs()
    for layer in (config.layer, config.backward_layer or config.layer):
        rule = LAYER_TYPES[("keras", layer.type)].cost
        if rule is None:
            raise UnknownCost
        both = cost_rules.added(both, rule(layer, shapes))
    if config.merge_mode in (None, "concat"):
        return both
    return cost_rules.added(both, Costs(elementwise=numel(shapes.output)))


def _not_functional(config: BidirectionalArgs, _inputs: tuple[Shape | None, ...]) -> str | None:
    """A backward_layer of other units (or filters, or window) runs in a Sequential model,
    but a functional one sizes the layers after it for the forward layer's output twice and
    fails when it runs."""
    forward, backward = config.layer, config.backward_layer
    if backward is None:
        return None
    mine, other = len(state_suffixes(forward)), len(state_suffixes(backward))
    if forward.return_state and mine != other:
        return (
            f"a Bidirectional whose backward_layer returns {other} states and its layer "
            f"{mine}: Keras's functional model counts the forward layer's states for both "
            "directions, so its outputs do not unpack as the layer returns them; give both "
            "layers the same type"
        )
    ours, theirs = direction(forward), direction(backward)
    if ours is theirs and ours.sizes(forward) == theirs.sizes(backward):
        return None
    if ours is theirs and ours.size_key == "units":
        (mine,), (other,) = ours.sizes(forward), theirs.sizes(backward)
        differs = f"{other} units and layer {mine}"
    else:
        differs = f"another type or {theirs.sized_by} than its layer"
    return (
        f"a Bidirectional whose backward_layer has {differs}: Keras's functional model gives "
        "its output the forward layer's size for both directions, builds the layers after it "
        f"for that size, and fails when it runs; give both the same {ours.sized_by}"
    )


@layer_type(
    "keras",
    "Bidirectional",
    BidirectionalConfig,
    cost=_bidirectional_cost,
    check=check_bidirectional,
    tensors=bidirectional_names,
    tensor_args=("mask",),
    export_refusal=_not_functional,
    tensors_doc="`output` (concat: twice the last axis, the features; sum, mul, ave: the "
    "same); with `merge_mode: null` `forward_output` and `backward_output`; with "
    "`return_state` on the wrapped layer `forward_h`, `forward_c`, `backward_h`, `backward_c` "
    "(LSTM, ConvLSTM) or `forward_h`, `backward_h`",
    note="(`merge_mode` is concat, sum, mul, ave or null)",
    nests=("layer", "backward_layer"),
    refuses=REFUSES,
    wrapped_config=BidirectionalArgs,
    wrappers=("TimeDistributed",),
    examples=(
        Example(
            _SEQUENCE, {"layer": {"type": "LSTM", "units": 16}}, {"output": ["B", 32]}, params=3200
        ),
        Example(
            _SEQUENCE,
            {"layer": {"type": "GRU", "units": 8, "return_sequences": True}, "merge_mode": None},
            {"forward_output": ["B", "T", 8], "backward_output": ["B", "T", 8]},
            params=864,
        ),
        Example(
            _VIDEO,
            {"layer": {**_CONV, "return_sequences": True, "return_state": True}},
            {
                "output": ["B", "T", 14, 10, 8],
                **{f"{side}_{state}": ["B", 14, 10, 4] for side in _SIDES for state in "hc"},
            },
            params=2048,
        ),
        Example(  # concat joins the last axis: with channels_first, the columns
            {"x": ["B", "T", 3, 16, 12]},
            {"layer": {**_CONV, "data_format": "channels_first"}},
            {"output": ["B", 4, 14, 20]},
            params=2048,
        ),
    ),
    failing=(
        Failing(
            _SEQUENCE,
            {
                "merge_mode": "sum",
                "layer": {"type": "LSTM", "units": 16},
                "backward_layer": {"type": "LSTM", "units": 8, "go_backwards": True},
            },
            "LS310",
        ),
        Failing(  # 14 x 10 frames forwards, 16 x 12 backwards
            _VIDEO,
            {
                "layer": _CONV,
                "backward_layer": {**_CONV, "kernel_size": 1, "go_backwards": True},
            },
            "LS310",
        ),
    ),
    sample=Sampler("wrapper", _sample),
)
def bidirectional(config: BidirectionalArgs, ctx: LayerContext) -> LayerOutcome:
    """Runs a recurrent layer forwards and backwards and merges the two directions.

    Each direction has the wrapped layer's shapes and parameters (a
    ConvLSTM's too); concat joins their last axis, which with a ConvLSTM's
    channels_first is the columns, not the filters.  initial_state gives its
    first half to the forward layer and the rest to the backward one:
    [forward_h, forward_c, backward_h, backward_c].
    """
    return propagate_bidirectional(config, ctx)
