"""``--format sarif``: a SARIF 2.1.0 log, for GitHub code scanning and other viewers.

The log has one run whose tool lists every lstmshape diagnostic code as a
rule (id, name, short description, and the long explanation that
``lstmshape explain CODE`` prints as help), so a viewer can explain a
result without lstmshape at hand.  Each diagnostic is a result pointing at
the spec's path, line and column.  Columns count characters (Unicode code
points), as lstmshape's do, and the run says so in ``columnKind``.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePath
from typing import Any, TextIO
from urllib.parse import quote

from lstmshape import __version__
from lstmshape.diagnostics import RULES, Diagnostic, Severity
from lstmshape.explanations import EXPLANATIONS
from lstmshape.output import sarif_document
from lstmshape.report import ModelReport, Summary

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning"}
_RULE_INDEX = {code: index for index, code in enumerate(RULES)}


def artifact_location(path: str) -> dict[str, str]:
    """A relative path stays relative to the checkout (%SRCROOT%), as code scanning wants."""
    pure = PurePath(path)
    if pure.is_absolute():
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(pure.as_posix()), "uriBaseId": "%SRCROOT%"}


def rule_descriptor(code: str) -> dict[str, Any]:
    rule = RULES[code]
    explanation = EXPLANATIONS[code]
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": explanation.text.split("\n\n")[0]},
        "help": {"text": explanation.help_text(), "markdown": explanation.markdown()},
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
    }


def result(path: str, diagnostic: Diagnostic) -> dict[str, Any]:
    message = diagnostic.message
    if diagnostic.hint:
        message += f"\nhint: {diagnostic.hint}"
    return {
        "ruleId": diagnostic.code,
        "ruleIndex": _RULE_INDEX[diagnostic.code],
        "level": _LEVEL[diagnostic.severity],
        "message": {"text": message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifact_location(path),
                    "region": {"startLine": diagnostic.line, "startColumn": diagnostic.column},
                }
            }
        ],
    }


def frame(execution_successful: bool) -> tuple[str, str]:
    """The log's text before and after its list of results, which comes last."""
    log = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "lstmshape",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": [rule_descriptor(code) for code in RULES],
                    }
                },
                "invocations": [{"executionSuccessful": execution_successful}],
                "columnKind": "unicodeCodePoints",
                "results": [],
            }
        ],
    }
    text = json.dumps(log, indent=2)
    cut = text.rindex(_EMPTY_RESULTS)
    return text[: cut + len(_EMPTY_RESULTS) - 2], text[cut + len(_EMPTY_RESULTS) :] + "\n"


_EMPTY_RESULTS = '"results": []'
_RESULTS_PAD = " " * 8
"""The indent of an entry of ``results``: the log's fifth level."""


def written_result(path: str, diagnostic: Diagnostic) -> str:
    """One result as ``json.dump(log, indent=2)`` writes it inside the log."""
    # JSON text holds no raw line breaks, so each one starts a line to indent
    text = json.dumps(result(path, diagnostic), indent=2)
    return _RESULTS_PAD + text.replace("\n", "\n" + _RESULTS_PAD)


class SarifReporter:
    fixed = True

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._parts: list[str] = []

    def start(self) -> None:
        self._parts = []

    def handle(self, report: ModelReport) -> None:
        self.add(self.render([report]))

    def render(self, reports: list[ModelReport]) -> str:
        return ",\n".join(
            written_result(report.path, diagnostic)
            for report in reports
            for diagnostic in report.diagnostics
        )

    def add(self, part: str) -> None:
        if part:  # a clean file has no results
            self._parts.append(part)

    def finish(self, summary: Summary) -> None:
        self._out.write(sarif_document(frame(summary.unusable_paths == 0), self._parts))
