"""benchmarks/run.py measures lstmshape as a user installs it, and says what it measured."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "lstmshape_benchmarks", ROOT / "benchmarks/run.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("torch", [False, True])
def test_it_builds_a_fresh_virtualenv_with_a_plain_install_and_torch_only_if_asked(
    bench: ModuleType, torch: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran: list[list[str]] = []

    def record(argv: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
        ran.append(argv)
        return subprocess.CompletedProcess(argv, 0, "", "")

    monkeypatch.setattr(bench.subprocess, "run", record)
    python = bench.build_virtualenv(tmp_path, torch)
    assert python == tmp_path / "venv" / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "--quiet"]
    assert ran == [
        [sys.executable, "-m", "venv", str(tmp_path / "venv")],
        *([[*pip, "torch==2.13.0"]] if torch else []),
        [*pip, str(tmp_path / "source")],  # not editable: no -e
    ]
    # a copy of the sources, without what earlier builds left in the checkout
    copied = tmp_path / "source"
    assert (copied / "pyproject.toml").read_bytes() == (ROOT / "pyproject.toml").read_bytes()
    assert (copied / "lstmshape" / "__init__.py").is_file()
    assert not (copied / ".git").exists() and not (copied / "build").exists()
    assert not list(copied.rglob("__pycache__"))


def test_it_prints_the_interpreter_and_site_it_measures(
    bench: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    installed = bench.describe(bench.Target(Path(sys.executable), tmp_path), "this one")
    shown = capsys.readouterr().out
    assert shown.startswith(f"interpreter: {sys.executable} (Python ")
    assert "\nsite: " in shown
    assert "\n  .pth files run at start-up: " in shown
    assert "\n  lstmshape installed " in shown
    assert any(name.startswith("lstmshape ") for name in installed)


def test_the_readme_quotes_a_run_in_a_fresh_virtualenv() -> None:
    performance = README.read_text().split("## Performance", 1)[1].split("\n## ", 1)[0]
    assert "\n    interpreter: $TMP/venv/bin/python (Python " in performance
    assert "\n      lstmshape installed not editable\n" in performance
