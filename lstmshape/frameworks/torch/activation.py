"""torch.nn's activations: elementwise, so every one keeps its input's shape.

ReLU, LeakyReLU, ELU, GELU, Tanh, Sigmoid and Hardtanh take any input, a 0-D
scalar too; PReLU has num_parameters slopes, one per channel (dim 1, or 1
for an input of fewer than two dimensions); Softmax and LogSoftmax normalize
along ``dim``, and without one torch picks it and warns (LS408).
"""

from __future__ import annotations

from typing import Any, Literal

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
from lstmshape.frameworks.torch.base import TorchLayer, check_non_negative
from lstmshape.shapes import Dim, dims_conflict, format_shape

_SEQUENCE: Shapes = {"x": ["B", "T", 8]}


def same_shape(ctx: LayerContext, params: int = 0) -> LayerOutcome:
    """The input's shape and layout, unchanged."""
    tensor = ctx.inputs[0].tensor
    return LayerOutcome({"output": Tensor(tensor.shape, batch_first=tensor.batch_first)}, params)


def _keep(draw: Draw) -> Sample:
    return Sample({}, draw.features)


def _sequence_example(layer: dict[str, Any]) -> tuple[Example, ...]:
    return (Example(_SEQUENCE, layer, {"output": ["B", "T", 8]}, params=0),)


class ReLUConfig(TorchLayer):
    type: Literal["ReLU"]
    inplace: bool = False


@layer_type(
    "torch",
    "ReLU",
    ReLUConfig,
    cost=cost_rules.nonlinearity,
    examples=_sequence_example({}),
    failing=(Failing(_SEQUENCE, {"negative_slope": 0.1}, "LS101"),),
    sample=Sampler("sequence", _keep),
)
def relu(config: ReLUConfig, ctx: LayerContext) -> LayerOutcome:
    """max(0, x), elementwise: any shape, unchanged; no parameters."""
    return same_shape(ctx)


class LeakyReLUConfig(TorchLayer):
    type: Literal["LeakyReLU"]
    negative_slope: float = 0.01
    inplace: bool = False


def _slope(draw: Draw) -> Sample:
    return Sample({"negative_slope": draw.rng.choice((0.01, 0.2))}, draw.features)


@layer_type(
    "torch",
    "LeakyReLU",
    LeakyReLUConfig,
    cost=cost_rules.nonlinearity,
    examples=_sequence_example({"negative_slope": 0.2}),
    failing=(Failing(_SEQUENCE, {"negative_slope": "steep"}, "LS103"),),
    sample=Sampler("sequence", _slope),
)
def leaky_relu(config: LeakyReLUConfig, ctx: LayerContext) -> LayerOutcome:
    """x, or negative_slope*x below zero, elementwise: any shape, unchanged; no parameters."""
    return same_shape(ctx)


class PReLUConfig(TorchLayer):
    type: Literal["PReLU"]
    num_parameters: int = 1
    init: float = 0.25
    device: str | None = None
    dtype: str | None = None


def _check_prelu(config: PReLUConfig, ctx: LayerContext) -> bool:
    return check_non_negative(ctx, {"num_parameters": config.num_parameters})


def _sample_prelu(draw: Draw) -> Sample:
    """One slope for all (what works everywhere), at times one per last-dim feature,
    which torch accepts only where the channel dim (dim 1) has that size."""
    args = {"num_parameters": draw.features} if draw.chance(0.2) else {}
    return Sample(args, draw.features)


@layer_type(
    "torch",
    "PReLU",
    PReLUConfig,
    cost=cost_rules.nonlinearity,
    check=_check_prelu,
    examples=(
        Example(_SEQUENCE, {}, {"output": ["B", "T", 8]}, params=1),
        Example({"x": ["B", 8]}, {"num_parameters": 8}, {"output": ["B", 8]}, params=8),
    ),
    failing=(Failing(_SEQUENCE, {"num_parameters": 8}, "LS301"),),
    sample=Sampler("sequence", _sample_prelu),
)
def prelu(config: PReLUConfig, ctx: LayerContext) -> LayerOutcome:
    """x, or a learned slope times x below zero: any shape, unchanged.

    num_parameters slopes: 1 (shared) or the size of the channel dim, which is
    dim 1 (torch counts 1 channel for an input of fewer than two dimensions,
    and takes no 0-D input unless num_parameters is 1).
    """
    source = ctx.inputs[0]
    shape = source.tensor.shape
    outcome = same_shape(ctx, config.num_parameters)
    if shape is None or config.num_parameters == 1:
        return outcome
    if not shape:
        ctx.report_on(
            source,
            "LS302",
            f"{ctx.name} has {config.num_parameters} parameters and so needs a channel dim; "
            f"its input {source.text} is a 0-D scalar (torch raises)",
        )
        return LayerOutcome({"output": Tensor(None)}, config.num_parameters)
    channels: Dim = shape[1] if len(shape) >= 2 else 1
    if dims_conflict(config.num_parameters, channels):
        ctx.report(
            "LS301",
            f"{ctx.name}.num_parameters is {config.num_parameters} but the channel dim (dim 1) "
            f"of its input {source.text} {format_shape(shape)} is {channels}",
            "num_parameters",
            hint=f"set num_parameters: 1 (one shared slope), or {channels} if it is a number; "
            "PReLU's channels are dim 1, not the last dim",
        )
    return outcome


