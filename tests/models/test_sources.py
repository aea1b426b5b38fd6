"""The stored schemas' sources: hashed once, then known by their sizes and times."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lstmshape.models import schemas, sources


def _package(root: Path) -> Path:
    """A package of two fingerprinted folders, one nested, and stored schemas."""
    for relative, text in (
        ("models/common.py", "class A: ...\n"),
        ("models/schemas.py", "SOURCES = 'x'\n"),
        ("frameworks/torch/linear.py", "def linear(): ...\n"),
        ("frameworks/notes.txt", "not a source\n"),
    ):
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_the_installed_sources_hash_to_the_stored_fingerprint() -> None:
    assert sources.fingerprint() == schemas.SOURCES


def test_only_python_sources_count_and_not_the_stored_schemas(tmp_path: Path) -> None:
    package = _package(tmp_path)
    before = sources.fingerprint(str(package))
    (package / "models" / "schemas.py").write_text("SOURCES = 'y'\n", encoding="utf-8")
    (package / "frameworks" / "notes.txt").write_text("changed\n", encoding="utf-8")
    assert sources.fingerprint(str(package)) == before
    (package / "frameworks" / "torch" / "linear.py").write_text("changed\n", encoding="utf-8")
    assert sources.fingerprint(str(package)) != before


def test_a_match_is_remembered_and_then_no_file_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package, marker = _package(tmp_path / "package"), tmp_path / "cache" / "marker.txt"
    expected = sources.fingerprint(str(package))
    assert sources.sources_match(expected, str(package), str(marker))
    assert marker.read_text(encoding="ascii").startswith(expected)

    def unread(package: str = "") -> str:
        raise AssertionError("the sources were read again")

    monkeypatch.setattr(sources, "fingerprint", unread)
    assert sources.sources_match(expected, str(package), str(marker))


def test_a_changed_source_is_hashed_again(tmp_path: Path) -> None:
    package, marker = _package(tmp_path / "package"), tmp_path / "marker.txt"
    expected = sources.fingerprint(str(package))
    assert sources.sources_match(expected, str(package), str(marker))
    changed = package / "models" / "common.py"
    changed.write_text("class B: ...\n", encoding="utf-8")  # the same size
    status = changed.stat()
    os.utime(changed, ns=(status.st_atime_ns, status.st_mtime_ns + 1_000_000))
    assert not sources.sources_match(expected, str(package), str(marker))
    assert sources.sources_match(sources.fingerprint(str(package)), str(package), str(marker))


def test_other_stored_schemas_are_not_matched_by_the_marker(tmp_path: Path) -> None:
    package, marker = _package(tmp_path / "package"), tmp_path / "marker.txt"
    assert sources.sources_match(sources.fingerprint(str(package)), str(package), str(marker))
    assert not sources.sources_match("made from other sources", str(package), str(marker))


def test_without_a_place_for_the_marker_the_files_are_hashed_each_time(tmp_path: Path) -> None:
    package = _package(tmp_path / "package")
    blocked = tmp_path / "a file"
    blocked.write_text("", encoding="utf-8")
    marker = blocked / "marker.txt"  # under a file: it cannot be written
    expected = sources.fingerprint(str(package))
    assert sources.sources_match(expected, str(package), str(marker))
    assert sources.sources_match(expected, str(package), str(marker))
    assert not marker.exists()
    assert sorted(os.listdir(tmp_path)) == ["a file", "package"]  # no partial marker left
