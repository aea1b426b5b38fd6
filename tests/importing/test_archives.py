"""Hostile and broken files are diagnostics (LS510, LS511), never a traceback or a write."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from lstmshape.cli import cli
from lstmshape.explanations import EXPLANATIONS
from lstmshape.importing import reading

MODEL = EXPLANATIONS["LS512"].fixed or ""


def run_import(path: Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["import", str(path)], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def archive(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as written:
        for name, data in members.items():
            written.writestr(name, data)
    return path


def test_a_keras_archive_s_config_is_imported(tmp_path: Path) -> None:
    path = archive(
        tmp_path / "m.keras",
        {"metadata.json": b"{}", "config.json": MODEL.encode(), "model.weights.h5": b"\0" * 64},
    )
    exit_code, printed, errors = run_import(path)
    assert (exit_code, errors) == (0, "")
    assert "  - name: lstm\n    type: LSTM\n    units: 16\n" in printed


@pytest.mark.parametrize("name", ["../config.json", "/etc/config.json", "a/../../x", "C:/x"])
def test_a_member_named_outside_the_archive_refuses_it(tmp_path: Path, name: str) -> None:
    path = archive(tmp_path / "m.keras", {"config.json": MODEL.encode(), name: b"x"})
    exit_code, printed, errors = run_import(path)
    assert (exit_code, printed) == (1, "")
    assert " LS511 error: the archive has a member named " in errors


def test_a_config_that_unpacks_beyond_the_limit_is_refused_while_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reading, "MAX_CONFIG_BYTES", 1024 * 1024)
    path = archive(tmp_path / "bomb.keras", {"config.json": b" " * (8 * 1024 * 1024)})
    assert path.stat().st_size < 64 * 1024  # a small file that unpacks to a large one
    exit_code, _, errors = run_import(path)
    assert exit_code == 1
    assert " LS511 error: config.json unpacks to more than 1 MiB" in errors


def test_an_archive_declaring_too_much_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reading, "MAX_ARCHIVE_BYTES", 1000)
    path = archive(tmp_path / "m.keras", {"config.json": MODEL.encode(), "w.h5": b"0" * 2000})
    exit_code, _, errors = run_import(path)
    assert exit_code == 1
    assert " LS511 error: the archive's members add up to " in errors


def test_an_archive_without_config_json_is_not_a_model(tmp_path: Path) -> None:
    path = archive(tmp_path / "m.keras", {"metadata.json": b"{}"})
    exit_code, _, errors = run_import(path)
    assert exit_code == 1
    assert " LS510 error: the archive holds no config.json" in errors


def test_a_keras_file_that_is_no_zip_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "m.keras"
    path.write_bytes(b"not a zip")
    assert " LS511 error: the .keras file is not a zip archive" in run_import(path)[2]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ('{"class_name": "Sequential",\n  "config": {', "2:14: LS510 error: not valid JSON"),
        ("[1, 2]", "1:1: LS510 error: not a Keras model's architecture"),
        ("[" * 100_000, "LS510 error: "),
        (
            '{"class_name": "Sequential", "config": {"layers": [{"class_name": "LSTM", '
            '"config": {"units": 4}}]}}',
            "LS510 error: the Sequential model was saved before",
        ),
    ],
)
def test_invalid_json_is_a_diagnostic_with_its_place(tmp_path: Path, text: str, found: str) -> None:
    path = tmp_path / "m.json"
    path.write_text(text, encoding="utf-8")
    exit_code, printed, errors = run_import(path)
    assert (exit_code, printed) == (1, "")
    assert found in errors
    assert "Traceback" not in errors


def test_config_json_inside_an_archive_is_invalid_json(tmp_path: Path) -> None:
    path = archive(tmp_path / "m.keras", {"config.json": b"{nope"})
    assert " LS510 error: not valid JSON" in run_import(path)[2]


def test_a_missing_file_or_a_directory_is_a_usage_error(tmp_path: Path) -> None:
    assert run_import(tmp_path / "absent.json")[0] == 2
    assert run_import(tmp_path)[0] == 2
