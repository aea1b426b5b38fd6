"""keras.layers.ConvLSTM1D, ConvLSTM2D and ConvLSTM3D: an LSTM whose gates are convolutions.

A ConvLSTM2D reads a sequence of images, (batch, timesteps, rows, cols,
channels), and at each step convolves the image (its kernel, strides,
padding and dilation_rate, as Conv2D does) and its state (the same kernel
size, padding ``same``, stride 1) into the four gates of an LSTM.  Its
state is an image of ``filters`` channels, whose rows and cols shrink as
Conv2D's would: ``valid`` kernel 3 on 16 x 12 leaves 14 x 10.  ConvLSTM1D
and ConvLSTM3D do the same over one and three spatial dimensions.

* output: (batch, timesteps, rows', cols', filters) with return_sequences,
  else (batch, rows', cols', filters); with return_state the states
  ``state_h`` and ``state_c`` follow, each (batch, rows', cols', filters).
  data_format channels_first reads (batch, timesteps, channels, rows, cols)
  and puts filters before rows'.
* parameters: 4*filters*(prod(kernel_size)*channels + prod(kernel_size)*filters),
  plus 4*filters with use_bias.

Keras (3.15.1) needs the channels and every spatial dimension as numbers
when it builds the layer (a symbol is a size ``keras.Input`` leaves open, as
for every Keras kernel); the batch and the timesteps may be symbols, and
stay as written.  It checks initial states
and masks only when the model runs: a wrong count of states, a state of
another shape, or a Masking layer's mask (one entry per pixel, not per
timestep) fails then, unless it fits each step's output (see
:func:`masked_by_layer`).  lstmshape asks for states of exactly the
state's shape, though Keras runs some others (an ``h`` with a multiple of
filters channels, as a grouped convolution; a ``c`` of one channel,
broadcast).
The call's ``mask:`` (batch, timesteps) works as on LSTM.

Bidirectional runs each direction by :func:`run`, :func:`check_state_shapes`
and :func:`masked_by_layer`, which this module registers in
:data:`.directions.DIRECTIONS`: concat joins the last axis, so with
channels_first the columns double, not the filters.
"""

from __future__ import annotations

from collections.abc import Callable
from math import prod
from typing import Any, Literal, TypeVar

from lstmshape.costs import Costs, CostShapes, numel, size
from lstmshape.engine.tensors import LayerContext, LayerOutcome, Origin, Source, Tensor
from lstmshape.frameworks import cost_rules
from lstmshape.frameworks.keras.base import KerasArgs, StatefulLayer
from lstmshape.frameworks.keras.checks import check_activation, check_clipped
from lstmshape.frameworks.keras.conv import Windows, check_strided_dilation, windows
from lstmshape.frameworks.keras.directions import DIRECTIONS, Direction
from lstmshape.frameworks.keras.recurrent import (
    LoopArgs,
    Run,
    check_masked_unroll,
    check_state_count,
    check_stateful_batch,
    with_call_mask,
)
from lstmshape.frameworks.keras.windows import (
    WindowArgs,
    arrange,
    check_rank,
    check_steps,
    layout,
    output_length,
    rank_error,
)
from lstmshape.frameworks.layer_type import (
    Draw,
    Example,
    Failing,
    Infer,
    Sample,
    Sampler,
    Shapes,
    layer_type,
)
from lstmshape.shapes import Dim, Shape, format_shape, shapes_conflict, subtract_dims

DataFormat = Literal["channels_last", "channels_first"] | None
_STATES = ("state_h", "state_c")
RANKS = {"ConvLSTM1D": 1, "ConvLSTM2D": 2, "ConvLSTM3D": 3}
_LAYOUTS = {
    1: "(batch, timesteps, steps, channels)",
    2: "(batch, timesteps, rows, cols, channels)",
    3: "(batch, timesteps, depth, rows, cols, channels)",
}


class _WindowFields(WindowArgs):
    filters: int
    kernel_size: int | list[int]
    strides: int | list[int] = 1
    padding: Literal["valid", "same"] = "valid"
    data_format: DataFormat = None
    dilation_rate: int | list[int] = 1


class _ConvLSTMArgs(LoopArgs, _WindowFields):
    """The window's arguments first, then the loop's (LSTM's), then the LSTM gates'."""

    recurrent_activation: str | None = "sigmoid"
    unit_forget_bias: bool = True
    kernel_constraint: str | None = None
    recurrent_constraint: str | None = None
    bias_constraint: str | None = None


