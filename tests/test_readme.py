"""The README is the user's reference: it must list every diagnostic code."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from lstmshape.cli import cli
from lstmshape.diagnostics import RULES
from lstmshape.frameworks import FRAMEWORKS
from tests.readme_tables import generated, sections

README = Path(__file__).resolve().parents[1] / "README.md"


def test_every_code_is_documented_with_its_name_and_severity() -> None:
    rows = {
        match.group(1): (match.group(2), match.group(3))
        for match in re.finditer(
            r"^\| (LS\d{3}) \| ([\w-]+) \| (error|warning) \|", README.read_text(), re.M
        )
    }
    assert {code: (rule.name, rule.severity.value) for code, rule in RULES.items()} == rows


_CONSOLE = re.compile(r"```console\n\$ lstmshape (check [^\n]+)\n(.*?)```", re.S)
_SHOWN_FROM = {"billion_laughs.yaml": Path("tests/corpus/hostile")}


def _console_examples() -> list[tuple[str, str]]:
    return [(match.group(1), match.group(2)) for match in _CONSOLE.finditer(README.read_text())]


@pytest.mark.parametrize(("command", "shown"), _console_examples(), ids=lambda value: value[:40])
def test_readme_check_output_is_the_real_output(
    command: str, shown: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every `$ lstmshape check ...` block in the README prints what the README shows."""
    args = shlex.split(command)
    root = README.parent
    workdir = root / _SHOWN_FROM.get(args[1], Path())
    monkeypatch.chdir(workdir)
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    produced = [line.rstrip() for line in result.stdout.rstrip().splitlines()]
    assert produced == [line.rstrip() for line in shown.rstrip().splitlines()]


def test_the_readme_shows_its_examples() -> None:
    assert len(_console_examples()) >= 4


def test_the_layer_tables_are_the_ones_the_declarations_make() -> None:
    text = README.read_text()
    assert sections(text) == list(FRAMEWORKS)
    assert text == generated(text), "stale layer tables: run python -m tests.readme_tables"
