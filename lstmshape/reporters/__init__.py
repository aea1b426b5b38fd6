"""Output formats.  Each reporter is fed every report between start() and
finish(), so formats that must print one document (JSON) print it once.

Reporters are imported only when chosen: rich is loaded for the text format
alone, which keeps machine formats quick to start.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TextIO

from lstmshape.report import ModelReport, Summary


class Reporter(Protocol):
    def start(self) -> None: ...

    def handle(self, report: ModelReport) -> None: ...

    def finish(self, summary: Summary) -> None: ...


def _text(out: TextIO, color: bool | None) -> Reporter:
    from lstmshape.reporters.text import TextReporter

    return TextReporter(out, color)


def _json(out: TextIO, color: bool | None) -> Reporter:
    from lstmshape.reporters.json import JsonReporter

    return JsonReporter(out)


REPORTER_BY_NAME: dict[str, Callable[[TextIO, bool | None], Reporter]] = {
    "text": _text,
    "json": _json,
}
