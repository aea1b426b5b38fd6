"""keras.layers.Embedding: integer ids to vectors, (...) -> (..., output_dim)."""

from __future__ import annotations

from typing import Any, Literal

from lstmshape.engine.tensors import LayerContext, LayerOutcome, Mask, Tensor
from lstmshape.frameworks import cost_rules
from lstmshape.frameworks.keras.base import KerasArgs, KerasLayer
from lstmshape.frameworks.keras.checks import check_positive
from lstmshape.frameworks.layer_type import (
    Draw,
    Example,
    Failing,
    Sample,
    Sampler,
    Shapes,
    layer_type,
)


class EmbeddingArgs(KerasArgs):
    type: Literal["Embedding"]
    input_dim: int
    output_dim: int
    embeddings_initializer: str = "uniform"
    embeddings_regularizer: str | None = None
    embeddings_constraint: str | None = None
    mask_zero: bool = False
    input_length: int | None = None
    """Deprecated in Keras 3 (accepted with a warning)."""


class EmbeddingConfig(KerasLayer, EmbeddingArgs):
    type: Literal["Embedding"]


def _check(config: EmbeddingArgs, ctx: LayerContext) -> bool:
    valid = check_positive(
        ctx, "input_dim", config.input_dim, "`input_dim` must be a positive integer"
    )
    valid = (
        check_positive(
            ctx, "output_dim", config.output_dim, "`output_dim` must be a positive integer"
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
    return valid


def _sample(draw: Draw) -> Sample:
    """A mask only if ``given["runs"]``: Keras shows what a mask does only when it runs."""
    rng = draw.rng
    args: dict[str, Any] = {"input_dim": rng.randint(1, 50), "output_dim": rng.randint(1, 8)}
    if draw.chance(0.2):
        masked = draw.chance(0.5)
        args["mask_zero"] = masked and bool(draw.given.get("runs"))
    if draw.chance(0.05):
        args["input_length"] = rng.randint(1, 6)
    mistake = {}
    if draw.chance(0.03):
        mistake[rng.choice(("input_dim", "output_dim"))] = rng.choice((0, -1))
    return Sample(args, args["output_dim"], mistake)


_TOKENS: Shapes = {"tokens": ["B", "T"]}


@layer_type(
    "keras",
    "Embedding",
    EmbeddingConfig,
    cost=cost_rules.copy,
    check=_check,
    tensors_doc="`output` (masked with `mask_zero: true`)",
    note="(`input_length` is deprecated and ignored: LS408)",
    wrapped_config=EmbeddingArgs,
    wrappers=("TimeDistributed",),
    examples=(
        Example(
            _TOKENS,
            {"input_dim": 1000, "output_dim": 8, "mask_zero": True},
            {"output": ["B", "T", 8]},
            params=8000,
        ),
    ),
    failing=(Failing(_TOKENS, {"input_dim": 1000, "output_dim": 8, "input_length": 10}, "LS408"),),
    sample=Sampler("tokens", _sample),
)
def embedding(config: EmbeddingArgs, ctx: LayerContext) -> LayerOutcome:
    """Looks up integer ids: (...) -> (..., output_dim), with input_dim*output_dim weights.

    With mask_zero the output carries a mask (id 0 is padding), which Dense,
    Dropout, TimeDistributed, Concatenate and recurrent layers with
    return_sequences pass on.
    """
    shape = ctx.inputs[0].tensor.shape
    output = None if shape is None else (*shape, config.output_dim)
    mask = None
    if config.mask_zero:
        mask = Mask(
            ctx.name, "an Embedding with mask_zero: true", f"mask_zero: true from {ctx.name}"
        )
    outcome = Tensor(output, mask=mask)
    return LayerOutcome({"output": outcome}, config.input_dim * config.output_dim)
