"""The command line end to end: exit codes, options, formats, discovery."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from lstmshape import runner
from lstmshape.cli import cli, main

EXAMPLES = Path(__file__).resolve().parent / "examples"
GOOD = EXAMPLES / "positive" / "pytorch-tutorial.yaml"
BAD = EXAMPLES / "negative" / "feature-mismatch.yaml"
WARNING = EXAMPLES / "negative" / "dropout-single-layer.yaml"


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False, env=env)
    return result.exit_code, result.stdout, result.stderr


def test_good_spec_exits_0() -> None:
    code, out, _ = invoke("check", str(GOOD))
    assert code == 0
    assert "Checked 1 file: 0 errors, 0 warnings." in out


def test_error_exits_1() -> None:
    assert invoke("check", str(BAD))[0] == 1


def test_warning_exits_0_and_1_with_strict() -> None:
    assert invoke("check", str(WARNING))[0] == 0
    assert invoke("check", "--strict", str(WARNING))[0] == 1


def test_missing_path_exits_2_and_other_files_are_still_checked(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    code, out, err = invoke("check", "--format", "json", str(missing), str(BAD))
    assert code == 2
    assert f"{missing}: no such file or directory" in err
    document = json.loads(out)
    assert [file["path"] for file in document["files"]] == [str(BAD)]
    assert document["summary"]["errors"] == 1


def test_directory_without_specs_exits_2(tmp_path: Path) -> None:
    code, _, err = invoke("check", str(tmp_path))
    assert code == 2
    assert "no *.yaml or *.yml files" in err


@pytest.mark.parametrize(
    "args", [["check", "--format", "xml", "x.yaml"], ["check", "--bogus", "x.yaml"], ["check"]]
)
def test_bad_usage_exits_2(args: list[str]) -> None:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert "Usage:" in result.stderr


def test_main_returns_exit_codes_without_exiting(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(GOOD)]) == 0
    assert main(["check", str(BAD)]) == 1
    assert main(["check", "--format", "xml", str(GOOD)]) == 2
    assert "Invalid value for '--format'" in capsys.readouterr().err


def test_directories_are_searched_recursively(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "a" / "one.yaml").write_text(GOOD.read_text())
    (tmp_path / "a" / "b" / "two.yml").write_text(BAD.read_text())
    (tmp_path / "a" / "notes.txt").write_text("not a spec")
    (tmp_path / ".hidden" / "three.yaml").write_text(BAD.read_text())
    code, out, _ = invoke("check", "--format", "json", str(tmp_path))
    paths = [Path(file["path"]).relative_to(tmp_path) for file in json.loads(out)["files"]]
    assert sorted(paths) == [Path("a/b/two.yml"), Path("a/one.yaml")]
    assert code == 1


COST_FIELDS = ("macs", "flops", "extra_flops", "param_bytes", "activation_bytes", "bound")


def test_json_document_shape() -> None:
    code, out, _ = invoke("check", "--format", "json", str(GOOD), str(BAD))
    assert code == 1
    document = json.loads(out)
    assert set(document) == {"files", "summary"}
    assert document["summary"] == {"files": 2, "errors": 1, "warnings": 0}
    good, bad = document["files"]
    for file in (good, bad):
        assert set(file) == {
            *("path", "framework", "name", "layers", "params", "diagnostics"),
            *COST_FIELDS,
        }
        for entry in file["layers"]:
            assert set(entry) == {"name", "type", "tensors", "params", "status", *COST_FIELDS}
    assert good["framework"] == "torch"
    assert good["name"] == "tutorial"
    assert good["params"] == 18944 + 65
    assert good["layers"][0] == {
        "name": "lstm",
        "type": "LSTM",
        "tensors": {"output": [32, 10, 64], "h_n": [1, 32, 64], "c_n": [1, 32, 64]},
        "params": 18944,
        # 32*10 steps of 4 gates of 64 units over 8 inputs and 64 states
        "macs": 320 * 4 * 64 * (8 + 64),
        "flops": 2 * 320 * 4 * 64 * (8 + 64),
        "extra_flops": {
            "bias": 320 * 2 * 4 * 64,  # b_ih and b_hh
            "nonlinearity": 320 * 5 * 64,  # 3 sigmoid gates, tanh of g and of c
            "elementwise": 320 * 8 * 64,
            "normalization": 0,
            "softmax": 0,
        },
        "param_bytes": 4 * 18944,
        "activation_bytes": 4 * (32 * 10 * 64 + 2 * 32 * 64),
        "bound": None,
        "status": "ok",
    }
    assert good["layers"][1]["tensors"] == {"output": [32, 1]}
    (diagnostic,) = bad["diagnostics"]
    assert diagnostic == {
        "severity": "error",
        "code": "LS301",
        "message": "lstm.input_size is 16 but its input x has 8 features (last dim of [20, B, 8])",
        "hint": "set input_size: 8",
        "line": 7,
        "column": 17,
        "layer": "lstm",
    }


def test_text_output_has_located_lines_with_source_and_caret() -> None:
    _, out, _ = invoke("check", "--no-color", str(BAD))
    lines = out.splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith(f"{BAD}:7:17: LS301 error:"))
    assert lines[index + 1] == " 7 |     input_size: 16"
    assert lines[index + 2] == "   |                 ^"
    assert lines[index + 3] == "  = hint: set input_size: 8"


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["--no-color"], {"FORCE_COLOR": "1"}),
        ([], {"NO_COLOR": "1", "FORCE_COLOR": ""}),
    ],
)
def test_no_color(args: list[str], env: dict[str, str]) -> None:
    _, out, _ = invoke("check", *args, str(BAD), str(WARNING), env=env)
    assert "LS301" in out
    assert "\x1b[" not in out


def test_force_color_does_colour() -> None:
    """The NO_COLOR test above would pass vacuously if colour never appeared."""
    _, out, _ = invoke("check", str(BAD), env={"FORCE_COLOR": "1", "NO_COLOR": ""})
    assert "\x1b[" in out


def test_python_dash_m(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "lstmshape", "check", "--format", "json", str(BAD)],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert completed.returncode == 1
    assert json.loads(completed.stdout)["summary"]["errors"] == 1
    assert completed.stderr == ""


def test_version() -> None:
    code, out, _ = invoke("--version")
    assert code == 0
    assert out.startswith("lstmshape, version ")


def _deny_reading(monkeypatch: pytest.MonkeyPatch, denied: Path) -> None:
    """Make ``denied`` unreadable the way chmod 000 does for anyone but root.

    Tests often run as root, who reads any file, so both ways of asking are
    answered as for another user: os.access (what click checks) and os.open
    (what the runner reads with).
    """
    real_access, real_open = os.access, os.open

    def access(path: Any, mode: int, *args: Any, **kwargs: Any) -> bool:
        if Path(path) == denied and mode & os.R_OK:
            return False
        return real_access(path, mode, *args, **kwargs)

    def open_(path: Any, *args: Any, **kwargs: Any) -> int:
        if Path(path) == denied:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)
    monkeypatch.setattr(os, "open", open_)


def test_an_unreadable_file_named_on_the_command_line_is_ls004(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = tmp_path / "locked.yaml"
    locked.write_text(GOOD.read_text())
    _deny_reading(monkeypatch, locked)
    code, out, err = invoke("check", "--format", "json", str(locked), str(BAD))
    document = json.loads(out)
    by_path = {file["path"]: file["diagnostics"] for file in document["files"]}
    assert [(d["code"], d["message"]) for d in by_path[str(locked)]] == [
        ("LS004", "cannot read the file: Permission denied")
    ]
    assert [d["code"] for d in by_path[str(BAD)]] == ["LS301"]
    assert (code, err) == (1, "")


def test_a_named_file_that_cannot_be_examined_is_ls004(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file in a directory without search permission: even stat is refused."""
    locked = tmp_path / "locked.yaml"
    locked.write_text(GOOD.read_text())
    _deny_reading(monkeypatch, locked)
    real_stat = os.stat

    def stat(path: Any, *args: Any, **kwargs: Any) -> Any:
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", stat)
    code, out, err = invoke("check", "--format", "json", str(locked), str(BAD))
    files = json.loads(out)["files"]
    assert [(file["path"], [d["code"] for d in file["diagnostics"]]) for file in files] == [
        (str(locked), ["LS004"]),
        (str(BAD), ["LS301"]),
    ]
    assert (code, err) == (1, "")


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads a chmod 000 file"
)
def test_a_chmod_000_file_named_on_the_command_line_is_ls004(tmp_path: Path) -> None:
    locked = tmp_path / "locked.yaml"
    locked.write_text(GOOD.read_text())
    locked.chmod(0)
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "lstmshape", "check", "--format", "json", str(locked)],
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        locked.chmod(0o644)
    (file,) = json.loads(completed.stdout)["files"]
    assert [d["code"] for d in file["diagnostics"]] == ["LS004"]
    assert completed.returncode == 1


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root searches any directory"
)
def test_a_file_in_a_directory_without_search_permission_is_ls004(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "model.yaml").write_text(GOOD.read_text())
    locked.chmod(0o600)  # listable, not searchable: stat and open are refused
    command = [sys.executable, "-m", "lstmshape", "check", "--format", "json"]
    try:
        completed = subprocess.run(
            [*command, str(locked / "model.yaml"), str(BAD)],
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        locked.chmod(0o755)
    files = json.loads(completed.stdout)["files"]
    assert [d["code"] for d in files[0]["diagnostics"]] == ["LS004"]
    assert (completed.returncode, completed.stderr) == (1, "")


def _deny_listing(monkeypatch: pytest.MonkeyPatch, denied: Path) -> None:
    """Make ``denied`` a directory that cannot be listed, even for root."""
    real_scandir = os.scandir

    def scandir(path: Any = ".") -> Any:
        if Path(path) == denied:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)


