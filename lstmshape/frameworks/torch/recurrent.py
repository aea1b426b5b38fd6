"""torch.nn.LSTM, GRU and RNN: their arguments, shapes, states and parameters.

Shapes, as torch computes them (D = 2 if bidirectional else 1, H_out =
proj_size or hidden_size):

* batched input (N, L, H_in) with batch_first, else (L, N, H_in):
  output (N, L, D*H_out) or (L, N, D*H_out); h_n (D*num_layers, N, H_out);
  c_n (D*num_layers, N, hidden_size).  batch_first never changes h_n or c_n.
* unbatched input (L, H_in): output (L, D*H_out); h_n (D*num_layers, H_out);
  c_n (D*num_layers, hidden_size).

Parameters, per layer and direction: gates*hidden*(in + H_out) weights, two
bias vectors of gates*hidden, and proj_size*hidden for the projection; the
first layer's ``in`` is input_size, later layers' is D*H_out.
"""

from __future__ import annotations

from typing import Any, Literal

from lstmshape.costs import Costs, CostShapes, rows
from lstmshape.engine.tensors import (
    LayerContext,
    LayerOutcome,
    Origin,
    Packed,
    Padded,
    Source,
    Tensor,
)
from lstmshape.frameworks.cost_rules import added, recurrent_step, scaled
from lstmshape.frameworks.layer_type import (
    Draw,
    Example,
    Failing,
    LintInvalid,
    Sample,
    Sampler,
    Shapes,
    layer_type,
)
from lstmshape.frameworks.torch.base import TorchLayer, check_layout
from lstmshape.models.common import Reference
from lstmshape.shapes import (
    Dim,
    Shape,
    dims_conflict,
    format_dim,
    format_shape,
    shapes_conflict,
    size_hint,
)


class RNNBaseConfig(TorchLayer):
    input_size: int
    hidden_size: int
    num_layers: int = 1
    bias: bool = True
    batch_first: bool = False
    dropout: float = 0.0
    bidirectional: bool = False
    device: str | None = None
    dtype: str | None = None
    initial_state: Reference | list[Reference] | None = None


class LSTMConfig(RNNBaseConfig):
    type: Literal["LSTM"]
    proj_size: int = 0


class GRUConfig(RNNBaseConfig):
    type: Literal["GRU"]


class RNNConfig(RNNBaseConfig):
    type: Literal["RNN"]
    nonlinearity: str = "tanh"


GATES = {"LSTM": 4, "GRU": 3, "RNN": 1}


def tensor_names(config: RNNBaseConfig) -> tuple[str, ...]:
    return ("output", "h_n", "c_n") if config.type == "LSTM" else ("output", "h_n")


def _proj_size(config: RNNBaseConfig) -> int:
    return config.proj_size if isinstance(config, LSTMConfig) else 0


def parameter_count(config: RNNBaseConfig) -> int:
    """Closed form, so that a huge num_layers costs no time."""
    directions = 2 if config.bidirectional else 1
    hidden = config.hidden_size
    gate_rows = GATES[config.type] * hidden
    proj = _proj_size(config)
    h_out = proj or hidden
    # per direction of a layer reading F features: gate_rows * (F + h_out) weights, the
    # projection's proj * hidden, and two biases of gate_rows; the first layer reads
    # input_size features, every later one D * H_out
    fixed = gate_rows * h_out + proj * hidden + (2 * gate_rows if config.bias else 0)
    first = directions * (gate_rows * config.input_size + fixed)
    later = directions * (gate_rows * directions * h_out + fixed)
    return first + (config.num_layers - 1) * later


