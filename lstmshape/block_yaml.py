"""A reader for the YAML a spec is usually written in, without importing PyYAML.

Importing PyYAML costs about three times Python's own start-up, more than
anything else a cold ``check`` loads, and reading a large spec through its
events costs a Python call per event.  Most specs use a small part of YAML:
block mappings and sequences, one-line plain and simply quoted scalars, and
one-line flow sequences and mappings of those, such as ``x: [B, T, 32]``.  This module
reads exactly that part, giving the values and the 1-based positions of
values and keys that :mod:`lstmshape.yaml_events` gives for it.  For
anything else it answers None and the caller loads the text with PyYAML:
anchors, aliases, tags, merges, block scalars, multi-line scalars, escapes,
flow collections over several lines, several documents, a duplicate key, any
character beyond printable ASCII (tabs too), a scalar that YAML 1.1 would
read as a number written in a way other than plain decimal (``1e-3``,
``0x10``, ``1_000``, ``.5``), a date, and every syntax error.  What it
accepts, PyYAML reads the same way: tests/test_block_yaml.py compares the two
on generated documents and on every spec of the repository.
"""

from __future__ import annotations

import re
from itertools import repeat
from typing import Any

from lstmshape.diagnostics import NodePath
from lstmshape.loader import MAX_INT, Position

_MISSING = object()

_MAX_DEPTH = 32
"""Deeper nesting goes to the full loader, which has the limit and its message."""

_MAX_KEY = 1000
"""YAML refuses a key longer than 1,024 characters; the full loader says so."""

_RESOLVED = {
    **dict.fromkeys(("yes", "Yes", "YES", "true", "True", "TRUE"), True),
    **dict.fromkeys(("on", "On", "ON"), True),
    **dict.fromkeys(("no", "No", "NO", "false", "False", "FALSE"), False),
    **dict.fromkeys(("off", "Off", "OFF"), False),
    **dict.fromkeys(("~", "null", "Null", "NULL"), None),
}
"""YAML 1.1's booleans and nulls, as PyYAML's resolver reads them."""

_RESOLVED_FIRST = frozenset("yYnNtTfFoO~")
"""A plain scalar starting otherwise is never one of ``_RESOLVED``."""

_NUMBER_FIRST = frozenset("-+0123456789.<=")
"""PyYAML reads a plain scalar starting so as a number, a date, a merge or ``=``
when its resolver's patterns match; this reader reads only the plain forms below."""

_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?[0-9]+\.[0-9]*(?:[eE][-+][0-9]+)?")
"""The plain decimal forms of PyYAML's int and float patterns (which allow more)."""

_MAX_NUMBER_TEXT = 40
"""A longer number goes to the full loader (an int64 has 19 digits), which words the limit."""

