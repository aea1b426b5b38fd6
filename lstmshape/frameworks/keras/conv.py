"""keras.layers.Conv1D, Conv2D, Conv3D and SeparableConv1D: learned windows over steps (or pixels).

Shapes follow :mod:`lstmshape.frameworks.keras.windows`: the spatial
dimensions shrink as the window says and the channels become ``filters``.
Keras checks most arguments when it constructs the layer (a size of 0,
``strides > 1`` with ``dilation_rate > 1``, ``filters`` not divisible by
``groups``, ``causal`` padding anywhere but in Conv1D) and the channels when
it builds the kernel (unknown, or not divisible by ``groups``).
"""

from __future__ import annotations

from math import prod
from typing import Any, Literal, Protocol

from lstmshape.costs import ZERO, Costs, CostShapes, numel, size
from lstmshape.engine.tensors import LayerContext, LayerOutcome, Tensor
from lstmshape.frameworks import cost_rules
from lstmshape.frameworks.keras.base import KerasLayer
from lstmshape.frameworks.keras.checks import check_activation, check_positive
from lstmshape.frameworks.keras.windows import (
    WindowArgs,
    arrange,
    check_rank,
    check_steps,
    drop_mask,
    layout,
    output_length,
    rank_error,
    spatial,
)
from lstmshape.frameworks.layer_type import Draw, Example, Failing, Sample, Sampler, layer_type
from lstmshape.shapes import Dim, format_shape

DataFormat = Literal["channels_last", "channels_first"] | None


class _ConvArgs(WindowArgs):
    filters: int
    kernel_size: int | list[int]
    strides: int | list[int] = 1
    data_format: DataFormat = None
    dilation_rate: int | list[int] = 1
    activation: str | None = None
    use_bias: bool = True
    kernel_initializer: str = "glorot_uniform"
    bias_initializer: str = "zeros"
    kernel_regularizer: str | None = None
    bias_regularizer: str | None = None
    activity_regularizer: str | None = None
    kernel_constraint: str | None = None
    bias_constraint: str | None = None
    trainable: bool = True
    dtype: str | None = None


class Conv1DArgs(_ConvArgs):
    type: Literal["Conv1D"]
    padding: Literal["valid", "same", "causal"] = "valid"
    groups: int = 1


class Conv1DConfig(KerasLayer, Conv1DArgs):
    type: Literal["Conv1D"]


class Conv2DArgs(_ConvArgs):
    type: Literal["Conv2D"]
    padding: Literal["valid", "same"] = "valid"
    groups: int = 1


class Conv2DConfig(KerasLayer, Conv2DArgs):
    type: Literal["Conv2D"]


class Conv3DArgs(_ConvArgs):
    type: Literal["Conv3D"]
    padding: Literal["valid", "same"] = "valid"
    groups: int = 1


class Conv3DConfig(KerasLayer, Conv3DArgs):
    type: Literal["Conv3D"]


class SeparableConv1DArgs(_ConvArgs):
    type: Literal["SeparableConv1D"]
    padding: Literal["valid", "same"] = "valid"
    depth_multiplier: int = 1
    depthwise_initializer: str = "glorot_uniform"
    pointwise_initializer: str = "glorot_uniform"
    depthwise_regularizer: str | None = None
    pointwise_regularizer: str | None = None
    depthwise_constraint: str | None = None
    pointwise_constraint: str | None = None


class SeparableConv1DConfig(KerasLayer, SeparableConv1DArgs):
    type: Literal["SeparableConv1D"]


AnyConv = Conv1DArgs | Conv2DArgs | Conv3DArgs | SeparableConv1DArgs
_RANKS = {"Conv1D": 1, "Conv2D": 2, "Conv3D": 3, "SeparableConv1D": 1}
Windows = tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]
"""kernel_size, strides and dilation_rate, one integer per spatial dimension."""
STRIDES_AND_DILATION = "`strides > 1` not supported in conjunction with `dilation_rate > 1`"


class Windowed(Protocol):
    """What a convolution over ``rank`` spatial dimensions is given (Conv, ConvLSTM)."""

    @property
    def kernel_size(self) -> int | list[int]: ...
    @property
    def strides(self) -> int | list[int]: ...
    @property
    def dilation_rate(self) -> int | list[int]: ...


