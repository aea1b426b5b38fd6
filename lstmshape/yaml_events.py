"""Loading YAML with PyYAML's parser, for what :mod:`lstmshape.block_yaml` leaves to it.

The loader builds plain Python values (dict, list, str, int, float, bool,
None) straight from the parser's events, without PyYAML's recursive composer
and constructor:

* no tag ever constructs a Python object; an unknown tag is a diagnostic;
* nesting depth and the number of values, counting every alias expansion,
  are bounded, so deep or exponential ("billion laughs") input is refused
  early instead of exhausting the stack or memory; the depth limit is
  lstmshape's own, whatever limit the installed PyYAML has (see
  :func:`load_with_pyyaml`);
* an alias reuses the anchored value instead of copying it;
* duplicate keys are reported instead of silently keeping the last one;
* every value and key gets a position, turned 1-based in :func:`_position`
  and nowhere else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from lstmshape.diagnostics import NodePath, Problem
from lstmshape.loader import (
    MAX_DEPTH,
    MAX_INT,
    MAX_VALUES,
    Document,
    LoadResult,
    Position,
    Positions,
)

try:  # libyaml's parser is ten times faster; the events are the same
    from yaml import CSafeLoader as _EventSource

    _COUNTS_BYTES = True  # libyaml reports a reader error's position in UTF-8 bytes
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _EventSource  # type: ignore[assignment]

    _COUNTS_BYTES = False

_UNLIMITED_SOURCE = yaml.SafeLoader
"""PyYAML's own parser, in Python: slower, and without a nesting limit."""

_MAX_INT_TEXT = 100
"""An integer written with more characters is refused before Python parses it
(Python itself refuses decimal strings of more than 4,300 digits)."""

_MERGE_TAG = "tag:yaml.org,2002:merge"
_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_INT_TAG = "tag:yaml.org,2002:int"
_STR_TAG = "tag:yaml.org,2002:str"
_COLLECTION_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}
_ALIAS = re.compile(r"[ \t]*(\*[^\s,\[\]{}]*)")
"""An alias after a tag; its name ends at a space or a flow indicator."""


class _ParserNestingLimit(Exception):
    """libyaml refused the nesting before lstmshape could count it."""


class _Abort(Exception):
    """Stops loading a file at a problem that leaves nothing to check."""

    def __init__(self, problem: Problem, position: Position) -> None:
        super().__init__(problem.message)
        self.problem = problem
        self.position = position


def _position(mark: Any) -> Position:
    """PyYAML marks are 0-based; every position lstmshape reports is 1-based."""
    return (mark.line + 1, mark.column + 1)


@dataclass(slots=True)
class _Collection:
    path: NodePath
    anchor: str | None
    start: Position
    is_mapping: bool
    value: Any
    """The list or the dict being filled."""
    merges: list[dict[Any, Any]] | None = None
    key: Any = None
    has_key: bool = False
    key_position: Position = (1, 1)
    size: int = 1

    def child_path(self) -> NodePath:
        if self.is_mapping:
            return (*self.path, self.key) if self.has_key else self.path
        return (*self.path, len(self.value))


_MISSING = object()
_CACHED_CHARS = 64
"""Scalars up to this long are remembered once read: specs repeat keys and values."""
_CACHED_SCALARS = 50_000
"""At most this many per file, so the memory they take stays small."""