def check_arguments(config: RNNBaseConfig, ctx: LayerContext) -> bool:
    """The checks of torch's RNNBase constructor; False when torch would raise."""
    valid = True
    # RNN checks its nonlinearity before RNNBase runs, so a bad one raises
    # before the dropout warning below could be given.
    if isinstance(config, RNNConfig) and config.nonlinearity not in ("tanh", "relu"):
        ctx.report(
            "LS108",
            f"{ctx.name}.nonlinearity must be 'tanh' or 'relu', found {config.nonlinearity!r}",
            "nonlinearity",
        )
        valid = False
    if not 0 <= config.dropout <= 1:
        ctx.report(
            "LS108",
            f"{ctx.name}.dropout must be between 0 and 1, found {config.dropout}",
            "dropout",
            hint="dropout is the probability of zeroing an element between recurrent layers",
        )
        valid = False
    elif valid and config.dropout > 0 and config.num_layers == 1:
        _dropout_warning(ctx, config.dropout)
    for key in ("input_size", "hidden_size", "num_layers"):
        value = getattr(config, key)
        if value <= 0:
            ctx.report(
                "LS108",
                f"{ctx.name}.{key} must be greater than zero, found {value} "
                f"(torch raises ValueError: {key} must be greater than zero)",
                key,
            )
            valid = False
    proj = _proj_size(config)
    if proj < 0:
        ctx.report(
            "LS108",
            f"{ctx.name}.proj_size must be zero (no projection) or positive, found {proj}",
            "proj_size",
        )
        valid = False
    elif proj and config.hidden_size > 0 and proj >= config.hidden_size:
        ctx.report(
            "LS108",
            f"{ctx.name}.proj_size must be smaller than hidden_size ({config.hidden_size}), "
            f"found {proj}",
            "proj_size",
        )
        valid = False
    return valid


def _dropout_warning(ctx: LayerContext, dropout: float) -> None:
    ctx.report(
        "LS401",
        f"{ctx.name}.dropout is {dropout} but num_layers is 1: torch applies "
        "recurrent dropout only between stacked layers, so it does nothing here "
        "(torch warns)",
        "dropout",
        hint="set num_layers above 1, or drop the argument and add a Dropout layer after",
    )


def _lint_invalid(config_class: type[RNNBaseConfig]) -> LintInvalid:
    def lint(raw: dict[str, Any], ctx: LayerContext) -> None:
        lint_invalid(raw, config_class, ctx)

    return lint


def lint_invalid(raw: dict[str, Any], config_class: type[RNNBaseConfig], ctx: LayerContext) -> None:
    """torch's dropout warning for a layer whose config failed validation.

    torch warns about dropout before it checks bias, batch_first and the
    sizes, so a layer it then rejects for one of those still gets the
    warning.  Arguments torch rejects earlier (an unknown or missing one, a
    bad nonlinearity, proj_size on GRU or RNN, dropout itself) come first.
    """
    fields = config_class.model_fields
    if any(key not in fields for key in raw) or not {"input_size", "hidden_size"} <= set(raw):
        return
    if config_class is RNNConfig and raw.get("nonlinearity", "tanh") not in ("tanh", "relu"):
        return
    dropout, num_layers = raw.get("dropout", 0), raw.get("num_layers", 1)
    number = isinstance(dropout, int | float) and not isinstance(dropout, bool)
    if number and 0 < dropout <= 1 and not isinstance(num_layers, str) and num_layers == 1:
        _dropout_warning(ctx, dropout)


def propagate(config: RNNBaseConfig, ctx: LayerContext) -> LayerOutcome:
    """Shapes and parameters of a config ``check_arguments`` accepted."""
    names = tensor_names(config)
    params = parameter_count(config)
    source = ctx.inputs[0]
    shape = source.tensor.shape
    if shape is None:
        return LayerOutcome(_unknown(config, ctx, names), params)
    packed = source.tensor.packed
    if packed is not None:
        return _run_packed(config, ctx, source, packed, shape, params)
    if len(shape) not in (2, 3):
        ctx.report_on(
            source,
            "LS302",
            f"{config.type} takes a 2-D (L, H_in) or 3-D input; {ctx.name}'s input "
            f"{source.describe()} is {len(shape)}-D",
        )
        return LayerOutcome(_unknown(config, ctx, names), params)
    _check_features(config, ctx, source, shape)
    batched = len(shape) == 3
    if batched:
        check_layout(ctx, source, config.batch_first)
        batch: Dim = shape[0] if config.batch_first else shape[1]
        time: Dim = shape[1] if config.batch_first else shape[0]
    else:
        ctx.report_on(
            source,
            "LS404",
            f"{ctx.name}'s input {source.describe()} is 2-D: torch reads it as one unbatched "
            f"sequence of {shape[0]} steps, not as a batch",
            hint="add the missing dimension (a batch of sequences is 3-D), or, for one "
            "sequence on purpose, ignore this warning",
        )
        batch, time = None, shape[0]
    expected = _state_shapes(config, batch, batched)
    _check_initial_states(config, ctx, expected, batched)
    directions = 2 if config.bidirectional else 1
    features = directions * (_proj_size(config) or config.hidden_size)
    if not batched:
        output: Shape = (time, features)
    elif config.batch_first:
        output = (batch, time, features)
    else:
        output = (time, batch, features)
    time_axis = (1 if config.batch_first else 0) if batched else 0
    origin = Origin(
        ctx.name, "output", config.bidirectional, time_axis, padded=_over_padding(ctx, source)
    )
    tensors = {
        "output": Tensor(output, origin, batch_first=config.batch_first if batched else None)
    }
    return LayerOutcome({**tensors, **_states(config, ctx, expected)}, params)