def test_a_subdirectory_that_cannot_be_listed_is_ls004(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "good.yaml").write_text(GOOD.read_text())
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "broken.yaml").write_text(BAD.read_text())
    _deny_listing(monkeypatch, locked)
    code, out, err = invoke("check", "--format", "json", str(tmp_path))
    files = json.loads(out)["files"]
    assert [file["path"] for file in files] == [str(tmp_path / "good.yaml"), str(locked)]
    assert [(d["code"], d["line"], d["column"], d["message"]) for d in files[1]["diagnostics"]] == [
        ("LS004", 1, 1, "cannot list the directory: Permission denied")
    ]
    assert (code, err) == (1, "")
    code, out, _ = invoke("check", "--no-color", str(tmp_path))
    assert f"{locked}:1:1: LS004 error: cannot list the directory: Permission denied" in out
    assert out.rstrip().endswith("Checked 2 files: 1 error, 0 warnings.")


def test_a_directory_named_on_the_command_line_that_cannot_be_listed_is_ls004(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _deny_listing(monkeypatch, tmp_path)
    code, out, err = invoke("check", "--format", "json", str(tmp_path), str(GOOD))
    files = json.loads(out)["files"]
    assert [(file["path"], [d["code"] for d in file["diagnostics"]]) for file in files] == [
        (str(tmp_path), ["LS004"]),
        (str(GOOD), []),
    ]
    assert (code, err) == (1, "")


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root lists a chmod 000 directory"
)
def test_a_chmod_000_subdirectory_is_ls004(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text(GOOD.read_text())
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "broken.yaml").write_text(BAD.read_text())
    locked.chmod(0)
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "lstmshape", "check", "--format", "json", str(tmp_path)],
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        locked.chmod(0o755)
    files = json.loads(completed.stdout)["files"]
    assert [(file["path"], [d["code"] for d in file["diagnostics"]]) for file in files] == [
        (str(tmp_path / "good.yaml"), []),
        (str(locked), ["LS004"]),
    ]
    assert completed.returncode == 1


