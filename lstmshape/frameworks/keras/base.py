"""What Keras's layer types share: the bases of their configs, and wrapped layers.

A layer type's arguments are one model (``DenseArgs``: what the constructor
takes, as a wrapper holds it) and its config as a spec writes it adds the
keys of a layer of the spec (``DenseConfig(KerasLayer, DenseArgs)``: input,
input_shape, expect).  Wrappers hold their wrapped layer as a nested mapping,
validated as a nested model so that an error inside it points at the nested
YAML node::

    - type: Bidirectional
      layer: {type: LSTM, units: 64, return_sequences: true}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from lstmshape.frameworks import strip_prefix
from lstmshape.models.common import (
    LayerBase,
    LayerName,
    Reference,
    ShapeField,
    StrictModel,
    field_validator,
)

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler
    from pydantic_core import CoreSchema

KERAS_PREFIXES = (
    "tensorflow.keras.layers.",
    "tf.keras.layers.",
    "keras.layers.",
    "layers.",
)


def normalize_type(written: Any) -> Any:
    """``tf.keras.layers.LSTM``, ``keras.layers.LSTM`` and ``layers.LSTM`` are ``LSTM``."""
    return strip_prefix(written, KERAS_PREFIXES)


READS_A_LIST = {
    "TimeDistributed": "it reads a list of tensors, and TimeDistributed reads one (Keras "
    "raises ValueError: `TimeDistributed` Layer should be passed an `input_shape` with at "
    "least 3 dimensions, received: [...])"
}
"""Why a wrapper cannot hold a layer that reads a list (Concatenate, Add, Dot...)."""


class KerasArgs(StrictModel):
    """What every Keras layer takes, whether it stands in the spec or in a wrapper."""

    name: LayerName | None = None
    type: str

    @field_validator("type", mode="before")
    @classmethod
    def _strip_prefix(cls, value: Any) -> Any:
        return normalize_type(value)


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
    mask: Reference | None = None
    """The call's ``mask=``: a (batch, timesteps) tensor, used instead of the input's mask."""


def nested_type(value: Any) -> str | None:
    written = value.get("type") if isinstance(value, dict) else getattr(value, "type", None)
    normalized = normalize_type(written)
    return normalized if isinstance(normalized, str) else None


class Tagged:
    """The type of a field that holds one of ``members``, told apart by its ``type``.

    Written ``cell: Annotated[CellArgs, Tagged(CELL_TYPES)]``: the tagged union
    is made when pydantic builds the validator, so a cold check that validates
    with stored schemas never imports pydantic for it.
    """

    def __init__(self, members: Mapping[str, type[Any]]) -> None:
        self.members = members

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        from typing import Annotated, Union

        from pydantic import Discriminator, Tag  # only pydantic's models call this

        members = tuple(Annotated[model, Tag(name)] for name, model in self.members.items())
        return handler.generate_schema(Annotated[Union[members], Discriminator(nested_type)])  # noqa: UP007


class WrappedBy:
    """The type of a field that holds a layer for the wrapper ``wrapper``.

    Written ``layer: Annotated[KerasArgs, WrappedBy("TimeDistributed")]``: the
    layer is one of the types that name the wrapper in their ``wrappers``,
    told apart by its ``type``.  The union is made from the registry when the
    wrapper's validator is first built, after every type has registered.
    """

    def __init__(self, wrapper: str) -> None:
        self.wrapper = wrapper

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        from typing import Annotated, Union

        from pydantic import Discriminator, Tag  # only pydantic's models call this

        from lstmshape.frameworks.layer_type import LAYER_TYPES

        members = tuple(
            Annotated[declared.wrapped_config, Tag(name)]
            for (framework, name), declared in LAYER_TYPES.items()
            if framework == "keras" and self.wrapper in declared.wrappers
        )
        return handler.generate_schema(Annotated[Union[members], Discriminator(nested_type)])  # noqa: UP007