def _states(config: RNNBaseConfig, ctx: LayerContext, shapes: list[Shape]) -> dict[str, Tensor]:
    stack = (2 if config.bidirectional else 1) * config.num_layers
    states = {}
    for name, state in zip(tensor_names(config)[1:], shapes, strict=True):
        states[name] = Tensor(
            state, Origin(ctx.name, name, config.bidirectional, None, stack=stack)
        )
    return states


def _over_padding(ctx: LayerContext, source: Source) -> Padded | None:
    """Set when the layer reads a padded batch (pad_packed_sequence's output, or a
    recurrent layer's over one), whose padding it then runs over."""
    origin = source.tensor.origin
    if origin is None or origin.padded is None:
        return None
    return Padded(ctx.name, None, ran_over_padding=True)


def _run_packed(
    config: RNNBaseConfig,
    ctx: LayerContext,
    source: Source,
    packed: Packed,
    shape: Shape,
    params: int,
) -> LayerOutcome:
    """A packed input: its data is (sum of lengths, input_size), whatever batch_first says,
    and the output is packed as it; the states have the batch of packed.batch sequences."""
    if len(shape) != 2:
        ctx.report_on(
            source,
            "LS302",
            f"{config.type} takes a packed sequence of 2-D data (sum of lengths, input_size), "
            f"packed from a 3-D batch; {ctx.name}'s input {source.text} has data "
            f"{format_shape(shape)}",
        )
        return LayerOutcome(_unknown(config, ctx, tensor_names(config)), params)
    _check_features(config, ctx, source, shape)
    expected = _state_shapes(config, packed.batch, True)
    _check_initial_states(config, ctx, expected, True)
    features = (2 if config.bidirectional else 1) * (_proj_size(config) or config.hidden_size)
    ran = Packed(
        packed.batch,
        packed.time,
        packed.lengths,
        packed.enforce_sorted,
        recurrent=ctx.name,
        bidirectional=config.bidirectional,
    )
    origin = Origin(ctx.name, "output", config.bidirectional)
    output = Tensor((shape[0], features), origin, packed=ran)
    return LayerOutcome({"output": output, **_states(config, ctx, expected)}, params)


def _unknown(config: RNNBaseConfig, ctx: LayerContext, names: tuple[str, ...]) -> dict[str, Tensor]:
    return {name: Tensor(None, Origin(ctx.name, name, config.bidirectional)) for name in names}


def _check_features(config: RNNBaseConfig, ctx: LayerContext, source: Source, shape: Shape) -> None:
    features = shape[-1]
    if not dims_conflict(config.input_size, features):
        return
    hint = None
    origin = source.tensor.origin
    if origin is not None and origin.bidirectional and features == 2 * config.input_size:
        hint = (
            f"{origin.layer} is bidirectional, so its output has 2 * hidden_size = {features} "
            f"features: set input_size: {features}"
        )
    ctx.report(
        "LS301",
        f"{ctx.name}.input_size is {config.input_size} but its input {source.text} has "
        f"{features} features (last dim of {format_shape(shape)})",
        "input_size",
        hint=hint or size_hint("input_size", features),
    )


