"""What the settings and the spec's own comments say to leave out or promote.

A diagnostic is dropped when its code is in ``ignore`` or when the line it
points to has a suppression comment (read by :mod:`lstmshape.comments`)
naming its code::

    input: 'enc.h_n[-1]'   # lstmshape: ignore[LS402]
    input: 'enc.h_n[-1]'   # lstmshape: ignore[LS402, LS403] -- a reason
    input: 'enc.h_n[-1]'   # lstmshape: ignore

(the last form drops every code on that line).  Codes in ``error`` are
reported as errors.  With ``strict``, a comment or a code in it that drops
nothing is LS411, as ruff's opt-in RUF100 reports an unused ``# noqa``; only
in a spec with no error left, because layers after an error may not have been
checked, so what a comment there would drop is unknown.  This works on the
diagnostics after checking, so the loader and the engine never need to know
about it.
"""

from __future__ import annotations

from lstmshape.comments import Suppression
from lstmshape.config import Settings
from lstmshape.diagnostics import Diagnostic, Severity
from lstmshape.record import replace
from lstmshape.report import ModelReport

ALL_CODES = "*"
ABOUT_COMMENTS = frozenset({"LS410", "LS411"})
"""Codes about the comments themselves: only ``ignore`` turns them off, so a
comment cannot hide that it is itself not understood or unused."""


def apply_settings(
    report: ModelReport, settings: Settings, *, strict: bool | None = None
) -> ModelReport:
    """The report as the settings leave it; ``strict`` None means as the settings say."""
    if strict is None:
        strict = settings.strict
    on_line: dict[int, list[Suppression]] = {}
    for written in report.suppressions:
        on_line.setdefault(written.line, []).append(written)
    used: set[tuple[Suppression, str]] = set()
    kept: list[Diagnostic] = []
    for diagnostic in report.diagnostics:
        if diagnostic.code in settings.ignore:
            continue
        suppression: Suppression | None = None
        if diagnostic.code not in ABOUT_COMMENTS:
            suppression = _covering(on_line.get(diagnostic.line, []), diagnostic.code)
        if suppression is not None:
            used.add((suppression, ALL_CODES if suppression.covers_every_code else diagnostic.code))
            continue
        kept.append(_with_severity(diagnostic, settings))
    if strict and report.suppressions and not any(diagnostic.is_error for diagnostic in kept):
        unused = _unused(report.suppressions, used, settings)
        kept = sorted(
            [
                *kept,
                *(_with_severity(d, settings) for d in unused if d.code not in settings.ignore),
            ],
            key=lambda d: (d.line, d.column, d.code),
        )
    if kept == report.diagnostics:
        return report
    return replace(report, diagnostics=kept)


def _with_severity(diagnostic: Diagnostic, settings: Settings) -> Diagnostic:
    severity = settings.severity(diagnostic.code, diagnostic.severity)
    if severity is diagnostic.severity:
        return diagnostic
    return replace(diagnostic, severity=severity)


def _covering(suppressions: list[Suppression], code: str) -> Suppression | None:
    for suppression in suppressions:
        if suppression.covers_every_code or any(code == listed for listed, _ in suppression.codes):
            return suppression
    return None


_OWN_LINE = "a suppression comment covers only the diagnostics that point to its own line"


def _unused(
    suppressions: tuple[Suppression, ...], used: set[tuple[Suppression, str]], settings: Settings
) -> list[Diagnostic]:
    """LS411 for each comment, or code in one, that dropped nothing."""
    found = []
    for suppression in suppressions:
        if suppression.covers_every_code:
            if (suppression, ALL_CODES) not in used:
                found.append(
                    _unused_at(
                        suppression.line,
                        suppression.column,
                        "# lstmshape: ignore suppresses nothing: no diagnostic is reported on "
                        "this line",
                        f"remove the comment; {_OWN_LINE}",
                    )
                )
            continue
        remove = "remove the comment" if len(suppression.codes) == 1 else "remove {code} from it"
        for code, column in suppression.codes:
            if (suppression, code) in used:
                continue
            if code in ABOUT_COMMENTS:
                why, advice = "a comment cannot suppress it", f"use ignore = [{code!r}] instead"
            elif code in settings.ignore:
                why, advice = (
                    f"{code} is ignored by the configuration",
                    "so the comment is not needed",
                )
            else:
                why, advice = f"no {code} is reported on this line", _OWN_LINE
            found.append(
                _unused_at(
                    suppression.line,
                    column,
                    f"{code} suppresses nothing: {why}",
                    f"{remove.format(code=code)}; {advice}",
                )
            )
    return found


def _unused_at(line: int, column: int, message: str, hint: str) -> Diagnostic:
    return Diagnostic("LS411", Severity.WARNING, message, line, column, hint)
