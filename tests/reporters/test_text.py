"""The text reporter: table, located diagnostics with caret, summary."""

from __future__ import annotations

import io

import pytest

from lstmshape.config import Settings
from lstmshape.report import Summary
from lstmshape.reporters.text import TextReporter
from lstmshape.runner import check_text
from lstmshape.suppression import apply_settings

SPEC = """framework: torch
inputs:
  x: [B, T, 8]
layers:
  - name: enc
    type: LSTM
    input_size: 8
    hidden_size: 4
    dropout: 0.5
  - name: head
    type: Linear
    input: '[enc.h_n'
    in_features: 4
    out_features: 2
"""


def render(text: str) -> str:
    out = io.StringIO()
    reporter = TextReporter(out, False)
    reporter.start()
    summary = Summary(files=1)
    for report in check_text(text, "m.yaml"):
        summary.add(report)
        reporter.handle(report)
    reporter.finish(summary)
    return out.getvalue()


def test_table_rows_and_status() -> None:
    text = render(SPEC)
    # LSTM(8, 4): 4*4*(8+4) + 2*4*4 = 224; Linear(4, 2): 4*2 + 2 = 10
    assert "m.yaml · m (torch) · 234 params" in text
    enc = next(line for line in text.splitlines() if line.startswith("enc "))
    assert "[B, T, 4]" in enc  # output, as read by torch: (L=B, N=T, H)
    assert "[1, T, 4]" in enc  # h_n and c_n
    assert enc.rstrip().endswith("warning")
    head = next(line for line in text.splitlines() if line.startswith("head "))
    assert head.rstrip().endswith("error")


def test_the_header_counts_unknown_params_as_unknown_not_as_0() -> None:
    text = render(SPEC.replace("hidden_size", "hiden_size").replace("'[enc.h_n'", "x"))
    assert "m.yaml · m (torch) · ? params" in text
    head = next(line for line in text.splitlines() if line.startswith("head "))
    assert " 10 " in head  # Linear(4, 2): its own count is still known


def test_diagnostics_with_source_line_and_caret() -> None:
    lines = render(SPEC).splitlines()
    start = lines.index(
        "m.yaml:12:12: LS201 error: '[enc.h_n' is not a reference: expected NAME or "
        "LAYER.TENSOR, optionally followed by an index such as [:, -1, :]"
    )
    assert lines[start + 1] == " 12 |     input: '[enc.h_n'"
    assert lines[start + 2] == "    |            ^"
    assert any(line.startswith("m.yaml:9:14: LS401 warning: ") for line in lines)


def test_summary_line() -> None:
    assert render(SPEC).splitlines()[-1] == "Checked 1 file: 1 error, 1 warning."


def test_brackets_are_printed_not_read_as_markup() -> None:
    text = render(SPEC.replace("input: '[enc.h_n'", "input: '[bold]x'"))
    assert "'[bold]x'" in text


# head's in_features (15) disagrees with encoder's hidden_size (16): an error
# on head alone; encoder and drop are fine.
STATUS_SPEC = """\
framework: torch
inputs:
  x: [B, T, 8]
layers:
  - name: encoder
    type: LSTM
    input_size: 8
    hidden_size: 16
    batch_first: true
  - name: head
    type: Linear
    in_features: 15
    out_features: 4
  - name: drop
    type: Dropout
"""


def _status_by_layer(text: str) -> dict[str, str]:
    statuses = {}
    for line in text.splitlines():
        words = line.split()
        if words and words[0] in {"encoder", "head", "drop"}:
            statuses[words[0]] = words[-1]
    return statuses


def test_each_layer_shows_the_worst_severity_of_its_own_diagnostics() -> None:
    (report,) = check_text(STATUS_SPEC, "model.yaml")
    assert {d.layer for d in report.diagnostics} == {"head"}
    out = io.StringIO()
    reporter = TextReporter(out, color=False)
    reporter.handle(report)
    reporter.finish(Summary())
    assert _status_by_layer(out.getvalue()) == {"encoder": "ok", "head": "error", "drop": "ok"}