def windows(config: Windowed, ctx: LayerContext, rank: int) -> Windows | None:
    """The kernel's sizes, strides and dilation per dimension; None (reported) if invalid."""
    kernel = spatial(ctx, "kernel_size", config.kernel_size, rank)
    strides = spatial(ctx, "strides", config.strides, rank)
    dilation = spatial(ctx, "dilation_rate", config.dilation_rate, rank)
    if kernel is None or strides is None or dilation is None:
        return None
    return kernel, strides, dilation


def check_strided_dilation(
    config: Windowed, ctx: LayerContext, found: Windows, keras: str = STRIDES_AND_DILATION
) -> bool:
    """Keras takes strides or dilation_rate above 1, not both; ``keras`` is its error."""
    _, strides, dilation = found
    if max(strides) > 1 and max(dilation) > 1:
        ctx.report(
            "LS108",
            f"{ctx.name} has strides {config.strides} and dilation_rate "
            f"{config.dilation_rate}; Keras takes one or the other above 1 (Keras raises "
            f"ValueError: {keras})",
            "strides",
        )
        return False
    return True


def _windows(config: AnyConv, ctx: LayerContext) -> Windows | None:
    return windows(config, ctx, _RANKS[config.type])


def _check(config: AnyConv, ctx: LayerContext) -> bool:
    valid = check_positive(ctx, "filters", config.filters, "Invalid value for argument `filters`")
    found = _windows(config, ctx)
    valid = found is not None and valid
    if found is not None and not isinstance(config, SeparableConv1DArgs):
        valid = check_strided_dilation(config, ctx, found) and valid
    if isinstance(config, SeparableConv1DArgs):
        valid = (
            check_positive(
                ctx,
                "depth_multiplier",
                config.depth_multiplier,
                "Invalid value for argument `depth_multiplier`",
            )
            and valid
        )
    elif config.groups <= 0:
        valid = check_positive(
            ctx, "groups", config.groups, "The number of groups must be a positive integer"
        )
    elif config.filters > 0 and config.filters % config.groups:
        ctx.report(
            "LS108",
            f"{ctx.name}.filters ({config.filters}) is not divisible by groups "
            f"({config.groups}) (Keras raises ValueError: The number of filters must be evenly "
            "divisible by the number of groups)",
            "groups",
        )
        valid = False
    return check_activation(ctx, "activation", config.activation) and valid


def _convolve(config: AnyConv, ctx: LayerContext) -> LayerOutcome:
    unknown = LayerOutcome({"output": Tensor(None)}, None)
    source = ctx.inputs[0]
    shape = source.tensor.shape
    if shape is None:
        return unknown
    drop_mask(ctx, source, config.type)
    rank = _RANKS[config.type] + 2
    keras = rank_error(rank, len(shape), weights=True)
    if not check_rank(ctx, source, shape, rank, config.type, keras):
        return unknown
    steps, channels = layout(shape, config.data_format)
    if not isinstance(channels, int):  # Keras has no symbols: a symbol is an open size
        known = "unknown" if channels is None else f"{channels}, not one number"
        ctx.report_on(
            source,
            "LS308",
            f"{ctx.name} ({config.type}) cannot size its kernel: the channels of its input "
            f"{source.text} {format_shape(shape)} are {known} (Keras raises TypeError when "
            "it builds the kernel)",
            hint="give the channel dimension a number in inputs: or input_shape:",
        )
        return unknown
    groups = getattr(config, "groups", 1)
    if isinstance(channels, int) and channels % groups:
        ctx.report_on(
            source,
            "LS301",
            f"{ctx.name}.groups is {groups} but its input {source.describe()} has {channels} "
            "channels, which groups must divide (Keras raises ValueError: The number of input "
            "channels must be evenly divisible by the number of groups)",
        )
        return unknown
    found = _windows(config, ctx)
    assert found is not None  # checked before
    kernel, strides, dilation = found
    output: list[Dim] = [
        output_length(length, size, stride, rate, config.padding)
        for length, size, stride, rate in zip(steps, kernel, strides, dilation, strict=True)
    ]
    if not check_steps(ctx, source, output, "kernel"):
        return unknown
    tensor = Tensor(arrange(shape[0], output, config.filters, config.data_format))
    return LayerOutcome({"output": tensor}, _params(config, kernel, channels))


