"""Hostile and malformed input: a located diagnostic and exit 1, never a crash.

Every file in tests/corpus/hostile declares in its first line the diagnostics
it must produce, ``# expect: CODE LINE:COLUMN, ...`` in report order; the
binary files, which cannot hold a comment, are in ``BINARY`` below.  Each is
checked through the command line with the JSON report.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from lstmshape import runner
from lstmshape.cli import cli

CORPUS = Path(__file__).parent / "corpus" / "hostile"
_EXPECT = re.compile(r"# expect: (.*)")
_ITEM = re.compile(r"(LS\d{3}) (\d+):(\d+)")

BINARY = {
    # byte 0x80 is the 129th byte: line 2 starts after the 0x0a at offset 10
    "binary_garbage.bin": [("LS004", 2, 118)],
    "invalid_utf8.bin": [("LS004", 2, 10)],  # "name: caf" is 9 characters, then 0xe9
    "utf16.bin": [("LS004", 1, 1)],  # the UTF-16 byte-order mark 0xff 0xfe
}
TIME_LIMIT = 5.0
"""Seconds any corpus file may take; the slowest (10,001 layers) takes under one."""


def _expected(path: Path) -> list[tuple[str, int, int]]:
    if path.name in BINARY:
        return BINARY[path.name]
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = _EXPECT.match(first)
    assert match, f"{path.name} has no '# expect:' first line"
    return [(code, int(line), int(col)) for code, line, col in _ITEM.findall(match.group(1))]


def check_json(*args: str) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(cli, ["check", "--format", "json", *args], catch_exceptions=False)
    return result.exit_code, json.loads(result.stdout)


def located(report: dict[str, Any]) -> list[tuple[str, int, int]]:
    return [
        (d["code"], d["line"], d["column"]) for file in report["files"] for d in file["diagnostics"]
    ]


CASES = sorted(p for p in CORPUS.iterdir() if p.suffix in (".yaml", ".bin"))


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_corpus_file_gives_located_diagnostics(path: Path) -> None:
    started = time.perf_counter()
    code, report = check_json(str(path))
    elapsed = time.perf_counter() - started
    assert code == 1
    assert located(report) == _expected(path)
    for file in report["files"]:
        for diagnostic in file["diagnostics"]:
            assert diagnostic["message"] and "Traceback" not in diagnostic["message"]
            assert len(diagnostic["message"]) <= runner.MAX_MESSAGE_CHARS + 40
    assert elapsed < TIME_LIMIT


def test_text_report_of_the_whole_corpus_has_no_traceback() -> None:
    """The real command, in a subprocess, over the directory and the binary files."""
    binaries = [str(CORPUS / name) for name in BINARY]
    done = subprocess.run(
        [sys.executable, "-m", "lstmshape", "check", "--no-color", str(CORPUS), *binaries],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    assert f"Checked {len(CASES)} files" in done.stdout


def test_no_tag_is_ever_executed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    spec = tmp_path / "tag.yaml"
    spec.write_text(f"framework: !!python/object/apply:os.system ['touch {marker}']\n")
    code, report = check_json(str(spec))
    assert code == 1
    assert located(report) == [("LS003", 1, 12)]
    assert not marker.exists()


def test_billion_laughs_is_refused_quickly() -> None:
    started = time.perf_counter()
    code, _ = check_json(str(CORPUS / "billion_laughs.yaml"))
    assert code == 1
    assert time.perf_counter() - started < 1.0


def test_anchors_and_merge_keys_still_work(tmp_path: Path) -> None:
    spec = tmp_path / "merge.yaml"
    spec.write_text(
        "framework: torch\n"
        "inputs: {x: [B, 50, 8]}\n"
        "layers:\n"
        "  - &lstm {name: first, type: LSTM, input_size: 8, hidden_size: 16, batch_first: true}\n"
        "  - <<: *lstm\n"
        "    name: second\n"
        "    input_size: 16\n"
    )
    code, report = check_json(str(spec))
    assert code == 0, report
    layers = report["files"][0]["layers"]
    assert [layer["tensors"]["output"] for layer in layers] == [["B", 50, 16], ["B", 50, 16]]


def test_every_document_is_checked() -> None:
    code, report = check_json(str(CORPUS / "documents_second_broken.yaml"))
    assert code == 1
    assert [len(file["diagnostics"]) for file in report["files"]] == [0, 1]


def test_documents_before_a_syntax_error_are_still_checked() -> None:
    _, report = check_json(str(CORPUS / "documents_then_syntax_error.yaml"))
    assert [file["framework"] for file in report["files"]] == ["torch", None]


GOOD = (
    "framework: torch\ninputs: {x: [B, 8]}\n"
    "layers:\n  - {type: Linear, in_features: 8, out_features: 2}\n"
)


def test_unreadable_paths_are_reported_one_by_one(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(GOOD)
    (tmp_path / "dir.yaml").mkdir()  # a directory named like a spec
    (tmp_path / "dangling.yaml").symlink_to(tmp_path / "nowhere")
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)  # reading it would block forever
    code, report = check_json(
        str(good), str(tmp_path / "dir.yaml"), str(tmp_path / "dangling.yaml"), str(fifo)
    )
    by_path = {Path(file["path"]).name: file for file in report["files"]}
    assert by_path["good.yaml"]["diagnostics"] == []
    assert by_path["dangling.yaml"]["diagnostics"][0]["code"] == "LS004"
    assert by_path["fifo.yaml"]["diagnostics"][0]["code"] == "LS004"
    assert "dir.yaml" not in by_path  # an empty directory: a usage error on stderr
    assert code == 2


def test_permission_denied_is_a_diagnostic_for_that_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tests run as root, where chmod 000 does not stop reading, so os.open is made to fail."""
    good, locked = tmp_path / "good.yaml", tmp_path / "locked.yaml"
    good.write_text(GOOD)
    locked.write_text(GOOD)
    real_open = os.open

    def deny(path: Any, *args: Any, **kwargs: Any) -> Any:
        if Path(path).name == "locked.yaml":
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(runner.os, "open", deny)
    code, report = check_json(str(tmp_path))
    assert code == 1
    diagnostics = {Path(f["path"]).name: f["diagnostics"] for f in report["files"]}
    assert diagnostics["good.yaml"] == []
    assert [(d["code"], d["message"]) for d in diagnostics["locked.yaml"]] == [
        ("LS004", "cannot read the file: Permission denied")
    ]