class ConvLSTM1DArgs(_ConvLSTMArgs):
    type: Literal["ConvLSTM1D"]


class ConvLSTM2DArgs(_ConvLSTMArgs):
    type: Literal["ConvLSTM2D"]


class ConvLSTM3DArgs(_ConvLSTMArgs):
    type: Literal["ConvLSTM3D"]


class ConvLSTM1DConfig(StatefulLayer, ConvLSTM1DArgs):
    type: Literal["ConvLSTM1D"]


class ConvLSTM2DConfig(StatefulLayer, ConvLSTM2DArgs):
    type: Literal["ConvLSTM2D"]


class ConvLSTM3DConfig(StatefulLayer, ConvLSTM3DArgs):
    type: Literal["ConvLSTM3D"]


AnyConvLSTM = ConvLSTM1DArgs | ConvLSTM2DArgs | ConvLSTM3DArgs


def tensor_names(config: AnyConvLSTM) -> tuple[str, ...]:
    return ("output", *_STATES) if config.return_state else ("output",)


def _windows(config: AnyConvLSTM, ctx: LayerContext) -> Windows | None:
    return windows(config, ctx, RANKS[config.type])


def check_arguments(config: AnyConvLSTM, ctx: LayerContext) -> bool:
    """The checks of Keras's constructor (and of its build, for a negative filters)."""
    valid = _check_filters(config, ctx)
    found = _windows(config, ctx)
    if found is None:
        valid = False
    else:
        strides_and_dilation = "Specifying `strides > 1` is not compatible with `dilation_rate > 1`"
        valid = check_strided_dilation(config, ctx, found, strides_and_dilation) and valid
    valid = check_activation(ctx, "activation", config.activation) and valid
    valid = check_activation(ctx, "recurrent_activation", config.recurrent_activation) and valid
    check_clipped(ctx, "dropout", config.dropout)
    check_clipped(ctx, "recurrent_dropout", config.recurrent_dropout)
    return valid


def _check_filters(config: AnyConvLSTM, ctx: LayerContext) -> bool:
    """Keras's constructor takes any filters: a negative one fails when the layer is built,
    zero only when the model runs (torch refuses a convolution of no channels)."""
    if config.filters > 0:
        return True
    keras = (
        "Keras builds the model and fails when it runs (RuntimeError: expected weight to be "
        "at least 1 at dimension 0)"
        if config.filters == 0
        else "Keras raises ValueError: Negative dimensions are not allowed"
    )
    ctx.report(
        "LS108",
        f"{ctx.label('filters')} must be a positive integer, found {config.filters} ({keras})",
        "filters",
    )
    return False


def _step_shape(
    config: AnyConvLSTM, ctx: LayerContext, source: Source, shape: Shape
) -> Shape | None:
    """One step's output and states, (batch, rows', cols', filters); None (reported) if Keras
    cannot build the layer on ``shape``."""
    spatial, channels = layout(shape[1:], config.data_format)  # the timesteps in the batch's place
    open_sizes = [d for d in spatial if not isinstance(d, int)]
    if not isinstance(channels, int) or open_sizes:
        which = "the channels" if not isinstance(channels, int) else "a spatial dimension"
        size = channels if not isinstance(channels, int) else open_sizes[0]
        known = "unknown" if size is None else f"{size}, not one number"
        keras = (
            "The channel dimension of the inputs (last axis) should be defined"
            if not isinstance(channels, int)
            else "ConvLSTM layers only support static input shapes for the spatial dimension"
        )
        ctx.report_on(
            source,
            "LS308",
            f"{ctx.name} ({config.type}) needs a number for every dimension of its input but "
            f"the batch and the timesteps; {which} of {source.describe()} is {known} (Keras has "
            f"no symbols, and raises ValueError: {keras})",
            hint="give the dimension a number in inputs: or input_shape:",
        )
        return None
    out = step_spatial(config, shape)
    if not check_steps(ctx, source, out, "kernel"):
        return None
    return arrange(shape[0], out, config.filters, config.data_format)


def step_spatial(config: AnyConvLSTM, shape: Shape) -> list[Dim]:
    """The spatial sizes of one step's output on an input of ``shape`` (arguments checked)."""
    spatial, _ = layout(shape[1:], config.data_format)  # the timesteps in the batch's place
    rank = RANKS[config.type]
    windows = zip(
        spatial,
        cost_rules.sizes(config.kernel_size, rank),
        cost_rules.sizes(config.strides, rank),
        cost_rules.sizes(config.dilation_rate, rank),
        strict=True,
    )
    return [
        output_length(length, window, stride, rate, config.padding)
        for length, window, stride, rate in windows
    ]