class _Builder:
    """Turns the parser's events for one document into a value and positions.

    Most of a spec's time goes through here, once per value, so the hot path
    avoids what PyYAML's composer does per scalar: an event-class chain of
    isinstance tests, a ScalarNode, the resolver's regular expressions for a
    value already seen (``scalars`` remembers them across the file's documents).
    """

    def __init__(self, source: Any, text: str, scalars: dict[tuple[str, Any], Any]) -> None:
        self._source = source
        self._text = text
        """Read only to explain an error."""
        self._scalars = scalars
        self.positions = Positions()
        self._value_positions = self.positions.values
        self.problems: list[tuple[Problem, Position]] = []
        self._anchors: dict[str, tuple[Any, int]] = {}
        self._stack: list[_Collection] = []
        self._values = 0
        self._root: Any = None

    def build(self) -> Any:
        get_event = self._source.get_event
        while True:
            event = get_event()
            kind = type(event)
            if kind is yaml.ScalarEvent:
                self._scalar(event)
            elif kind is yaml.MappingStartEvent:
                self._start(event, True)
            elif kind is yaml.SequenceStartEvent:
                self._start(event, False)
            elif kind is yaml.AliasEvent:
                self._alias(event)
            elif kind is yaml.DocumentEndEvent:
                return self._root
            else:  # MappingEndEvent or SequenceEndEvent
                self._end()

    def _end(self) -> None:
        finished = self._stack.pop()
        value = self._finish_mapping(finished) if finished.is_mapping else finished.value
        if finished.anchor is not None:
            self._anchors[finished.anchor] = (value, finished.size)
        self._attach(value, finished.size, finished.start)

    def _too_many(self, position: Position) -> _Abort:
        return _Abort(
            Problem(
                "LS006",
                f"the file expands to more than {MAX_VALUES:,} values "
                "(counting every alias as a copy of its anchor)",
                (),
                hint="an anchor that aliases itself many times over is refused; "
                "write the spec out or use fewer nested aliases",
            ),
            position,
        )

    def _start(self, event: Any, is_mapping: bool) -> None:
        start = _position(event.start_mark)
        if event.tag is not None:
            self._check_tag(event.tag, _COLLECTION_TAGS, start)
        stack = self._stack
        if len(stack) >= MAX_DEPTH:
            raise _Abort(
                Problem("LS006", f"the file nests deeper than {MAX_DEPTH} levels", ()),
                start,
            )
        path = stack[-1].child_path() if stack else ()
        stack.append(_Collection(path, event.anchor, start, is_mapping, {} if is_mapping else []))

    def _alias(self, event: Any) -> None:
        position = _position(event.start_mark)
        anchored = self._anchors.get(event.anchor)
        if anchored is None:  # the parser reports these itself; kept for safety
            raise _Abort(Problem("LS001", f"unknown alias *{event.anchor}", ()), position)
        value, size = anchored
        self._attach(value, size, position)

    def _scalar(self, event: Any) -> None:
        mark = event.start_mark
        position = (mark.line + 1, mark.column + 1)
        text = event.value
        if event.tag is None and len(text) <= _CACHED_CHARS:
            # Untagged: the value depends on the text and on whether it was
            # quoted (implicit) alone, so one reading serves every repeat.
            key = (text, event.implicit)
            value = self._scalars.get(key, _MISSING)
            if value is _MISSING:
                value = self._construct_scalar(event, position)
                # each << stands for itself, so it is never shared
                if not isinstance(value, _MergeKey) and len(self._scalars) < _CACHED_SCALARS:
                    self._scalars[key] = value
        else:
            value = self._construct_scalar(event, position)
        if event.anchor is not None:
            self._anchors[event.anchor] = (value, 1)
        self._attach(value, 1, position)

    def _construct_scalar(self, event: Any, position: Position) -> Any:
        source = self._source
        tag = event.tag
        if tag is None or tag == "!":
            tag = source.resolve(yaml.ScalarNode, event.value, event.implicit)
        if tag == _STR_TAG:  # what SafeConstructor does for a string, without its node
            return event.value
        if tag == _TIMESTAMP_TAG:  # a date is only ever a typo here; keep the text
            return event.value
        if tag == _MERGE_TAG:
            return _MergeKey()
        self._check_tag(tag, _PLAIN_TAGS, position)
        if tag == _INT_TAG and len(event.value) > _MAX_INT_TEXT:
            raise _Abort(
                _too_big(f"{event.value[:20]}... ({len(event.value):,} characters)"), position
            )
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark)
        try:
            value = source.yaml_constructors[tag](source, node)
        except (ValueError, KeyError, TypeError, IndexError):  # !!int abc, !!bool maybe, !!int _
            raise self._unreadable(event, tag, position) from None
        if isinstance(value, int) and abs(value) > MAX_INT:
            raise _Abort(_too_big(str(value)), position)
        return value

    def _unreadable(self, event: Any, tag: str, position: Position) -> _Abort:
        """A tagged scalar the tag's constructor refuses: ``!!int abc``, ``!!int`` alone."""
        kind = tag.rsplit(":", 1)[-1]
        if event.value:
            message = f"invalid YAML: {event.value[:40]!r} cannot be read as {kind}"
            return _Abort(Problem("LS001", message, ()), position)
        # YAML gives an alias no tag: the parser reads ``!!int *drop`` as an
        # empty !!int and refuses the alias only after it.
        alias = _ALIAS.match(self._text, event.end_mark.index)
        if alias is not None:
            problem = Problem(
                "LS001",
                f"invalid YAML: a tag cannot stand before an alias: found {_as_written(tag)} "
                f"{alias.group(1)[:40]}",
                (),
                hint=f"an alias is the anchored value as it is; remove {_as_written(tag)}",
            )
            return _Abort(problem, position)
        written = _as_written(tag)
        problem = Problem(
            "LS001",
            f"invalid YAML: {written} needs a value; an empty one cannot be read as {kind}",
            (),
            hint=f"write the value after {written}, or remove the tag",
        )
        return _Abort(problem, position)

    def _check_tag(self, tag: str | None, allowed: set[str], position: Position) -> None:
        if tag is None or tag == "!" or tag in allowed:
            return
        raise _Abort(
            Problem(
                "LS003",
                f"the YAML tag {_as_written(tag)} is not allowed in a spec",
                (),
                hint="a spec holds only plain mappings, lists, strings, numbers, "
                "booleans and null; remove the tag",
            ),
            position,
        )

    def _attach(self, value: Any, size: int, position: Position) -> None:
        self._values += size
        if self._values > MAX_VALUES:
            raise self._too_many(position)
        if not self._stack:
            self._root = value
            self._value_positions[()] = position
            return
        parent = self._stack[-1]
        parent.size += size
        if not parent.is_mapping:
            items = parent.value
            self._value_positions[(*parent.path, len(items))] = position
            items.append(value)
            return
        if not parent.has_key:
            if isinstance(value, dict | list):  # also an alias to a mapping or a list
                raise _Abort(
                    Problem(
                        "LS001",
                        "a mapping key must be a plain value, not a mapping or a list",
                        (),
                    ),
                    position,
                )
            parent.key, parent.has_key, parent.key_position = value, True, position
            return
        key = parent.key
        path = (*parent.path, key)
        self._value_positions[path] = position
        parent.has_key = False
        if isinstance(key, _MergeKey):
            self._merge(parent, value, position)
            return
        mapping = parent.value
        if key in mapping:
            self.problems.append(
                (
                    Problem(
                        "LS002",
                        f"duplicate key {key!r}: it already stands at line "
                        f"{self.positions.of_key(path)[0]}",
                        path,
                        hint="YAML keeps only one of them; delete or rename the other",
                    ),
                    parent.key_position,
                )
            )
            return
        self.positions.keys[path] = parent.key_position
        mapping[key] = value

    def _merge(self, parent: _Collection, value: Any, position: Position) -> None:
        sources = value if isinstance(value, list) else [value]
        if not all(isinstance(source, dict) for source in sources):
            raise _Abort(
                Problem("LS001", "a merge key (<<) takes a mapping or a list of mappings", ()),
                position,
            )
        if parent.merges is None:
            parent.merges = []
        parent.merges.extend(sources)
        # A merged value is reported where the alias stands, unless the key is
        # also written out (that one wins, in the data and in the positions).
        for source in sources:
            for key in source:
                self.positions.record_value_if_new((*parent.path, key), position)

    @staticmethod
    def _finish_mapping(finished: _Collection) -> dict[Any, Any]:
        if not finished.merges:
            return finished.value  # type: ignore[no-any-return]
        merged: dict[Any, Any] = {}
        for source in reversed(finished.merges):  # the first merged mapping wins
            merged.update(source)
        merged.update(finished.value)  # and keys written out win over merged ones
        return merged