def test_a_file_over_the_size_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner, "MAX_FILE_BYTES", 100)
    spec = tmp_path / "big.yaml"
    spec.write_text(GOOD + "# padding\n" * 20)
    code, report = check_json(str(spec))
    assert code == 1
    assert located(report) == [("LS006", 1, 1)]
    assert "100 bytes" in report["files"][0]["diagnostics"][0]["message"]


def test_an_internal_error_is_reported_and_the_other_files_still_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good, crash = tmp_path / "a_good.yaml", tmp_path / "b_crash.yaml"
    good.write_text(GOOD)
    crash.write_text(GOOD.replace("out_features: 2", "out_features: 3"))
    real_propagate = runner.propagate

    def buggy(spec: Any) -> Any:
        if spec.layers[0].config.out_features == 3:
            raise ZeroDivisionError("division by zero")
        return real_propagate(spec)

    monkeypatch.setattr(runner, "propagate", buggy)
    code, report = check_json(str(good), str(crash))
    assert code == 1
    assert report["files"][0]["diagnostics"] == []
    [diagnostic] = report["files"][1]["diagnostics"]
    assert diagnostic["code"] == "LS009"
    assert "ZeroDivisionError: division by zero" in diagnostic["message"]
    assert "bug in lstmshape" in diagnostic["hint"]
    assert "report" in diagnostic["hint"]


def test_text_report_shows_a_window_of_a_long_line() -> None:
    result = CliRunner().invoke(
        cli, ["check", "--no-color", str(CORPUS / "very_long_line.yaml")], catch_exceptions=False
    )
    assert result.exit_code == 1
    assert max(len(line) for line in result.stdout.splitlines()) < 300


def test_text_report_escapes_control_characters(tmp_path: Path) -> None:
    spec = tmp_path / "escape.yaml"
    spec.write_text('framework: torch\nname: "\\e[2J"\ninputs: {x: [8]}\nlayers: [{type: RNN}]\n')
    result = CliRunner().invoke(cli, ["check", "--no-color", str(spec)], catch_exceptions=False)
    assert "\x1b" not in result.stdout
    assert "\\x1b[2J" in result.stdout