_PYYAML_NUMBER_OR_DATE = r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
    |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN)
    |[-+]?0b[0-1_]+
    |[-+]?0[0-7_]+
    |[-+]?(?:0|[1-9][0-9_]*)
    |[-+]?0x[0-9a-fA-F_]+
    |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+
    |[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
    |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?
    (?:[Tt]|[ \t]+)[0-9][0-9]?
    :[0-9][0-9] :[0-9][0-9] (?:\.[0-9]*)?
    (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$"""
"""PyYAML's float, int and timestamp patterns (PyYAML 6, ``yaml/resolver.py``), as it
writes them, for re.X: a plain scalar starting with a digit, a sign or a dot that none
matches is a string.  Compiled when first needed (see :func:`_plain`)."""

_SIMPLE_ENTRY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*): +([A-Za-z0-9_][A-Za-z0-9_.]*)")
"""A mapping entry ``key: value`` of a name and a plain scalar of letters, digits, ``_`` and
``.``, which the general path (:meth:`_Reader._mapping`, :meth:`_Reader._value`) reads as
this key and :func:`_plain` of this value: nothing in it is an indicator, a comment or a
colon."""

_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
"""Characters a plain scalar cannot start with (YAML lets ``-?:`` before a non-space;
this reader only ``-``, as in ``-1``)."""

_FLOW_STOPS = frozenset(",[]{}#:")
"""Where a plain scalar inside a flow collection ends, or this reader stops reading it."""


class _Outside(Exception):
    """The text uses YAML this reader leaves to PyYAML."""


class Read:
    """One document as read: its value and the positions of its values and keys."""

    __slots__ = ("data", "keys", "values")

    def __init__(
        self, data: Any, values: dict[NodePath, Position], keys: dict[NodePath, Position]
    ) -> None:
        self.data = data
        self.values = values
        self.keys = keys


def read_block_yaml(text: str, *, positions: bool = True) -> Read | None:
    """The one document of ``text`` if this reader covers all of it, else None.

    Without ``positions`` the positions are left empty, in a fifth less time: they are
    needed only to place a diagnostic, and reading again gives them (see
    :func:`lstmshape.loader.load_yaml`).
    """
    # printable ASCII and line feeds only: no tab, no carriage return, no control
    # character (PyYAML's reader words that problem), nothing beyond ASCII
    if not text.isascii() or not text.replace("\n", "").isprintable():
        return None
    try:
        return _Reader(text, positions).read()
    except _Outside:
        return None


_END = (0, -1, "")
"""The row after the last: its column is left of every other."""


class _Reader:
    def __init__(self, text: str, positions: bool) -> None:
        lines = text.split("\n")
        # only positions read a row's line number: without them, 0 for all, none made per row
        numbered = enumerate(lines, 1) if positions else zip(repeat(0), lines)
        rows = [
            (number, len(line) - len(content), content)
            for number, line in numbered
            if (content := line.lstrip(" ")) and content[0] != "#"
        ]
        rows.append(_END)
        self._rows = rows
        """Each line holding more than spaces and a comment: its number, column and content.
        The rest of a line after a ``- `` replaces its line's row when it is read."""
        self._index = 0
        """Of the next row to read."""
        self._positions = positions
        """Whether to record positions; without them every node's path is ``()``."""
        self.values: dict[NodePath, Position] = {}
        self.keys: dict[NodePath, Position] = {}
        self._scalars: dict[str, Any] = {}
        """Plain scalars already read: specs repeat their keys and values."""

    def read(self) -> Read:
        rows = self._rows
        if rows[0][2].rstrip(" ") == "---" and rows[0][1] == 0:
            self._index = 1
        _, column, _ = rows[self._index]
        if column != 0:
            raise _Outside  # no document, an empty one or an indented one: left to PyYAML
        data = self._node((), 0, 0)
        if rows[self._index] is not _END:
            raise _Outside  # more after the document: another one, or an error
        return Read(data, self.values, self.keys)

    def _scalar(self, text: str) -> Any:
        value = self._scalars.get(text, _MISSING)
        if value is _MISSING:
            value = self._scalars[text] = _plain(text)
        return value

    def _node(self, path: NodePath, column: int, depth: int) -> Any:
        """The block collection starting at the next row, which stands at ``column``."""
        if depth > _MAX_DEPTH:
            raise _Outside
        if _is_entry(self._rows[self._index][2]):
            return self._sequence(path, column, depth)
        return self._mapping(path, column, depth)

    def _sequence(self, path: NodePath, column: int, depth: int) -> list[Any]:
        rows = self._rows
        positions = self._positions
        if positions:
            self.values[path] = (rows[self._index][0], column + 1)
        items: list[Any] = []
        while True:
            line, _, content = rows[self._index]
            if not _is_entry(content):
                break
            item_path = (*path, len(items)) if positions else path
            rest = content[1:].lstrip(" ")
            if rest and rest[0] != "#":  # the item starts on the dash's line
                item_column = column + len(content) - len(rest)
                items.append(self._inline(item_path, line, item_column, rest, column, depth))
            else:
                self._index += 1
                next_column = rows[self._index][1]
                if next_column <= column:
                    raise _Outside  # an empty item: left to PyYAML
                items.append(self._node(item_path, next_column, depth + 1))
            next_column = rows[self._index][1]
            if next_column < column:
                break
            if next_column > column:
                raise _Outside
        return items

    def _inline(
        self, path: NodePath, line: int, column: int, rest: str, parent_column: int, depth: int
    ) -> Any:
        """A sequence item written after its dash: a scalar, a flow collection or a mapping."""
        if _is_entry(rest):
            raise _Outside  # a sequence in a sequence on one line: rare, left to PyYAML
        if _key_end(rest) is not None:
            self._rows[self._index] = (line, column, rest)
            return self._mapping(path, column, depth + 1)
        value = self._value(path, line, column, rest)
        self._index += 1
        if self._rows[self._index][1] > parent_column:
            raise _Outside  # a continuation line, or an error
        return value

    def _mapping(self, path: NodePath, column: int, depth: int) -> dict[Any, Any]:
        rows = self._rows
        positions = self._positions
        if positions:
            self.values[path] = (rows[self._index][0], column + 1)
        scalars = self._scalars
        mapping: dict[Any, Any] = {}
        while True:
            line, _, content = rows[self._index]
            simple = _SIMPLE_ENTRY.fullmatch(content)
            if simple is None:
                self._entry(mapping, path, line, column, content, depth)
            else:  # most of a spec's lines: read here as _entry would, in a third of the time
                key_text, value_text = simple.groups()
                if len(key_text) > _MAX_KEY:
                    raise _Outside
                key = scalars.get(key_text, _MISSING)
                if key is _MISSING:
                    key = self._scalar(key_text)
                if key in mapping:
                    raise _Outside  # a duplicate: the full loader reports it (LS002)
                if positions:
                    self.keys[(*path, key)] = (line, column + 1)
                    self.values[(*path, key)] = (line, column + simple.start(2) + 1)
                value = scalars.get(value_text, _MISSING)
                mapping[key] = self._scalar(value_text) if value is _MISSING else value
                self._index += 1
            next_column = rows[self._index][1]
            if next_column < column:
                break
            if next_column > column:
                raise _Outside  # a continuation line, or an error
        return mapping

    def _entry(
        self,
        mapping: dict[Any, Any],
        path: NodePath,
        line: int,
        column: int,
        content: str,
        depth: int,
    ) -> None:
        """The entry of ``mapping`` whose key starts ``content``, and its value."""
        end = _key_end(content)
        if end is None:
            raise _Outside  # not a key: a scalar alone, a complex key, an error
        key_text = content[:end].rstrip(" ")
        if not key_text or end > _MAX_KEY or key_text == "<<":
            raise _Outside
        key = self._scalars.get(key_text, _MISSING)
        if key is _MISSING:
            key = self._scalar(key_text)
        if key in mapping:
            raise _Outside  # a duplicate: the full loader reports it (LS002)
        positions = self._positions
        if positions:
            key_path = (*path, key)
            self.keys[key_path] = (line, column + 1)
        else:
            key_path = path
        rest = content[end + 1 :].lstrip(" ")
        self._index += 1
        if rest and rest[0] != "#":
            value_column = column + len(content) - len(rest)
            mapping[key] = self._value(key_path, line, value_column, rest)
            return
        _, next_column, next_content = self._rows[self._index]
        if next_column > column or (next_column == column and _is_entry(next_content)):
            mapping[key] = self._node(key_path, next_column, depth + 1)
        else:  # an empty value: null, placed just after the colon
            if positions:
                self.values[key_path] = (line, column + end + 2)
            mapping[key] = None

    def _value(self, path: NodePath, line: int, column: int, text: str) -> Any:
        """A value written on its line at ``column`` (0-based): a scalar or a flow sequence."""
        if self._positions:
            self.values[path] = (line, column + 1)
        first = text[0]
        if first in "[{":
            return self._flow(path, line, column, text)
        if first in "'\"":
            value, after = _quoted(text)
            _check_comment(text[after:])
            return value
        if _is_entry(text):
            raise _Outside  # a sequence entry where a value stands: PyYAML says it is invalid
        comment = text.find(" #")
        scalar = (text if comment < 0 else text[:comment]).rstrip(" ")
        if scalar[-1] == ":":
            raise _Outside  # a mapping value where none is allowed
        value = self._scalars.get(scalar, _MISSING)
        if value is not _MISSING:  # read before, as a key or a value: plain, without ": "
            return value
        if ": " in scalar or not _may_start_plain(scalar):
            raise _Outside  # a mapping value where none is allowed, or an indicator
        return self._scalar(scalar)

    def _flow(self, path: NodePath, line: int, column: int, text: str) -> Any:
        """A flow sequence or mapping that ends on its line, and nothing but a comment after."""
        value, end = self._flow_node(path, line, column, text, 0, 0)
        _check_comment(text[end:])
        return value

    def _flow_node(
        self, path: NodePath, line: int, column: int, text: str, at: int, depth: int
    ) -> tuple[Any, int]:
        """The flow collection opening at ``text[at]``; its value and where it ends."""
        if depth > _MAX_DEPTH:
            raise _Outside
        is_mapping = text[at] == "{"
        close = "}" if is_mapping else "]"
        collection: Any = {} if is_mapping else []
        positions = self._positions
        if positions:
            self.values[path] = (line, column + at + 1)
        at = _skip_spaces(text, at + 1)
        if text[at : at + 1] == close:
            return collection, at + 1
        while True:
            if is_mapping:
                key_at = at
                key, at = _flow_scalar(text, at, is_key=True)
                if text[at : at + 2] != ": ":
                    raise _Outside  # a key without a value, or a colon without a space
                if key in collection:
                    raise _Outside  # a duplicate: the full loader reports it (LS002)
                item_path = (*path, key) if positions else path
                if positions:
                    self.keys[item_path] = (line, column + key_at + 1)
                at = _skip_spaces(text, at + 2)
            else:
                item_path = (*path, len(collection)) if positions else path
            if text[at : at + 1] in ("[", "{"):
                item, at = self._flow_node(item_path, line, column, text, at, depth + 1)
            else:
                if positions:
                    self.values[item_path] = (line, column + at + 1)
                item, at = _flow_scalar(text, at, is_key=False)
            if is_mapping:
                collection[key] = item
            else:
                collection.append(item)
            at = _skip_spaces(text, at)
            found = text[at : at + 1]
            if found == close:
                return collection, at + 1
            if found != ",":
                raise _Outside
            at = _skip_spaces(text, at + 1)
            if text[at : at + 1] in ("]", "}", ""):
                raise _Outside  # a trailing comma, or the line ends inside


def _flow_scalar(text: str, at: int, is_key: bool) -> tuple[Any, int]:
    """The scalar at ``text[at]`` inside a flow collection: its value and where it ends."""
    if text[at : at + 1] in ("'", '"'):
        value, length = _quoted(text[at:])
        return value, at + length
    end = at
    while end < len(text) and text[end] not in _FLOW_STOPS:
        end += 1
    written = text[at:end].rstrip(" ")
    if not written or not _may_start_plain(written):
        raise _Outside
    stop = text[end : end + 1]
    if stop == "#" or (stop == ":" and not (is_key and text[end + 1 : end + 2] == " ")):
        raise _Outside  # a comment, or a colon in a scalar: left to PyYAML
    return _plain(written), at + len(written)


def _key_end(content: str) -> int | None:
    """Where the colon after a plain key stands, or None if the line holds no such key.

    That colon is the first one followed by a space or the end of the line.
    """
    colon = content.find(": ")
    if colon < 0:
        if content[-1:] != ":":
            return None
        colon = len(content) - 1
    if content.find(" #", 0, colon) >= 0 or not _may_start_plain(content):
        return None
    return colon


def _may_start_plain(text: str) -> bool:
    """Whether a plain scalar may start ``text``: no indicator, or a ``-`` before a non-space."""
    first = text[:1]
    if not first:
        return False
    if first not in _INDICATORS:
        return True
    return first == "-" and len(text) > 1 and text[1] != " "


def _skip_spaces(text: str, at: int) -> int:
    while text[at : at + 1] == " ":
        at += 1
    return at


def _is_entry(content: str) -> bool:
    return content == "-" or content.startswith("- ")


def _quoted(text: str) -> tuple[str, int]:
    """A one-line quoted scalar without escapes at the start of ``text``; its end."""
    quote = text[0]
    close = text.find(quote, 1)
    if close < 0:
        raise _Outside  # spread over lines, or unclosed
    value = text[1:close]
    if quote == "'" and text[close + 1 : close + 2] == "'":
        raise _Outside  # '' stands for one quote
    if quote == '"' and "\\" in value:
        raise _Outside  # escapes
    return value, close + 1


def _check_comment(after: str) -> None:
    """After a quoted scalar or a flow sequence: nothing but spaces and a comment."""
    rest = after.lstrip(" ")
    if rest and (rest[0] != "#" or len(rest) == len(after)):
        raise _Outside


def _plain(text: str) -> Any:
    """A plain scalar's value, as PyYAML's resolver and constructors read it."""
    first = text[0]
    if first in _RESOLVED_FIRST:
        return _RESOLVED.get(text, text)
    if first not in _NUMBER_FIRST:
        return text
    if len(text) <= _MAX_NUMBER_TEXT:
        if _DECIMAL.fullmatch(text):
            value = int(text)
            if abs(value) > MAX_INT:
                raise _Outside  # the full loader refuses it (LS006)
            return value
        if _FLOAT.fullmatch(text):
            return float(text)
    if text in ("<<", "=") or re.match(_PYYAML_NUMBER_OR_DATE, text, re.X):
        raise _Outside  # another number form, a date, a merge key or ``=``
    return text
