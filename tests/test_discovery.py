"""Discovery spells and orders paths as pathlib does, with os alone.

The report shows paths as ``str(pathlib.Path(...))`` and lists a directory's
files in pathlib's order: these hold discovery's own string functions to it.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lstmshape import discovery

posix_only = pytest.mark.skipif(os.sep != "/", reason="pathlib itself spells Windows paths")
WRITTEN = st.text(alphabet="/.-ab", max_size=14)
LISTED = st.text(alphabet=".-ab", min_size=1, max_size=5).filter(lambda n: n not in (".", ".."))
"""Names as a directory listing gives them: never . or .."""


@posix_only
@given(WRITTEN)
def test_paths_are_spelt_as_pathlib_spells_them(written: str) -> None:
    assert discovery.spelt(written) == str(PurePosixPath(written))


@posix_only
@given(WRITTEN, LISTED)
def test_a_name_is_joined_as_pathlib_joins_it(directory: str, name: str) -> None:
    spelt = discovery.spelt(directory)
    assert discovery._joined(spelt, name) == str(PurePosixPath(spelt) / name)


@posix_only
@given(st.lists(st.lists(st.text(alphabet="-./_aB", min_size=1, max_size=3), min_size=1)))
def test_paths_are_sorted_as_pathlib_sorts_them(trees: list[list[str]]) -> None:
    paths = [discovery.spelt("top/" + "/".join(parts)) for parts in trees]
    assert sorted(paths, key=discovery._order) == [
        str(path) for path in sorted(PurePosixPath(path) for path in paths)
    ]


@given(st.text(alphabet=".ayml", max_size=8))
def test_the_suffix_is_pathlibs(name: str) -> None:
    assert discovery._suffix(name) == PurePosixPath("d", name).suffix


def test_the_report_shows_the_paths_as_written_and_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "specs" / "a-b").mkdir(parents=True)
    for name in ("specs/a-b/x.yaml", "specs/a.yaml", "specs/a-c.yml", "specs/.hidden.yaml"):
        (tmp_path / name).write_text("framework: torch\n")
    (tmp_path / "specs" / "notes.txt").write_text("")
    errors: list[str] = []

    class Errors:
        def write(self, text: str) -> int:
            errors.append(text)
            return len(text)

    monkeypatch.chdir(tmp_path)
    sources, unusable = discovery.discover(
        ["./specs//", "specs/a.yaml", "-", "missing.yaml", ""], Errors(), "piped.yaml"
    )
    assert [(source.shown_as, source.path) for source in sources] == [
        ("specs/a-b/x.yaml", "specs/a-b/x.yaml"),  # a-b/ before a-c.yml, as pathlib orders
        ("specs/a-c.yml", "specs/a-c.yml"),
        ("specs/a.yaml", "specs/a.yaml"),
        ("piped.yaml", None),
    ]
    assert (unusable, errors) == (1, ["lstmshape: missing.yaml: no such file or directory\n"])
