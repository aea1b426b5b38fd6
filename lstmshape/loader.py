"""Safe YAML loading that remembers where every value stands.

A spec written in the usual part of YAML (block mappings and sequences,
one-line scalars, one-line flow sequences) is read by
:mod:`lstmshape.block_yaml`, without importing PyYAML; anything else is loaded
from PyYAML's parser events by :mod:`lstmshape.yaml_events`, which has the
limits below and words every problem.  Both give the same values and the same
1-based positions for what the first reads.
"""

from __future__ import annotations

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


class Positions:
    """Positions of the values and keys of one document, by node path."""

    def __init__(self) -> None:
        self.values: dict[NodePath, Position] = {}
        self.keys: dict[NodePath, Position] = {}
        """Filled by the loader (directly: this is its hot path)."""

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

    read = read_block_yaml(text)
    if read is None:
        from lstmshape.yaml_events import load_with_pyyaml

        return load_with_pyyaml(text)
    positions = Positions()
    positions.values = read.values
    positions.keys = read.keys
    return LoadResult([Document(read.data, positions, [])])
