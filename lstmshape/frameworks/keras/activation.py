"""Keras's activation layers: Activation, ReLU, LeakyReLU, PReLU, ELU and Softmax.

Each keeps its input's shape and passes its mask on (Keras's default
``compute_mask``).  Only PReLU has weights: one slope per element of the
input without the batch, shared along ``shared_axes``.  Softmax also reads
the mask, and Keras fails when it runs: the mask (batch, timesteps) does not
broadcast to the input (LS318).
"""

from __future__ import annotations

from typing import Any, Literal

from lstmshape.costs import Costs, CostShapes, numel
from lstmshape.engine.tensors import LayerContext, LayerOutcome, Source, Tensor
from lstmshape.frameworks import cost_rules
from lstmshape.frameworks.keras.base import KerasArgs, KerasLayer
from lstmshape.frameworks.keras.checks import check_activation
from lstmshape.frameworks.layer_type import (
    Draw,
    Example,
    Failing,
    Sample,
    Sampler,
    Shapes,
    layer_type,
)
from lstmshape.shapes import Dim, format_shape, multiply_dims


class ActivationArgs(KerasArgs):
    type: Literal["Activation"]
    activation: str | None
    trainable: bool = True
    dtype: str | None = None


class ReLUArgs(KerasArgs):
    type: Literal["ReLU"]
    max_value: float | None = None
    negative_slope: float | None = 0.0
    threshold: float | None = 0.0
    trainable: bool = True
    dtype: str | None = None


class LeakyReLUArgs(KerasArgs):
    type: Literal["LeakyReLU"]
    negative_slope: float | None = 0.3
    alpha: float | None = None
    """Keras 2's name of negative_slope: Keras 3 warns and uses it instead."""
    trainable: bool = True
    dtype: str | None = None


class PReLUArgs(KerasArgs):
    type: Literal["PReLU"]
    alpha_initializer: str = "Zeros"
    alpha_regularizer: str | None = None
    alpha_constraint: str | None = None
    shared_axes: int | list[int] | None = None
    trainable: bool = True
    dtype: str | None = None


class ELUArgs(KerasArgs):
    type: Literal["ELU"]
    alpha: float = 1.0
    trainable: bool = True
    dtype: str | None = None


class SoftmaxArgs(KerasArgs):
    type: Literal["Softmax"]
    axis: int = -1
    trainable: bool = True
    dtype: str | None = None


class ActivationConfig(KerasLayer, ActivationArgs):
    type: Literal["Activation"]


class ReLUConfig(KerasLayer, ReLUArgs):
    type: Literal["ReLU"]


class LeakyReLUConfig(KerasLayer, LeakyReLUArgs):
    type: Literal["LeakyReLU"]


class PReLUConfig(KerasLayer, PReLUArgs):
    type: Literal["PReLU"]


class ELUConfig(KerasLayer, ELUArgs):
    type: Literal["ELU"]


class SoftmaxConfig(KerasLayer, SoftmaxArgs):
    type: Literal["Softmax"]


def _same_shape(_config: object, ctx: LayerContext) -> LayerOutcome:
    return LayerOutcome({"output": Tensor(ctx.inputs[0].tensor.shape)}, 0)


def _check_activation(config: ActivationArgs, ctx: LayerContext) -> bool:
    return check_activation(ctx, "activation", config.activation)


def _not_negative(ctx: LayerContext, key: str, value: float | None, keras: str) -> bool:
    if value is not None and value >= 0:
        return True
    found = "null" if value is None else value
    ctx.report(
        "LS108",
        f"{ctx.label(key)} must be a number >= 0, found {found} (Keras raises ValueError: {keras})",
        key,
    )
    return False


def _check_relu(config: ReLUArgs, ctx: LayerContext) -> bool:
    valid = True
    if config.max_value is not None and config.max_value < 0:
        valid = _not_negative(
            ctx,
            "max_value",
            config.max_value,
            "max_value of a ReLU layer cannot be a negative value",
        )
    for key in ("negative_slope", "threshold"):
        keras = f"{key} of a ReLU layer cannot be None or a negative value"
        valid = _not_negative(ctx, key, getattr(config, key), keras) and valid
    return valid


