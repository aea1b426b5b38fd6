"""Keras 3 layer configs: the constructor arguments of each ``keras.layers`` class.

Names and defaults are Keras's own (as ``tf.keras`` is on TensorFlow >= 2.16).
Types are checked here; values Keras rejects when it builds a layer
(``units: 0``, an unknown activation) are checked by the engine.

Wrappers hold their wrapped layer as a nested mapping, validated as a nested
model so that an error inside it points at the nested YAML node::

    - type: Bidirectional
      layer: {type: LSTM, units: 64, return_sequences: true}
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Tag, field_validator

from lstmshape.models.common import LayerBase, LayerName, ShapeField, StrictModel

Reference = str
"""A reference to a tensor, parsed by :mod:`lstmshape.references`."""

KERAS_PREFIXES = (
    "tensorflow.keras.layers.",
    "tf.keras.layers.",
    "keras.layers.",
    "layers.",
)


def normalize_type(written: Any) -> Any:
    """``tf.keras.layers.LSTM``, ``keras.layers.LSTM`` and ``layers.LSTM`` are ``LSTM``."""
    if isinstance(written, str):
        for prefix in KERAS_PREFIXES:
            if written.startswith(prefix):
                return written[len(prefix) :]
    return written


class KerasArgs(StrictModel):
    """What every Keras layer takes, whether it stands in the spec or in a wrapper."""

    name: LayerName | None = None
    type: str

    @field_validator("type", mode="before")
    @classmethod
    def _strip_prefix(cls, value: Any) -> Any:
        return normalize_type(value)


class RecurrentArgs(KerasArgs):
    units: int
    activation: str | None = "tanh"
    use_bias: bool = True
    return_sequences: bool = False
    return_state: bool = False
    go_backwards: bool = False
    stateful: bool = False
    unroll: bool = False
    dropout: float = 0.0
    recurrent_dropout: float = 0.0
    kernel_initializer: str = "glorot_uniform"
    recurrent_initializer: str = "orthogonal"
    bias_initializer: str = "zeros"
    kernel_regularizer: str | None = None
    recurrent_regularizer: str | None = None
    bias_regularizer: str | None = None
    activity_regularizer: str | None = None
    seed: int | None = None
    trainable: bool = True
    dtype: str | None = None


class LSTMArgs(RecurrentArgs):
    type: Literal["LSTM"]
    recurrent_activation: str | None = "sigmoid"
    unit_forget_bias: bool = True
    use_cudnn: bool | Literal["auto"] = "auto"
    implementation: int = 2
    """Accepted and ignored by Keras 3 (a Keras 2 speed setting); SimpleRNN rejects it."""


class GRUArgs(RecurrentArgs):
    type: Literal["GRU"]
    recurrent_activation: str | None = "sigmoid"
    reset_after: bool = True
    use_cudnn: bool | Literal["auto"] = "auto"
    implementation: int = 2
    """Accepted and ignored by Keras 3, as on LSTM."""


class SimpleRNNArgs(RecurrentArgs):
    type: Literal["SimpleRNN"]


class DenseArgs(KerasArgs):
    type: Literal["Dense"]
    units: int
    activation: str | None = None
    use_bias: bool = True
    kernel_initializer: str = "glorot_uniform"
    bias_initializer: str = "zeros"
    kernel_regularizer: str | None = None
    bias_regularizer: str | None = None
    activity_regularizer: str | None = None
    trainable: bool = True
    dtype: str | None = None


class DropoutArgs(KerasArgs):
    type: Literal["Dropout"]
    rate: float
    noise_shape: list[int | None] | None = None
    seed: int | None = None


def _nested_type(value: Any) -> str | None:
    written = value.get("type") if isinstance(value, dict) else getattr(value, "type", None)
    normalized = normalize_type(written)
    return normalized if isinstance(normalized, str) else None


RecurrentLayer = Annotated[
    Annotated[LSTMArgs, Tag("LSTM")]
    | Annotated[GRUArgs, Tag("GRU")]
    | Annotated[SimpleRNNArgs, Tag("SimpleRNN")],
    Discriminator(_nested_type),
]
"""What Bidirectional wraps: Keras needs a recurrent layer it can run backwards."""
WRAPPABLE_BY_BIDIRECTIONAL = ("LSTM", "GRU", "SimpleRNN")

TimeDistributedLayer = Annotated[
    Annotated[DenseArgs, Tag("Dense")]
    | Annotated[DropoutArgs, Tag("Dropout")]
    | Annotated[LSTMArgs, Tag("LSTM")]
    | Annotated[GRUArgs, Tag("GRU")]
    | Annotated[SimpleRNNArgs, Tag("SimpleRNN")],
    Discriminator(_nested_type),
]
WRAPPABLE_BY_TIME_DISTRIBUTED = ("Dense", "Dropout", "LSTM", "GRU", "SimpleRNN")

NESTED_FIELDS = ("layer", "backward_layer")
"""Fields holding a wrapped layer: pydantic puts the union's tag after them in error paths."""


