"""torch's reductions and activation functions: sum, mean, softmax, log_softmax,
relu, tanh, sigmoid.

Written as layers; the activations are also ``F.``/``torch.nn.functional.``
names, as torch has them there.  No parameters.
"""

from __future__ import annotations

from typing import Literal

from lstmshape.engine.tensors import LayerContext, LayerOutcome, Tensor
from lstmshape.frameworks import cost_rules
from lstmshape.frameworks.layer_type import (
    Draw,
    Example,
    Failing,
    Sample,
    Sampler,
    Shapes,
    layer_type,
)
from lstmshape.frameworks.torch.base import TorchLayer
from lstmshape.frameworks.torch.op_dims import wrap_dim

FUNCTION = ("torch.",)
FUNCTIONAL = ("torch.nn.functional.", "F.", "torch.")
"""Names torch has as functions and in torch.nn.functional (``F.softmax``)."""
UNKNOWN = LayerOutcome({"output": Tensor(None)}, 0)
_SEQ: Shapes = {"x": ["B", "T", 8]}


class _Reduction(TorchLayer):
    dim: int | list[int] | None = None
    keepdim: bool = False


class SumConfig(_Reduction):
    type: Literal["sum"]


class MeanConfig(_Reduction):
    type: Literal["mean"]


def _sample_reduce(draw: Draw) -> Sample:
    """Over the last dim, kept as 1; at times a dim named twice."""
    mistake = {"dim": [-1, -1]} if draw.chance(0.05) else {}
    return Sample({"dim": -1, "keepdim": True}, 1, mistake)


def _reduce(config: _Reduction, ctx: LayerContext) -> LayerOutcome:
    shape = ctx.inputs[0].tensor.shape
    if shape is None:
        return UNKNOWN
    if config.dim is None or config.dim == []:
        axes = list(range(len(shape)))
    else:
        dims = [config.dim] if isinstance(config.dim, int) else config.dim
        axes = []
        for index, dim in enumerate(dims):
            keys: tuple[str | int, ...] = (
                ("dim",) if isinstance(config.dim, int) else ("dim", index)
            )
            axis = wrap_dim(ctx, dim, len(shape), *keys)
            if axis is None:
                return UNKNOWN
            if axis in axes:
                ctx.report(
                    "LS108",
                    f"{ctx.name}.dim names dim {axis} twice (torch raises: dim {axis} appears "
                    "multiple times in the list of dims)",
                    *keys,
                )
                return UNKNOWN
            axes.append(axis)
    if config.keepdim:
        return LayerOutcome(
            {"output": Tensor(tuple(1 if i in axes else d for i, d in enumerate(shape)))}, 0
        )
    return LayerOutcome(
        {"output": Tensor(tuple(d for i, d in enumerate(shape) if i not in axes))}, 0
    )


_REDUCE_EXAMPLES = (
    Example(_SEQ, {"dim": 1}, {"output": ["B", 8]}, params=0),
    Example(_SEQ, {"dim": [0, -1], "keepdim": True}, {"output": [1, "T", 1]}, params=0),
    Example(_SEQ, {}, {"output": []}, params=0),
)
_REDUCE_FAILING = (
    Failing(_SEQ, {"dim": 3}, "LS108"),
    Failing(_SEQ, {"dim": [1, -2]}, "LS108"),
)


@layer_type(
    "torch",
    "sum",
    SumConfig,
    cost=cost_rules.reduction,
    prefixes=FUNCTION,
    note="(`dim` an int, a list, or null for every dim)",
    examples=_REDUCE_EXAMPLES,
    failing=_REDUCE_FAILING,
    sample=Sampler("head", _sample_reduce),
)
def sum_(config: SumConfig, ctx: LayerContext) -> LayerOutcome:
    """Sums over dim (every dim without it): those dims are removed, or 1 with keepdim."""
    return _reduce(config, ctx)


@layer_type(
    "torch",
    "mean",
    MeanConfig,
    cost=cost_rules.reduction,
    prefixes=FUNCTION,
    note="(as `sum`)",
    examples=_REDUCE_EXAMPLES,
    failing=_REDUCE_FAILING,
    sample=Sampler("head", _sample_reduce),
)
def mean(config: MeanConfig, ctx: LayerContext) -> LayerOutcome:
    """Averages over dim, as sum; torch needs a floating-point input (not token ids)."""
    return _reduce(config, ctx)