def parameter_count(config: AnyConvLSTM, channels: Dim) -> int | None:
    """Four gates, each a kernel over the input and one over the state, and one bias."""
    if not isinstance(channels, int):
        return None
    kernel = prod(cost_rules.sizes(config.kernel_size, RANKS[config.type]))
    bias = 4 * config.filters if config.use_bias else 0
    return 4 * config.filters * (kernel * channels + kernel * config.filters) + bias


def _check_states(config: AnyConvLSTM, ctx: LayerContext, states: list[Source], ran: Run) -> None:
    owner = f"{ctx.name} ({config.type})"
    if check_state_count(ctx, states, config, list(_STATES), owner):
        check_state_shapes(config, ctx, states, ran, list(_STATES))


def check_state_shapes(
    config: AnyConvLSTM,
    ctx: LayerContext,
    states: list[Source],
    ran: Run,
    labels: list[str],
    offset: int = 0,
) -> None:
    """Each state given against the shape of one step's output; ``labels`` name the
    states (Bidirectional's ``forward_h``...), from ``initial_state[offset]`` on."""
    step = ran.states[0]
    for index, (label, state) in enumerate(zip(labels, states, strict=False)):
        shape = state.tensor.shape
        if shape is None or not shapes_conflict(step, shape):
            continue
        ctx.report_on(
            state,
            "LS303",
            f"initial state {label} of {ctx.name} ({config.type}, filters: {config.filters}) "
            f"must be {format_shape(step)}, the shape of one step's output, but "
            f"initial_state[{offset + index}] {state.text} is {format_shape(shape)}: Keras "
            "builds the model and fails when it runs",
            hint=f"a state of {config.type} is its output of one step, {format_shape(step)}",
        )


def masked_by_layer(config: AnyConvLSTM, ctx: LayerContext, source: Source, ran: Run) -> bool:
    """Whether a mask of more than (batch, timesteps) fails the loop (reported if it does).

    A Masking layer over frames makes one entry per vector of the last axis,
    (batch, timesteps, rows, cols) over (batch, timesteps, rows, cols,
    channels).  Measured (Keras 3.15.1, torch backend): with unroll it fails
    unless each step's entries are all 1; else each step's mask, padded with
    axes of 1 to the step's output, is broadcast with it, which fails where
    two sizes differ and neither is 1, and returns another shape than Keras
    declares where the output's is 1 and the mask's not.  With initial states
    Keras does not hand the loop the mask.
    """
    mask = source.tensor.mask
    if mask is None or mask.shape is None or len(mask.shape) <= 2 or ctx.states is not None:
        return False
    step = ran.states[0]
    entries = list(mask.shape[2:])
    entries += [1] * (len(step) - 1 - len(entries))
    problem = None
    if config.unroll and any(entry != 1 for entry in entries):
        problem = "with unroll: true Keras cannot apply it"  # entries of 1 broadcast (measured)
    for entry, length in zip(entries, step[1:], strict=False):
        if problem is not None:
            break
        if entry == 1 or subtract_dims(entry, length) == 0:
            continue
        problem = (
            f"its {format_shape(tuple(entries))} entries a step do not broadcast to the step's "
            f"output {format_shape(step[1:])}"
            if length != 1
            else f"its {format_shape(tuple(entries))} entries a step widen the step's output "
            f"{format_shape(step[1:])}: Keras returns another shape than it declares"
        )
    if problem is None:
        return False
    ctx.report(
        "LS318",
        f"{ctx.name} ({config.type}) reads a mask from {mask.layer} ({mask.maker}) of shape "
        f"{format_shape(mask.shape)}, one entry per pixel, not per timestep, and {problem}; "
        "Keras builds the model and fails (or computes other shapes) when it runs",
        hint=f"pass a (batch, timesteps) mask as the call's mask:, or remove {mask.remedy}",
    )
    return True


def run(config: AnyConvLSTM, ctx: LayerContext, source: Source) -> Run | None:
    """The output, states and parameters ``config`` makes from ``source``, before its mask
    and initial states; None (reported) if Keras would raise.  Bidirectional runs each
    direction through it."""
    shape = source.tensor.shape
    if shape is None:
        return None
    rank = RANKS[config.type] + 3
    keras = rank_error(rank, len(shape), weights=False)
    described = _LAYOUTS[RANKS[config.type]]
    if not check_rank(ctx, source, shape, rank, config.type, keras, described):
        return None
    step = _step_shape(config, ctx, source, shape)
    if step is None or not check_stateful_batch(config, ctx, source):
        return None
    params = parameter_count(config, layout(shape[1:], config.data_format)[1])
    output = (shape[0], shape[1], *step[1:]) if config.return_sequences else step
    return Run(output, [step, step], shape[0], params)