class KerasLayer(LayerBase):
    """Keys a layer written in the spec has besides its constructor arguments."""

    input: Reference | None = None
    input_shape: ShapeField | None = None
    """The input's shape without the batch, as the first layer of a Sequential takes it."""

    @field_validator("type", mode="before")
    @classmethod
    def _strip_prefix(cls, value: Any) -> Any:
        return normalize_type(value)


class StatefulLayer(KerasLayer):
    initial_state: Reference | list[Reference] | None = None


class LSTMConfig(StatefulLayer, LSTMArgs):
    type: Literal["LSTM"]


class GRUConfig(StatefulLayer, GRUArgs):
    type: Literal["GRU"]


class SimpleRNNConfig(StatefulLayer, SimpleRNNArgs):
    type: Literal["SimpleRNN"]


RecurrentConfig = LSTMConfig | GRUConfig | SimpleRNNConfig


class BidirectionalConfig(StatefulLayer):
    type: Literal["Bidirectional"]
    layer: RecurrentLayer
    merge_mode: str | None = "concat"
    backward_layer: RecurrentLayer | None = None


class TimeDistributedConfig(KerasLayer):
    type: Literal["TimeDistributed"]
    layer: TimeDistributedLayer


class DenseConfig(KerasLayer, DenseArgs):
    type: Literal["Dense"]


class DropoutConfig(KerasLayer, DropoutArgs):
    type: Literal["Dropout"]


class RepeatVectorConfig(KerasLayer):
    type: Literal["RepeatVector"]
    n: int


class EmbeddingConfig(KerasLayer):
    type: Literal["Embedding"]
    input_dim: int
    output_dim: int
    embeddings_initializer: str = "uniform"
    embeddings_regularizer: str | None = None
    embeddings_constraint: str | None = None
    mask_zero: bool = False
    input_length: int | None = None
    """Deprecated in Keras 3 (accepted with a warning)."""


class ConcatenateConfig(KerasLayer):
    type: Literal["Concatenate"]
    input: Reference | list[Reference] | None = None  # type: ignore[assignment]
    """Keras calls ``Concatenate(axis)([a, b])``: a list of references."""
    axis: int = -1


KERAS_LAYERS: dict[str, type[LayerBase]] = {
    "LSTM": LSTMConfig,
    "GRU": GRUConfig,
    "SimpleRNN": SimpleRNNConfig,
    "Bidirectional": BidirectionalConfig,
    "TimeDistributed": TimeDistributedConfig,
    "Dense": DenseConfig,
    "Dropout": DropoutConfig,
    "RepeatVector": RepeatVectorConfig,
    "Embedding": EmbeddingConfig,
    "Concatenate": ConcatenateConfig,
}

WRAPPED_FIELDS: dict[str, tuple[str, ...]] = {
    "LSTM": tuple(LSTMArgs.model_fields),
    "GRU": tuple(GRUArgs.model_fields),
    "SimpleRNN": tuple(SimpleRNNArgs.model_fields),
    "Dense": tuple(DenseArgs.model_fields),
    "Dropout": tuple(DropoutArgs.model_fields),
}
"""The keys a wrapped layer takes: its constructor arguments, without input or expect."""
