"""What to check: the paths named on the command line and the specs below directories.

Each path is dealt with on its own: one that cannot be used is reported and
does not stop the others from being checked.  A directory that cannot be
listed is an entry of the report (LS004), like a file that cannot be read,
so the specs it may hold are never skipped silently.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple, TextIO

SPEC_SUFFIXES = (".yaml", ".yml")


class Source(NamedTuple):
    """One entry of the report: a file to read, or a directory that could not be listed."""

    path: Path
    listing_error: OSError | None = None
    """Why the directory ``path`` could not be listed; None for a file to read."""


def discover(paths: Iterable[Path], errors: TextIO) -> tuple[list[Source], int]:
    """The sources named or found below ``paths``, and how many paths could not be used."""
    sources: list[Source] = []
    unusable = 0
    for path in paths:
        try:
            if path.is_dir():
                found = _below(path)
                if not found:
                    errors.write(f"lstmshape: {path}: no *.yaml or *.yml files in this directory\n")
                    unusable += 1
                sources += found
            elif path.exists() or path.is_symlink():  # a dangling link is read, and reported
                sources.append(Source(path))
            else:
                errors.write(f"lstmshape: {path}: no such file or directory\n")
                unusable += 1
        except OSError as error:  # a path too long, a loop of links
            errors.write(f"lstmshape: {path}: {error.strerror or error}\n")
            unusable += 1
    return sources, unusable


def _below(top: Path) -> list[Source]:
    """The spec files below ``top``, and its directories that cannot be listed, in path order.

    Hidden files and directories (``.git``, ``.venv``) are skipped, and links
    to directories are not followed (a link can make a loop); a link to a file,
    even a dangling one, is kept so that it is read or reported.
    """
    found: list[Source] = []
    pending = [top]  # a list, not recursion: a tree can be deeper than Python's stack
    while pending:
        directory = pending.pop()
        try:
            with os.scandir(directory) as listing:
                entries = list(listing)
        except OSError as error:
            found.append(Source(directory, error))
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = directory / entry.name
            if _is_directory(entry):
                pending.append(path)
            elif path.suffix in SPEC_SUFFIXES and (entry.is_symlink() or _is_file(entry)):
                found.append(Source(path))
    return sorted(found, key=lambda source: source.path)


def _is_directory(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:  # it vanished or cannot be examined: not a directory to search
        return False


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False
