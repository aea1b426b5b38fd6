"""torch.nn.Linear, Embedding, Dropout and torch.cat.

* Linear maps the last dimension (*, in_features) -> (*, out_features) and
  has in_features*out_features weights plus out_features biases.
* Embedding appends a dimension: (*) -> (*, embedding_dim), with
  num_embeddings*embedding_dim weights.
* Dropout keeps the shape and has no parameters.
* cat joins tensors of equal rank whose sizes agree except along ``dim``.
"""

from __future__ import annotations

from lstmshape.engine.tensors import LayerContext, LayerOutcome, Tensor
from lstmshape.models.torch import CatConfig, DropoutConfig, EmbeddingConfig, LinearConfig
from lstmshape.shapes import Dim, add_dims, dims_conflict, format_shape, size_hint


def single_output(_config: object) -> tuple[str, ...]:
    return ("output",)


def _input_key(ctx: LayerContext) -> tuple[str, ...]:
    return ("input",) if ctx.inputs[0].at else ()


def _check_non_negative(ctx: LayerContext, values: dict[str, int]) -> bool:
    valid = True
    for key, value in values.items():
        if value < 0:
            ctx.report(
                "LS108",
                f"{ctx.name}.{key} must not be negative, found {value} "
                "(torch cannot create a weight with a negative dimension)",
                key,
            )
            valid = False
    return valid


def propagate_linear(config: LinearConfig, ctx: LayerContext) -> LayerOutcome:
    sizes = {"in_features": config.in_features, "out_features": config.out_features}
    if not _check_non_negative(ctx, sizes):
        return LayerOutcome({"output": Tensor(None)}, None)
    params = config.in_features * config.out_features + (config.out_features if config.bias else 0)
    source = ctx.inputs[0]
    shape = source.tensor.shape
    if shape is None:
        return LayerOutcome({"output": Tensor(None)}, params)
    if not shape:
        ctx.report(
            "LS302",
            f"Linear takes an input of at least 1 dimension; {ctx.name}'s input "
            f"{source.text} is a 0-D scalar",
            *_input_key(ctx),
        )
        return LayerOutcome({"output": Tensor(None)}, params)
    if dims_conflict(config.in_features, shape[-1]):
        ctx.report(
            "LS301",
            f"{ctx.name}.in_features is {config.in_features} but its input {source.text} has "
            f"{shape[-1]} features (last dim of {format_shape(shape)})",
            "in_features",
            hint=size_hint("in_features", shape[-1]),
        )
    output = (*shape[:-1], config.out_features)
    return LayerOutcome({"output": Tensor(output, batch_first=source.tensor.batch_first)}, params)


def propagate_embedding(config: EmbeddingConfig, ctx: LayerContext) -> LayerOutcome:
    sizes = {"num_embeddings": config.num_embeddings, "embedding_dim": config.embedding_dim}
    valid = _check_non_negative(ctx, sizes)
    padding = config.padding_idx
    if (
        valid
        and padding is not None
        and not -config.num_embeddings <= padding < config.num_embeddings
    ):
        ctx.report(
            "LS108",
            f"{ctx.name}.padding_idx must be within num_embeddings "
            f"({-config.num_embeddings} to {config.num_embeddings - 1}), found {padding}",
            "padding_idx",
        )
        valid = False
    if not valid:
        return LayerOutcome({"output": Tensor(None)}, None)
    params = config.num_embeddings * config.embedding_dim
    shape = ctx.inputs[0].tensor.shape
    output = None if shape is None else (*shape, config.embedding_dim)
    return LayerOutcome({"output": Tensor(output)}, params)


def propagate_dropout(config: DropoutConfig, ctx: LayerContext) -> LayerOutcome:
    if not 0 <= config.p <= 1:
        ctx.report(
            "LS108",
            f"{ctx.name}.p must be between 0 and 1, found {config.p} "
            "(torch raises ValueError: dropout probability has to be between 0 and 1)",
            "p",
        )
        return LayerOutcome({"output": Tensor(None)}, None)
    tensor = ctx.inputs[0].tensor
    return LayerOutcome({"output": Tensor(tensor.shape, batch_first=tensor.batch_first)}, 0)


def propagate_cat(config: CatConfig, ctx: LayerContext) -> LayerOutcome:
    unknown = LayerOutcome({"output": Tensor(None)}, 0)
    shapes = [source.tensor.shape for source in ctx.inputs]
    if not ctx.inputs:
        ctx.report("LS305", f"{ctx.name} has nothing to concatenate: tensors is empty", "tensors")
        return unknown
    if any(shape is None for shape in shapes):
        return unknown
    known = [shape for shape in shapes if shape is not None]
    rank = len(known[0])
    for index, (source, shape) in enumerate(zip(ctx.inputs, known, strict=True)):
        if not shape:
            ctx.report(
                "LS305",
                f"{ctx.name} cannot concatenate {source.text}: it is a 0-D scalar",
                "tensors",
                index,
            )
            return unknown
        if len(shape) != rank:
            ctx.report(
                "LS305",
                f"{ctx.name} joins tensors of different ranks: {ctx.inputs[0].describe()} is "
                f"{rank}-D but {source.describe()} is {len(shape)}-D",
                "tensors",
                index,
            )
            return unknown
    if not -rank <= config.dim < rank:
        ctx.report(
            "LS305",
            f"{ctx.name}.dim is {config.dim} but the tensors are {rank}-D "
            f"(dim must be in {-rank} to {rank - 1})",
            "dim",
        )
        return unknown
    axis = config.dim % rank
    output: list[Dim] = list(known[0])
    for index, (source, shape) in enumerate(zip(ctx.inputs, known, strict=True)):
        for position, (first, other) in enumerate(zip(known[0], shape, strict=True)):
            if position != axis and dims_conflict(first, other):
                ctx.report(
                    "LS305",
                    f"{ctx.name} joins along dim {config.dim}, so every other dimension must "
                    f"match: dim {position} is {first} in {ctx.inputs[0].describe()} but "
                    f"{other} in {source.describe()}",
                    "tensors",
                    index,
                )
                return unknown
    output[axis] = add_dims([shape[axis] for shape in known])
    return LayerOutcome({"output": Tensor(tuple(output))}, 0)
