"""torch.nn.Conv1d and Conv2d: (N, C_in, *spatial) -> (N, C_out, *spatial_out)."""

from __future__ import annotations

from math import prod
from typing import Annotated, Any, Literal

from lstmshape.costs import Costs, CostShapes
from lstmshape.engine.tensors import LayerContext, LayerOutcome, Tensor
from lstmshape.frameworks.cost_rules import convolution
from lstmshape.frameworks.layer_type import Draw, Example, Failing, Sample, Sampler, layer_type
from lstmshape.frameworks.torch.base import TorchLayer
from lstmshape.frameworks.torch.windows import (
    per_dim,
    report_too_short,
    spatial_input,
    window_length,
    written,
)
from lstmshape.models.common import Field
from lstmshape.shapes import Dim, dims_conflict, format_shape, size_hint

One = Annotated[list[int], Field(min_length=1, max_length=1)]
"""A 1-D layer's size as a list (``[3]``), which torch accepts for an int."""
Pair = Annotated[list[int], Field(min_length=2, max_length=2)]
"""A 2-D layer's sizes, one per spatial dimension (``[3, 5]``)."""
PaddingMode = Literal["zeros", "reflect", "replicate", "circular"]


class ConvConfig(TorchLayer):
    """What Conv1d and Conv2d share, in torch's order; each narrows the size types."""

    in_channels: int
    out_channels: int
    kernel_size: int | list[int]
    stride: int | list[int] = 1
    padding: int | list[int] | Literal["same", "valid"] = 0
    dilation: int | list[int] = 1
    groups: int = 1
    bias: bool = True
    padding_mode: PaddingMode = "zeros"
    device: str | None = None
    dtype: str | None = None

    @property
    def spatial(self) -> int:
        return 1

    def sizes(self, key: str) -> tuple[int, ...]:
        value: Any = getattr(self, key)
        return per_dim(value, self.spatial)


class Conv1dConfig(ConvConfig):
    type: Literal["Conv1d"]
    kernel_size: int | One
    stride: int | One = 1
    padding: int | One | Literal["same", "valid"] = 0
    dilation: int | One = 1


class Conv2dConfig(ConvConfig):
    type: Literal["Conv2d"]
    kernel_size: int | Pair
    stride: int | Pair = 1
    padding: int | Pair | Literal["same", "valid"] = 0
    dilation: int | Pair = 1

    @property
    def spatial(self) -> int:
        return 2


def _check(config: ConvConfig, ctx: LayerContext) -> bool:
    """torch's checks in the constructor, and those of the call that need no input."""
    problems: list[tuple[str, str]] = []
    if config.groups < 1:
        problems.append(("groups", "groups must be a positive integer"))
    else:
        for key in ("in_channels", "out_channels"):
            if getattr(config, key) % config.groups:
                problems.append((key, f"{key} must be divisible by groups ({config.groups})"))
    if config.in_channels < 0:
        problems.append(("in_channels", "in_channels must not be negative"))
    if config.out_channels < 1:
        problems.append(("out_channels", "out_channels must be at least 1"))
    for key in ("kernel_size", "stride", "dilation"):
        if min(config.sizes(key)) < 1:
            problems.append((key, f"{key} must be at least 1 in every dimension"))
    padding = config.padding
    if padding == "same" and max(config.sizes("stride")) != 1:
        problems.append(("padding", "padding='same' is not supported for strided convolutions"))
    # The other padding modes pad with F.pad, which crops for a negative padding.
    negative = not isinstance(padding, str) and min(config.sizes("padding")) < 0
    if negative and config.padding_mode == "zeros":
        problems.append(("padding", "negative padding is not supported"))
    for key, text in problems:
        found = getattr(config, key)
        ctx.report("LS108", f"{ctx.name}.{key}: {text} (found {found}; torch raises)", key)
    return not problems