def _check_leaky(config: LeakyReLUArgs, ctx: LayerContext) -> bool:
    slope = config.negative_slope
    if config.alpha is not None:
        ctx.report(
            "LS408",
            f"{ctx.name}.alpha is deprecated in Keras 3, which uses it as negative_slope (Keras "
            "warns: Argument `alpha` is deprecated. Use `negative_slope` instead.)",
            "alpha",
            hint=f"write negative_slope: {config.alpha}",
        )
        slope = config.alpha
    key = "alpha" if config.alpha is not None else "negative_slope"
    return _not_negative(
        ctx,
        key,
        slope,
        "The negative_slope value of a Leaky ReLU layer cannot be None or negative value",
    )


def _sample_activation(draw: Draw) -> Sample:
    name = draw.rng.choice(("relu", "tanh", "sigmoid", "gelu", "linear", "softplus", None))
    mistake = {"activation": draw.rng.choice(("Relu", "leakyrelu"))} if draw.chance(0.05) else {}
    return Sample({"activation": name}, draw.features, mistake)


def _sample_relu(draw: Draw) -> Sample:
    rng = draw.rng
    args: dict[str, Any] = {}
    if draw.chance(0.3):
        args["max_value"] = rng.choice((6, 6.0, 1.0, None))
    if draw.chance(0.2):
        args["negative_slope"] = rng.choice((0.0, 0.1))
    if draw.chance(0.2):
        args["threshold"] = rng.choice((0.0, 0.5))
    mistake = {}
    if draw.chance(0.05):
        mistake = {rng.choice(("max_value", "negative_slope", "threshold")): -1}
    return Sample(args, draw.features, mistake)


def _sample_leaky(draw: Draw) -> Sample:
    args = {"negative_slope": 0.1} if draw.chance(0.4) else {}
    mistake: dict[str, Any] = {}
    if draw.chance(0.08):
        mistake = {"alpha": draw.rng.choice((0.2, -0.2))}
    elif draw.chance(0.03):
        mistake = {"negative_slope": -0.1}
    return Sample(args, draw.features, mistake)


def _sample_prelu(draw: Draw) -> Sample:
    """Shared along the timesteps unless ``given["symbolic_time"]`` is false; at times too far."""
    rank = draw.rank or 3
    choices: list[Any] = [[1], 1, list(range(1, rank)), [rank]]
    if not draw.given.get("symbolic_time", True):
        choices += [None, [-1]]  # a slope per timestep
    choice = draw.rng.choice(choices)
    return Sample({} if choice is None else {"shared_axes": choice}, draw.features)


def _sample_elu(draw: Draw) -> Sample:
    return Sample({"alpha": 0.5} if draw.chance(0.3) else {}, draw.features)


def _sample_softmax(draw: Draw) -> Sample:
    """An axis only if ``given["runs"]``: Keras checks it only when the model runs."""
    if not (draw.given.get("runs") and draw.chance(0.4)):
        return Sample({}, draw.features)
    rank = draw.rank or 3
    axis = rank if draw.chance(0.1) else draw.rng.choice((-1, 1, rank - 1))
    return Sample({"axis": axis}, draw.features)


_SEQUENCE: Shapes = {"x": ["B", "T", 8]}
_SAME: Shapes = {"output": ["B", "T", 8]}
_TD = ("TimeDistributed",)
_NO_INPLACE = "inplace is torch's; Keras's activation layers have no such argument"


def _activation_cost(config: ActivationConfig, shapes: CostShapes) -> Costs:
    return cost_rules.activation(config.activation, numel(shapes.output))


@layer_type(
    "keras",
    "Activation",
    ActivationConfig,
    cost=_activation_cost,
    check=_check_activation,
    wrapped_config=ActivationArgs,
    wrappers=_TD,
    passes_mask=True,
    examples=(Example(_SEQUENCE, {"activation": "relu"}, _SAME, params=0),),
    failing=(Failing(_SEQUENCE, {"activation": "Relu"}, "LS108"),),
    foreign_types={
        name: f"{name} is torch's; in Keras write type: Activation with activation: {name.lower()}"
        for name in ("Tanh", "Sigmoid", "GELU")
    },
    sample=Sampler("sequence", _sample_activation),
)
def activation(config: ActivationArgs, ctx: LayerContext) -> LayerOutcome:
    """Applies a named activation (Keras's names: relu, tanh, ...): the shape is unchanged."""
    return _same_shape(config, ctx)