def _state_shapes(config: RNNBaseConfig, batch: Dim, batched: bool) -> list[Shape]:
    directions = 2 if config.bidirectional else 1
    stack = directions * config.num_layers
    hidden = _proj_size(config) or config.hidden_size
    sizes = [hidden, config.hidden_size][: len(tensor_names(config)) - 1]
    return [(stack, batch, size) if batched else (stack, size) for size in sizes]


def _check_initial_states(
    config: RNNBaseConfig, ctx: LayerContext, expected: list[Shape], batched: bool
) -> None:
    states = ctx.states
    if states is None:
        return
    wanted = "(h_0, c_0)" if config.type == "LSTM" else "h_0"
    if len(states) != len(expected):
        ctx.report(
            "LS304",
            f"{ctx.name} takes {len(expected)} initial state(s), {wanted}, but "
            f"initial_state lists {len(states)}",
            "initial_state",
            hint=(
                "an LSTM starts from both states: initial_state: [ENC.h_n, ENC.c_n]"
                if config.type == "LSTM"
                else f"a {config.type} has one state: initial_state: ENC.h_n"
            ),
        )
        return
    state_names = ("h_0", "c_0")
    for index, (state, want) in enumerate(zip(states, expected, strict=True)):
        shape = state.tensor.shape
        if shape is None or not shapes_conflict(want, shape):
            continue
        size_name = "hidden_size"
        if index == 0 and _proj_size(config):
            size_name = "proj_size"
        layout = (
            f"(num_layers * num_directions, batch, {size_name})"
            if batched
            else f"(num_layers * num_directions, {size_name}) for unbatched input"
        )
        ctx.report_on(
            state,
            "LS303",
            f"{ctx.name}'s {state_names[index]} must be {format_shape(want)} = {layout}, "
            f"but initial_state[{index}] {state.text} is {format_shape(shape)}",
            hint=_state_hint(config, ctx, state, want, size_name, batched),
        )


def _state_hint(
    config: RNNBaseConfig,
    ctx: LayerContext,
    state: Source,
    want: Shape,
    size_name: str,
    batched: bool,
) -> str | None:
    """What differs between the state a layer takes and the one it is given, by dimension."""
    found = state.tensor.shape or ()
    if len(want) != len(found):
        return (
            "a batched (3-D) input takes 3-D states"
            if batched
            else "an unbatched (2-D) input takes 2-D states"
        )
    if batched and _batch_first(want, found):
        return (
            "the state has batch first: h_0 and c_0 stay (layers, batch, hidden) with batch_first"
        )
    differences = []
    if dims_conflict(want[0], found[0]):
        directions = 2 if config.bidirectional else 1
        stack = (
            f"the first dimension is num_layers * num_directions: {ctx.name} takes "
            f"{config.num_layers} * {directions} = {want[0]}, {state.text} has "
            f"{format_dim(found[0])}"
        )
        origin = state.tensor.origin
        if origin is not None and origin.bidirectional and not config.bidirectional:
            stack += (
                f" ({origin.layer} is bidirectional: its {origin.tensor} holds one state "
                "per layer and direction)"
            )
        differences.append(stack)
    if batched and dims_conflict(want[1], found[1]):
        differences.append(
            f"the second dimension is the batch: {ctx.name} reads {format_dim(want[1])}, "
            f"{state.text} has {format_dim(found[1])}"
        )
    if dims_conflict(want[-1], found[-1]):
        differences.append(
            f"the last dimension is {size_name}: {ctx.name} has {format_dim(want[-1])}, "
            f"{state.text} has {format_dim(found[-1])}"
        )
    return "; ".join(differences) or None


def _batch_first(want: Shape, found: Shape) -> bool:
    """Whether ``found`` is ``want`` with its first two dimensions swapped.

    The stack size must really sit second: a symbolic batch only "may equal"
    a number, and taking that for a swap once called a stack of 4 states
    where 2 were wanted a batch_first problem.
    """
    swapped = (found[1], found[0], *found[2:])
    return found[1] == want[0] != found[0] and not shapes_conflict(want, swapped)