def propagate(config: AnyConvLSTM, ctx: LayerContext) -> LayerOutcome:
    """Shapes, states and parameters of a config :func:`check_arguments` accepted."""
    names = tensor_names(config)
    unknown = LayerOutcome({name: Tensor(None) for name in names}, None)
    source = ctx.inputs[0]
    ran = run(config, ctx, source)
    if ran is None:
        return unknown
    if ctx.states is not None:
        _check_states(config, ctx, ctx.states, ran)
    masked = with_call_mask(ctx, source)
    if masked is None or masked_by_layer(config, ctx, masked, ran):
        return LayerOutcome(unknown.tensors, ran.params)
    check_masked_unroll(config, ctx, masked, config.go_backwards)
    origin = Origin(ctx.name, "output", False, 1 if config.return_sequences else None, "keras")
    mask = masked.tensor.mask if config.return_sequences else None
    tensors = {"output": Tensor(ran.output, origin, mask=mask)}
    for name, state in zip(names[1:], ran.states, strict=False):
        tensors[name] = Tensor(state, Origin(ctx.name, name, framework="keras"))
    return LayerOutcome(tensors, ran.params)


def output_sizes(config: AnyConvLSTM) -> tuple[Any, ...]:
    """What sizes the output: two layers that differ here may return other shapes."""
    rank = RANKS[config.type]
    windows = (config.kernel_size, config.strides, config.dilation_rate)
    return (
        config.type,
        config.filters,
        *(cost_rules.sizes(value, rank) for value in windows),
        config.padding,
        config.data_format or "channels_last",
    )


DIRECTIONS.update(
    dict.fromkeys(
        RANKS,
        Direction(
            run,
            check_state_shapes,
            masked_by_layer,
            "filters",
            "filters and window",
            output_sizes,
        ),
    )
)


def costs(config: AnyConvLSTM, shapes: CostShapes) -> Costs:
    """At each step and output position: the four gates' input and state convolutions
    (prod(kernel_size) * (channels + filters) products per gate channel), one bias, and the
    LSTM's nonlinearities and elementwise operations on filters values."""
    _, channels = layout(shapes.input[1:], config.data_format)
    spatial = step_spatial(config, shapes.input)  # not the output's: Bidirectional merges it
    kernel = prod(cost_rules.sizes(config.kernel_size, RANKS[config.type]))
    one = cost_rules.recurrent_step(
        "LSTM",
        config.filters,
        size(channels) * kernel,
        kernel * config.filters,
        bias_vectors=1 if config.use_bias else 0,
    )
    return cost_rules.scaled(one, numel((shapes.input[0], shapes.input[1], *spatial)))


_ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear", None)
_MISTAKES: tuple[dict[str, Any], ...] = (
    {"filters": -1},
    {"kernel_size": 0},
    {"strides": 2, "dilation_rate": 2},
    {"activation": "foo"},
    {"recurrent_activation": "Tanh"},
    {"padding": "causal"},
    {"groups": 2},
    {"implementation": 2},
)