class SoftmaxConfig(TorchLayer):
    type: Literal["softmax"]
    dim: int


class LogSoftmaxConfig(TorchLayer):
    type: Literal["log_softmax"]
    dim: int


def _sample_softmax(draw: Draw) -> Sample:
    mistake = {"dim": draw.rank or 3} if draw.chance(0.05) else {}
    return Sample({"dim": -1}, draw.features, mistake)


def _along(dim: int, ctx: LayerContext) -> LayerOutcome:
    tensor = ctx.inputs[0].tensor
    if tensor.shape is None or wrap_dim(ctx, dim, len(tensor.shape), "dim") is None:
        return UNKNOWN
    return LayerOutcome({"output": Tensor(tensor.shape, batch_first=tensor.batch_first)}, 0)


_SOFTMAX_NOTE = "(`dim` is required: `F.softmax` without it is deprecated)"


@layer_type(
    "torch",
    "softmax",
    SoftmaxConfig,
    cost=cost_rules.softmax,
    prefixes=FUNCTIONAL,
    note=_SOFTMAX_NOTE,
    examples=(Example(_SEQ, {"dim": -1}, {"output": ["B", "T", 8]}, params=0),),
    failing=(Failing(_SEQ, {"dim": 3}, "LS108"), Failing(_SEQ, {}, "LS102")),
    sample=Sampler("head", _sample_softmax),
)
def softmax(config: SoftmaxConfig, ctx: LayerContext) -> LayerOutcome:
    """Normalises along dim: the shape is unchanged."""
    return _along(config.dim, ctx)


@layer_type(
    "torch",
    "log_softmax",
    LogSoftmaxConfig,
    cost=cost_rules.softmax,
    prefixes=FUNCTIONAL,
    note=_SOFTMAX_NOTE,
    examples=(Example(_SEQ, {"dim": 1}, {"output": ["B", "T", 8]}, params=0),),
    failing=(Failing(_SEQ, {"dim": -4}, "LS108"),),
    sample=Sampler("head", _sample_softmax),
)
def log_softmax(config: LogSoftmaxConfig, ctx: LayerContext) -> LayerOutcome:
    """The log of softmax along dim: the shape is unchanged."""
    return _along(config.dim, ctx)


class ReluConfig(TorchLayer):
    type: Literal["relu"]


class TanhConfig(TorchLayer):
    type: Literal["tanh"]


class SigmoidConfig(TorchLayer):
    type: Literal["sigmoid"]


def _sample_same(draw: Draw) -> Sample:
    return Sample({}, draw.features)


def _same(ctx: LayerContext) -> LayerOutcome:
    tensor = ctx.inputs[0].tensor
    return LayerOutcome({"output": Tensor(tensor.shape, batch_first=tensor.batch_first)}, 0)


_SAME = (Example(_SEQ, {}, {"output": ["B", "T", 8]}, params=0),)
_NO_ARGUMENT = (Failing(_SEQ, {"dim": 1}, "LS101"),)


@layer_type(
    "torch",
    "relu",
    ReluConfig,
    cost=cost_rules.nonlinearity,
    prefixes=FUNCTIONAL,
    examples=_SAME,
    failing=_NO_ARGUMENT,
    sample=Sampler("sequence", _sample_same),
)
def relu(config: ReluConfig, ctx: LayerContext) -> LayerOutcome:
    """max(0, x) elementwise: the shape is unchanged."""
    return _same(ctx)


@layer_type(
    "torch",
    "tanh",
    TanhConfig,
    cost=cost_rules.nonlinearity,
    prefixes=FUNCTIONAL,
    examples=_SAME,
    failing=_NO_ARGUMENT,
    sample=Sampler("sequence", _sample_same),
)
def tanh(config: TanhConfig, ctx: LayerContext) -> LayerOutcome:
    """tanh elementwise: the shape is unchanged."""
    return _same(ctx)


@layer_type(
    "torch",
    "sigmoid",
    SigmoidConfig,
    cost=cost_rules.nonlinearity,
    prefixes=FUNCTIONAL,
    examples=_SAME,
    failing=_NO_ARGUMENT,
    sample=Sampler("sequence", _sample_same),
)
def sigmoid(config: SigmoidConfig, ctx: LayerContext) -> LayerOutcome:
    """1 / (1 + exp(-x)) elementwise: the shape is unchanged."""
    return _same(ctx)
