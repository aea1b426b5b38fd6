"""The per-file pipeline: reading, limits, internal errors, several documents."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from lstmshape import runner
from lstmshape.runner import check_file, check_text, run_check

GOOD = Path(__file__).resolve().parent / "examples" / "positive" / "pytorch-tutorial.yaml"


def test_internal_error_is_ls009_and_other_files_go_on(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def broken(text: str, path: str, **options: object) -> None:
        raise KeyError("boom")

    monkeypatch.setattr(runner, "check_text", broken)
    (report,) = check_file(GOOD, "spec.yaml")
    (diagnostic,) = report.diagnostics
    assert (diagnostic.code, diagnostic.line, diagnostic.column) == ("LS009", 1, 1)
    assert "KeyError" in diagnostic.message
    assert diagnostic.hint is not None
    assert "bug in lstmshape" in diagnostic.hint


def test_unreadable_and_oversized_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    directory = tmp_path / "dir.yaml"
    directory.mkdir()
    (report,) = check_file(directory, "dir.yaml")
    assert [d.code for d in report.diagnostics] == ["LS004"]
    big = tmp_path / "big.yaml"
    big.write_text("a: 1\n" * 10)
    monkeypatch.setattr(runner, "MAX_FILE_BYTES", 20)
    (report,) = check_file(big, "big.yaml")
    assert [d.code for d in report.diagnostics] == ["LS006"]


@pytest.mark.parametrize("expected", [0, 3, 100_000])
def test_a_stream_is_read_whole_whatever_size_it_claims(
    expected: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a file's size can lie (/proc says 0): the reading goes on, in doubling pieces, to the end
    content = b"a: 1\n" * 50_000  # 250,000 bytes, beyond the first pieces
    assert runner._read_capped(io.BytesIO(content), expected) == content
    monkeypatch.setattr(runner, "MAX_FILE_BYTES", 200_000)
    with pytest.raises(runner._TooBig) as refused:
        runner._read_capped(io.BytesIO(content), expected)
    assert len(refused.value.start) == 200_001  # one byte more than the limit, never the rest


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.read_bytes())
    (report,) = check_file(path, "bom.yaml")
    assert report.diagnostics == []


def test_empty_file_is_ls005() -> None:
    (report,) = check_text("# nothing here\n", "empty.yaml")
    assert [(d.code, d.line, d.column) for d in report.diagnostics] == [("LS005", 1, 1)]


def test_each_document_is_a_report() -> None:
    text = GOOD.read_text()
    reports = check_text(text + "---\n" + text.replace("in_features: 64", "in_features: 63"), "s")
    assert [len(report.diagnostics) for report in reports] == [0, 1]
    # positions in the second document count lines from the top of the file
    (diagnostic,) = reports[1].diagnostics
    assert diagnostic.line == text.count("\n") + 1 + 20


def test_default_name_is_the_file_stem() -> None:
    text = GOOD.read_text().replace("name: tutorial\n", "")
    (report,) = check_text(text, "dir/my-model.yaml")
    assert report.name == "my-model"


def test_run_check_counts_and_exit_code(tmp_path: Path) -> None:
    out, errors = io.StringIO(), io.StringIO()
    code = run_check(
        [GOOD, tmp_path / "missing.yaml"], output_format="json", out=out, errors=errors
    )
    assert code == 2
    assert "missing.yaml: no such file or directory" in errors.getvalue()


@pytest.mark.parametrize(
    "path",
    [
        "model.yaml",
        "a/b/model.tar.yaml",
        ".hidden",
        "a/.hidden.yaml",
        "name.",
        "x..",
        "-",
        "a/b",
        "..",
        "a/b.c/d",
    ],
)
def test_a_model_is_named_after_its_file_as_pathlib_names_the_stem(path: str) -> None:
    from pathlib import PurePath

    from lstmshape.runner import _stem

    assert _stem(path) == PurePath(path).stem
