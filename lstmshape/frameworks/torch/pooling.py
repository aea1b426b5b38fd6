"""torch.nn's pooling: MaxPool, AvgPool and their adaptive forms, over 1 or 2 dims."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from lstmshape.engine.tensors import LayerContext, LayerOutcome, Tensor
from lstmshape.frameworks import cost_rules
from lstmshape.frameworks.layer_type import Draw, Example, Failing, Sample, Sampler, layer_type
from lstmshape.frameworks.torch.base import TorchLayer
from lstmshape.frameworks.torch.conv import One, Pair
from lstmshape.frameworks.torch.windows import (
    per_dim,
    report_too_short,
    spatial_input,
    window_length,
    written,
)
from lstmshape.models.common import Field
from lstmshape.shapes import Dim, Shape

OptionalPair = Annotated[list[int | None], Field(min_length=2, max_length=2)]
"""An adaptive 2-D output size; null keeps the input's size in that dimension."""


class PoolConfig(TorchLayer):
    """What the sliding poolings share; each declares its arguments in torch's order."""

    kernel_size: int | list[int]
    stride: int | list[int] | None = None
    padding: int | list[int] = 0

    @property
    def spatial(self) -> int:
        return 2 if self.type.endswith("2d") else 1

    @property
    def dilations(self) -> tuple[int, ...]:
        return self.sizes("dilation") if hasattr(self, "dilation") else (1,) * self.spatial

    def sizes(self, key: str) -> tuple[int, ...]:
        value: Any = getattr(self, key)
        if key == "stride" and value is None:
            value = self.kernel_size  # torch: stride defaults to kernel_size
        return per_dim(value, self.spatial)


class MaxPool1dConfig(PoolConfig):
    type: Literal["MaxPool1d"]
    kernel_size: int | One
    stride: int | One | None = None
    padding: int | One = 0
    dilation: int | One = 1
    return_indices: bool = False
    ceil_mode: bool = False


class MaxPool2dConfig(PoolConfig):
    type: Literal["MaxPool2d"]
    kernel_size: int | One | Pair
    stride: int | One | Pair | None = None
    padding: int | One | Pair = 0
    dilation: int | One | Pair = 1
    return_indices: bool = False
    ceil_mode: bool = False


class AvgPool1dConfig(PoolConfig):
    type: Literal["AvgPool1d"]
    kernel_size: int | One
    stride: int | One | None = None
    padding: int | One = 0
    ceil_mode: bool = False
    count_include_pad: bool = True


class AvgPool2dConfig(PoolConfig):
    type: Literal["AvgPool2d"]
    kernel_size: int | One | Pair
    stride: int | One | Pair | None = None
    padding: int | One | Pair = 0
    ceil_mode: bool = False
    count_include_pad: bool = True
    divisor_override: int | None = None


_window_cost = cost_rules.windows(lambda config: config.sizes("kernel_size"))
"""Each output element compares or sums its window; an adaptive pooling's windows
cover each input element about once, so it costs one operation an input element."""


def _check(config: PoolConfig, ctx: LayerContext) -> bool:
    """torch's checks of the arguments, which it makes when the layer is called."""
    problems: list[tuple[str, str]] = []
    for key in ("kernel_size", "stride", "dilation"):
        if hasattr(config, key) and min(config.sizes(key)) < 1:
            problems.append((key, f"{key} must be greater than zero"))
    kernels = config.sizes("kernel_size")
    pads = config.sizes("padding")
    dilations = config.dilations
    if min(pads) < 0:
        problems.append(("padding", "padding must be non-negative"))
    elif not problems:
        for k, p, d in zip(kernels, pads, dilations, strict=True):
            # MaxPool1d halves the kernel itself; the others its dilated span.
            span = k if config.type == "MaxPool1d" else d * (k - 1) + 1
            if 2 * p > span:
                problems.append(("padding", "padding should be at most half of kernel size"))
                break
    if getattr(config, "divisor_override", None) == 0:
        problems.append(("divisor_override", "divisor must be not zero"))
    for key, text in problems:
        found = getattr(config, key)
        ctx.report("LS108", f"{ctx.name}.{key}: {text} (found {found}; torch raises)", key)
    return not problems


def _names(config: Any) -> tuple[str, ...]:
    return ("output", "indices") if getattr(config, "return_indices", False) else ("output",)


def _outcome(config: Any, shape: Shape | None) -> LayerOutcome:
    tensor = Tensor(shape)
    return LayerOutcome(dict.fromkeys(_names(config), tensor), 0)


