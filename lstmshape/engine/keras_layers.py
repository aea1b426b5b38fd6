"""keras.layers.Dense, TimeDistributed, RepeatVector, Embedding, Dropout, Concatenate.

* Dense maps the last axis of an input of rank >= 2, (..., F) -> (..., units),
  with F * units weights and units biases: on a 3-D input it acts on every
  step, with the same 65 parameters for Dense(1) after 64 features.
* TimeDistributed(layer) applies ``layer`` to every slice along axis 1 of an
  input of rank >= 3: (batch, T, ...) -> (batch, T, layer's output without
  batch), with the wrapped layer's parameters.
* RepeatVector(n): (batch, F) -> (batch, n, F).
* Embedding(input_dim, output_dim): (...) -> (..., output_dim), with
  input_dim * output_dim weights.
* Dropout keeps the shape; Concatenate(axis) joins a list of tensors that
  agree everywhere except along ``axis`` (the batch included).

Masks: an Embedding with ``mask_zero: true`` attaches a mask to its output.
Dense, Dropout and TimeDistributed pass their input's mask on, Concatenate
passes one on when any of its inputs has one, and RepeatVector drops it
(measured by running each on a masked tensor, Keras 3.15).
"""

from __future__ import annotations

from lstmshape.diagnostics import NodePath
from lstmshape.engine import keras_recurrent
from lstmshape.engine.keras_checks import (
    batch_in_input_shape,
    check_activation,
    check_positive,
    features_known,
    input_keys,
)
from lstmshape.engine.tensors import LayerContext, LayerOutcome, Source, Tensor
from lstmshape.models.keras import (
    ConcatenateConfig,
    DenseArgs,
    DropoutArgs,
    EmbeddingConfig,
    RecurrentArgs,
    RepeatVectorConfig,
    TimeDistributedConfig,
)
from lstmshape.shapes import Dim, Shape, add_dims, dims_conflict

_UNKNOWN = LayerOutcome({"output": Tensor(None)}, None)


def single_output(_config: object) -> tuple[str, ...]:
    return ("output",)


def _dense(
    config: DenseArgs, ctx: LayerContext, source: Source, keys: NodePath = ()
) -> tuple[Shape, int | None] | None:
    valid = check_positive(
        ctx, keys, "units", config.units, "Received an invalid value for `units`"
    )
    valid = check_activation(ctx, keys, "activation", config.activation) and valid
    shape = source.tensor.shape
    if not valid or shape is None:
        return None
    if len(shape) < 2:
        ctx.report(
            "LS302",
            f"Dense takes an input of at least 2 dimensions (batch, ..., features); {ctx.name}'s "
            f"input {source.describe()} is {len(shape)}-D (Keras raises ValueError: expected "
            f"min_ndim=2, found ndim={len(shape)})",
            *input_keys(source),
        )
        return None
    if not features_known(ctx, source, shape, f"{ctx.name} (Dense)"):
        return None
    features = shape[-1]
    params = None
    if isinstance(features, int):
        params = features * config.units + (config.units if config.use_bias else 0)
    return (*shape[:-1], config.units), params


def propagate_dense(config: DenseArgs, ctx: LayerContext) -> LayerOutcome:
    result = _dense(config, ctx, ctx.inputs[0])
    if result is None:
        return _UNKNOWN
    return LayerOutcome({"output": Tensor(result[0], mask=_mask(ctx))}, result[1])


def _dropout(config: DropoutArgs, ctx: LayerContext, keys: NodePath = ()) -> bool:
    if 0 <= config.rate <= 1:
        return True
    ctx.report(
        "LS108",
        f"{ctx.name}.{'.'.join(map(str, (*keys, 'rate')))} must be between 0 and 1, found "
        f"{config.rate} (Keras raises ValueError: Invalid value received for argument `rate`)",
        *keys,
        "rate",
    )
    return False


def propagate_dropout(config: DropoutArgs, ctx: LayerContext) -> LayerOutcome:
    if not _dropout(config, ctx):
        return _UNKNOWN
    return LayerOutcome({"output": Tensor(ctx.inputs[0].tensor.shape, mask=_mask(ctx))}, 0)


def propagate_repeat_vector(config: RepeatVectorConfig, ctx: LayerContext) -> LayerOutcome:
    if not check_positive(ctx, (), "n", config.n, "Argument `n` should be a positive integer"):
        return _UNKNOWN
    source = ctx.inputs[0]
    shape = source.tensor.shape
    if shape is None:
        return LayerOutcome({"output": Tensor(None)}, 0)
    if len(shape) != 2:
        hint = batch_in_input_shape(source, shape, 2)
        origin = source.tensor.origin
        if origin is not None and origin.time_axis is not None:
            hint = (
                f"{origin.layer} returns the whole sequence; an encoder before RepeatVector "
                "has return_sequences: false"
            )
        ctx.report(
            "LS302",
            f"RepeatVector takes a 2-D input (batch, features); {ctx.name}'s input "
            f"{source.describe()} is {len(shape)}-D (Keras raises ValueError: expected ndim=2, "
            f"found ndim={len(shape)})",
            *input_keys(source),
            hint=hint,
        )
        return LayerOutcome({"output": Tensor(None)}, 0)
    return LayerOutcome({"output": Tensor((shape[0], config.n, shape[1]))}, 0)