def _as_written(tag: str) -> str:
    """``tag:yaml.org,2002:python/object`` as the user wrote it: ``!!python/object``."""
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix) :] if tag.startswith(prefix) else tag


def _too_big(written: str) -> Problem:
    return Problem(
        "LS006",
        f"the integer {written} is beyond the limit of {MAX_INT:,} (2**63 - 1)",
        (),
        hint="no size, dimension or index in a model is this large; check for a typo",
    )


class _MergeKey:
    """Stands for the ``<<`` key until its mapping is finished."""

    def __hash__(self) -> int:
        return id(self)


def load_with_pyyaml(text: str) -> LoadResult:
    """Load every document of ``text``; never raises for bad input.

    A problem that stops the parser (a syntax error, a limit) keeps the
    documents before it, so each earlier model is still checked.
    """
    try:
        return _load(text, _EventSource, _COUNTS_BYTES)
    except _ParserNestingLimit:
        # The libyaml of PyYAML 6.0.4 refuses flow nesting deeper than 1,000
        # levels in its scanner, which runs up to 1,024 characters ahead of
        # the events it has delivered: on "[[[[..." it stops before the
        # builder sees level MAX_DEPTH. PyYAML's own parser has no limit, so
        # reading the file again with it stops where lstmshape's limit is
        # reached, as with every PyYAML before 6.0.4. Only such files pay.
        return _load(text, _UNLIMITED_SOURCE, counts_bytes=False)


