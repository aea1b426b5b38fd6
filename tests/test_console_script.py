"""End to end through the installed ``lstmshape`` console script, as CI and editors run it."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.console import (
    BROKEN_SPEC,
    GOOD_SPEC,
    REPO,
    WARNING_SPEC,
    console_script,
    run_script,
)

FORMATS = ("text", "json", "github", "sarif")


@pytest.fixture
def specs(tmp_path: Path) -> Path:
    (tmp_path / "good.yaml").write_text(GOOD_SPEC)
    (tmp_path / "broken.yaml").write_text(BROKEN_SPEC)
    (tmp_path / "warn.yaml").write_text(WARNING_SPEC)
    return tmp_path


@pytest.mark.parametrize("output_format", FORMATS)
def test_every_format_reports_the_error_and_exits_1(specs: Path, output_format: str) -> None:
    result = run_script("check", "--format", output_format, "good.yaml", "broken.yaml", cwd=specs)
    assert result.returncode == 1
    assert "LS301" in result.stdout
    assert result.stderr == ""


def test_a_clean_run_exits_0_and_a_missing_path_2(specs: Path) -> None:
    assert run_script("check", "--format", "sarif", "good.yaml", cwd=specs).returncode == 0
    missing = run_script("check", "--format", "json", "good.yaml", "missing.yaml", cwd=specs)
    assert missing.returncode == 2
    assert json.loads(missing.stdout)["summary"]["files"] == 1


def test_auto_is_github_annotations_inside_github_actions(specs: Path) -> None:
    inside = run_script("check", "broken.yaml", cwd=specs, env={"GITHUB_ACTIONS": "true"})
    assert inside.stdout.startswith("::error file=broken.yaml,line=7,col=17,title=LS301 ")
    outside = run_script("check", "broken.yaml", cwd=specs)
    assert any(
        line.startswith("broken.yaml:7:17: LS301 error:") for line in outside.stdout.splitlines()
    )
    assert "\x1b[" not in outside.stdout  # not a terminal: plain text


def test_quiet_prints_only_the_diagnostics(specs: Path) -> None:
    result = run_script("check", "-q", "--format", "text", "good.yaml", "broken.yaml", cwd=specs)
    lines = result.stdout.splitlines()
    assert lines[0].startswith("broken.yaml:7:17: LS301 error:")
    assert not any(line.startswith(("Checked", "good.yaml")) for line in lines)
    assert result.returncode == 1
    github = run_script("check", "-q", "--format", "github", "broken.yaml", cwd=specs)
    assert len(github.stdout.splitlines()) == 1


@pytest.mark.parametrize("output_format", ["json", "sarif"])
def test_output_writes_the_report_to_a_file(specs: Path, output_format: str) -> None:
    result = run_script(
        "check", "--format", output_format, "-o", "report.json", "broken.yaml", cwd=specs
    )
    assert (result.returncode, result.stdout) == (1, "")
    document = json.loads((specs / "report.json").read_text(encoding="utf-8"))
    if output_format == "json":
        assert document["summary"] == {"files": 1, "errors": 1, "warnings": 0}
    else:
        assert [r["ruleId"] for r in document["runs"][0]["results"]] == ["LS301"]


def test_an_unwritable_output_exits_2(specs: Path) -> None:
    result = run_script("check", "-o", "no/such/dir/r.json", "good.yaml", cwd=specs)
    assert result.returncode == 2
    assert "cannot write the report" in result.stderr


def test_pyproject_settings_and_suppression_comments(specs: Path) -> None:
    (specs / "pyproject.toml").write_text('[tool.lstmshape]\nerror = ["LS404"]\n')
    assert run_script("check", "warn.yaml", cwd=specs).returncode == 1
    suppressed = WARNING_SPEC.replace("  - name: enc", "  - name: enc  # lstmshape: ignore[LS404]")
    (specs / "warn.yaml").write_text(suppressed)
    assert run_script("check", "warn.yaml", cwd=specs).returncode == 0
    (specs / "pyproject.toml").write_text("[tool.lstmshape]\nstrcit = true\n")
    result = run_script("check", "warn.yaml", cwd=specs)
    assert result.returncode == 2
    assert "unknown setting 'strcit'; did you mean strict?" in result.stderr


def test_schema_and_explain(specs: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    yaml = pytest.importorskip("yaml")
    schema = json.loads(run_script("schema", cwd=specs).stdout)
    jsonschema.validate(yaml.safe_load(GOOD_SPEC), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(yaml.safe_load(BROKEN_SPEC.replace("LSTM", "Dense")), schema)
    explained = run_script("explain", "LS301", cwd=specs)
    assert explained.returncode == 0
    assert explained.stdout.startswith("LS301 feature-mismatch (error)")


def launchers() -> dict[str, list[str]]:
    """How lstmshape is started: the console script, ``-m``, and the pre-commit hook's entry."""
    hook = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    entry = shlex.split(hook[0]["entry"])
    assert entry[0] == "python"
    return {
        "script": [str(console_script())],
        "module": [sys.executable, "-m", "lstmshape"],
        "hook": [sys.executable, *entry[1 : entry.index("check")]],
    }


def run_with(launcher: list[str], *args: str, cwd: Path, **env: str) -> tuple[int, str, str]:
    # the cache as ``env`` says, whatever the test session's mode
    unset = ("GITHUB_ACTIONS", "LSTMSHAPE_NO_CACHE", "LSTMSHAPE_CACHE_DIR")
    environment = {k: v for k, v in os.environ.items() if k not in unset}
    done = subprocess.run(
        [*launcher, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**environment, **env},
        check=False,
        timeout=60,
    )
    return done.returncode, done.stdout, done.stderr


@pytest.mark.parametrize(
    ("launcher", "output_format"),
    [("script", "text"), ("script", "sarif"), ("module", "json"), ("hook", "github")],
)
def test_every_launcher_answers_a_second_run_from_the_cache_alike(
    specs: Path, launcher: str, output_format: str
) -> None:
    command = launchers()[launcher]
    args = ("check", "--format", output_format, "good.yaml", "broken.yaml", "warn.yaml")
    cache = {"LSTMSHAPE_CACHE_DIR": str(specs / "cache")}
    reference = run_with(command, *args, cwd=specs, LSTMSHAPE_NO_CACHE="1")
    assert reference[0] == 1
    assert run_with(command, *args, cwd=specs, **cache) == reference  # cold: fills the cache
    assert run_with(command, *args, cwd=specs, **cache) == reference  # warm


@pytest.mark.parametrize("launcher", ["module", "hook"])
def test_a_warm_run_of_a_launcher_imports_neither_click_nor_yaml(
    specs: Path, launcher: str
) -> None:
    python, *rest = launchers()[launcher]
    timed = [python, "-X", "importtime", *rest]
    args = ("check", "--skip-non-specs", "--quiet", "good.yaml", "broken.yaml")
    cache = {"LSTMSHAPE_CACHE_DIR": str(specs / "cache")}
    cold = run_with(timed, *args, cwd=specs, **cache)[2]
    warm = run_with(timed, *args, cwd=specs, **cache)[2]
    assert " lstmshape.loader" in cold  # the counterpart: the cold run checks the files
    assert not any(f" {name}\n" in cold for name in ("click", "pydantic"))  # a plain check
    assert " lstmshape.warm" in warm
    assert not any(f" {name}\n" in warm for name in ("click", "yaml", "pydantic", "rich"))
