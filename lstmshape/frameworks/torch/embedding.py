"""torch.nn.Embedding: looks up integer ids, (*) -> (*, embedding_dim)."""

from __future__ import annotations

from typing import Any, Literal

from lstmshape.engine.tensors import LayerContext, LayerOutcome, Tensor
from lstmshape.frameworks import cost_rules
from lstmshape.frameworks.layer_type import Draw, Example, Failing, Sample, Sampler, layer_type
from lstmshape.frameworks.torch.base import TorchLayer, check_non_negative


class EmbeddingConfig(TorchLayer):
    type: Literal["Embedding"]
    num_embeddings: int
    embedding_dim: int
    padding_idx: int | None = None
    max_norm: float | None = None
    norm_type: float = 2.0
    scale_grad_by_freq: bool = False
    sparse: bool = False
    device: str | None = None
    dtype: str | None = None


def _check(config: EmbeddingConfig, ctx: LayerContext) -> bool:
    sizes = {"num_embeddings": config.num_embeddings, "embedding_dim": config.embedding_dim}
    if not check_non_negative(ctx, sizes):
        return False
    padding = config.padding_idx
    if padding is not None and not -config.num_embeddings <= padding < config.num_embeddings:
        ctx.report(
            "LS108",
            f"{ctx.name}.padding_idx must be within num_embeddings "
            f"({-config.num_embeddings} to {config.num_embeddings - 1}), found {padding}",
            "padding_idx",
        )
        return False
    return True


def _sample(draw: Draw) -> Sample:
    """``given["embedding_dim"]`` is the size the story wants; padding_idx at times out of range."""
    rng = draw.rng
    dim = draw.given["embedding_dim"]
    args: dict[str, Any] = {"num_embeddings": rng.randint(1, 10), "embedding_dim": dim}
    if draw.chance(0.3):
        n = args["num_embeddings"]
        args["padding_idx"] = rng.randint(-n - 1, n)  # one past either end is invalid
    mistake = {}
    if draw.chance(0.03):
        mistake[rng.choice(("num_embeddings", "embedding_dim"))] = -1
    return Sample(args, dim, mistake)


@layer_type(
    "torch",
    "Embedding",
    EmbeddingConfig,
    cost=cost_rules.copy,
    check=_check,
    examples=(
        Example(
            {"tokens": ["B", "T"]},
            {"num_embeddings": 1000, "embedding_dim": 32, "padding_idx": 0},
            {"output": ["B", "T", 32]},
            params=32000,
        ),
    ),
    failing=(
        Failing(
            {"tokens": ["B", "T"]},
            {"num_embeddings": 1000, "embedding_dim": 32, "padding_idx": 1000},
            "LS108",
        ),
    ),
    sample=Sampler("tokens", _sample),
)
def embedding(config: EmbeddingConfig, ctx: LayerContext) -> LayerOutcome:
    """Looks up integer ids: (*) -> (*, embedding_dim).

    Parameters num_embeddings*embedding_dim; padding_idx must lie within
    num_embeddings (negative values count from the end).
    """
    params = config.num_embeddings * config.embedding_dim
    shape = ctx.inputs[0].tensor.shape
    output = None if shape is None else (*shape, config.embedding_dim)
    return LayerOutcome({"output": Tensor(output)}, params)