def _load(text: str, source_class: Any, counts_bytes: bool) -> LoadResult:
    result = LoadResult()
    try:
        source = source_class(text)
    except UnicodeEncodeError as error:  # lone surrogates: only from a str that was never UTF-8
        where = _offset_position(text, error.start)
        problem = Problem("LS004", "the text holds a character that is not valid Unicode", ())
        result.problems.append((problem, where))
        return result
    except yaml.reader.ReaderError as error:  # PyYAML's own reader checks the whole text first
        result.problems.append(_reader_problem(text, error, counts_bytes))
        return result
    try:
        source.get_event()  # StreamStartEvent
        scalars: dict[tuple[str, Any], Any] = {}
        while not source.check_event(yaml.StreamEndEvent):
            source.get_event()  # DocumentStartEvent
            builder = _Builder(source, text, scalars)
            data = builder.build()
            result.documents.append(Document(data, builder.positions, builder.problems))
    except _Abort as abort:
        result.problems.append((abort.problem, abort.position))
    except yaml.MarkedYAMLError as error:
        if source_class is not _UNLIMITED_SOURCE and _is_nesting_limit(error):
            raise _ParserNestingLimit from None
        result.problems.append(_syntax_problem(error))
    except yaml.reader.ReaderError as error:
        result.problems.append(_reader_problem(text, error, counts_bytes))
    except yaml.YAMLError as error:  # pragma: no cover - every PyYAML error is one of the above
        result.problems.append((Problem("LS001", f"invalid YAML: {error}", ()), (1, 1)))
    finally:
        source.dispose()
    return result


def _is_nesting_limit(error: yaml.MarkedYAMLError) -> bool:
    """libyaml's limits: "exceeded maximum nesting depth" (its scanner, in
    PyYAML 6.0.4) and "Maximum nesting level reached" (its parser, upstream)."""
    return "nesting" in (error.problem or "").lower()


def _syntax_problem(error: yaml.MarkedYAMLError) -> tuple[Problem, Position]:
    mark = error.problem_mark or error.context_mark
    position = _position(mark) if mark is not None else (1, 1)
    message = " ".join(part for part in (error.context, error.problem) if part)
    hint = None
    if "flow" in message:
        hint = (
            "inside [ ] or { }, quote a value that holds [ ] , or : "
            "such as a reference with an index: ['enc.h_n[-2]', 'enc.h_n[-1]']"
        )
    return Problem("LS001", f"invalid YAML: {message}", (), hint), position


def _reader_problem(
    text: str, error: yaml.reader.ReaderError, counts_bytes: bool
) -> tuple[Problem, Position]:
    """A character YAML does not allow, such as NUL or another control character."""
    offset = error.position
    if counts_bytes:
        offset = len(text.encode("utf-8", "surrogatepass")[:offset].decode("utf-8", "ignore"))
    character = error.character
    shown = f"U+{character:04X}" if isinstance(character, int) else repr(character)
    problem = Problem(
        "LS001",
        f"invalid YAML: the character {shown} is not allowed ({error.reason})",
        (),
        hint="YAML text holds no control characters except tab and line breaks; "
        "is this a binary file?",
    )
    return problem, _offset_position(text, offset)


def _offset_position(text: str, offset: int) -> Position:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