# The table is drawn by lstmshape itself when there is no colour and it fits
# the width (rich takes about 1 ms a row); it must be the table rich draws.
PLAIN_TABLES = [
    (["layer", "type", "input", "output", "params", "status"], [["a", "LSTM", "", "", "?", "ok"]]),
    (
        ["layer", "type", "input", "output", "h_n", "c_n", "params", "status"],
        [
            ["encoder", "LSTM", "x", "[B, T, 64]", "[2, B, 64]", "[2, B, 64]", "58,368", "ok"],
            ["head", "Linear", "encoder.output[:, -1, :]", "[B, 10]", "", "", "650", "error"],
            ["nom_é", "Linear", "中文", "[B, 1]", "", "", "2,560,000", "warning"],
        ],
    ),
]


def _rich_drawing(reporter: TextReporter, header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    reporter._console.file = out
    reporter._console.print(reporter._rich_table(header, rows))
    return out.getvalue()


def test_the_plain_table_is_the_one_rich_draws(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    reporter = TextReporter(io.StringIO(), color=False)
    for header, rows in PLAIN_TABLES:
        plain = reporter._plain_table(header, rows)
        assert plain is not None
        assert plain == _rich_drawing(reporter, header, rows)


def test_rich_draws_a_table_too_wide_to_fit_or_in_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    header, rows = PLAIN_TABLES[1]
    narrow = TextReporter(io.StringIO(), color=False)
    assert narrow._plain_table(header, rows) is None  # rich wraps the cells to fit
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("FORCE_COLOR", "1")
    coloured = TextReporter(io.StringIO(), color=None)
    assert coloured._plain_table(header, rows) is None
    assert "\x1b[" in _rich_drawing(coloured, header, rows)


@pytest.mark.parametrize("columns", [None, "120"])
def test_without_colour_the_report_is_what_rich_writes(
    monkeypatch: pytest.MonkeyPatch, columns: str | None
) -> None:
    """Lines and tables written without rich are byte for byte rich's own.

    Without COLUMNS the reporter never makes a rich console; with it, rich
    measures the width and the lines are still written directly.
    """
    from pathlib import Path

    from lstmshape.runner import check_file

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    root = Path(__file__).resolve().parents[2]
    paths = sorted(root.glob("tests/examples/**/*.yaml")) + sorted(root.glob("tests/corpus/**/*"))
    reports = [report for path in paths if path.is_file() for report in check_file(path, path.name)]
    assert sum(len(report.diagnostics) for report in reports) > 100
    written = []
    for through_rich in (False, True):
        out = io.StringIO()
        reporter = TextReporter(out, color=False)
        assert reporter._plain
        assert (reporter._rich_console is None) == (columns is None)
        reporter._plain = not through_rich
        for report in reports:
            reporter.handle(report)
        reporter.finish(Summary(files=len(paths)))
        written.append(out.getvalue())
    assert written[0] == written[1]


# A layer type torch does not have: its tensors are unknown, so the layer after
# it is not checked at all (its output is '?').
UNKNOWN_TYPE_SPEC = """\
framework: torch
inputs:
  x: [B, 10, 8]
layers:
  - name: encoder
    type: LSTM
    input_size: 8
    hidden_size: 16
    batch_first: true
  - name: head
    type: LTSM
    input_size: 16
    hidden_size: 16
  - name: drop
    type: Dropout
"""


def test_a_layer_with_an_error_or_left_unchecked_is_never_ok() -> None:
    text = render(UNKNOWN_TYPE_SPEC)
    assert _status_by_layer(text) == {"encoder": "ok", "head": "error", "drop": "unchecked"}
    assert "LS104" in text


def test_a_suppressed_error_leaves_its_layer_unchecked_not_ok() -> None:
    suppressed = UNKNOWN_TYPE_SPEC.replace("type: LTSM", "type: LTSM  # lstmshape: ignore[LS104]")
    out = io.StringIO()
    reporter = TextReporter(out, color=False)
    for report in check_text(suppressed, "model.yaml"):
        reporter.handle(apply_settings(report, Settings()))
    assert _status_by_layer(out.getvalue()) == {
        "encoder": "ok",
        "head": "unchecked",
        "drop": "unchecked",
    }
