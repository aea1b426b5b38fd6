"""``--format github``: GitHub Actions workflow commands, one per diagnostic.

Each diagnostic becomes ``::error file=F,line=L,col=C,title=T::MESSAGE`` (or
``::warning``), which GitHub shows as an annotation on the line of the spec in
the pull request.  Workflow commands are one line each: property values and
the message are escaped as the Actions runner expects (``%``, CR, LF, and in
properties ``:`` and ``,``), so a hint can follow the message on its own line.
"""

from __future__ import annotations

from typing import TextIO

from lstmshape.diagnostics import RULES, Diagnostic
from lstmshape.output import github_summary
from lstmshape.report import ModelReport, Summary


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_command(path: str, diagnostic: Diagnostic) -> str:
    rule = RULES[diagnostic.code]
    properties = {
        "file": path,
        "line": str(diagnostic.line),
        "col": str(diagnostic.column),
        "title": f"{diagnostic.code} {rule.name}",
    }
    written = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    message = diagnostic.message
    if diagnostic.hint:
        message += f"\nhint: {diagnostic.hint}"
    return f"::{diagnostic.severity.value} {written}::{escape_data(message)}"


class GithubReporter:
    fixed = True

    def __init__(self, out: TextIO, *, quiet: bool = False) -> None:
        self._out = out
        self._quiet = quiet

    def start(self) -> None:
        pass

    def handle(self, report: ModelReport) -> None:
        self.add(self.render([report]))

    def render(self, reports: list[ModelReport]) -> str:
        return "".join(
            workflow_command(report.path, diagnostic) + "\n"
            for report in reports
            for diagnostic in report.diagnostics
        )

    def add(self, part: str) -> None:
        self._out.write(part)

    def finish(self, summary: Summary) -> None:
        if self._quiet:
            return
        # A plain line: the job log shows it, and it is not a workflow command.
        line = github_summary(summary.files, summary.errors, summary.warnings, summary.skipped)
        self._out.write(line + "\n")