def _sample(draw: Draw) -> Sample:
    """Small windows over (batch, timesteps, *spatial, channels) of rank ``draw.rank``.

    ``given`` fixes filters, return_sequences, return_state and data_format, and
    says whether every spatial size is a number (``sized``): over a symbol the
    window is one wide or padded ``same``, since a symbol may be as small as 2;
    behind a Masking layer (``masked``) it keeps the frames' size.
    Mistakes: arguments Keras rejects (or does not know), at a low rate.
    """
    rng, given = draw.rng, draw.given
    filters = given.get("filters") or rng.randint(1, 4)
    args: dict[str, Any] = {"filters": filters, "kernel_size": rng.randint(1, 3)}
    if draw.chance(0.15):
        args["kernel_size"] = [rng.randint(1, 3) for _ in range(draw.rank - 3)]
    if draw.chance(0.6):
        args["padding"] = rng.choice(("same", "valid"))
    if draw.chance(0.25):
        args["strides"] = rng.randint(1, 2)
    elif draw.chance(0.2):
        args["dilation_rate"] = rng.randint(1, 2)
    kernel = args["kernel_size"]
    widest = max(kernel) if isinstance(kernel, list) else kernel
    span = args.get("dilation_rate", 1) * (widest - 1) + 1
    if span > 1 and args.get("padding", "valid") == "valid" and not given.get("sized"):
        args["padding"] = "same"
    if given.get("masked"):  # a Masking layer's mask fits only frames of the input's size
        args["padding"] = "same"
        args.pop("strides", None)
    for key in ("return_sequences", "return_state"):
        if given.get(key) or draw.chance(0.1):
            args[key] = bool(given.get(key))
    if given.get("data_format"):
        args["data_format"] = given["data_format"]
    if draw.chance(0.15):
        args["activation"] = rng.choice(_ACTIVATIONS)
    if draw.chance(0.1):
        args["recurrent_activation"] = rng.choice(("sigmoid", "hard_sigmoid", "relu"))
    if draw.chance(0.15):
        args["use_bias"] = draw.chance(0.5)
    for key in ("go_backwards", "unroll"):
        if draw.chance(0.08):
            args[key] = draw.chance(0.6)
    if draw.chance(0.05):
        args[rng.choice(("dropout", "recurrent_dropout"))] = rng.choice((0.2, 1.5, -0.1))
    if draw.chance(0.03):
        args["stateful"] = True
    mistake = rng.choice(_MISTAKES) if draw.chance(0.04) else {}
    return Sample(args, filters, mistake)


_VIDEO: Shapes = {"x": ["B", "T", 16, 12, 3]}
_DOC = "`output`; with `return_state: true` also `state_h`, `state_c`"
_WRAPPERS = ("Bidirectional", "TimeDistributed")
_FOREIGN_KEYS = {
    "units": "a ConvLSTM's state has filters channels, each from a kernel_size window: "
    "write filters",
    "out_channels": "out_channels is torch's name; Keras calls it filters",
    "hidden_size": "hidden_size is torch's name; a ConvLSTM's state has filters channels",
    "stride": "stride is torch's name; Keras calls it strides",
    "dilation": "dilation is torch's name; Keras calls it dilation_rate",
}


_ConvLSTM = TypeVar("_ConvLSTM", bound=ConvLSTM1DConfig | ConvLSTM2DConfig | ConvLSTM3DConfig)


def _conv_lstm_type(
    name: str,
    config: type[_ConvLSTM],
    wrapped: type[KerasArgs],
    *,
    examples: tuple[Example, ...],
    failing: tuple[Failing, ...],
) -> Callable[[Infer[_ConvLSTM]], Infer[_ConvLSTM]]:
    """Declares a ConvLSTM type: only its rank's configs and examples differ."""
    return layer_type(
        "keras",
        name,
        config,
        cost=costs,
        check=check_arguments,
        tensors=tensor_names,
        tensors_doc=_DOC,
        wrapped_config=wrapped,
        wrappers=_WRAPPERS,
        tensor_args=("mask",),
        examples=examples,
        failing=failing,
        foreign_keys=_FOREIGN_KEYS,
        sample=Sampler("video", _sample),
    )


@_conv_lstm_type(
    "ConvLSTM1D",
    ConvLSTM1DConfig,
    ConvLSTM1DArgs,
    examples=(
        Example(
            {"x": ["B", "T", 16, 3]},
            {"filters": 4, "kernel_size": 3, "return_state": True},
            {"output": ["B", 14, 4], "state_h": ["B", 14, 4], "state_c": ["B", 14, 4]},
            params=352,
        ),
        Example(
            {"x": ["B", "T", 16, 3]},
            {"filters": 4, "kernel_size": 3, "return_sequences": True},
            {"output": ["B", "T", 14, 4]},
            params=352,
        ),
    ),
    failing=(Failing(_VIDEO, {"filters": 4, "kernel_size": 3}, "LS302"),),
)
def conv_lstm1d(config: ConvLSTM1DConfig, ctx: LayerContext) -> LayerOutcome:
    """ConvLSTM2D over one spatial dimension: (batch, timesteps, steps, channels).

    output (batch, steps', filters), or (batch, timesteps, steps', filters) with
    return_sequences; steps' as Conv1D's (padding valid or same).  Parameters
    4*filters*(kernel_size*channels + kernel_size*filters) + 4*filters.
    """
    return propagate(config, ctx)