def _pads(config: ConvConfig) -> tuple[tuple[int, int], ...]:
    """The (left, right) padding of each spatial dimension; 'same' splits as torch does."""
    padding = config.padding
    if padding == "valid":
        return ((0, 0),) * config.spatial
    if padding == "same":
        totals = [
            d * (k - 1)
            for d, k in zip(config.sizes("dilation"), config.sizes("kernel_size"), strict=True)
        ]
        return tuple((total // 2, total - total // 2) for total in totals)
    return tuple((p, p) for p in config.sizes("padding"))


def _check_padding_mode(
    config: ConvConfig,
    ctx: LayerContext,
    spatial: tuple[Dim, ...],
    pads: tuple[tuple[int, int], ...],
) -> bool:
    """reflect pads less than the length, circular at most the length (known lengths only)."""
    if config.padding_mode not in ("reflect", "circular"):
        return True
    for length, (left, right) in zip(spatial, pads, strict=True):
        if not isinstance(length, int):
            continue
        widest = max(left, right)
        if widest >= length if config.padding_mode == "reflect" else widest > length:
            rule = "less than" if config.padding_mode == "reflect" else "at most"
            ctx.report_on(
                ctx.inputs[0],
                "LS320",
                f"{ctx.name} pads {widest} with padding_mode {config.padding_mode}, which must be "
                f"{rule} the padded dimension's length, {length}, in {ctx.inputs[0].describe()} "
                "(torch raises)",
                hint="use less padding, a longer input or padding_mode zeros or replicate",
            )
            return False
    return True


def _cost(config: ConvConfig, shapes: CostShapes) -> Costs:
    kernel = config.sizes("kernel_size")
    return convolution(shapes, config.in_channels, config.groups, kernel, bias=config.bias)


def _convolve(config: ConvConfig, ctx: LayerContext) -> LayerOutcome:
    kind = config.type
    kernel = config.sizes("kernel_size")
    params = config.out_channels * (config.in_channels // config.groups) * prod(kernel)
    params += config.out_channels if config.bias else 0
    source, shape = spatial_input(ctx, kind, config.spatial)
    unknown = LayerOutcome({"output": Tensor(None)}, params)
    if shape is None:
        return unknown
    channel_axis = len(shape) - config.spatial - 1
    channels = shape[channel_axis]
    if dims_conflict(config.in_channels, channels):
        ctx.report(
            "LS301",
            f"{ctx.name}.in_channels is {config.in_channels} but its input {source.text} has "
            f"{channels} channels (dim {channel_axis} of {format_shape(shape)})",
            "in_channels",
            hint=size_hint("in_channels", channels),
        )
        return unknown
    spatial = shape[channel_axis + 1 :]
    pads = _pads(config)
    if not _check_padding_mode(config, ctx, spatial, pads):
        return unknown
    lengths = tuple(
        window_length(length, k, s, d, pad)
        for length, k, s, d, pad in zip(
            spatial, kernel, config.sizes("stride"), config.sizes("dilation"), pads, strict=True
        )
    )
    detail = (
        f"kernel_size {written(kernel)}, dilation {written(config.sizes('dilation'))}, "
        f"padding {written([left + right for left, right in pads])} in all"
    )
    if report_too_short(ctx, source, kind, lengths, detail):
        return unknown
    output = (*shape[:channel_axis], config.out_channels, *lengths)
    return LayerOutcome({"output": Tensor(output)}, params)


def _sample(draw: Draw) -> Sample:
    """A convolution on ``draw.features`` channels, ``given["spatial"]`` dims; at times wrong."""
    rng = draw.rng
    spatial = draw.given["spatial"]
    groups = rng.choice((1, 1, 1, 2))
    channels = draw.features
    args: dict[str, Any] = {
        "in_channels": channels,
        "out_channels": groups * rng.randint(1, 4),
        "kernel_size": _size(draw, spatial, 1, 4),
    }
    if groups > 1 and channels % groups == 0:
        args["groups"] = groups
    if draw.chance(0.3):
        args["stride"] = _size(draw, spatial, 1, 3)
    if draw.chance(0.3):
        args["dilation"] = _size(draw, spatial, 1, 2)
    if draw.chance(0.4):
        args["padding"] = rng.choice(("same", "valid", _size(draw, spatial, 0, 2)))
        if args["padding"] == "same":
            args.pop("stride", None)
    if draw.chance(0.2):
        args["padding_mode"] = rng.choice(("reflect", "replicate", "circular"))
    if draw.chance(0.2):
        args["bias"] = False
    mistake: dict[str, Any] = {}
    if draw.chance(0.08):
        mistake["in_channels"] = channels + 1
    if draw.chance(0.03):
        mistake["groups"] = channels + 1
    if draw.chance(0.03):
        mistake |= {"padding": "same", "stride": 2}
    return Sample(args, args["out_channels"], mistake)


def _size(draw: Draw, spatial: int, low: int, high: int) -> Any:
    """An int, or a list of one per spatial dimension."""
    if spatial == 1 or draw.chance(0.5):
        return draw.rng.randint(low, high)
    return [draw.rng.randint(low, high) for _ in range(spatial)]


@layer_type(
    "torch",
    "Conv1d",
    Conv1dConfig,
    check=_check,
    cost=_cost,
    examples=(
        Example(
            {"x": ["B", 8, "T + 4"]},
            {"in_channels": 8, "out_channels": 16, "kernel_size": 3},
            {"output": ["B", 16, "T + 2"]},
            params=400,
        ),
        Example(
            {"x": [8, "T + 8"]},
            {"in_channels": 8, "out_channels": 4, "kernel_size": 5, "stride": 2, "groups": 2},
            {"output": [4, "(T + 5) // 2"]},
            params=84,
        ),
        Example(
            {"x": ["B", 4, "T"]},
            {
                "in_channels": 4,
                "out_channels": 4,
                "kernel_size": 3,
                "padding": "same",
                "padding_mode": "replicate",
                "bias": False,
            },
            {"output": ["B", 4, "T"]},
            params=48,
        ),
    ),
    failing=(
        Failing(
            {"x": ["B", 8, "T"]}, {"in_channels": 4, "out_channels": 16, "kernel_size": 3}, "LS301"
        ),
        Failing(
            {"x": ["B", 8, "T"]},
            {"in_channels": 8, "out_channels": 6, "kernel_size": 3, "groups": 4},
            "LS108",
        ),
        Failing(
            {"x": ["B", 8, "T"]},
            {"in_channels": 8, "out_channels": 8, "kernel_size": 3, "padding": "same", "stride": 2},
            "LS108",
        ),
        Failing(
            {"x": ["B", 8, 2]}, {"in_channels": 8, "out_channels": 8, "kernel_size": 3}, "LS320"
        ),
        Failing(
            {"x": ["B", "T", 8]}, {"in_channels": 8, "out_channels": 8, "kernel_size": 3}, "LS301"
        ),
    ),
    sample=Sampler("window", _sample),
)
def conv1d(config: Conv1dConfig, ctx: LayerContext) -> LayerOutcome:
    """A 1-D convolution: (N, C_in, L) or (C_in, L) -> (N, C_out, L_out).

    L_out = (L + 2*padding - dilation*(kernel_size - 1) - 1) // stride + 1;
    padding 'same' keeps L (stride 1 only), 'valid' is 0; padding_mode
    reflect, replicate and circular pad the same amounts. Parameters
    out_channels*(in_channels // groups)*kernel_size weights plus out_channels
    biases. Channels are dim -2: a batch-first sequence (N, L, features)
    needs a permute first.
    """
    return _convolve(config, ctx)


@layer_type(
    "torch",
    "Conv2d",
    Conv2dConfig,
    check=_check,
    cost=_cost,
    examples=(
        Example(
            {"x": ["B", 1, 32, "T + 2"]},
            {
                "in_channels": 1,
                "out_channels": 8,
                "kernel_size": 3,
                "padding": [0, 1],
                "stride": [2, 1],
            },
            {"output": ["B", 8, 15, "T + 2"]},
            params=80,
        ),
        Example(
            {"x": [3, "S + 6", "T + 8"]},
            {
                "in_channels": 3,
                "out_channels": 6,
                "kernel_size": [3, 5],
                "dilation": 2,
                "groups": 3,
            },
            {"output": [6, "S + 2", "T"]},
            params=96,
        ),
    ),
    failing=(
        Failing(
            {"x": ["B", 3, "S", "T"]},
            {"in_channels": 1, "out_channels": 8, "kernel_size": 3},
            "LS301",
        ),
        Failing(
            {"x": ["B", 3, "S", "T", 1]},
            {"in_channels": 3, "out_channels": 8, "kernel_size": 3},
            "LS302",
        ),
    ),
    sample=Sampler("window", _sample),
)
def conv2d(config: Conv2dConfig, ctx: LayerContext) -> LayerOutcome:
    """A 2-D convolution: (N, C_in, H, W) or (C_in, H, W) -> (N, C_out, H_out, W_out).

    H_out and W_out as Conv1d's L_out, each with its own kernel_size,
    stride, padding and dilation (an int for both, or a pair). Parameters
    out_channels*(in_channels // groups)*kH*kW weights plus out_channels
    biases.
    """
    return _convolve(config, ctx)