class ELUConfig(TorchLayer):
    type: Literal["ELU"]
    alpha: float = 1.0
    inplace: bool = False


@layer_type(
    "torch",
    "ELU",
    ELUConfig,
    cost=cost_rules.nonlinearity,
    examples=_sequence_example({"alpha": 0.5}),
    failing=(Failing(_SEQUENCE, {"alpha": "one"}, "LS103"),),
    sample=Sampler("sequence", _keep),
)
def elu(config: ELUConfig, ctx: LayerContext) -> LayerOutcome:
    """x, or alpha*(exp(x) - 1) below zero, elementwise: any shape, unchanged; no parameters."""
    return same_shape(ctx)


class GELUConfig(TorchLayer):
    type: Literal["GELU"]
    approximate: str = "none"


def _check_gelu(config: GELUConfig, ctx: LayerContext) -> bool:
    if config.approximate in ("none", "tanh"):
        return True
    ctx.report(
        "LS108",
        f"{ctx.name}.approximate must be 'none' or 'tanh', found {config.approximate!r} "
        "(torch raises when the layer runs)",
        "approximate",
    )
    return False


def _sample_gelu(draw: Draw) -> Sample:
    mistake = {"approximate": "exact"} if draw.chance(0.05) else {}
    return Sample({"approximate": draw.rng.choice(("none", "tanh"))}, draw.features, mistake)


@layer_type(
    "torch",
    "GELU",
    GELUConfig,
    cost=cost_rules.nonlinearity,
    check=_check_gelu,
    examples=_sequence_example({"approximate": "tanh"}),
    failing=(Failing(_SEQUENCE, {"approximate": "exact"}, "LS108"),),
    sample=Sampler("sequence", _sample_gelu),
)
def gelu(config: GELUConfig, ctx: LayerContext) -> LayerOutcome:
    """x*Phi(x), elementwise (approximate: none or tanh): any shape, unchanged; no parameters."""
    return same_shape(ctx)


class TanhConfig(TorchLayer):
    type: Literal["Tanh"]


@layer_type(
    "torch",
    "Tanh",
    TanhConfig,
    cost=cost_rules.nonlinearity,
    examples=_sequence_example({}),
    failing=(Failing(_SEQUENCE, {"inplace": True}, "LS101"),),
    sample=Sampler("sequence", _keep),
)
def tanh(config: TanhConfig, ctx: LayerContext) -> LayerOutcome:
    """tanh(x), elementwise: any shape, unchanged; no parameters."""
    return same_shape(ctx)


class SigmoidConfig(TorchLayer):
    type: Literal["Sigmoid"]


@layer_type(
    "torch",
    "Sigmoid",
    SigmoidConfig,
    cost=cost_rules.nonlinearity,
    examples=_sequence_example({}),
    failing=(Failing(_SEQUENCE, {"inplace": True}, "LS101"),),
    sample=Sampler("sequence", _keep),
)
def sigmoid(config: SigmoidConfig, ctx: LayerContext) -> LayerOutcome:
    """1 / (1 + exp(-x)), elementwise: any shape, unchanged; no parameters."""
    return same_shape(ctx)


class HardtanhConfig(TorchLayer):
    type: Literal["Hardtanh"]
    min_val: float = -1.0
    max_val: float = 1.0
    inplace: bool = False


def _check_hardtanh(config: HardtanhConfig, ctx: LayerContext) -> bool:
    if config.max_val > config.min_val:
        return True
    ctx.report(
        "LS108",
        f"{ctx.name}.max_val ({config.max_val}) must be greater than min_val ({config.min_val}) "
        "(torch raises AssertionError)",
        "max_val",
    )
    return False


