"""Safe YAML loading that remembers where every value stands.

A spec written in the usual part of YAML (block mappings and sequences,
one-line scalars, one-line flow sequences) is read by
:mod:`lstmshape.block_yaml`, without importing PyYAML; anything else is loaded
from PyYAML's parser events by :mod:`lstmshape.yaml_events`, which has the
limits below and words every problem.  Both give the same values and the same
1-based positions for what the first reads.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from lstmshape.diagnostics import NodePath, Problem
from lstmshape.record import field, record

MAX_DEPTH = 64
"""Deepest nesting of mappings and sequences; a spec needs fewer than ten."""

MAX_VALUES = 2_000_000
"""Most values one file may hold, counting each alias as a copy of its anchor."""

MAX_INT = 2**63 - 1
"""Largest integer magnitude: torch's sizes are int64, and so is every other tool's."""


Position = tuple[int, int]
_Tables = tuple[dict[NodePath, Position], dict[NodePath, Position]]
"""The positions of a document's values and of its keys."""


class Positions:
    """Positions of the values and keys of one document, by node path.

    Filled by the loader (directly: this is its hot path), or, given ``read``, by calling
    it when one is first asked for: a spec that checks clean never needs them.
    """

    __slots__ = ("_keys", "_read", "_values")

    def __init__(self, read: Callable[[], _Tables] | None = None) -> None:
        self._values: dict[NodePath, Position] = {}
        self._keys: dict[NodePath, Position] = {}
        self._read = read

    @property
    def values(self) -> dict[NodePath, Position]:
        if self._read is not None:
            self._load()
        return self._values

    @property
    def keys(self) -> dict[NodePath, Position]:
        if self._read is not None:
            self._load()
        return self._keys

    def _load(self) -> None:
        assert self._read is not None
        read, self._read = self._read, None
        self._values, self._keys = read()

    def record_value_if_new(self, path: NodePath, position: Position) -> None:
        self.values.setdefault(path, position)

    def of_value(self, path: NodePath) -> Position:
        """Where the value at ``path`` starts, or its nearest known ancestor.

        Values inside an alias have no position of their own; they are
        reported where the alias stands (merged keys too).
        """
        while path:
            found = self.values.get(path)
            if found is not None:
                return found
            path = path[:-1]
        return self.values.get((), (1, 1))

    def of_key(self, path: NodePath) -> Position:
        """Where the key of the entry at ``path`` stands (its value if it has none)."""
        found = self.keys.get(path)
        return found if found is not None else self.of_value(path)


@record
class Document:
    data: Any
    positions: Positions
    problems: list[tuple[Problem, Position]]
    """Problems the YAML itself has, such as duplicate keys."""


@record
class LoadResult:
    documents: list[Document] = field(default_factory=list)
    problems: list[tuple[Problem, Position]] = field(default_factory=list)
    """A problem that leaves no document to check (a syntax error, a limit)."""


def load_yaml(text: str) -> LoadResult:
    """Load every document of ``text``; never raises for bad input.

    A problem that stops the parser (a syntax error, a limit) keeps the
    documents before it, so each earlier model is still checked.
    """
    from lstmshape.block_yaml import read_block_yaml

    read = read_block_yaml(text, positions=False)
    if read is None:
        from lstmshape.yaml_events import load_with_pyyaml

        return load_with_pyyaml(text)
    return LoadResult([Document(read.data, Positions(partial(_positions_of, text)), [])])


def _positions_of(text: str) -> _Tables:
    """The positions of the values and keys of ``text``, one document the block reader covers."""
    from lstmshape.block_yaml import read_block_yaml

    read = read_block_yaml(text)
    assert read is not None  # it read the same text before
    return read.values, read.keys
