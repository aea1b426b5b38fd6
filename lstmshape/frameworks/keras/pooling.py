"""Keras's pooling layers: MaxPooling1D/2D and AveragePooling1D/2D, and their global forms.

Windowed pooling shrinks the spatial dimensions as a convolution without
dilation does (:mod:`lstmshape.frameworks.keras.windows`), with ``strides``
defaulting to ``pool_size``, and keeps the channels.  Global pooling reduces
every spatial dimension (to 1 with ``keepdims``).  None has parameters.
Keras reads ``padding`` as written (``SAME`` fails when the layer is called).
Masks: GlobalAveragePooling1D averages over the unmasked steps and returns no
mask; the others drop a mask, with Keras's warning (LS325).
"""

from __future__ import annotations

from typing import Any, Literal

from lstmshape.engine.tensors import LayerContext, LayerOutcome, Tensor
from lstmshape.frameworks import cost_rules
from lstmshape.frameworks.keras.base import KerasArgs, KerasLayer
from lstmshape.frameworks.keras.windows import (
    arrange,
    check_rank,
    check_steps,
    drop_mask,
    layout,
    output_length,
    rank_error,
    spatial,
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
from lstmshape.models.common import field_validator
from lstmshape.shapes import Dim

DataFormat = Literal["channels_last", "channels_first"] | None


class _FormatArgs(KerasArgs):
    data_format: DataFormat = None
    dtype: str | None = None

    @field_validator("data_format", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value


class _PoolArgs(_FormatArgs):
    strides: int | list[int] | None = None
    padding: Literal["valid", "same"] = "valid"


class MaxPooling1DArgs(_PoolArgs):
    type: Literal["MaxPooling1D"]
    pool_size: int | list[int] = 2


class MaxPooling1DConfig(KerasLayer, MaxPooling1DArgs):
    type: Literal["MaxPooling1D"]


class AveragePooling1DArgs(_PoolArgs):
    type: Literal["AveragePooling1D"]
    pool_size: int | list[int]


class AveragePooling1DConfig(KerasLayer, AveragePooling1DArgs):
    type: Literal["AveragePooling1D"]


class MaxPooling2DArgs(_PoolArgs):
    type: Literal["MaxPooling2D"]
    pool_size: int | list[int] = 2


class MaxPooling2DConfig(KerasLayer, MaxPooling2DArgs):
    type: Literal["MaxPooling2D"]


class AveragePooling2DArgs(_PoolArgs):
    type: Literal["AveragePooling2D"]
    pool_size: int | list[int]


class AveragePooling2DConfig(KerasLayer, AveragePooling2DArgs):
    type: Literal["AveragePooling2D"]


AnyPool = MaxPooling1DArgs | AveragePooling1DArgs | MaxPooling2DArgs | AveragePooling2DArgs


def _rank(kind: str) -> int:
    return 2 if kind.endswith("2D") else 1


def _windows(config: AnyPool, ctx: LayerContext) -> tuple[tuple[int, ...], ...] | None:
    rank = _rank(config.type)
    pool = spatial(ctx, "pool_size", config.pool_size, rank)
    strides = pool if config.strides is None else spatial(ctx, "strides", config.strides, rank)
    if pool is None or strides is None:
        return None
    return pool, strides


def _check(config: AnyPool, ctx: LayerContext) -> bool:
    return _windows(config, ctx) is not None


def _pool(config: AnyPool, ctx: LayerContext) -> LayerOutcome:
    unknown = LayerOutcome({"output": Tensor(None)}, 0)
    source = ctx.inputs[0]
    shape = source.tensor.shape
    if shape is None:
        return unknown
    drop_mask(ctx, source, config.type)
    rank = _rank(config.type) + 2
    keras = rank_error(rank, len(shape), weights=False)
    if not check_rank(ctx, source, shape, rank, config.type, keras):
        return unknown
    steps, channels = layout(shape, config.data_format)
    windows = _windows(config, ctx)
    assert windows is not None  # checked before
    output: list[Dim] = [
        output_length(length, pool, stride, 1, config.padding)
        for length, pool, stride in zip(steps, *windows, strict=True)
    ]
    if not check_steps(ctx, source, output, "pool_size"):
        return unknown
    return LayerOutcome(
        {"output": Tensor(arrange(shape[0], output, channels, config.data_format))}, 0
    )


def _sample(draw: Draw) -> Sample:
    """``given["runs"]`` keeps every length (padding same); a zero size at times."""
    rng = draw.rng
    args: dict[str, Any] = {"pool_size": rng.randint(1, 3)}
    if draw.chance(0.3):
        args["strides"] = rng.randint(1, 3)
    if draw.given.get("runs"):
        args["padding"] = "same"
    elif draw.chance(0.4):
        args["padding"] = rng.choice(("valid", "same"))
    if args["pool_size"] > 1 and args.get("padding", "valid") == "valid":
        args["padding"] = "same"  # the oracle's symbols may be 2: a longer window would fail
    mistake = {"pool_size": 0} if draw.chance(0.03) else {}
    return Sample(args, draw.features, mistake)


_WRAPPERS = ("TimeDistributed",)
_FOREIGN_KEYS = {
    "kernel_size": "kernel_size is torch's name; Keras's pooling calls it pool_size",
    "stride": "stride is torch's name; Keras calls it strides",
    "ceil_mode": "Keras's pooling has no ceil_mode; padding: same keeps ceil(steps / strides)",
}
_LAYOUT = {
    1: ("(batch, steps, channels) -> (batch, new_steps, channels)", "steps"),
    2: ("(batch, rows, cols, channels) -> (batch, new_rows, new_cols, channels)", "rows and cols"),
}


_window_cost = cost_rules.windows(
    lambda config: cost_rules.sizes(config.pool_size, _rank(config.type))
)
"""Each output element compares or sums its window of pool_size."""


def _windowed(
    name: str,
    config: type[Any],  # the type's own config, which its infer and _check read
    wrapped: type[_PoolArgs],
    statistic: str,
    examples: tuple[Example, ...],
    failing: Failing,
) -> None:
    """Declares a windowed pooling type: only its statistic, examples and mistake differ."""
    rank = _rank(name)
    shapes, dims = _LAYOUT[rank]

    def infer(config: Any, ctx: LayerContext) -> LayerOutcome:
        return _pool(config, ctx)

    infer.__doc__ = (
        f"The {statistic} of each window: {shapes}.\n\n"
        f"Each of {dims} becomes `(n - pool_size) // strides + 1` with padding `valid`, and\n"
        "`ceil(n / strides)` with `same`; strides defaults to pool_size (one integer, or one\n"
        f"per spatial dimension).  No parameters.  With data_format channels_first the\n"
        f"channels come right after the batch.  Drops a mask, with Keras's warning (LS325)."
    )
    role = "sequence" if rank == 1 else "image"
    layer_type(
        "keras",
        name,
        config,
        cost=_window_cost,
        check=_check,
        wrapped_config=wrapped,
        wrappers=_WRAPPERS,
        examples=examples,
        failing=(failing, Failing({"x": ["B", 8]}, {"pool_size": 2}, "LS302")),
        foreign_keys=_FOREIGN_KEYS,
        sample=Sampler(role, _sample),
    )(infer)


_SEQUENCE: Shapes = {"x": ["B", "T", 8]}
_IMAGE: Shapes = {"x": ["B", "T", 10, 3]}
_windowed(
    "MaxPooling1D",
    MaxPooling1DConfig,
    MaxPooling1DArgs,
    "maximum",
    (
        Example(_SEQUENCE, {}, {"output": ["B", "T // 2", 8]}, params=0),
        Example(
            _SEQUENCE,
            {"pool_size": 3, "strides": 2, "padding": "same"},
            {"output": ["B", "(T + 1) // 2", 8]},
            params=0,
        ),
    ),
    Failing({"x": ["B", 4, 8]}, {"pool_size": 5}, "LS320"),
)
_windowed(
    "AveragePooling1D",
    AveragePooling1DConfig,
    AveragePooling1DArgs,
    "mean",
    (
        Example(
            {"x": ["B", 8, 20]},
            {"pool_size": 4, "strides": 3, "data_format": "channels_first"},
            {"output": ["B", 8, 6]},
            params=0,
        ),
    ),
    Failing({"x": ["B", 10, 8]}, {"pool_size": 2, "strides": 0}, "LS108"),
)
_windowed(
    "MaxPooling2D",
    MaxPooling2DConfig,
    MaxPooling2DArgs,
    "maximum",
    (
        Example(_IMAGE, {}, {"output": ["B", "T // 2", 5, 3]}, params=0),
        Example(
            _IMAGE,
            {"pool_size": [2, 3], "strides": [1, 2], "padding": "same"},
            {"output": ["B", "T", 5, 3]},
            params=0,
        ),
    ),
    Failing({"x": ["B", 4, 3, 2]}, {"pool_size": [2, 4]}, "LS320"),
)
_windowed(
    "AveragePooling2D",
    AveragePooling2DConfig,
    AveragePooling2DArgs,
    "mean",
    (
        Example(
            {"x": ["B", 3, "T", 10]},
            {"pool_size": 2, "strides": [1, 3], "data_format": "channels_first"},
            {"output": ["B", 3, "T - 1", 3]},
            params=0,
        ),
    ),
    Failing({"x": ["B", 10, 8, 3]}, {"pool_size": [2, 2, 2]}, "LS108"),
)


class _GlobalArgs(_FormatArgs):
    keepdims: bool = False


def _reduce(config: _GlobalArgs, kind: str, ctx: LayerContext) -> LayerOutcome:
    unknown = LayerOutcome({"output": Tensor(None)}, 0)
    source = ctx.inputs[0]
    shape = source.tensor.shape
    if shape is None:
        return unknown
    if kind != "GlobalAveragePooling1D":
        drop_mask(ctx, source, kind)
    rank = _rank(kind) + 2
    if not check_rank(ctx, source, shape, rank, kind, rank_error(rank, len(shape), False)):
        return unknown
    steps, channels = layout(shape, config.data_format)
    if not config.keepdims:
        return LayerOutcome({"output": Tensor((shape[0], channels))}, 0)
    return LayerOutcome(
        {"output": Tensor(arrange(shape[0], [1] * len(steps), channels, config.data_format))}, 0
    )


def _sample_global(draw: Draw) -> Sample:
    return Sample({"keepdims": True} if draw.chance(0.1) else {}, draw.features)


class GlobalAveragePooling1DArgs(_GlobalArgs):
    type: Literal["GlobalAveragePooling1D"]


class GlobalAveragePooling1DConfig(KerasLayer, GlobalAveragePooling1DArgs):
    type: Literal["GlobalAveragePooling1D"]


class GlobalMaxPooling1DArgs(_GlobalArgs):
    type: Literal["GlobalMaxPooling1D"]


class GlobalMaxPooling1DConfig(KerasLayer, GlobalMaxPooling1DArgs):
    type: Literal["GlobalMaxPooling1D"]


class GlobalAveragePooling2DArgs(_GlobalArgs):
    type: Literal["GlobalAveragePooling2D"]


class GlobalAveragePooling2DConfig(KerasLayer, GlobalAveragePooling2DArgs):
    type: Literal["GlobalAveragePooling2D"]


class GlobalMaxPooling2DArgs(_GlobalArgs):
    type: Literal["GlobalMaxPooling2D"]


class GlobalMaxPooling2DConfig(KerasLayer, GlobalMaxPooling2DArgs):
    type: Literal["GlobalMaxPooling2D"]


_MASKS = {
    "GlobalAveragePooling1D": "Averages over the unmasked steps only, and returns no mask.",
    "GlobalMaxPooling1D": "Drops a mask, with Keras's warning (LS325).",
}


def _global(
    name: str, config: type[KerasLayer], wrapped: type[_GlobalArgs], statistic: str
) -> None:
    """Declares a global pooling type: only its statistic and rank differ."""
    rank = _rank(name)
    shapes, dims = _LAYOUT[rank]
    data: list[Dim] = ["B", "T", 8] if rank == 1 else ["B", "T", 10, 8]
    first: list[Dim] = ["B", 8, "T"] if rank == 1 else ["B", 8, "T", 10]

    def infer(config: Any, ctx: LayerContext) -> LayerOutcome:  # the type's own config
        return _reduce(config, name, ctx)

    infer.__doc__ = (
        f"The {statistic} over the {dims}: {shapes.split(' -> ')[0]} -> (batch, channels).\n\n"
        f"With keepdims each of {dims} is kept as 1; with data_format channels_first the\n"
        "channels come right after the batch.  No parameters.  "
        + _MASKS.get(name, "Drops a mask, with Keras's warning (LS325).")
    )
    layer_type(
        "keras",
        name,
        config,
        cost=cost_rules.reduction,
        wrapped_config=wrapped,
        wrappers=_WRAPPERS,
        examples=(
            Example({"x": data}, {}, {"output": ["B", 8]}, params=0),
            Example(
                {"x": first},
                {"data_format": "channels_first", "keepdims": True},
                {"output": ["B", 8, *([1] * rank)]},
                params=0,
            ),
        ),
        failing=(Failing({"x": ["B", 8]}, {}, "LS302"),),
        sample=Sampler("reduce" if rank == 1 else "image_reduce", _sample_global),
    )(infer)


_global("GlobalAveragePooling1D", GlobalAveragePooling1DConfig, GlobalAveragePooling1DArgs, "mean")
_global("GlobalMaxPooling1D", GlobalMaxPooling1DConfig, GlobalMaxPooling1DArgs, "maximum")
_global("GlobalAveragePooling2D", GlobalAveragePooling2DConfig, GlobalAveragePooling2DArgs, "mean")
_global("GlobalMaxPooling2D", GlobalMaxPooling2DConfig, GlobalMaxPooling2DArgs, "maximum")
