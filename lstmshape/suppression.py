"""What the settings and the spec's own comments say to leave out or promote.

A diagnostic is dropped when its code is in ``ignore`` or when the line it
points to ends with a suppression comment::

    input: 'enc.h_n[-1]'   # lstmshape: ignore[LS402]
    input: 'enc.h_n[-1]'   # lstmshape: ignore[LS402, LS403]
    input: 'enc.h_n[-1]'   # lstmshape: ignore

(the last form drops every code on that line).  Codes in ``error`` are
reported as errors.  This works on the source lines after checking, so the
YAML loader and the engine never need to know about it.
"""

from __future__ import annotations

import dataclasses
import re

from lstmshape.config import Settings
from lstmshape.diagnostics import Diagnostic
from lstmshape.report import ModelReport

ALL_CODES = "*"
# A YAML comment starts at a '#' after whitespace (or at the start of a line).
_COMMENT = re.compile(r"(?:^|\s)#\s*lstmshape:\s*ignore(?:\[(?P<codes>[^\]]*)\])?\s*$")


def suppressed_codes(line: str) -> frozenset[str]:
    """The codes a line's trailing comment suppresses; ``{"*"}`` for all of them."""
    match = _COMMENT.search(line)
    if match is None:
        return frozenset()
    codes = match.group("codes")
    if codes is None:
        return frozenset({ALL_CODES})
    return frozenset(code.strip().upper() for code in codes.split(",") if code.strip())


def _kept(diagnostic: Diagnostic, lines: list[str], settings: Settings) -> bool:
    if diagnostic.code in settings.ignore:
        return False
    if not 0 < diagnostic.line <= len(lines):
        return True
    codes = suppressed_codes(lines[diagnostic.line - 1])
    return not (ALL_CODES in codes or diagnostic.code in codes)


def apply_settings(report: ModelReport, settings: Settings) -> ModelReport:
    diagnostics = [
        dataclasses.replace(
            diagnostic, severity=settings.severity(diagnostic.code, diagnostic.severity)
        )
        for diagnostic in report.diagnostics
        if _kept(diagnostic, report.source_lines, settings)
    ]
    if diagnostics == report.diagnostics:
        return report
    return dataclasses.replace(report, diagnostics=diagnostics)