def _mistake(draw: Draw, kind: str, hidden: int) -> dict[str, Any]:
    """Arguments torch rejects when it builds the layer, at a low rate."""
    if not draw.chance(0.08):
        return {}
    breaks: list[tuple[str, Any]] = [
        ("hidden_size", draw.rng.choice((0, -1))),
        ("input_size", 0),
        ("num_layers", 0),
        ("dropout", draw.rng.choice((-0.1, 1.5, "0.5"))),
        ("hidden_size", 2.5),
        ("batch_first", 1),
        ("bias", "yes"),
    ]
    if kind == "LSTM":
        breaks += [("proj_size", hidden), ("proj_size", hidden + 1), ("proj_size", -1)]
        breaks += [("nonlinearity", "tanh")]
    else:
        breaks += [("proj_size", draw.rng.choice((0, 1)))]
    if kind == "RNN":
        breaks += [("nonlinearity", draw.rng.choice(("sigmoid", "Tanh")))]
    key, value = draw.rng.choice(breaks)
    return {key: value}


def _sampler(kind: str) -> Sampler:
    """Every argument, drawn; ``given`` fixes batch_first and may fix the sizes
    (hidden_size, proj_size, num_layers, bidirectional) of a decoder that
    takes an encoder's states."""

    def draw(d: Draw) -> Sample:
        rng, given = d.rng, d.given
        if "hidden_size" in given:
            hidden, proj = given["hidden_size"], given.get("proj_size", 0)
            num_layers, bidirectional = given["num_layers"], given["bidirectional"]
        else:
            hidden = rng.randint(1, 8)
            with_proj = kind == "LSTM" and hidden > 1 and d.chance(0.3)
            proj = rng.randint(1, hidden - 1) if with_proj else 0
            num_layers = rng.choice((1, 1, 2, 3))
            bidirectional = d.chance(0.4)
        batch_first = bool(given.get("batch_first", False))
        args: dict[str, Any] = {"input_size": d.features, "hidden_size": hidden}
        if num_layers != 1 or d.chance(0.2):
            args["num_layers"] = num_layers
        if bidirectional or d.chance(0.2):
            args["bidirectional"] = bidirectional
        if batch_first or d.chance(0.2):
            args["batch_first"] = batch_first
        if d.chance(0.2):
            args["bias"] = d.chance(0.5)
        if d.chance(0.25):
            args["dropout"] = rng.choice((0.0, 0.1, 0.5, 1, 1.0))
        if proj or (kind == "LSTM" and d.chance(0.05)):
            args["proj_size"] = proj
        if kind == "RNN" and d.chance(0.5):
            args["nonlinearity"] = rng.choice(("tanh", "relu"))
        features = (2 if bidirectional else 1) * (proj or hidden)
        return Sample(args, features, _mistake(d, kind, hidden))

    return Sampler("recurrent", draw)


def costs(config: RNNBaseConfig, shapes: CostShapes) -> Costs:
    """Every step of every layer and direction: (L, N, H_in) runs N*L steps, (L, H_in) L."""
    directions = 2 if config.bidirectional else 1
    proj = _proj_size(config)
    h_out = proj or config.hidden_size
    bias_vectors = 2 if config.bias else 0  # torch adds b_ih and b_hh

    def layer(features: int) -> Costs:
        one = recurrent_step(
            config.type,
            config.hidden_size,
            features,
            h_out,
            bias_vectors=bias_vectors,
            projection=proj,
        )
        return scaled(one, directions)

    later = scaled(layer(directions * h_out), config.num_layers - 1)
    return scaled(added(layer(config.input_size), later), rows(shapes.input))


_SEQUENCE: Shapes = {"x": ["B", "T", 8]}