def propagate_embedding(config: EmbeddingConfig, ctx: LayerContext) -> LayerOutcome:
    valid = check_positive(
        ctx, (), "input_dim", config.input_dim, "`input_dim` must be a positive integer"
    )
    valid = (
        check_positive(
            ctx, (), "output_dim", config.output_dim, "`output_dim` must be a positive integer"
        )
        and valid
    )
    # Keras checks both sizes before it warns, so a layer it rejects gives no warning.
    if valid and config.input_length is not None:
        ctx.report(
            "LS408",
            f"{ctx.name}.input_length is deprecated in Keras 3 and does nothing (Keras warns: "
            "Argument `input_length` is deprecated. Just remove it.)",
            "input_length",
            hint="remove it; the sequence length comes from the input's shape",
        )
    if not valid:
        return _UNKNOWN
    shape = ctx.inputs[0].tensor.shape
    output = None if shape is None else (*shape, config.output_dim)
    outcome = Tensor(output, mask=ctx.name if config.mask_zero else None)
    return LayerOutcome({"output": outcome}, config.input_dim * config.output_dim)


def propagate_time_distributed(config: TimeDistributedConfig, ctx: LayerContext) -> LayerOutcome:
    inner = config.layer
    source = ctx.inputs[0]
    shape = source.tensor.shape
    if isinstance(inner, RecurrentArgs):
        if not keras_recurrent.check_arguments(inner, ctx, ("layer",)):
            return _UNKNOWN
        if inner.return_state:
            ctx.report(
                "LS108",
                f"{ctx.name} wraps a layer with return_state: true; TimeDistributed takes a "
                "layer with one output",
                "layer",
                "return_state",
            )
            return _UNKNOWN
    elif isinstance(inner, DropoutArgs) and not _dropout(inner, ctx, ("layer",)):
        return _UNKNOWN
    if shape is None:
        return _UNKNOWN
    if len(shape) < 3:
        ctx.report(
            "LS302",
            f"TimeDistributed takes an input of at least 3 dimensions (batch, timesteps, ...); "
            f"{ctx.name}'s input {source.describe()} is {len(shape)}-D (Keras raises "
            "ValueError: `TimeDistributed` Layer should be passed an `input_shape` with at "
            "least 3 dimensions)",
            *input_keys(source),
            hint="to apply the layer to a 2-D tensor, use the layer itself",
        )
        return _UNKNOWN
    step_tensor = Tensor((shape[0], *shape[2:]), mask=source.tensor.mask)
    step = Source(source.text, step_tensor, source.at, source.reference)
    output: Shape
    params: int | None
    if isinstance(inner, DenseArgs):
        dense = _dense(inner, ctx, step, ("layer",))
        if dense is None:
            return _UNKNOWN
        output, params = dense
    elif isinstance(inner, RecurrentArgs):
        ran = keras_recurrent.run(inner, ctx, step, ("layer",))
        if ran is None:
            return _UNKNOWN
        keras_recurrent.check_masked_unroll(inner, ctx, step, ("layer",), inner.go_backwards)
        output, params = ran.output, ran.params
    else:
        output, params = step.tensor.shape or (), 0
    outcome = Tensor((shape[0], shape[1], *output[1:]), mask=source.tensor.mask)
    return LayerOutcome({"output": outcome}, params)


def propagate_concatenate(config: ConcatenateConfig, ctx: LayerContext) -> LayerOutcome:
    unknown = LayerOutcome({"output": Tensor(None)}, 0)
    if not isinstance(config.input, list):
        written = f"input: {config.input}" if config.input else "the previous layer's output"
        ctx.report(
            "LS305",
            f"{ctx.name} (Concatenate) is given one tensor, {written}; it takes a list "
            "(Keras raises ValueError: A `Concatenate` layer should be called on a list of "
            "at least 1 input)",
            *(("input",) if config.input else ("type",)),
            hint="write input: [a, b] with the references to join",
        )
        return unknown
    if not ctx.inputs:
        ctx.report("LS305", f"{ctx.name} has nothing to concatenate: input is empty", "input")
        return unknown
    shapes = [source.tensor.shape for source in ctx.inputs]
    known = [shape for shape in shapes if shape is not None]
    if len(known) != len(shapes):
        return unknown
    first = ctx.inputs[0]
    rank = len(known[0])
    if not -rank <= config.axis < rank:
        ctx.report(
            "LS305",
            f"{ctx.name}.axis is {config.axis} but {first.describe()} is {rank}-D "
            f"(axis must be in {-rank} to {rank - 1})",
            "axis",
        )
        return unknown
    axis = config.axis % rank
    for index, (source, shape) in enumerate(zip(ctx.inputs, known, strict=True)):
        conflict = _conflict(known[0], shape, axis)
        if conflict is not None:
            ctx.report(
                "LS305",
                f"{ctx.name} joins along axis {config.axis}, so every other dimension must "
                f"match, but {conflict} {first.describe()} and {source.describe()} (Keras "
                "raises ValueError: A `Concatenate` layer requires inputs with matching shapes "
                "except for the concatenation axis)",
                *input_keys(source),
                hint=None if index else "check the first tensor's shape",
            )
            return unknown
    output: list[Dim] = list(known[0])
    output[axis] = add_dims([shape[axis] for shape in known])
    return LayerOutcome({"output": Tensor(tuple(output), mask=_mask(ctx))}, 0)


def _mask(ctx: LayerContext) -> str | None:
    """The mask a layer passes on: Concatenate passes one on if any input has one."""
    return next((s.tensor.mask for s in ctx.inputs if s.tensor.mask is not None), None)


def _conflict(first: Shape, other: Shape, axis: int) -> str | None:
    if len(first) != len(other):
        return f"the ranks differ ({len(first)}-D and {len(other)}-D):"
    for position, (mine, theirs) in enumerate(zip(first, other, strict=True)):
        if position != axis and dims_conflict(mine, theirs):
            return f"axis {position} is {mine} and {theirs} in"
    return None
