"""The README's GitHub Actions step runs as written, with this checkout as the repository.

Its ``run:`` lines are executed by bash in a fresh virtualenv, the URL
replaced by this checkout (``git+file://``, which installs the committed
HEAD), with ``GITHUB_ACTIONS=true``; what they print must be the job log the
README shows.  Like the pre-commit test, the install needs PyPI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
import yaml

from tests.console import BROKEN_SPEC, GOOD_SPEC, REPO

URL = "git+https://github.com/OWNER/lstmshape"


def readme_section() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index("\n## GitHub Actions\n")
    return readme[start : readme.index("\n## ", start + 1)]


def block(section: str, opening: str) -> str:
    start = section.index(opening) + len(opening)
    return section[start : section.index("```", start)]


def test_the_readme_workflow_step_installs_and_checks_as_shown(tmp_path: Path) -> None:
    if shutil.which("git") is None or shutil.which("bash") is None:
        pytest.skip("git and bash are needed")
    probe = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip("the checkout is not a git repository")
    section = readme_section()
    steps = yaml.safe_load(block(section, "```yaml\n"))
    (script,) = [step["run"] for step in steps if "run" in step]
    assert URL in script
    shown_log = block(section, "exit 1):\n\n```\n")

    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    project = tmp_path / "project"
    (project / "specs").mkdir(parents=True)
    (project / "specs" / "good.yaml").write_text(GOOD_SPEC)
    (project / "specs" / "broken.yaml").write_text(BROKEN_SPEC)
    bindir = environment / ("Scripts" if sys.platform == "win32" else "bin")
    completed = subprocess.run(
        ["bash", "-e", "-c", script.replace(URL, f"git+file://{REPO.as_posix()}")],
        cwd=project,
        env={
            **os.environ,
            "PATH": f"{bindir}{os.pathsep}{os.environ['PATH']}",
            "GITHUB_ACTIONS": "true",
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "PIP_QUIET": "1",
        },
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert completed.stdout == shown_log
