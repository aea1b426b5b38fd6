"""Exit codes do not depend on the report format (in process, so every combination is quick)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from lstmshape.cli import cli
from lstmshape.reporters import FORMAT_CHOICES
from tests.console import BROKEN_SPEC, GOOD_SPEC, WARNING_SPEC

CASES = [
    (["good.yaml"], 0),
    (["warn.yaml"], 0),
    (["warn.yaml", "--strict"], 1),
    (["broken.yaml"], 1),
    (["good.yaml", "missing.yaml"], 2),
]


@pytest.mark.parametrize("output_format", FORMAT_CHOICES)
@pytest.mark.parametrize(("args", "expected"), CASES)
def test_exit_codes_are_the_same_in_every_format(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    output_format: str,
    args: list[str],
    expected: int,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    for name, text in (("good", GOOD_SPEC), ("warn", WARNING_SPEC), ("broken", BROKEN_SPEC)):
        Path(f"{name}.yaml").write_text(text)
    result = CliRunner().invoke(
        cli, ["check", "--format", output_format, *args], catch_exceptions=False
    )
    assert result.exit_code == expected


def test_quiet_text_keeps_the_diagnostic_and_its_caret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("broken.yaml").write_text(BROKEN_SPEC)
    result = CliRunner().invoke(
        cli, ["check", "--quiet", "--format", "text", "broken.yaml"], catch_exceptions=False
    )
    lines = result.output.splitlines()
    assert lines[0].startswith("broken.yaml:7:17: LS301 error:")
    assert lines[1:3] == [" 7 |     input_size: 10", "   |                 ^"]
    assert not any(line.startswith("Checked") for line in lines)