def _pool(config: PoolConfig, ctx: LayerContext) -> LayerOutcome:
    kind = config.type
    source, shape = spatial_input(ctx, kind, config.spatial)
    if shape is None:
        return _outcome(config, None)
    kernels = config.sizes("kernel_size")
    dilations = config.dilations
    spatial = shape[len(shape) - config.spatial :]
    lengths = tuple(
        window_length(length, k, s, d, (p, p), ceil_mode=getattr(config, "ceil_mode", False))
        for length, k, s, p, d in zip(
            spatial,
            kernels,
            config.sizes("stride"),
            config.sizes("padding"),
            dilations,
            strict=True,
        )
    )
    detail = f"kernel_size {written(kernels)}, stride {written(config.sizes('stride'))}"
    if report_too_short(ctx, source, kind, lengths, detail):
        return _outcome(config, None)
    return _outcome(config, (*shape[: len(shape) - config.spatial], *lengths))


class AdaptiveConfig(TorchLayer):
    output_size: int | list[int] | list[int | None]

    @property
    def spatial(self) -> int:
        return 2 if self.type.endswith("2d") else 1


class AdaptiveAvgPool1dConfig(AdaptiveConfig):
    type: Literal["AdaptiveAvgPool1d"]
    output_size: int | One


class AdaptiveAvgPool2dConfig(AdaptiveConfig):
    type: Literal["AdaptiveAvgPool2d"]
    output_size: int | OptionalPair


class AdaptiveMaxPool1dConfig(AdaptiveConfig):
    type: Literal["AdaptiveMaxPool1d"]
    output_size: int | One
    return_indices: bool = False


class AdaptiveMaxPool2dConfig(AdaptiveConfig):
    type: Literal["AdaptiveMaxPool2d"]
    output_size: int | OptionalPair
    return_indices: bool = False


def _check_adaptive(config: AdaptiveConfig, ctx: LayerContext) -> bool:
    sizes: Any = config.output_size
    given = [size for size in per_dim(sizes, config.spatial) if size is not None]
    if min(given, default=0) >= 0:
        return True
    ctx.report(
        "LS108",
        f"{ctx.name}.output_size must not be negative, found {sizes} (torch raises)",
        "output_size",
    )
    return False


def _adaptive(config: AdaptiveConfig, ctx: LayerContext) -> LayerOutcome:
    """The output size as given; None keeps the input's size (2-D only)."""
    _, shape = spatial_input(ctx, config.type, config.spatial)
    if shape is None:
        return _outcome(config, None)
    sizes: Any = config.output_size
    spatial = shape[len(shape) - config.spatial :]
    lengths: list[Dim] = [
        length if size is None else size
        for length, size in zip(spatial, per_dim(sizes, config.spatial), strict=True)
    ]
    return _outcome(config, (*shape[: len(shape) - config.spatial], *lengths))


