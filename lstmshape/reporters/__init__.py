"""Output formats.  Each reporter is fed every report between start() and
finish(), so formats that must print one document (JSON, SARIF) print it once.

Where a format's output does not depend on the terminal (``fixed``), the
runner asks the reporter to render each file's reports as text, a *part*,
and hands the part back with :meth:`Reporter.add`; the result cache keeps
parts, and :mod:`lstmshape.output` frames them into the whole report.

Reporters are imported only when chosen: rich is loaded for the text format
alone, which keeps machine formats quick to start.  ``auto`` is not a
reporter: the runner resolves it to one of these (see :func:`resolve_format`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol, TextIO

from lstmshape.output import FORMATS, resolve_format
from lstmshape.record import field, record
from lstmshape.report import ModelReport, Summary

AUTO = "auto"
__all__ = ["AUTO", "FORMAT_CHOICES", "REPORTER_BY_NAME", "Reporter", "resolve_format"]


@record(frozen=True)
class ReporterOptions:
    color: bool | None = None
    """None lets the text report follow the terminal (and NO_COLOR, FORCE_COLOR)."""
    quiet: bool = False
    """Print the diagnostics only: no tables, no summary line."""
    costs: bool = False
    """Add the costs to the text report's table (``--costs``)."""
    dims: Mapping[str, int] = field(default_factory=dict)
    """Values of symbols (``--dim B=32``), over the spec's own ``dims:``."""


class Reporter(Protocol):
    @property
    def fixed(self) -> bool:
        """Whether the output is the same text whatever the terminal, so parts can be kept."""

    def start(self) -> None: ...

    def handle(self, report: ModelReport) -> None: ...

    def render(self, reports: list[ModelReport]) -> str:
        """One file's part: the text that :meth:`handle` would write or keep for ``reports``.

        Only for a ``fixed`` reporter.
        """

    def add(self, part: str) -> None:
        """Report one file by its part, rendered now or kept from an earlier run."""

    def finish(self, summary: Summary) -> None: ...


def _text(out: TextIO, options: ReporterOptions) -> Reporter:
    from lstmshape.reporters.text import TextReporter

    return TextReporter(
        out, options.color, quiet=options.quiet, costs=options.costs, dims=options.dims
    )


def _json(out: TextIO, options: ReporterOptions) -> Reporter:
    from lstmshape.reporters.json import JsonReporter

    return JsonReporter(out, options.dims)


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

FORMAT_CHOICES = FORMATS
