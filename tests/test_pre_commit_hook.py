"""The real pre-commit runs this checkout's hook in a throwaway git repository.

pre-commit clones the hook repository at a commit, so what is tested is this
checkout's HEAD (its committed .pre-commit-hooks.yaml and package), installed
by pre-commit into its own virtualenv; that install needs PyPI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.console import BROKEN_SPEC, GOOD_SPEC, REPO

pytest.importorskip("pre_commit", reason="pre-commit is in the test extra")


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout.strip()


@pytest.fixture(scope="module")
def head() -> str:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    try:
        sha = git("rev-parse", "HEAD", cwd=REPO)
        git("cat-file", "-e", f"{sha}:.pre-commit-hooks.yaml", cwd=REPO)
    except subprocess.CalledProcessError:
        pytest.skip("the checkout is not a git repository whose HEAD has .pre-commit-hooks.yaml")
    return sha


def test_the_hook_passes_a_good_spec_and_fails_a_broken_one(tmp_path: Path, head: str) -> None:
    project = tmp_path / "project"
    (project / "specs").mkdir(parents=True)
    (project / "specs" / "good.yaml").write_text(GOOD_SPEC)
    (project / "specs" / "broken.yaml").write_text(BROKEN_SPEC)
    (project / "other.yaml").write_text("not: a spec\n")  # outside files:, never checked
    (project / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        f"  - repo: {REPO.as_posix()}\n"
        f"    rev: {head}\n"
        "    hooks:\n"
        "      - id: lstmshape\n"
        "        files: ^specs/\n"
    )
    git("init", "-q", cwd=project)
    git("add", ".", cwd=project)
    environment = {
        **{k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"},
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "PRE_COMMIT_COLOR": "never",
    }

    def run(*files: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "run", "lstmshape", "--files", *files],
            cwd=project,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )

    good = run("specs/good.yaml", "other.yaml")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Passed" in good.stdout
    broken = run("specs/good.yaml", "specs/broken.yaml")
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "Failed" in broken.stdout
    assert "specs/broken.yaml:7:17: LS301 error:" in broken.stdout