@_conv_lstm_type(
    "ConvLSTM2D",
    ConvLSTM2DConfig,
    ConvLSTM2DArgs,
    examples=(
        Example(
            _VIDEO,
            {"filters": 8, "kernel_size": 3, "return_sequences": True},
            {"output": ["B", "T", 14, 10, 8]},
            params=3200,
        ),
        Example(
            {"x": ["B", "T", 9, 12, 3]},
            {"filters": 8, "kernel_size": [3, 5], "padding": "same", "return_state": True},
            {
                "output": ["B", 9, 12, 8],
                "state_h": ["B", 9, 12, 8],
                "state_c": ["B", 9, 12, 8],
            },
            params=5312,
        ),
        Example(
            {"x": ["B", "T", 3, 16, 12]},
            {
                "filters": 2,
                "kernel_size": 3,
                "strides": 2,
                "use_bias": False,
                "data_format": "channels_first",
            },
            {"output": ["B", 2, 7, 5]},
            params=360,
        ),
        Example(
            _VIDEO,
            {"filters": 4, "kernel_size": 3, "dilation_rate": 2},
            {"output": ["B", 12, 8, 4]},
            params=1024,
        ),
        Example(
            {"x": ["B", "T", 16, 12, 3], "h": ["B", 14, 10, 8], "c": ["B", 14, 10, 8]},
            {"input": "x", "filters": 8, "kernel_size": 3, "initial_state": ["h", "c"]},
            {"output": ["B", 14, 10, 8]},
            params=3200,
        ),
    ),
    failing=(
        Failing({"x": ["B", 16, 12, 3]}, {"filters": 8, "kernel_size": 3}, "LS302"),
        Failing(_VIDEO, {"filters": 8, "kernel_size": 3, "groups": 2}, "LS101"),
        Failing(_VIDEO, {"filters": 8, "kernel_size": 3, "padding": "causal"}, "LS103"),
        Failing(
            _VIDEO, {"filters": 8, "kernel_size": 3, "strides": 2, "dilation_rate": 2}, "LS108"
        ),
        Failing(_VIDEO, {"filters": 8, "kernel_size": 17}, "LS320"),
        Failing({"x": ["B", "T", None, 12, 3]}, {"filters": 8, "kernel_size": 3}, "LS308"),
        Failing(
            {"x": ["B", "T", 16, 12, 3], "h": ["B", 16, 12, 8], "c": ["B", 14, 10, 8]},
            {"input": "x", "filters": 8, "kernel_size": 3, "initial_state": ["h", "c"]},
            "LS303",
        ),
        Failing(
            {"x": ["B", "T", 16, 12, 3], "h": ["B", 14, 10, 8]},
            {"input": "x", "filters": 8, "kernel_size": 3, "initial_state": ["h"]},
            "LS304",
        ),
    ),
)
def conv_lstm2d(config: ConvLSTM2DConfig, ctx: LayerContext) -> LayerOutcome:
    """An LSTM over (batch, timesteps, rows, cols, channels) whose gates are convolutions.

    output (batch, rows', cols', filters), or (batch, timesteps, rows', cols',
    filters) with return_sequences; rows' and cols' as Conv2D's (padding valid
    or same; strides and dilation_rate not both above 1).  With return_state
    also state_h and state_c, each (batch, rows', cols', filters); initial_state
    is [h, c] of that shape.  data_format channels_first reads (batch, timesteps,
    channels, rows, cols).  Parameters 4*filters*(prod(kernel_size)*channels +
    prod(kernel_size)*filters) + 4*filters; no bias without use_bias.  Every
    dimension but the batch and the timesteps must be a number (Keras builds
    the states' shape from them).
    """
    return propagate(config, ctx)


@_conv_lstm_type(
    "ConvLSTM3D",
    ConvLSTM3DConfig,
    ConvLSTM3DArgs,
    examples=(
        Example(
            {"x": ["B", "T", 5, 6, 7, 3]},
            {"filters": 4, "kernel_size": 3, "return_sequences": True},
            {"output": ["B", "T", 3, 4, 5, 4]},
            params=3040,
        ),
    ),
    failing=(Failing(_VIDEO, {"filters": 4, "kernel_size": 3}, "LS302"),),
)
def conv_lstm3d(config: ConvLSTM3DConfig, ctx: LayerContext) -> LayerOutcome:
    """ConvLSTM2D over three spatial dimensions: (batch, timesteps, depth, rows, cols, channels).

    Shapes as Conv3D's at each step; parameters 4*filters*(prod(kernel_size)*channels
    + prod(kernel_size)*filters) + 4*filters.
    """
    return propagate(config, ctx)