def _params(config: AnyConv, kernel: tuple[int, ...], channels: Dim) -> int | None:
    if not isinstance(channels, int):
        return None
    bias = config.filters if config.use_bias else 0
    if isinstance(config, SeparableConv1DArgs):
        depthwise = prod(kernel) * channels * config.depth_multiplier
        return depthwise + channels * config.depth_multiplier * config.filters + bias
    return prod(kernel) * (channels // config.groups) * config.filters + bias


def _sample(draw: Draw, rank: int = 1, separable: bool = False) -> Sample:
    """Small kernels that keep every length of 2 steps or more (the oracle's symbols).

    Mistakes: a zero size, or strides and dilation_rate both above 1.
    """
    rng = draw.rng
    args: dict[str, Any] = {"filters": rng.randint(1, 8), "kernel_size": rng.randint(1, 3)}
    paddings = ["same"] + (["causal"] if rank == 1 and not separable else [])
    if not draw.given.get("runs"):
        paddings.append("valid")
    if draw.chance(0.6):
        args["padding"] = rng.choice(paddings)
    elif draw.given.get("runs"):
        args["padding"] = "same"
    if draw.chance(0.3):
        args["strides"] = rng.randint(1, 3)
    elif draw.chance(0.2):
        args["dilation_rate"] = rng.randint(1, 2)
    if separable and draw.chance(0.3):
        args["depth_multiplier"] = rng.randint(1, 3)
    span = args.get("dilation_rate", 1) * (args["kernel_size"] - 1) + 1
    if span > 1 and args.get("padding", "valid") == "valid":
        args["padding"] = "same"  # the oracle's symbols may be 2: a longer window would fail
    if draw.chance(0.2):
        args["activation"] = rng.choice(("relu", "tanh", None))
    if draw.chance(0.1):
        args["use_bias"] = False
    mistake: dict[str, Any] = {}
    if draw.chance(0.03):
        mistake = rng.choice(
            ({"filters": 0}, {"kernel_size": 0}, {"strides": 2, "dilation_rate": 2})
        )
    return Sample(args, args["filters"], mistake)


def _sample_separable(draw: Draw) -> Sample:
    return _sample(draw, separable=True)


def _sample_3d(draw: Draw) -> Sample:
    """Over (batch, frames, rows, cols, channels): a kernel per dimension at times, and a
    groups that divides both filters and the channels (``draw.features``)."""
    sample = _sample(draw, rank=3)
    rng = draw.rng
    if draw.chance(0.2):
        sample.args["kernel_size"] = [rng.randint(1, 3) for _ in range(3)]
        if sample.args.get("padding", "valid") == "valid":
            sample.args["padding"] = "same"
    if draw.chance(0.2):
        groups = rng.choice([g for g in (1, 2, 3) if draw.features % g == 0])
        sample.args["groups"] = groups
        sample.args["filters"] = groups * rng.randint(1, 3)
        sample.features = sample.args["filters"]
    return sample


def _sample_2d(draw: Draw) -> Sample:
    return _sample(draw, rank=2)


_FOREIGN_KEYS = {
    "out_channels": "out_channels is torch's name; Keras calls it filters",
    "in_channels": "Keras's convolutions read their channels from their input; write only filters",
    "stride": "stride is torch's name; Keras calls it strides",
    "dilation": "dilation is torch's name; Keras calls it dilation_rate",
}


def _conv_cost(config: Conv1DArgs | Conv2DArgs | Conv3DArgs, shapes: CostShapes) -> Costs:
    _, channels = layout(shapes.input, config.data_format)
    kernel = cost_rules.sizes(config.kernel_size, _RANKS[config.type])
    linear = cost_rules.convolution(
        shapes, size(channels), config.groups, kernel, bias=config.use_bias
    )
    return cost_rules.added(linear, cost_rules.activation(config.activation, numel(shapes.output)))


def _separable_cost(config: SeparableConv1DArgs, shapes: CostShapes) -> Costs:
    """A depthwise convolution (depth_multiplier filters of kernel_size per channel), then a
    pointwise one (1 x channels*depth_multiplier per filter) at each output position."""
    _, channels = layout(shapes.input, config.data_format)
    out_steps, _ = layout(shapes.output, config.data_format)
    positions = numel((shapes.input[0], *out_steps))
    depth = size(channels) * config.depth_multiplier
    kernel = prod(cost_rules.sizes(config.kernel_size, 1))
    elements = numel(shapes.output)
    linear = Costs(
        positions * depth * kernel + positions * depth * config.filters,
        bias=elements if config.use_bias else ZERO,
    )
    return cost_rules.added(linear, cost_rules.activation(config.activation, elements))


@layer_type(
    "keras",
    "Conv1D",
    Conv1DConfig,
    cost=_conv_cost,
    check=_check,
    wrapped_config=Conv1DArgs,
    wrappers=("TimeDistributed",),
    examples=(
        Example(
            {"x": ["B", "T", 8]},
            {"filters": 16, "kernel_size": 2},
            {"output": ["B", "T - 1", 16]},
            params=272,
        ),
        Example(
            {"x": ["B", "T", 8]},
            {"filters": 4, "kernel_size": 3, "strides": 2, "padding": "same", "groups": 2},
            {"output": ["B", "(T + 1) // 2", 4]},
            params=52,
        ),
        Example(
            {"x": ["B", 8, 20]},
            {"filters": 4, "kernel_size": 5, "dilation_rate": 2, "data_format": "channels_first"},
            {"output": ["B", 4, 12]},
            params=164,
        ),
        Example(
            {"x": ["B", 10, 8]},
            {"filters": 4, "kernel_size": 3, "padding": "causal", "use_bias": False},
            {"output": ["B", 10, 4]},
            params=96,
        ),
    ),
    failing=(
        Failing({"x": ["B", 10, 8]}, {"filters": 4, "kernel_size": 12}, "LS320"),
        Failing({"x": ["B", 10, 8]}, {"filters": 6, "kernel_size": 3, "groups": 3}, "LS301"),
        Failing(
            {"x": ["B", 10, 8]},
            {"filters": 4, "kernel_size": 3, "strides": 2, "dilation_rate": 2},
            "LS108",
        ),
        Failing({"x": ["B", 10]}, {"filters": 4, "kernel_size": 3}, "LS302"),
        Failing({"x": ["B", 10, None]}, {"filters": 4, "kernel_size": 3}, "LS308"),
    ),
    foreign_keys=_FOREIGN_KEYS,
    sample=Sampler("sequence", _sample),
)
def conv1d(config: Conv1DArgs, ctx: LayerContext) -> LayerOutcome:
    """Slides filters over the steps: (batch, steps, channels) -> (batch, new_steps, filters).

    new_steps is `(steps - dilation_rate*(kernel_size - 1) - 1) // strides + 1` with
    padding `valid`, and `ceil(steps / strides)` with `same` or `causal` (which pads
    only the start).  Parameters kernel_size*(channels/groups)*filters + filters.
    With data_format channels_first the input is (batch, channels, steps).  Drops a
    mask, with Keras's warning (LS325).
    """
    return _convolve(config, ctx)


@layer_type(
    "keras",
    "Conv2D",
    Conv2DConfig,
    cost=_conv_cost,
    check=_check,
    wrapped_config=Conv2DArgs,
    wrappers=("TimeDistributed",),
    sample=Sampler("image", _sample_2d),
    examples=(
        Example(
            {"x": ["B", 32, 100, 1]},
            {"filters": 8, "kernel_size": [3, 5], "strides": [2, 1], "padding": "same"},
            {"output": ["B", 16, 100, 8]},
            params=128,
        ),
        Example(
            {"x": ["B", 3, "T", 20]},
            {"filters": 6, "kernel_size": 2, "groups": 3, "data_format": "channels_first"},
            {"output": ["B", 6, "T - 1", 19]},
            params=30,
        ),
    ),
    failing=(
        Failing({"x": ["B", 10, 8]}, {"filters": 4, "kernel_size": 3}, "LS302"),
        Failing({"x": ["B", 8, 8, 3]}, {"filters": 5, "kernel_size": 3, "groups": 2}, "LS108"),
    ),
    foreign_keys=_FOREIGN_KEYS,
)
def conv2d(config: Conv2DArgs, ctx: LayerContext) -> LayerOutcome:
    """Filters over rows and columns: (batch, rows, cols, channels) -> (batch, r, c, filters).

    Each spatial dimension shrinks as Conv1D's steps do, with its own entry of
    kernel_size, strides and dilation_rate (one integer is used for both); padding
    is `valid` or `same`.  Parameters prod(kernel_size)*(channels/groups)*filters +
    filters.  With data_format channels_first the input is (batch, channels, rows, cols).
    """
    return _convolve(config, ctx)


@layer_type(
    "keras",
    "Conv3D",
    Conv3DConfig,
    cost=_conv_cost,
    check=_check,
    wrapped_config=Conv3DArgs,
    wrappers=("TimeDistributed",),
    examples=(
        Example(
            {"x": ["B", "T", 16, 12, 3]},
            {"filters": 8, "kernel_size": 3},
            {"output": ["B", "T - 2", 14, 10, 8]},
            params=656,
        ),
        Example(
            {"x": ["B", 4, "T", 8, 6]},
            {
                "filters": 6,
                "kernel_size": [3, 2, 1],
                "strides": 2,
                "padding": "same",
                "groups": 2,
                "use_bias": False,
                "data_format": "channels_first",
            },
            {"output": ["B", 6, "(T + 1) // 2", 4, 3]},
            params=72,
        ),
    ),
    failing=(
        Failing({"x": ["B", 10, 8, 3]}, {"filters": 4, "kernel_size": 3}, "LS302"),
        Failing({"x": ["B", 5, 8, 8, 3]}, {"filters": 4, "kernel_size": [3, 3]}, "LS108"),
        Failing({"x": ["B", 2, 8, 8, 3]}, {"filters": 4, "kernel_size": 3}, "LS320"),
    ),
    foreign_keys=_FOREIGN_KEYS,
    sample=Sampler("video", _sample_3d),
)
def conv3d(config: Conv3DArgs, ctx: LayerContext) -> LayerOutcome:
    """Filters over three dimensions: (batch, d1, d2, d3, channels) -> (batch, d1', d2', d3', f).

    A video's (batch, frames, rows, cols, channels), for one; f is filters.  Each spatial
    dimension shrinks as Conv1D's steps do, with its own entry of kernel_size,
    strides and dilation_rate (one integer is used for all three); padding is
    `valid` or `same`.  Parameters prod(kernel_size)*(channels/groups)*filters +
    filters.  With data_format channels_first the input is (batch, channels, d1, d2,
    d3).  Drops a mask, with Keras's warning (LS325).
    """
    return _convolve(config, ctx)


@layer_type(
    "keras",
    "SeparableConv1D",
    SeparableConv1DConfig,
    cost=_separable_cost,
    check=_check,
    wrapped_config=SeparableConv1DArgs,
    wrappers=("TimeDistributed",),
    examples=(
        Example(
            {"x": ["B", 10, 8]},
            {"filters": 4, "kernel_size": 3, "depth_multiplier": 2},
            {"output": ["B", 8, 4]},
            params=116,
        ),
    ),
    failing=(
        Failing(
            {"x": ["B", 10, 8]},
            {"filters": 4, "kernel_size": 3, "depth_multiplier": 0},
            "LS108",
        ),
    ),
    foreign_keys=_FOREIGN_KEYS,
    sample=Sampler("sequence", _sample_separable),
)
def separable_conv1d(config: SeparableConv1DArgs, ctx: LayerContext) -> LayerOutcome:
    """Depthwise, then pointwise: (batch, steps, channels) -> (batch, new_steps, filters).

    new_steps as Conv1D's (padding `valid` or `same`; strides and dilation_rate may
    both exceed 1).  Parameters kernel_size*channels*depth_multiplier (depthwise) +
    channels*depth_multiplier*filters (pointwise) + filters.  Drops a mask (LS325).
    """
    return _convolve(config, ctx)
