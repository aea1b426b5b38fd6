"""References from one layer to a tensor: ``NAME``, ``LAYER.TENSOR`` and an index.

A reference's index is Python subscript syntax (``enc.output[:, -1, :]``,
``enc.h_n[-1]``, ``x[..., 0:4]``).  It is parsed with :mod:`ast`, never
evaluated; only integers, slices of integers, ``...`` and ``None`` are allowed.
An index written plainly (``[:, -1, :]``) is read without :mod:`ast`, which a
cold check would otherwise import for it; anything else goes to :mod:`ast`.
"""

from __future__ import annotations

import re
from types import EllipsisType
from typing import TYPE_CHECKING

from lstmshape.record import record

if TYPE_CHECKING:
    import ast

IndexItem = int | slice | EllipsisType | None
Subscript = tuple[IndexItem, ...]

_HEAD = re.compile(r"\s*([A-Za-z_]\w*)(?:\.([A-Za-z_]\w*))?\s*")
_BARE = re.compile(r"([A-Za-z_]\w*)(?:\.([A-Za-z_]\w*))?")
"""A reference without an index or spaces, as most are written: read as _HEAD reads it."""

_INT = r"[-+]?(?:0|[1-9][0-9]*)"
_BOUND = rf"[ ]*(?:{_INT})?[ ]*"
_ITEM = rf"[ ]*(?:\.\.\.|None|{_INT})[ ]*|{_BOUND}:{_BOUND}(?::{_BOUND})?"
_PLAIN_INDEX = re.compile(rf"(?:\[(?:{_ITEM})(?:,(?:{_ITEM}))*\][ ]*)+")
"""Subscripts of integers, slices of integers, ``...`` and ``None``, written plainly."""


class ReferenceSyntaxError(ValueError):
    """The text is not a reference; the message says what was found."""


@record(frozen=True, slots=True)
class Reference:
    source: str
    tensor: str | None
    subscripts: tuple[Subscript, ...]
    text: str


def is_written_reference(written: object) -> bool:
    """A value as a spec writes references: a name, or a list of names (not `other: 2`,
    `lengths: [5, 3]`)."""
    return isinstance(written, str) or (
        isinstance(written, list) and all(isinstance(item, str) for item in written)
    )


def parse_reference(text: str) -> Reference:
    bare = _BARE.fullmatch(text)
    if bare is not None:
        return Reference(bare.group(1), bare.group(2), (), text)
    head = _HEAD.match(text)
    if head is None:
        raise ReferenceSyntaxError(
            f"{text!r} is not a reference: expected NAME or LAYER.TENSOR, "
            "optionally followed by an index such as [:, -1, :]"
        )
    rest = text[head.end() :].rstrip()
    subscripts: tuple[Subscript, ...] = ()
    if rest:
        if not rest.startswith("["):
            raise ReferenceSyntaxError(
                f"{text!r} is not a reference: after {text[: head.end()].strip()!r} "
                f"expected an index in [ ] but found {rest!r}"
            )
        subscripts = _parse_subscripts(text, rest)
    return Reference(head.group(1), head.group(2), subscripts, text.strip())


MAX_BRACKETS = 64
"""Most ``[`` in one reference; a real one has two or three, and ast recurses on them."""


def _parse_subscripts(text: str, rest: str) -> tuple[Subscript, ...]:
    if rest.count("[") > MAX_BRACKETS:
        raise ReferenceSyntaxError(
            f"{text[:40]!r}... has a malformed index: more than {MAX_BRACKETS} brackets"
        )
    if _PLAIN_INDEX.fullmatch(rest):
        return _plain_subscripts(rest)
    import ast

    try:
        tree = ast.parse("_" + rest, mode="eval").body
    except (SyntaxError, RecursionError, MemoryError):
        raise ReferenceSyntaxError(
            f"{text!r} has a malformed index {rest!r}: expected Python subscripts such as "
            "[-1] or [:, -1, :]"
        ) from None
    subscripts: list[Subscript] = []
    while isinstance(tree, ast.Subscript):
        items = tree.slice.elts if isinstance(tree.slice, ast.Tuple) else [tree.slice]
        subscripts.append(tuple(_index_item(text, item) for item in items))
        tree = tree.value
    if not (isinstance(tree, ast.Name) and tree.id == "_"):
        raise ReferenceSyntaxError(
            f"{text!r} has a malformed index {rest!r}: expected Python subscripts such as "
            "[-1] or [:, -1, :]"
        )
    return tuple(reversed(subscripts))


def _plain_subscripts(rest: str) -> tuple[Subscript, ...]:
    """What :mod:`ast` reads in subscripts that :data:`_PLAIN_INDEX` matches."""
    return tuple(
        tuple(_plain_item(item.strip(" ")) for item in group.split(","))
        for group in rest.strip(" ")[1:-1].replace(" ", "").split("][")
    )


def _plain_item(item: str) -> IndexItem:
    if item == "...":
        return ...
    if item == "None":
        return None
    if ":" in item:
        bounds = [int(bound) if bound else None for bound in item.split(":")]
        return slice(*bounds) if len(bounds) == 3 else slice(bounds[0], bounds[1], None)
    return int(item)


def _index_item(text: str, node: ast.expr) -> IndexItem:
    import ast  # already imported by _parse_subscripts: a name lookup

    if isinstance(node, ast.Slice):
        return slice(
            _optional_int(text, node.lower),
            _optional_int(text, node.upper),
            _optional_int(text, node.step),
        )
    if isinstance(node, ast.Constant) and (node.value is Ellipsis or node.value is None):
        return node.value
    return _int(text, node)


def _optional_int(text: str, node: ast.expr | None) -> int | None:
    return None if node is None else _int(text, node)


def _int(text: str, node: ast.expr) -> int:
    import ast  # already imported by _parse_subscripts: a name lookup

    sign = 1
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        sign = -1 if isinstance(node.op, ast.USub) else 1
        node = node.operand
    if (
        isinstance(node, ast.Constant)
        and isinstance(node.value, int)
        and not isinstance(node.value, bool)
    ):
        return sign * node.value
    raise ReferenceSyntaxError(
        f"{text!r} indexes with {ast.unparse(node)!r}: an index may only hold integers, "
        "slices such as 1:4, ... and None"
    )
