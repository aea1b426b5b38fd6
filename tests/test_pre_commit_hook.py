"""The real pre-commit runs this checkout's hook in a throwaway git repository.

pre-commit clones the hook repository at a commit, so what is tested is this
checkout's HEAD (its committed .pre-commit-hooks.yaml and package), installed
by pre-commit into its own virtualenv; that install needs PyPI.

The repository is a realistic one: besides two specs it holds the YAML files
of tests/corpus/not_specs/ where they would stand (a GitHub workflow,
docker-compose.yml, Hydra configs, mkdocs.yml, and its own
.pre-commit-config.yaml).  Its configuration is the README's snippet, with
this checkout for the URL, brought to a commit by ``pre-commit autoupdate``
as the README says.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from lstmshape.cache import DIRECTORY_VARIABLE, DISABLE_VARIABLE
from tests.console import BROKEN_SPEC, GOOD_SPEC, REPO

CACHE_VARIABLES = (DIRECTORY_VARIABLE, DISABLE_VARIABLE)

pytest.importorskip("pre_commit", reason="pre-commit is in the test extra")

NOT_SPECS = REPO / "tests" / "corpus" / "not_specs"
PLACES = {
    "github-workflow.yml": ".github/workflows/ci.yml",
    "docker-compose.yml": "docker-compose.yml",
    "hydra-config.yaml": "conf/config.yaml",
    "hydra-model-lstm.yaml": "conf/model/lstm.yaml",
    "mkdocs.yml": "mkdocs.yml",
}
KERAS_SPEC = (REPO / "specs" / "keras-tutorial.yaml").read_text(encoding="utf-8")
URL = "https://github.com/OWNER/lstmshape"


def readme_snippet() -> str:
    """The README's .pre-commit-config.yaml, as a user copies it."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("\n## pre-commit\n") :]
    start = section.index("```yaml\n") + len("```yaml\n")
    return section[start : section.index("```", start)]


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


def make_project(root: Path) -> Path:
    project = root / "project"
    for name, place in PLACES.items():
        (project / place).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(NOT_SPECS / name, project / place)
    (project / "specs").mkdir()
    (project / "specs" / "encoder.yaml").write_text(GOOD_SPEC)
    (project / "specs" / "classifier.yaml").write_text(KERAS_SPEC)
    snippet = readme_snippet()
    assert URL in snippet
    (project / ".pre-commit-config.yaml").write_text(snippet.replace(URL, REPO.as_posix()))
    git("init", "-q", cwd=project)
    git("add", ".", cwd=project)
    return project


def test_the_hook_checks_the_specs_among_a_repositorys_yaml_files(
    tmp_path: Path, head: str
) -> None:
    project = make_project(tmp_path)
    # The result cache where a user's is: .lstmshape_cache/ in the project.
    kept = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", *CACHE_VARIABLES)}
    environment = {
        **kept,
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "PRE_COMMIT_COLOR": "never",
    }

    def pre_commit(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", *args],
            cwd=project,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )

    def run_all_files() -> subprocess.CompletedProcess[str]:
        return pre_commit("run", "lstmshape", "--all-files")

    update = pre_commit("autoupdate")
    assert update.returncode == 0, update.stdout + update.stderr
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text())
    (entry,) = config["repos"]
    pinned = git("rev-parse", f"{entry['rev']}^{{commit}}", cwd=REPO)
    assert pinned == head  # a commit (or a tag on it) instead of a branch
    assert "files" not in entry["hooks"][0]
    git("add", ".", cwd=project)

    clean = run_all_files()
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "Passed" in clean.stdout

    (project / "specs" / "encoder.yaml").write_text(BROKEN_SPEC)
    git("add", ".", cwd=project)
    broken = run_all_files()
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "Failed" in broken.stdout
    # the diagnostic with its source line and caret, and nothing else: no table
    # for the clean spec, no word about the files that are not specs
    report = broken.stdout[broken.stdout.index("- exit code: 1") :].strip()
    # again, as a retried commit: answered from the cache, the same to the byte
    assert run_all_files().stdout == broken.stdout
    assert (project / ".lstmshape_cache" / "v1").is_dir()
    status = git("status", "--porcelain", "--untracked-files=all", cwd=project)
    assert "lstmshape_cache" not in status  # the cache has a .gitignore of its own
    assert report.splitlines() == [
        "- exit code: 1",
        "",
        "specs/encoder.yaml:7:17: LS301 error: enc.input_size is 10 but its input x has 8 "
        "features (last dim of [B, T, 8])",
        " 7 |     input_size: 10",
        "   |                 ^",
        "  = hint: set input_size: 8",
    ]