def stdin_invoke(text: str | bytes, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=text, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_dash_reads_a_spec_from_standard_input() -> None:
    code, out, err = stdin_invoke(BAD.read_text(), "check", "--format", "json", "-")
    (file,) = json.loads(out)["files"]
    assert file["path"] == "-"
    assert [(d["code"], d["line"], d["column"]) for d in file["diagnostics"]] == [("LS301", 7, 17)]
    assert (code, err) == (1, "")


def test_stdin_filename_is_the_path_shown_and_nothing_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    # A file of that name exists and is clean: it must not be read instead of stdin.
    Path("models").mkdir()
    Path("models/encoder.yaml").write_text(GOOD.read_text())
    spec = BAD.read_text()
    args = ("check", "--no-color", "-", "--stdin-filename", "models/encoder.yaml")
    code, out, err = stdin_invoke(spec, *args)
    assert "models/encoder.yaml:7:17: LS301 error:" in out
    assert out.rstrip().endswith("Checked 1 file: 1 error, 0 warnings.")
    assert (code, err) == (1, "")
    # the name also stands for the file's name where a spec has none
    unnamed = GOOD.read_text().replace("name: tutorial\n", "")
    code, out, _ = stdin_invoke(unnamed, "check", "--format", "json", *args[2:])
    assert json.loads(out)["files"][0]["name"] == "encoder"
    assert code == 0


def test_standard_input_is_held_to_the_limits_of_a_file(monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = stdin_invoke(b"name: caf\xe9\n", "check", "--format", "json", "-")
    (file,) = json.loads(out)["files"]
    assert [(d["code"], d["line"], d["column"]) for d in file["diagnostics"]] == [("LS004", 1, 10)]
    monkeypatch.setattr(runner, "MAX_FILE_BYTES", 20)
    code, out, _ = stdin_invoke(GOOD.read_text(), "check", "--format", "json", "-")
    (file,) = json.loads(out)["files"]
    assert [d["code"] for d in file["diagnostics"]] == ["LS006"]
    assert code == 1


def test_stdin_filename_without_dash_is_a_usage_error() -> None:
    code, out, err = invoke("check", "--stdin-filename", "x.yaml", str(GOOD))
    assert (code, out) == (2, "")
    assert err == "lstmshape: --stdin-filename names the spec read from `-`, which is not given\n"


def test_dash_given_twice_reads_standard_input_once() -> None:
    code, out, _ = stdin_invoke(GOOD.read_text(), "check", "--format", "json", "-", "-")
    assert [file["path"] for file in json.loads(out)["files"]] == ["-"]
    assert code == 0


def test_a_file_given_twice_is_checked_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("specs/sub").mkdir(parents=True)
    Path("specs/a.yaml").write_text(BAD.read_text())
    Path("specs/sub/b.yaml").write_text(GOOD.read_text())
    Path("link.yaml").symlink_to("specs/a.yaml")
    named = ["specs/a.yaml", "specs", "./specs/a.yaml", "specs//sub/../a.yaml", "link.yaml"]
    code, out, err = invoke("check", "--format", "json", *named, str(tmp_path / "specs"))
    document = json.loads(out)
    assert [file["path"] for file in document["files"]] == ["specs/a.yaml", "specs/sub/b.yaml"]
    assert document["summary"] == {"files": 2, "errors": 1, "warnings": 0}
    assert (code, err) == (1, "")


@pytest.mark.parametrize("output_format", ["text", "json", "github", "sarif"])
def test_no_report_when_no_path_could_be_used(tmp_path: Path, output_format: str) -> None:
    missing = tmp_path / "missing.yaml"
    code, out, err = invoke("check", "--format", output_format, str(missing), str(tmp_path))
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        f"lstmshape: {missing}: no such file or directory",
        f"lstmshape: {tmp_path}: no *.yaml or *.yml files in this directory",
    ]


def test_dash_through_the_real_standard_input(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "lstmshape", "check", "--format", "json", "-", str(GOOD)],
        input=BAD.read_text(),
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    document = json.loads(completed.stdout)
    assert [file["path"] for file in document["files"]] == ["-", str(GOOD)]
    assert document["summary"] == {"files": 2, "errors": 1, "warnings": 0}
    assert (completed.returncode, completed.stderr) == (1, "")


@pytest.mark.parametrize(
    "spelling", ["model.yaml", "./model.yaml", "sub/../model.yaml", "link.yaml"]
)
def test_an_output_that_is_a_spec_to_check_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spelling: str
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("sub").mkdir()
    Path("model.yaml").write_text(GOOD.read_text())
    Path("link.yaml").symlink_to("model.yaml")
    code, out, err = invoke("check", "-o", spelling, "model.yaml")
    assert (code, out) == (2, "")
    shown = Path(spelling)  # as every path in a message: ./model.yaml is model.yaml
    assert err == (
        f"lstmshape: {shown}: --output names a spec to check; the report would overwrite it\n"
    )
    assert Path("model.yaml").read_text() == GOOD.read_text()


def test_the_report_is_never_checked_when_it_lies_in_a_checked_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("specs").mkdir()
    Path("specs/model.yaml").write_text(GOOD.read_text())
    for _ in range(2):  # the second time, the first run's report is in the directory
        code, out, err = invoke("check", "--format", "json", "-o", "specs/report.yaml", "specs")
        assert (code, out, err) == (0, "", "")
        document = json.loads(Path("specs/report.yaml").read_text())
        assert [file["path"] for file in document["files"]] == ["specs/model.yaml"]


def test_the_output_is_opened_after_every_spec_is_read(tmp_path: Path) -> None:
    """Standard input can be the file the report goes to: it must be read first."""
    spec = tmp_path / "model.yaml"
    spec.write_text(BAD.read_text())
    with spec.open("rb") as stdin:
        completed = subprocess.run(
            [sys.executable, "-m", "lstmshape", "check", "--format", "json", "-o", str(spec), "-"],
            stdin=stdin,
            capture_output=True,
            text=True,
            check=False,
        )
    assert (completed.returncode, completed.stdout, completed.stderr) == (1, "", "")
    (file,) = json.loads(spec.read_text())["files"]
    assert [d["code"] for d in file["diagnostics"]] == ["LS301"]


def test_no_output_file_when_no_path_could_be_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = invoke("check", "-o", "report.json", "missing.yaml")
    assert (code, err) == (2, "lstmshape: missing.yaml: no such file or directory\n")
    assert not Path("report.json").exists()


FORMATS = ("text", "json", "github", "sarif")
needs_dev_full = pytest.mark.skipif(
    not Path("/dev/full").exists(), reason="needs /dev/full, a device that is always full"
)


@needs_dev_full
@pytest.mark.parametrize("output_format", FORMATS)
def test_an_output_file_that_cannot_be_written_is_one_line_and_exit_2(output_format: str) -> None:
    code, out, err = invoke("check", "--format", output_format, "-o", "/dev/full", str(BAD))
    assert (code, out) == (2, "")
    assert err == "lstmshape: /dev/full: cannot write the report: No space left on device\n"


@needs_dev_full
@pytest.mark.parametrize("output_format", FORMATS)
def test_a_full_standard_output_is_one_line_and_exit_2(output_format: str) -> None:
    with open("/dev/full", "w") as full:
        completed = subprocess.run(
            [sys.executable, "-m", "lstmshape", "check", "--format", output_format, str(BAD)],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert completed.stderr == (
        "lstmshape: standard output: cannot write the report: No space left on device\n"
    )
    assert completed.returncode == 2
