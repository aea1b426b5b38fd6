"""Every shipped spec: its exported module is committed beside it, is what `export`
prints today, is format-clean, and runs in its framework as lstmshape says."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from lstmshape.cli import cli
from tests.export.running import export_disagreements, ruff_format_check
from tests.export.shipped import SPECS, exported_path, framework_of

IDS = [spec.name for spec in SPECS]


def printed(spec: Path) -> str:
    result = CliRunner().invoke(
        cli, ["export", str(spec), "--to", framework_of(spec)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_the_committed_module_is_what_export_prints_today(spec: Path) -> None:
    committed = exported_path(spec)
    assert committed.exists(), f"run: lstmshape export {spec.name} --to ... -o {committed.name}"
    assert committed.read_text(encoding="utf-8") == printed(spec), (
        f"{committed.name} is stale: run lstmshape export specs/{spec.name} "
        f"--to {framework_of(spec)} -o specs/{committed.name}"
    )


def test_the_committed_modules_are_ruff_format_clean(tmp_path: Path) -> None:
    for spec in SPECS:
        (tmp_path / exported_path(spec).name).write_text(printed(spec), encoding="utf-8")
    done = ruff_format_check(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_the_module_runs_in_its_framework_as_lstmshape_says(spec: Path) -> None:
    pytest.importorskip(framework_of(spec))
    assert export_disagreements(yaml.safe_load(spec.read_text(encoding="utf-8"))) == []


def test_the_readme_shows_the_tutorial_as_export_prints_it() -> None:
    from tests.export.shipped import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = readme.split("`lstmshape export specs/torch-tutorial.yaml --to torch` prints:")[1]
    code = shown.split("```python\n", 1)[1].split("```\n", 1)[0]
    assert code == printed(ROOT / "specs" / "torch-tutorial.yaml")


def _readme_commands() -> list[str]:
    from tests.export.shipped import ROOT

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## Exporting the model as code")
    section = text[start : text.index("\n## ", start)]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    return [line.split("#")[0].strip() for line in block.strip().splitlines()]


@pytest.mark.parametrize("line", _readme_commands())
def test_the_readme_commands_run(
    line: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shlex

    from tests.export.shipped import ROOT

    (tmp_path / "specs").symlink_to(ROOT / "specs")
    monkeypatch.chdir(tmp_path)
    args = shlex.split(line)
    assert args[:2] == ["lstmshape", "export"]
    result = CliRunner().invoke(cli, args[1:], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    written = [path for path in tmp_path.iterdir() if path.name != "specs"]
    assert all(path.read_text(encoding="utf-8").startswith('"""') for path in written)
    assert result.stdout.startswith('"""') or written