def _sample(draw: Draw) -> Sample:
    """A pooling on ``given["spatial"]`` dims; at times a padding torch rejects."""
    rng = draw.rng
    spatial = draw.given["spatial"]
    kernel = rng.randint(1, 3)
    args: dict[str, Any] = {"kernel_size": kernel}
    if draw.chance(0.4):
        args["stride"] = rng.randint(1, 3)
    if draw.chance(0.3):
        args["padding"] = rng.randint(0, kernel // 2)
    if draw.chance(0.4):
        args["ceil_mode"] = True
    if spatial == 2 and draw.chance(0.3):
        args["kernel_size"] = [kernel, rng.randint(1, 3)]
    kind = draw.given["type"]
    if kind.startswith("Max"):
        if draw.chance(0.3):
            args["dilation"] = rng.randint(1, 2)
        if draw.chance(0.3):
            args["return_indices"] = True
    else:
        if draw.chance(0.2):
            args["count_include_pad"] = False
        if spatial == 2 and draw.chance(0.2):
            args["divisor_override"] = rng.randint(1, 3)
    mistake = {"padding": kernel + 1} if draw.chance(0.05) else {}
    return Sample(args, draw.features, mistake)


def _sample_adaptive(draw: Draw) -> Sample:
    rng = draw.rng
    size: Any = rng.randint(1, 4)
    if draw.given["spatial"] == 2 and draw.chance(0.5):
        size = [rng.choice((None, 1, 2, 3)), rng.randint(1, 4)]
    args: dict[str, Any] = {"output_size": size}
    if draw.given["type"].startswith("AdaptiveMax") and draw.chance(0.3):
        args["return_indices"] = True
    mistake = {"output_size": -1} if draw.chance(0.02) else {}
    return Sample(args, draw.features, mistake)


_INDICES = "`output`, and `indices` with return_indices"


@layer_type(
    "torch",
    "MaxPool1d",
    MaxPool1dConfig,
    cost=_window_cost,
    check=_check,
    tensors=_names,
    tensors_doc=_INDICES,
    examples=(
        Example(
            {"x": ["B", 8, "T + 2"]},
            {"kernel_size": 2},
            {"output": ["B", 8, "(T + 2) // 2"]},
            params=0,
        ),
        Example(
            {"x": [4, 9]},
            {
                "kernel_size": 3,
                "stride": 2,
                "padding": 1,
                "ceil_mode": True,
                "return_indices": True,
            },
            {"output": [4, 5], "indices": [4, 5]},
            params=0,
        ),
    ),
    failing=(
        Failing({"x": ["B", 8, "T"]}, {"kernel_size": 3, "padding": 2}, "LS108"),
        Failing({"x": ["B", 8, 2]}, {"kernel_size": 3}, "LS320"),
        Failing({"x": ["B", "S", 8, "T"]}, {"kernel_size": 2}, "LS302"),
    ),
    sample=Sampler("window", _sample),
)
def max_pool1d(config: MaxPool1dConfig, ctx: LayerContext) -> LayerOutcome:
    """The maximum over sliding windows: (N, C, L) or (C, L) -> (N, C, L_out).

    L_out = (L + 2*padding - dilation*(kernel_size - 1) - 1) // stride + 1
    (stride defaults to kernel_size); ceil_mode rounds up, but a window must
    start inside the input or its left padding. padding at most
    kernel_size / 2. No parameters; `indices` has the output's shape.
    """
    return _pool(config, ctx)


@layer_type(
    "torch",
    "MaxPool2d",
    MaxPool2dConfig,
    cost=_window_cost,
    check=_check,
    tensors=_names,
    tensors_doc=_INDICES,
    examples=(
        Example(
            {"x": ["B", 8, 32, "T"]},
            {"kernel_size": [2, 1]},
            {"output": ["B", 8, 16, "T"]},
            params=0,
        ),
        Example(
            {"x": [3, "S + 4", "T + 4"]},
            {"kernel_size": 3, "stride": 2, "dilation": 2, "padding": 1},
            {"output": [3, "(S + 3) // 2", "(T + 3) // 2"]},
            params=0,
        ),
    ),
    failing=(
        Failing({"x": ["B", 3, "S", "T"]}, {"kernel_size": [3, 5], "padding": [2, 1]}, "LS108"),
    ),
    sample=Sampler("window", _sample),
)
def max_pool2d(config: MaxPool2dConfig, ctx: LayerContext) -> LayerOutcome:
    """The maximum over sliding windows: (N, C, H, W) or (C, H, W) -> (N, C, H_out, W_out).

    H_out and W_out as MaxPool1d's L_out, per dimension; padding at most half
    of the dilated kernel, dilation*(kernel_size - 1) + 1. No parameters.
    """
    return _pool(config, ctx)


@layer_type(
    "torch",
    "AvgPool1d",
    AvgPool1dConfig,
    cost=_window_cost,
    check=_check,
    examples=(
        Example(
            {"x": ["B", 8, "T + 3"]},
            {"kernel_size": 4, "stride": 2, "padding": 1},
            {"output": ["B", 8, "(T + 3) // 2"]},
            params=0,
        ),
    ),
    failing=(Failing({"x": ["B", 8, "T"]}, {"kernel_size": 2, "padding": 2}, "LS108"),),
    sample=Sampler("window", _sample),
)
def avg_pool1d(config: AvgPool1dConfig, ctx: LayerContext) -> LayerOutcome:
    """The mean over sliding windows: (N, C, L) or (C, L) -> (N, C, L_out).

    L_out as MaxPool1d's with dilation 1; count_include_pad changes values,
    not shapes. No parameters.
    """
    return _pool(config, ctx)


@layer_type(
    "torch",
    "AvgPool2d",
    AvgPool2dConfig,
    cost=_window_cost,
    check=_check,
    examples=(
        Example(
            {"x": [2, 8, 7, "T"]},
            {"kernel_size": 2, "ceil_mode": True},
            {"output": [2, 8, 4, "(T + 1) // 2"]},
            params=0,
        ),
    ),
    failing=(Failing({"x": [2, 8, 7, "T"]}, {"kernel_size": 2, "divisor_override": 0}, "LS108"),),
    sample=Sampler("window", _sample),
)
def avg_pool2d(config: AvgPool2dConfig, ctx: LayerContext) -> LayerOutcome:
    """The mean over sliding windows: (N, C, H, W) or (C, H, W) -> (N, C, H_out, W_out).

    H_out and W_out as AvgPool1d's L_out, per dimension; divisor_override
    (not 0) changes values, not shapes. No parameters.
    """
    return _pool(config, ctx)


@layer_type(
    "torch",
    "AdaptiveAvgPool1d",
    AdaptiveAvgPool1dConfig,
    cost=cost_rules.reduction,
    check=_check_adaptive,
    examples=(
        Example({"x": ["B", 8, "T"]}, {"output_size": 4}, {"output": ["B", 8, 4]}, params=0),
    ),
    failing=(Failing({"x": ["B", 8, "S", "T"]}, {"output_size": 4}, "LS302"),),
    sample=Sampler("window", _sample_adaptive),
)
def adaptive_avg_pool1d(config: AdaptiveAvgPool1dConfig, ctx: LayerContext) -> LayerOutcome:
    """Means over output_size windows covering the input: (N, C, L) -> (N, C, output_size).

    Also unbatched (C, L); any input length, longer or shorter than
    output_size. No parameters.
    """
    return _adaptive(config, ctx)


@layer_type(
    "torch",
    "AdaptiveAvgPool2d",
    AdaptiveAvgPool2dConfig,
    cost=cost_rules.reduction,
    check=_check_adaptive,
    examples=(
        Example(
            {"x": ["B", 8, "S", "T"]},
            {"output_size": [1, None]},
            {"output": ["B", 8, 1, "T"]},
            params=0,
        ),
    ),
    failing=(Failing({"x": ["B", "T"]}, {"output_size": [1, None]}, "LS302"),),
    sample=Sampler("window", _sample_adaptive),
)
def adaptive_avg_pool2d(config: AdaptiveAvgPool2dConfig, ctx: LayerContext) -> LayerOutcome:
    """Means over windows that cover the input: (N, C, H, W) or (C, H, W) -> (N, C, *output_size).

    output_size is an int for both or a pair; null in the pair keeps that
    dimension of the input. No parameters.
    """
    return _adaptive(config, ctx)


@layer_type(
    "torch",
    "AdaptiveMaxPool1d",
    AdaptiveMaxPool1dConfig,
    cost=cost_rules.reduction,
    check=_check_adaptive,
    tensors=_names,
    tensors_doc=_INDICES,
    examples=(
        Example(
            {"x": [8, "T"]},
            {"output_size": 2, "return_indices": True},
            {"output": [8, 2], "indices": [8, 2]},
            params=0,
        ),
    ),
    failing=(Failing({"x": ["B", 8, "T"]}, {"output_size": -1}, "LS108"),),
    sample=Sampler("window", _sample_adaptive),
)
def adaptive_max_pool1d(config: AdaptiveMaxPool1dConfig, ctx: LayerContext) -> LayerOutcome:
    """Maxima over output_size windows covering the input: (N, C, L) -> (N, C, output_size).

    Also unbatched (C, L); any input length. No parameters; `indices` has
    the output's shape.
    """
    return _adaptive(config, ctx)


@layer_type(
    "torch",
    "AdaptiveMaxPool2d",
    AdaptiveMaxPool2dConfig,
    cost=cost_rules.reduction,
    check=_check_adaptive,
    tensors=_names,
    tensors_doc=_INDICES,
    examples=(
        Example(
            {"x": ["B", 8, "S", "T"]},
            {"output_size": [None, 3]},
            {"output": ["B", 8, "S", 3]},
            params=0,
        ),
    ),
    failing=(Failing({"x": [8, "T"]}, {"output_size": 3}, "LS302"),),
    sample=Sampler("window", _sample_adaptive),
)
def adaptive_max_pool2d(config: AdaptiveMaxPool2dConfig, ctx: LayerContext) -> LayerOutcome:
    """Maxima over windows that cover the input: (N, C, H, W) or (C, H, W) -> (N, C, *output_size).

    output_size as AdaptiveAvgPool2d's. No parameters; `indices` has the
    output's shape.
    """
    return _adaptive(config, ctx)
