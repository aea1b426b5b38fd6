"""The progress bar: shown for many files on a terminal in text format only."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from lstmshape.progress import MIN_FILES, progress_bar, wanted
from lstmshape.runner import run_check

SPEC = """\
framework: torch
inputs:
  x: [B, T, 4]
layers:
  - type: LSTM
    input_size: 4
    hidden_size: 3
"""


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("total", "output_format", "stream", "shown"),
    [
        (MIN_FILES + 1, "text", Terminal(), True),
        (MIN_FILES, "text", Terminal(), False),
        (MIN_FILES + 1, "json", Terminal(), False),
        (MIN_FILES + 1, "text", io.StringIO(), False),
    ],
)
def test_wanted(total: int, output_format: str, stream: io.StringIO, shown: bool) -> None:
    assert wanted(total, output_format, stream) is shown


def test_a_closed_stream_gets_no_bar() -> None:
    with open(os.devnull, "w") as stream:  # a real file, to close
        pass
    assert not wanted(MIN_FILES + 1, "text", stream)  # its isatty() raises ValueError


def test_bar_counts_files_on_a_terminal() -> None:
    stream = Terminal()
    with progress_bar(MIN_FILES + 1, "text", stream) as bar:
        for _ in range(MIN_FILES + 1):
            with bar.lifted():
                pass
            bar.advance()
    assert f"{MIN_FILES + 1}/{MIN_FILES + 1}" in stream.getvalue()


def _specs(directory: Path, count: int) -> Path:
    for index in range(count):
        (directory / f"spec{index}.yaml").write_text(SPEC)
    return directory


@pytest.mark.parametrize(("output_format", "expect_bar"), [("text", True), ("json", False)])
def test_run_check_draws_the_bar_on_stderr_only_for_text(
    tmp_path: Path, output_format: str, expect_bar: bool
) -> None:
    count = MIN_FILES + 2
    out, errors = io.StringIO(), Terminal()
    code = run_check([_specs(tmp_path, count)], output_format=output_format, out=out, errors=errors)
    assert code == 0
    assert (f"{count}/{count}" in errors.getvalue()) is expect_bar
    assert "checking" not in out.getvalue()  # the report on stdout stays clean
    if not expect_bar:
        assert errors.getvalue() == ""


def test_no_bar_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    errors = io.StringIO()
    run_check(
        [_specs(tmp_path, MIN_FILES + 2)], output_format="text", out=io.StringIO(), errors=errors
    )
    assert errors.getvalue() == ""
