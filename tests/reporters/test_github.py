"""GitHub Actions workflow commands: one line per diagnostic, escaped as the runner reads them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from lstmshape.cli import cli
from lstmshape.diagnostics import Diagnostic, Severity
from lstmshape.reporters import resolve_format
from lstmshape.reporters.github import escape_data, escape_property, workflow_command
from tests.console import BROKEN_SPEC, WARNING_SPEC

COMMAND = re.compile(r"^::(error|warning) file=([^,]*),line=(\d+),col=(\d+),title=([^:]*)::(.*)$")


def test_escaping_follows_the_actions_runner() -> None:
    # The runner unescapes %25 %0D %0A in data, and also %3A %2C in properties.
    assert escape_data("50% a\r\nb") == "50%25 a%0D%0Ab"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"


def test_a_diagnostic_is_one_command_with_its_position_and_hint() -> None:
    diagnostic = Diagnostic("LS301", Severity.ERROR, "in: 10, found 8", 7, 17, "set input_size: 8")
    line = workflow_command("specs/a,b.yaml", diagnostic)
    assert "\n" not in line
    match = COMMAND.match(line)
    assert match is not None
    kind, file, row, col, title, message = match.groups()
    assert (kind, file, row, col) == ("error", "specs/a%2Cb.yaml", "7", "17")
    assert title == "LS301 feature-mismatch"
    assert message == "in: 10, found 8%0Ahint: set input_size: 8"


def test_check_prints_one_command_per_diagnostic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("broken.yaml").write_text(BROKEN_SPEC)
    Path("warn.yaml").write_text(WARNING_SPEC)
    result = CliRunner().invoke(cli, ["check", "--format", "github", "."], catch_exceptions=False)
    lines = result.output.splitlines()
    commands = [COMMAND.match(line) for line in lines if line.startswith("::")]
    found = {(m.group(1), m.group(2), m.group(3), m.group(4)) for m in commands if m}
    # Positions as the specs in tests/console.py state them.
    assert found == {("error", "broken.yaml", "7", "17"), ("warning", "warn.yaml", "5", "5")}
    assert lines[-1] == "lstmshape: checked 2 file(s): 1 error(s), 1 warning(s)"
    assert result.exit_code == 1


def test_auto_picks_github_only_inside_github_actions() -> None:
    assert resolve_format("auto", {"GITHUB_ACTIONS": "true"}) == "github"
    assert resolve_format("auto", {}) == "text"
    assert resolve_format("json", {"GITHUB_ACTIONS": "true"}) == "json"
