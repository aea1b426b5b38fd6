"""JSON read with the place of every object, for diagnostics that point into the file.

The standard library's decoder gives no positions; its pure-Python scanner
calls a replaceable ``parse_object``, which records where each object
starts.  Nothing but plain JSON values is ever built.
"""

from __future__ import annotations

import bisect
import json
import json.decoder
import json.scanner
from collections.abc import Callable
from typing import Any


class LocatedJSON:
    """A parsed document and the (line, column) where each of its objects starts."""

    def __init__(self, text: str) -> None:
        self._starts: dict[int, int] = {}
        self._lines = [0] + [index + 1 for index, char in enumerate(text) if char == "\n"]
        decoder = json.JSONDecoder()
        parse_object = decoder.parse_object  # type: ignore[attr-defined]

        def located(
            s_and_end: tuple[str, int], strict: bool, scan_once: Callable[..., Any], *rest: Any
        ) -> tuple[Any, int]:
            value, end = parse_object(s_and_end, strict, scan_once, *rest)
            self._starts[id(value)] = s_and_end[1] - 1  # the index after '{'
            return value, end

        decoder.parse_object = located  # type: ignore[attr-defined]
        decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
        self.value: Any = decoder.decode(text)

    def position(self, value: object) -> tuple[int, int] | None:
        """The line and column (1-based) where the object ``value`` starts, if it is one."""
        start = self._starts.get(id(value))
        if start is None:
            return None
        line = bisect.bisect_right(self._lines, start)
        return line, start - self._lines[line - 1] + 1


def error_position(error: json.JSONDecodeError) -> tuple[int, int]:
    return error.lineno, error.colno
