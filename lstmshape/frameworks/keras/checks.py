"""Checks shared by the Keras layer rules: constructor arguments and input features.

Keras checks some arguments when a layer is constructed (``units: 0``, an
unknown activation) and some when it is built on its first input (a feature
dimension of ``None``).  Others it never checks: recurrent ``dropout``
outside [0, 1] is silently clipped.
"""

from __future__ import annotations

from lstmshape.engine.tensors import LayerContext, Source
from lstmshape.shapes import Shape, format_shape

KERAS_ACTIVATIONS = frozenset(
    (  # noqa: SIM905  (one word per name would take 32 lines)
        "celu elu exponential gelu glu hard_shrink hard_sigmoid hard_silu hard_swish hard_tanh "
        "leaky_relu linear log_sigmoid log_softmax mish relu relu6 selu sigmoid silu "
        "soft_shrink softmax softplus softsign sparse_plus sparse_sigmoid sparsemax squareplus "
        "swish tanh tanh_shrink threshold"
    ).split()
)
"""The names ``keras.activations.get`` accepts (Keras 3.15)."""


def batch_in_input_shape(source: Source, shape: Shape, rank: int) -> str | None:
    """The hint for an ``input_shape`` written with the batch: ``[null, 10, 8]``.

    Keras reads input_shape as ``Input(shape)``, which excludes the batch and
    adds its own, so the layer gets one dimension too many.  Only a leading
    null is taken for a batch: a leading number may be a real dimension.
    """
    if source.at[-1:] != ("input_shape",) or len(shape) != rank + 1 or shape[1] is not None:
        return None
    written = ", ".join("null" if dim is None else str(dim) for dim in shape[2:])
    return f"input_shape excludes the batch (Keras adds it): write input_shape: [{written}]"


def check_positive(ctx: LayerContext, key: str, value: int, keras: str) -> bool:
    """``keras`` is how Keras words its ValueError for this argument."""
    if value > 0:
        return True
    ctx.report(
        "LS108",
        f"{ctx.label(key)} must be a positive integer, found {value} "
        f"(Keras raises ValueError: {keras})",
        key,
    )
    return False


def check_activation(ctx: LayerContext, key: str, value: str | None) -> bool:
    if value is None or value in KERAS_ACTIVATIONS:
        return True
    ctx.report(
        "LS108",
        f"{ctx.label(key)} is {value!r}, which Keras does not know "
        f"(Keras raises ValueError: Could not interpret activation function identifier: {value})",
        key,
        hint="Keras's activations include tanh, sigmoid, relu, softmax, linear and gelu",
    )
    return False


def check_clipped(ctx: LayerContext, key: str, value: float) -> None:
    if 0 <= value <= 1:
        return
    clipped = min(1.0, max(0.0, value))
    ctx.report(
        "LS407",
        f"{ctx.label(key)} is {value}, outside [0, 1]: Keras does not "
        f"complain and silently uses {clipped}",
        key,
        hint="a dropout rate is a probability between 0 and 1"
        + ("; 1.0 drops every input" if clipped == 1 else ""),
    )


def features_known(ctx: LayerContext, source: Source, shape: Shape, what: str) -> bool:
    """Whether the last dimension, which a Keras layer sizes its kernel from, is a number.

    Keras has no symbols: a symbol is a size ``keras.Input`` leaves open
    (None), like an unknown one, and Keras cannot build a kernel from it.
    """
    features = shape[-1]
    if isinstance(features, int):
        return True
    known = "unknown" if features is None else f"{features}, not one number"
    ctx.report_on(
        source,
        "LS308",
        f"{what} cannot size its weights: the last dimension of its input "
        f"{source.text} {format_shape(shape)} is {known} (Keras raises ValueError: Shapes "
        "used to initialize variables must be fully-defined)",
        hint="give the feature dimension a number in inputs: or input_shape:",
    )
    return False
