"""What to check: the paths named on the command line and the specs below directories.

Each path is dealt with on its own: one that cannot be used is reported and
does not stop the others from being checked.  A directory that cannot be
listed is an entry of the report (LS004), like a file that cannot be read,
so the specs it may hold are never skipped silently.  ``-`` is standard
input.  A file named twice (also through a directory, or spelt two ways) is
checked once, where it first appears.  The file the report is written to
is never one: named, it is refused (:func:`named_as_report`); found in a
directory, it is the previous run's report and is skipped.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple, TextIO

SPEC_SUFFIXES = (".yaml", ".yml")
STDIN = "-"
"""The path that stands for standard input, as for ruff and black."""


class Source(NamedTuple):
    """One entry of the report: a file to read, or a directory that could not be listed."""

    shown_as: str
    path: Path | None
    """The file to read, or the directory that could not be listed; None for standard input."""
    listing_error: OSError | None = None
    """Why the directory ``path`` could not be listed; None for a file to read."""


def named_as_report(paths: Iterable[str | Path], report: Path) -> bool:
    """Whether ``report``, the file the report goes to, is one of the files named."""
    wanted = _identity(report)
    return any(not _is_stdin(written) and _identity(Path(written)) == wanted for written in paths)


def discover(
    paths: Iterable[str | Path],
    errors: TextIO,
    stdin_name: str = STDIN,
    report: Path | None = None,
) -> tuple[list[Source], int]:
    """The sources named or found below ``paths``, and how many paths could not be used.

    ``paths`` are as written on the command line: the string ``-`` is standard
    input, shown in the report as ``stdin_name``.  ``report``, the file the
    report will be written to, is left out of the directories searched.
    """
    sources: list[Source] = []
    seen: set[object] = set()
    unusable = 0
    report_identity = None if report is None else _identity(report)

    def add(found: Iterable[Source]) -> None:
        for source in found:
            identity = STDIN if source.path is None else _identity(source.path)
            if identity not in seen:
                seen.add(identity)
                sources.append(source)

    for written in paths:
        if _is_stdin(written):
            add([Source(stdin_name, None)])
            continue
        path = Path(written)
        try:
            if path.is_dir():
                found = _below(path, report_identity)
                if not found:
                    errors.write(f"lstmshape: {path}: no *.yaml or *.yml files in this directory\n")
                    unusable += 1
                add(found)
            elif path.exists() or path.is_symlink():  # a dangling link is read, and reported
                add([Source(str(path), path)])
            else:
                errors.write(f"lstmshape: {path}: no such file or directory\n")
                unusable += 1
        except PermissionError:  # in a directory without search permission: LS004 when read
            add([Source(str(path), path)])
        except OSError as error:  # a path too long
            errors.write(f"lstmshape: {path}: {error.strerror or error}\n")
            unusable += 1
    return sources, unusable


def _is_stdin(written: str | Path) -> bool:
    return isinstance(written, str) and written == STDIN


def _identity(path: Path) -> object:
    """What two spellings of one file share: its device and inode, or failing that its
    absolute path (a dangling link, a path that cannot be examined)."""
    try:
        status = os.stat(path)
    except OSError:
        return os.path.abspath(path)
    return (status.st_dev, status.st_ino)


def _below(top: Path, report_identity: object | None) -> list[Source]:
    """The spec files below ``top``, and its directories that cannot be listed, in path order.

    Hidden files and directories (``.git``, ``.venv``) are skipped, and links
    to directories are not followed (a link can make a loop); a link to a file,
    even a dangling one, is kept so that it is read or reported.  The file
    with ``report_identity``, a report of an earlier run, is left out.
    """
    found: list[tuple[Path, OSError | None]] = []
    pending = [top]  # a list, not recursion: a tree can be deeper than Python's stack
    while pending:
        directory = pending.pop()
        try:
            with os.scandir(directory) as listing:
                entries = list(listing)
        except OSError as error:
            found.append((directory, error))
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = directory / entry.name
            if _is_directory(entry):
                pending.append(path)
            elif _is_spec_file(path, entry) and not _is_report(path, report_identity):
                found.append((path, None))
    found.sort(key=lambda item: item[0])
    return [Source(str(path), path, error) for path, error in found]


def _is_directory(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:  # it vanished or cannot be examined: not a directory to search
        return False


def _is_spec_file(path: Path, entry: os.DirEntry[str]) -> bool:
    if path.suffix not in SPEC_SUFFIXES:
        return False
    try:
        return entry.is_symlink() or entry.is_file()
    except OSError:
        return False


def _is_report(path: Path, report_identity: object | None) -> bool:
    return report_identity is not None and _identity(path) == report_identity
