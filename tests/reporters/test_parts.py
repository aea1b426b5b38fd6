"""Parts and frames: a report assembled from its files' parts is the whole document.

The JSON and SARIF reporters write their documents as parts framed by
:mod:`lstmshape.output`, so that the warm path can assemble a report from
the parts it kept.  Here the assembled text is held to what the standard
library writes for the same document in one piece.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from lstmshape.diagnostics import RULES
from lstmshape.output import FORMATS, json_counts, whole_report
from lstmshape.report import ModelReport, Summary
from lstmshape.reporters import REPORTER_BY_NAME, ReporterOptions
from lstmshape.reporters.json import JsonReporter, report_to_json
from lstmshape.reporters.sarif import SarifReporter, frame, result, rule_descriptor
from lstmshape.runner import check_file
from tests.console import REPO


def _reports() -> list[list[ModelReport]]:
    """Each file's reports, for the examples and the hostile corpus."""
    paths = sorted((REPO / "tests").glob("examples/**/*.yaml"))
    paths += sorted((REPO / "tests" / "corpus").glob("**/*.yaml"))
    return [check_file(path, str(path.relative_to(REPO))) for path in paths]


FILES = _reports()


def _summary(files: list[list[ModelReport]], **extra: Any) -> Summary:
    summary = Summary(files=len(files), **extra)
    for reports in files:
        for report in reports:
            summary.add(report)
    return summary


@pytest.mark.parametrize("count", [0, 1, 3, len(FILES)])
@pytest.mark.parametrize("skipping", [False, True])
def test_the_json_document_is_what_json_dumps_writes(count: int, skipping: bool) -> None:
    files = FILES[:count]
    out = io.StringIO()
    reporter = JsonReporter(out)
    reporter.start()
    for reports in files:
        reporter.add(reporter.render(reports))
    reporter.add("")  # a skipped file
    summary = _summary(files, skipping=skipping, skipped=1 if skipping else 0)
    reporter.finish(summary)
    counts = dict(json_counts(summary.files, summary.errors, summary.warnings, 1, skipping))
    entries = [report_to_json(report) for reports in files for report in reports]
    assert out.getvalue() == json.dumps({"files": entries, "summary": counts}, indent=2) + "\n"


@pytest.mark.parametrize("count", [0, 1, 3, len(FILES)])
@pytest.mark.parametrize("successful", [True, False])
def test_the_sarif_log_is_what_json_dump_writes(count: int, successful: bool) -> None:
    files = FILES[:count]
    out = io.StringIO()
    reporter = SarifReporter(out)
    reporter.start()
    for reports in files:
        reporter.add(reporter.render(reports))
    reporter.finish(_summary(files, unusable_paths=0 if successful else 1))
    head, tail = frame(successful)
    log = json.loads(head + "[]" + tail)
    log["runs"][0]["results"] = [
        result(report.path, diagnostic)
        for reports in files
        for report in reports
        for diagnostic in report.diagnostics
    ]
    assert log["runs"][0]["tool"]["driver"]["rules"] == [rule_descriptor(code) for code in RULES]
    assert log["runs"][0]["invocations"] == [{"executionSuccessful": successful}]
    assert out.getvalue() == json.dumps(log, indent=2) + "\n"


@pytest.mark.parametrize("output_format", FORMATS[1:])
@pytest.mark.parametrize("quiet", [False, True])
def test_a_report_assembled_from_parts_is_the_reporters_own(
    output_format: str, quiet: bool
) -> None:
    """What the warm path writes from kept parts, against what the reporter writes."""
    handled, parted = io.StringIO(), io.StringIO()
    reporter = REPORTER_BY_NAME[output_format](handled, ReporterOptions(False, quiet))
    renderer = REPORTER_BY_NAME[output_format](parted, ReporterOptions(False, quiet))
    reporter.start()
    for reports in FILES:
        for report in reports:
            reporter.handle(report)
    summary = _summary(FILES, skipping=True, skipped=2)
    reporter.finish(summary)
    assembled = whole_report(
        output_format,
        [renderer.render(reports) for reports in FILES] + ["", ""],
        quiet=quiet,
        frame=frame(True) if output_format == "sarif" else ("", ""),
        files=summary.files,
        errors=summary.errors,
        warnings=summary.warnings,
        skipped=2,
        skipping=True,
    )
    assert assembled == handled.getvalue()
    assert assembled.count("\n") > 100


def test_every_format_has_a_reporter() -> None:
    assert ("auto", *REPORTER_BY_NAME) == FORMATS


def test_the_text_part_is_fixed_only_where_no_terminal_shapes_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    def fixed(out: io.StringIO, color: bool | None = None) -> bool:
        return REPORTER_BY_NAME["text"](out, ReporterOptions(color)).fixed

    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    assert fixed(io.StringIO())
    assert not fixed(Terminal())
    assert not fixed(Terminal(), False)
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert not fixed(io.StringIO())
    assert fixed(io.StringIO(), False)
    assert all(REPORTER_BY_NAME[name](Terminal(), ReporterOptions()).fixed for name in FORMATS[2:])


def test_the_parts_are_independent_of_the_file_before(tmp_path: Path) -> None:
    """A table too wide for plain text makes rich draw it; the next file's part is unchanged."""
    wide = "framework: torch\ninputs:\n  x: [B, T, 8]\nlayers:\n  - name: " + "e" * 150
    wide += "\n    type: LSTM\n    input_size: 8\n    hidden_size: 4\n"
    (tmp_path / "wide.yaml").write_text(wide)
    reporter = REPORTER_BY_NAME["text"](io.StringIO(), ReporterOptions(False))
    after_wide = [reporter.render(check_file(tmp_path / "wide.yaml", "wide.yaml")), ""]
    after_wide[1] = reporter.render(FILES[0])
    alone = REPORTER_BY_NAME["text"](io.StringIO(), ReporterOptions(False)).render(FILES[0])
    assert after_wide[1] == alone
    lines = after_wide[0].splitlines()
    assert max(map(len, lines)) <= 120  # rich folded the name to fit
    assert sum(line.count("e" * 20) for line in lines) > 1
