"""PyTorch layer configs: the constructor arguments of each torch class.

Names and defaults are torch's own.  Types are checked here; the values torch
rejects when it builds a layer (``hidden_size: 0``) are checked by the engine,
which knows which argument to blame and how torch words it.
"""

from __future__ import annotations

from typing import Literal

from lstmshape.models.common import LayerBase

Reference = str
"""A reference to a tensor, parsed by :mod:`lstmshape.references`."""


class TorchLayer(LayerBase):
    input: Reference | None = None


class RNNBaseConfig(TorchLayer):
    input_size: int
    hidden_size: int
    num_layers: int = 1
    bias: bool = True
    batch_first: bool = False
    dropout: float = 0.0
    bidirectional: bool = False
    device: str | None = None
    dtype: str | None = None
    initial_state: Reference | list[Reference] | None = None


class LSTMConfig(RNNBaseConfig):
    type: Literal["LSTM"]
    proj_size: int = 0


class GRUConfig(RNNBaseConfig):
    type: Literal["GRU"]


class RNNConfig(RNNBaseConfig):
    type: Literal["RNN"]
    nonlinearity: str = "tanh"


class LinearConfig(TorchLayer):
    type: Literal["Linear"]
    in_features: int
    out_features: int
    bias: bool = True
    device: str | None = None
    dtype: str | None = None


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


class DropoutConfig(TorchLayer):
    type: Literal["Dropout"]
    p: float = 0.5
    inplace: bool = False


class CatConfig(LayerBase):
    """``torch.cat(tensors, dim=0)``: a function, written as a layer."""

    type: Literal["cat"]
    tensors: list[Reference]
    dim: int = 0


TorchConfig = (
    LSTMConfig | GRUConfig | RNNConfig | LinearConfig | EmbeddingConfig | DropoutConfig | CatConfig
)

TORCH_LAYERS: dict[str, type[LayerBase]] = {
    "LSTM": LSTMConfig,
    "GRU": GRUConfig,
    "RNN": RNNConfig,
    "Linear": LinearConfig,
    "Embedding": EmbeddingConfig,
    "Dropout": DropoutConfig,
    "cat": CatConfig,
}

TORCH_PREFIXES = ("torch.nn.", "nn.", "torch.")
