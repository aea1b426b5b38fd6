"""Pydantic building blocks shared by both frameworks' layer configs.

Models import ``Field`` and ``field_validator`` from here, not from pydantic:
on a cold check they are :mod:`lstmshape.models.light`'s, which validates with
the schemas pydantic made of these very models, without importing pydantic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from lstmshape.dim_parser import parse
from lstmshape.dim_proofs import never_positive
from lstmshape.dims import DimLimitError, DimSyntaxError
from lstmshape.models import light
from lstmshape.shapes import from_expr

# Field, field_validator and ValidationError are re-exported (as X): the models and
# the spec import them from here.
if TYPE_CHECKING or not light.active():
    from pydantic import BaseModel, BeforeValidator, ConfigDict
    from pydantic import Field as Field  # noqa: PLC0414
    from pydantic import field_validator as field_validator  # noqa: PLC0414
    from pydantic_core import PydanticCustomError, SchemaValidator
    from pydantic_core import ValidationError as ValidationError  # noqa: PLC0414
else:
    from lstmshape.models.light import BaseModel, BeforeValidator, ConfigDict
    from lstmshape.models.light import Field as Field  # noqa: PLC0414
    from lstmshape.models.light import field_validator as field_validator  # noqa: PLC0414

    PydanticCustomError = light.compiled().PydanticCustomError
    SchemaValidator = light.compiled().SchemaValidator
    ValidationError = light.compiled().ValidationError

SYMBOL_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"


DIM_PATTERN = (
    r"^\s*(?:[-+(]\s*)*(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]+)\s*(?:\)\s*)*"
    r"(?:(?:[-+*]|//)\s*(?:[-+(]\s*)*(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]+)\s*(?:\)\s*)*)*$"
)
"""Operands and operators in turn: what an editor can check of an expression with
a pattern (not that parentheses balance, nor that // divides by an integer)."""

_DIM_WORDS = "a positive integer, a symbol such as B, an expression such as T - 2, or null"


def _check_dim(value: Any) -> Any:
    """The dimension in canonical form (``"T*B"`` is ``"B*T"``, ``"2*4"`` is 8)."""
    if value is None:
        return None
    if type(value) is int:
        if value > 0:
            return value
        raise PydanticCustomError(
            "invalid_dimension", "{value} is not a positive size", {"value": value}
        )
    if type(value) is not str:
        raise PydanticCustomError("invalid_dimension", f"a dimension is {_DIM_WORDS}")
    if value.isidentifier() and value.isascii():
        return value  # a symbol: most symbolic dimensions, read without parsing
    read = _READ.get(value)
    if read is None:
        if len(_READ) >= 20_000:  # twice what one spec may write
            _READ.clear()
        read = _READ[value] = _read_expression(value)
    if isinstance(read, tuple):
        raise PydanticCustomError(*read)
    return read


_READ: dict[str, int | str | tuple[str, str, dict[str, Any]]] = {}
"""Expressions already read: a spec repeats its few, and a hostile one is not read twice."""


def _read_expression(text: str) -> int | str | tuple[str, str, dict[str, Any]]:
    """The canonical dimension, or the error's kind, message and context."""
    try:
        expr = parse(text)
        canonical = from_expr(expr)
    except DimLimitError as error:
        return "dimension_limit", "{reason}", {"reason": str(error), "offset": error.offset}
    except DimSyntaxError as error:
        return "invalid_dimension", "{reason}", {"reason": str(error), "offset": error.offset}
    if isinstance(canonical, int) and canonical <= 0:
        return "invalid_dimension", "it is {value}, not a positive size", {"value": canonical}
    if never_positive(expr):
        return "invalid_dimension", "it is not positive for any positive values of its symbols", {}
    return canonical


DimField = Annotated[
    Annotated[int, Field(gt=0)]
    | Annotated[
        str,
        Field(
            pattern=DIM_PATTERN,
            description="a symbol such as B (any size), or an expression of symbols and "
            "integers with + - * and // by an integer, such as T - 2 or (T - 2) // 2",
        ),
    ]
    | None,
    BeforeValidator(_check_dim),
]


def _check_size(value: Any) -> Any:
    """A size for view or reshape: an int as torch takes it (-1 inferred, checked by
    the layer), or a dimension expression, in canonical form."""
    return _check_dim(value) if type(value) is str else value


SizeField = Annotated[
    int
    | Annotated[
        str,
        Field(
            pattern=DIM_PATTERN,
            description="a symbol or an expression of the input's sizes, such as T*B, as a "
            "model computes it from x.size()",
        ),
    ],
    BeforeValidator(_check_size),
]
"""A size a layer is given as the model computes it at run time (``view(T*b, h)``)."""
DIM_CONFIG = ConfigDict(strict=True)
DIM_FIELD = f"{__name__}:DimField"
"""The name :mod:`lstmshape.models.schemas` stores a lone dimension's schema under."""


def dim_validator() -> SchemaValidator:
    """What validates one dimension, outside any model."""
    if light.active():
        return light.validator(DIM_FIELD)
    from pydantic import TypeAdapter

    return TypeAdapter(DimField, config=DIM_CONFIG).validator  # type: ignore[return-value]


MAX_RANK = 64
"""Most dimensions a shape may have, declared or made by indexing with None."""

ShapeField = Annotated[list[DimField], Field(max_length=MAX_RANK)]
LayerName = Annotated[str, Field(pattern=SYMBOL_PATTERN)]
SymbolName = Annotated[str, Field(pattern=SYMBOL_PATTERN)]
MODULE_PATH_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*$"
ModulePath = Annotated[str, Field(pattern=MODULE_PATH_PATTERN)]
"""A dotted path of attribute or layer names (``encoder.rnn``, ``layers.0``)."""
MAX_DIM_VALUE = 2**53
"""Largest value ``dims:`` and ``--dim`` give a symbol: what a JSON reader holds exactly."""
SymbolValue = Annotated[int, Field(gt=0, le=MAX_DIM_VALUE)]
"""A symbol's value under ``dims:``, for the reports to evaluate shapes and costs with."""
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
    module: ModulePath | None = None
    """Where ``lstmshape verify`` finds the layer in the user's own model, when not under
    its name: an attribute path (``encoder.rnn``), or a path of Keras layer names."""