@layer_type(
    "keras",
    "ReLU",
    ReLUConfig,
    cost=cost_rules.nonlinearity,
    check=_check_relu,
    wrapped_config=ReLUArgs,
    wrappers=_TD,
    passes_mask=True,
    examples=(Example(_SEQUENCE, {"max_value": 6}, _SAME, params=0),),
    failing=(Failing(_SEQUENCE, {"negative_slope": -1}, "LS108"),),
    foreign_keys={"inplace": _NO_INPLACE},
    sample=Sampler("sequence", _sample_relu),
)
def relu(config: ReLUArgs, ctx: LayerContext) -> LayerOutcome:
    """Rectified linear unit: the shape is unchanged.

    max_value (or null), negative_slope and threshold must be >= 0.
    """
    return _same_shape(config, ctx)


@layer_type(
    "keras",
    "LeakyReLU",
    LeakyReLUConfig,
    cost=cost_rules.nonlinearity,
    check=_check_leaky,
    wrapped_config=LeakyReLUArgs,
    wrappers=_TD,
    passes_mask=True,
    note="(`alpha` is Keras 2's name of `negative_slope`: LS408)",
    examples=(Example(_SEQUENCE, {"negative_slope": 0.1}, _SAME, params=0),),
    failing=(
        Failing(_SEQUENCE, {"alpha": 0.1}, "LS408"),
        Failing(_SEQUENCE, {"negative_slope": -0.1}, "LS108"),
    ),
    foreign_keys={"inplace": _NO_INPLACE},
    sample=Sampler("sequence", _sample_leaky),
)
def leaky_relu(config: LeakyReLUArgs, ctx: LayerContext) -> LayerOutcome:
    """Leaky rectified linear unit: the shape is unchanged; negative_slope must be >= 0."""
    return _same_shape(config, ctx)


def _slopes(config: PReLUArgs, ctx: LayerContext, source: Source) -> list[Dim] | None:
    """The shape of alpha: the input without the batch, 1 along each shared axis.

    Keras sets ``param_shape[axis - 1] = 1`` for each shared axis, with
    Python's indexing: axis 0 or -1 is not rejected but shares another axis.
    """
    shape = source.tensor.shape
    assert shape is not None
    slopes: list[Dim] = list(shape[1:])
    shared = config.shared_axes
    for axis in [] if shared is None else shared if isinstance(shared, list) else [shared]:
        if not -len(slopes) <= axis - 1 < len(slopes):
            ctx.report(
                "LS108",
                f"{ctx.label('shared_axes')} has axis {axis}, but {ctx.name}'s input "
                f"{source.describe()} has axes 1 to {len(slopes)} after the batch (Keras raises "
                "IndexError: list assignment index out of range)",
                "shared_axes",
            )
            return None
        slopes[axis - 1] = 1
    if not all(isinstance(size, int) for size in slopes):  # a symbol is an open size too
        ctx.report_on(
            source,
            "LS308",
            f"{ctx.name} (PReLU) cannot size its weights: alpha has one slope per element of "
            f"{format_shape(tuple(slopes))} (the input {source.text} "
            f"{format_shape(shape)} without the batch), and a dimension is not one number (Keras "
            "raises ValueError: Shapes used to initialize variables must be fully-defined)",
            hint="give that dimension a size, or share the slopes along it with shared_axes: "
            "(e.g. shared_axes: [1] for the timesteps)",
        )
        return None
    return slopes


