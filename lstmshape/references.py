"""References from one layer to a tensor: ``NAME``, ``LAYER.TENSOR`` and an index.

A reference's index is Python subscript syntax (``enc.output[:, -1, :]``,
``enc.h_n[-1]``, ``x[..., 0:4]``).  It is parsed with :mod:`ast`, never
evaluated; only integers, slices of integers, ``...`` and ``None`` are allowed.
"""

from __future__ import annotations

import ast
import re
from types import EllipsisType

from lstmshape.record import record

IndexItem = int | slice | EllipsisType | None
Subscript = tuple[IndexItem, ...]

_HEAD = re.compile(r"\s*([A-Za-z_]\w*)(?:\.([A-Za-z_]\w*))?\s*")


class ReferenceSyntaxError(ValueError):
    """The text is not a reference; the message says what was found."""


@record(frozen=True, slots=True)
class Reference:
    source: str
    tensor: str | None
    subscripts: tuple[Subscript, ...]
    text: str


def parse_reference(text: str) -> Reference:
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


def _index_item(text: str, node: ast.expr) -> IndexItem:
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