@layer_type(
    "torch",
    "LSTM",
    LSTMConfig,
    check=check_arguments,
    cost=costs,
    tensors=tensor_names,
    returns="output, (h_n, c_n)",
    reads_packed=True,
    tensors_doc="`output`, `h_n`, `c_n`",
    lint_invalid=_lint_invalid(LSTMConfig),
    examples=(
        Example(
            _SEQUENCE,
            {"input_size": 8, "hidden_size": 16, "batch_first": True},
            {"output": ["B", "T", 16], "h_n": [1, "B", 16], "c_n": [1, "B", 16]},
            params=1664,
        ),
        Example(
            {"x": ["T", "B", 8]},
            {
                "input_size": 8,
                "hidden_size": 16,
                "proj_size": 4,
                "num_layers": 2,
                "bidirectional": True,
            },
            {"output": ["T", "B", 8], "h_n": [4, "B", 4], "c_n": [4, "B", 16]},
            params=3840,
        ),
    ),
    failing=(
        Failing(_SEQUENCE, {"input_size": 4, "hidden_size": 16, "batch_first": True}, "LS301"),
    ),
    foreign_types={
        "Bidirectional": "torch has no Bidirectional wrapper; set bidirectional: true on the layer"
    },
    sample=_sampler("LSTM"),
)
def lstm(config: LSTMConfig, ctx: LayerContext) -> LayerOutcome:
    """A stack of LSTM layers: `output`, and the final states `h_n` and `c_n`.

    With D = 2 if bidirectional else 1 and H_out = proj_size or hidden_size, a
    batched input (N, L, input_size) with batch_first, else (L, N,
    input_size), gives output (N, L, D*H_out) or (L, N, D*H_out), h_n
    (D*num_layers, N, H_out) and c_n (D*num_layers, N, hidden_size), whatever
    batch_first says.  An unbatched input (L, input_size) gives output
    (L, D*H_out), h_n (D*num_layers, H_out) and c_n (D*num_layers,
    hidden_size).  initial_state is [h_0, c_0], shaped as h_n and c_n.

    Parameters per layer and direction: 4*hidden_size*(layer input + H_out)
    weights, two bias vectors of 4*hidden_size, and proj_size*hidden_size for
    the projection; the first layer's input is input_size, later ones' D*H_out.
    """
    return propagate(config, ctx)


@layer_type(
    "torch",
    "GRU",
    GRUConfig,
    check=check_arguments,
    cost=costs,
    tensors=tensor_names,
    reads_packed=True,
    tensors_doc="`output`, `h_n`",
    lint_invalid=_lint_invalid(GRUConfig),
    examples=(
        Example(
            {"x": ["T", "B", 8]},
            {"input_size": 8, "hidden_size": 16, "bidirectional": True},
            {"output": ["T", "B", 32], "h_n": [2, "B", 16]},
            params=2496,
        ),
    ),
    failing=(
        Failing(
            {"x": ["T", "B", 8], "h0": [1, "B", 16]},
            {
                "input": "x",
                "input_size": 8,
                "hidden_size": 16,
                "bidirectional": True,
                "initial_state": "h0",
            },
            "LS303",
        ),
    ),
    sample=_sampler("GRU"),
)
def gru(config: GRUConfig, ctx: LayerContext) -> LayerOutcome:
    """A stack of GRU layers: `output` and the final state `h_n`.

    Shapes as LSTM's without c_n and without a projection; initial_state is
    h_0, shaped as h_n.  Parameters per layer and direction:
    3*hidden_size*(layer input + hidden_size) weights and two bias vectors of
    3*hidden_size.
    """
    return propagate(config, ctx)


@layer_type(
    "torch",
    "RNN",
    RNNConfig,
    check=check_arguments,
    cost=costs,
    tensors=tensor_names,
    reads_packed=True,
    tensors_doc="`output`, `h_n`",
    note="(`nonlinearity` is `tanh` or `relu`)",
    lint_invalid=_lint_invalid(RNNConfig),
    examples=(
        Example(
            _SEQUENCE,
            {"input_size": 8, "hidden_size": 16, "batch_first": True, "nonlinearity": "relu"},
            {"output": ["B", "T", 16], "h_n": [1, "B", 16]},
            params=416,
        ),
    ),
    failing=(
        Failing(
            _SEQUENCE, {"input_size": 8, "hidden_size": 16, "nonlinearity": "sigmoid"}, "LS108"
        ),
    ),
    foreign_types={"SimpleRNN": "SimpleRNN is Keras's; torch's is RNN"},
    sample=_sampler("RNN"),
)
def rnn(config: RNNConfig, ctx: LayerContext) -> LayerOutcome:
    """A stack of Elman RNN layers (tanh or relu): `output` and the final state `h_n`.

    Shapes as GRU's.  Parameters per layer and direction:
    hidden_size*(layer input + hidden_size) weights and two bias vectors of
    hidden_size.
    """
    return propagate(config, ctx)