def _sample_hardtanh(draw: Draw) -> Sample:
    args = {"min_val": 0.0, "max_val": 20.0} if draw.chance(0.5) else {}
    mistake = {"min_val": 1.0, "max_val": 1.0} if draw.chance(0.05) else {}
    return Sample(args, draw.features, mistake)


@layer_type(
    "torch",
    "Hardtanh",
    HardtanhConfig,
    cost=cost_rules.nonlinearity,
    check=_check_hardtanh,
    examples=_sequence_example({"min_val": 0.0, "max_val": 20.0}),
    failing=(Failing(_SEQUENCE, {"min_val": 20.0, "max_val": 0.0}, "LS108"),),
    sample=Sampler("sequence", _sample_hardtanh),
)
def hardtanh(config: HardtanhConfig, ctx: LayerContext) -> LayerOutcome:
    """x clamped to [min_val, max_val], elementwise: any shape, unchanged; no parameters.

    max_val must be greater than min_val.  (torch's deprecated spellings
    min_value and max_value are not accepted: write min_val and max_val.)
    """
    return same_shape(ctx)


class SoftmaxConfig(TorchLayer):
    type: Literal["Softmax"]
    dim: int | None = None


class LogSoftmaxConfig(TorchLayer):
    type: Literal["LogSoftmax"]
    dim: int | None = None


def _along_dim(config: SoftmaxConfig | LogSoftmaxConfig, ctx: LayerContext) -> LayerOutcome:
    """Softmax and LogSoftmax: the shape is unchanged; dim must be one of the input's."""
    function = "softmax" if config.type == "Softmax" else "log_softmax"
    source = ctx.inputs[0]
    shape = source.tensor.shape
    if config.dim is None:
        ctx.report(
            "LS408",
            f"{ctx.name} has no dim: torch picks one from the input's rank and warns "
            f"(implicit dimension choice for {function} has been deprecated)",
            hint="write dim: -1 to normalize over the features",
        )
        return same_shape(ctx)
    if shape is None:
        return same_shape(ctx)
    bound = max(len(shape), 1)  # a 0-D tensor has dims 0 and -1, as torch wraps them
    if not -bound <= config.dim < bound:
        ctx.report(
            "LS302",
            f"{ctx.name}.dim is {config.dim} but its input {source.text} "
            f"{format_shape(shape)} is {len(shape)}-D (dim must be in {-bound} to {bound - 1})",
            "dim",
        )
        return LayerOutcome({"output": Tensor(None)}, 0)
    return same_shape(ctx)


def _sample_dim(draw: Draw) -> Sample:
    mistake: dict[str, Any] = {}
    if draw.chance(0.05):
        mistake = {"dim": None}
    elif draw.chance(0.03):
        mistake = {"dim": 3}
    return Sample({"dim": -1}, draw.features, mistake)


@layer_type(
    "torch",
    "Softmax",
    SoftmaxConfig,
    cost=cost_rules.softmax,
    examples=_sequence_example({"dim": -1}),
    failing=(
        Failing(_SEQUENCE, {"dim": 3}, "LS302"),
        Failing(_SEQUENCE, {}, "LS408"),
    ),
    sample=Sampler("sequence", _sample_dim),
)
def softmax(config: SoftmaxConfig, ctx: LayerContext) -> LayerOutcome:
    """exp(x) / sum(exp(x)) along dim: any shape, unchanged; no parameters.

    dim must be a dimension of the input; without dim torch chooses one
    (0 for 0-D, 1-D and 3-D inputs, else 1) and warns: LS408.
    """
    return _along_dim(config, ctx)


@layer_type(
    "torch",
    "LogSoftmax",
    LogSoftmaxConfig,
    cost=cost_rules.softmax,
    examples=_sequence_example({"dim": -1}),
    failing=(
        Failing(_SEQUENCE, {"dim": -4}, "LS302"),
        Failing(_SEQUENCE, {}, "LS408"),
    ),
    sample=Sampler("sequence", _sample_dim),
)
def log_softmax(config: LogSoftmaxConfig, ctx: LayerContext) -> LayerOutcome:
    """log(softmax(x)) along dim: any shape, unchanged; no parameters.

    dim as Softmax's; without dim torch chooses one and warns: LS408.
    """
    return _along_dim(config, ctx)
