"""Pydantic building blocks shared by both frameworks' layer configs."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

SYMBOL_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"


def _check_dim(value: Any) -> Any:
    valid = (
        value is None
        or (isinstance(value, int) and not isinstance(value, bool) and value > 0)
        or (isinstance(value, str) and value.isidentifier())
    )
    if not valid:
        raise PydanticCustomError(
            "invalid_dimension",
            "a dimension is a positive integer, a symbol such as B, or null",
        )
    return value


DimField = Annotated[
    Annotated[int, Field(gt=0)] | Annotated[str, Field(pattern=SYMBOL_PATTERN)] | None,
    BeforeValidator(_check_dim),
]
MAX_RANK = 64
"""Most dimensions a shape may have, declared or made by indexing with None."""

ShapeField = Annotated[list[DimField], Field(max_length=MAX_RANK)]
LayerName = Annotated[str, Field(pattern=SYMBOL_PATTERN)]
Reference = str
"""A reference to a tensor, parsed by :mod:`lstmshape.references`."""


class StrictModel(BaseModel):
    """Unknown keys and loose types are errors: a spec is checked, not coerced."""

    # defer_build: a class's validator is built when it first validates, so a
    # run pays only for the layer types its specs use, not for every class.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)


class LayerBase(StrictModel):
    """Keys that every layer has, whatever its framework and type."""

    name: LayerName | None = None
    type: str
    expect: dict[str, ShapeField] | None = None