@layer_type(
    "keras",
    "PReLU",
    PReLUConfig,
    cost=cost_rules.nonlinearity,
    wrapped_config=PReLUArgs,
    wrappers=_TD,
    passes_mask=True,
    examples=(
        Example({"x": ["B", 5, 8]}, {}, {"output": ["B", 5, 8]}, params=40),
        Example(_SEQUENCE, {"shared_axes": [1]}, _SAME, params=8),
    ),
    failing=(
        Failing({"x": ["B", None, 8]}, {}, "LS308"),
        Failing(_SEQUENCE, {"shared_axes": [3]}, "LS108"),
    ),
    foreign_keys={
        "num_parameters": "Keras's PReLU has one slope per input element; share them along "
        "axes with shared_axes:",
        "init": "init is torch's; Keras's PReLU takes alpha_initializer",
    },
    sample=Sampler("sequence", _sample_prelu),
)
def prelu(config: PReLUArgs, ctx: LayerContext) -> LayerOutcome:
    """Leaky ReLU with learned slopes: the shape is unchanged.

    Parameters: one slope per element of the input without the batch, 1
    along each of shared_axes (1-based, the batch excluded); the dimensions
    not shared must be known.
    """
    source = ctx.inputs[0]
    if source.tensor.shape is None:
        return LayerOutcome({"output": Tensor(None)}, None)
    slopes = _slopes(config, ctx, source)
    if slopes is None:
        return LayerOutcome({"output": Tensor(None)}, None)
    count = multiply_dims(slopes)
    params = count if isinstance(count, int) else None
    return LayerOutcome({"output": Tensor(source.tensor.shape)}, params)


@layer_type(
    "keras",
    "ELU",
    ELUConfig,
    cost=cost_rules.nonlinearity,
    wrapped_config=ELUArgs,
    wrappers=_TD,
    passes_mask=True,
    examples=(Example(_SEQUENCE, {"alpha": 0.5}, _SAME, params=0),),
    failing=(Failing(_SEQUENCE, {"inplace": True}, "LS101"),),
    foreign_keys={"inplace": _NO_INPLACE},
    sample=Sampler("sequence", _sample_elu),
)
def elu(config: ELUArgs, ctx: LayerContext) -> LayerOutcome:
    """Exponential linear unit: the shape is unchanged."""
    return _same_shape(config, ctx)


@layer_type(
    "keras",
    "Softmax",
    SoftmaxConfig,
    cost=cost_rules.softmax,
    wrapped_config=SoftmaxArgs,
    wrappers=_TD,
    passes_mask=True,
    examples=(Example(_SEQUENCE, {"axis": 1}, _SAME, params=0),),
    failing=(Failing(_SEQUENCE, {"axis": 3}, "LS108"),),
    foreign_keys={"dim": "dim is torch's name; Keras's Softmax calls it axis"},
    sample=Sampler("sequence", _sample_softmax),
)
def softmax(config: SoftmaxArgs, ctx: LayerContext) -> LayerOutcome:
    """Softmax along axis: the shape is unchanged.

    Keras builds a model whose axis is past the input's rank and fails when
    it runs; over a masked input it fails when it runs too (LS318).
    """
    source = ctx.inputs[0]
    shape = source.tensor.shape
    if shape is None:
        return LayerOutcome({"output": Tensor(None)}, 0)
    rank = len(shape)
    if not -rank <= config.axis < rank:
        ctx.report(
            "LS108",
            f"{ctx.label('axis')} is {config.axis}, but {ctx.name}'s input {source.describe()} "
            f"is {rank}-D (axis must be in {-rank} to {rank - 1}): Keras builds the model and "
            "fails when it runs (IndexError: Dimension out of range)",
            "axis",
        )
        return LayerOutcome({"output": Tensor(None)}, 0)
    mask = source.tensor.mask
    if mask is not None:
        ctx.report_on(
            source,
            "LS318",
            f"{ctx.name} (Softmax) reads {source.describe()}, which carries the mask of "
            f"{mask.layer} ({mask.maker}); Softmax applies the mask (batch, timesteps) to an "
            f"input of rank {rank}: Keras builds the model and fails when it runs (ValueError: "
            "The `mask` must be broadcastable to `inputs`)",
            hint=f"apply the softmax as a Dense layer's activation: softmax, or remove "
            f"{mask.remedy}",
        )
        return LayerOutcome({"output": Tensor(None)}, 0)
    return LayerOutcome({"output": Tensor(shape)}, 0)
