"""Output formats.  Each reporter is fed every report between start() and
finish(), so formats that must print one document (JSON, SARIF) print it once.

Reporters are imported only when chosen: rich is loaded for the text format
alone, which keeps machine formats quick to start.  ``auto`` is not a
reporter: the runner resolves it to one of these (see :func:`resolve_format`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol, TextIO

from lstmshape.report import ModelReport, Summary

AUTO = "auto"


@dataclass(frozen=True)
class ReporterOptions:
    color: bool | None = None
    """None lets the text report follow the terminal (and NO_COLOR, FORCE_COLOR)."""
    quiet: bool = False
    """Print the diagnostics only: no tables, no summary line."""


class Reporter(Protocol):
    def start(self) -> None: ...

    def handle(self, report: ModelReport) -> None: ...

    def finish(self, summary: Summary) -> None: ...


def _text(out: TextIO, options: ReporterOptions) -> Reporter:
    from lstmshape.reporters.text import TextReporter

    return TextReporter(out, options.color, quiet=options.quiet)


def _json(out: TextIO, options: ReporterOptions) -> Reporter:
    from lstmshape.reporters.json import JsonReporter

    return JsonReporter(out)


def _github(out: TextIO, options: ReporterOptions) -> Reporter:
    from lstmshape.reporters.github import GithubReporter

    return GithubReporter(out, quiet=options.quiet)


def _sarif(out: TextIO, options: ReporterOptions) -> Reporter:
    from lstmshape.reporters.sarif import SarifReporter

    return SarifReporter(out)


REPORTER_BY_NAME: dict[str, Callable[[TextIO, ReporterOptions], Reporter]] = {
    "text": _text,
    "json": _json,
    "github": _github,
    "sarif": _sarif,
}

FORMAT_CHOICES = (AUTO, *REPORTER_BY_NAME)


def resolve_format(name: str, environ: Mapping[str, str]) -> str:
    """``auto`` is GitHub annotations inside GitHub Actions, else the text report.

    The text report itself is rich on a terminal and plain text elsewhere, so
    ``auto`` needs to tell only GitHub Actions apart.
    """
    if name != AUTO:
        return name
    return "github" if environ.get("GITHUB_ACTIONS") == "true" else "text"
