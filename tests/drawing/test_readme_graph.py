"""The README's drawing section shows what `lstmshape graph` does today."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from lstmshape.cli import cli
from tests.drawing.renderers import require_dot
from tests.drawing.specs import ROOT, drawing

README = ROOT / "README.md"
SHOWN = ROOT / "specs" / "torch-encoder-decoder.yaml"


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## Drawing the model")
    return text[start : text.index("\n## ", start)]


def test_the_readme_mermaid_block_is_what_the_command_prints() -> None:
    (block,) = re.findall(r"```mermaid\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert block == drawing(SHOWN, "mermaid")


def test_the_readme_picture_is_committed_and_says_how_it_was_made() -> None:
    (image,) = re.findall(r"!\[[^\]]+\]\(([^)]+\.png)\)", _section())
    assert (ROOT / image).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    command = f"lstmshape graph --format dot {SHOWN.relative_to(ROOT)} | dot -Tpng -o {image}"
    assert f"`{command}`" in _section()


def _examples() -> list[str]:
    (block,) = re.findall(r"```sh\n(.*?)```", _section(), re.S)
    return [line.split("#")[0].strip() for line in block.strip().splitlines()]


@pytest.mark.parametrize("line", _examples())
def test_the_readme_examples_run(
    line: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "specs").symlink_to(ROOT / "specs")
    monkeypatch.chdir(tmp_path)
    command, _, piped = line.partition(" | ")
    args = shlex.split(command)
    assert args[:2] == ["lstmshape", "graph"]
    result = CliRunner().invoke(cli, args[1:], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    if piped:
        dot = require_dot()
        renderer = shlex.split(piped)
        assert renderer[0] == "dot"
        subprocess.run([dot, *renderer[1:]], input=result.stdout, text=True, check=True)
    written = [path for path in tmp_path.iterdir() if path.name != "specs"]
    assert all(path.stat().st_size > 0 for path in written)
