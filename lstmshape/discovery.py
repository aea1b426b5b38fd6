"""What to check: the paths named on the command line and the specs below directories.

Each path is dealt with on its own: one that cannot be used is reported and
does not stop the others from being checked.  A directory that cannot be
listed is an entry of the report (LS004), like a file that cannot be read,
so the specs it may hold are never skipped silently.  ``-`` is standard
input.  A file named twice (also through a directory, or spelt two ways) is
checked once, where it first appears.  The file the report is written to
is never one: named, it is refused (:func:`named_as_report`); found in a
directory, it is the previous run's report and is skipped.

Paths are strings spelt as pathlib spells them (``./specs//a.yaml`` is
``specs/a.yaml``), and examined with :mod:`os` alone: the warm path
(:mod:`lstmshape.warm`) finds its files here too, before anything slow to
import is loaded.
"""

from __future__ import annotations

import errno
import os
import stat

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any, TextIO

SPEC_SUFFIXES = (".yaml", ".yml")
STDIN = "-"
"""The path that stands for standard input, as for ruff and black."""

_WINDOWS = os.sep != "/" or os.altsep is not None

MAX_FILE_BYTES = 10 * 1024 * 1024
"""Larger files are refused unread: a spec of 10,000 layers is under 2 MB."""
_FIRST_READ = 1 << 16
"""The first piece read of a file whose size is not known (standard input, or a size of 0)."""


def read_capped(
    read: Callable[[int], bytes], expected: int = 0, limit: int = MAX_FILE_BYTES
) -> bytes:
    """What ``read(n)`` gives until it gives nothing, but at most one byte more than
    ``limit``, so that an endless stream ends: more than ``limit`` means too large.

    Read in pieces from ``expected`` (a file's size, which the first piece covers) up,
    doubling for a file whose size lies (``/proc``): asking for the limit at once would
    allocate it for every small file.
    """
    chunks = []
    left = limit + 1
    size = max(expected + 1, _FIRST_READ)
    while left > 0 and (chunk := read(min(size, left))):
        chunks.append(chunk)
        left -= len(chunk)
        size *= 2
    return b"".join(chunks)


class Source:
    """One entry of the report: a file to read, or a directory that could not be listed."""

    __slots__ = ("listing_error", "path", "shown_as")

    def __init__(
        self, shown_as: str, path: str | None, listing_error: OSError | None = None
    ) -> None:
        self.shown_as = shown_as
        self.path = path
        """The file to read, or the directory that could not be listed; None for standard input."""
        self.listing_error = listing_error
        """Why the directory ``path`` could not be listed; None for a file to read."""

    def __repr__(self) -> str:
        return f"Source({self.shown_as!r}, {self.path!r}, {self.listing_error!r})"


def named_as_report(
    paths: Iterable[str | os.PathLike[str]], report: os.PathLike[str] | str
) -> bool:
    """Whether ``report``, the file the report goes to, is one of the files named."""
    wanted = _identity(spelt(report))
    return any(not _is_stdin(written) and _identity(spelt(written)) == wanted for written in paths)


def discover(
    paths: Iterable[str | os.PathLike[str]],
    errors: TextIO,
    stdin_name: str = STDIN,
    report: str | os.PathLike[str] | None = None,
) -> tuple[list[Source], int]:
    """The sources named or found below ``paths``, and how many paths could not be used.

    ``paths`` are as written on the command line: the string ``-`` is standard
    input, shown in the report as ``stdin_name``.  ``report``, the file the
    report will be written to, is left out of the directories searched.
    """
    sources: list[Source] = []
    seen: set[object] = set()
    unusable = 0
    report_identity = None if report is None else _identity(spelt(report))

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
        path = spelt(written)
        try:
            status = _status(path, follow=True)
            if status is not None and stat.S_ISDIR(status.st_mode):
                found = _below(path, report_identity)
                if not found:
                    errors.write(f"lstmshape: {path}: no *.yaml or *.yml files in this directory\n")
                    unusable += 1
                add(found)
            elif status is not None or _status(path, follow=False) is not None:
                add([Source(path, path)])  # a dangling link is read, and reported
            else:
                errors.write(f"lstmshape: {path}: no such file or directory\n")
                unusable += 1
        except PermissionError:  # in a directory without search permission: LS004 when read
            add([Source(path, path)])
        except OSError as error:  # a path too long
            errors.write(f"lstmshape: {path}: {error.strerror or error}\n")
            unusable += 1
    return sources, unusable


def spelt(written: str | os.PathLike[str]) -> str:
    """``written`` as ``str(pathlib.Path(written))``: ``./a//b/`` is ``a/b``, ``''`` is ``.``."""
    written = os.fspath(written)
    if _WINDOWS:  # drives, both slashes, case: pathlib knows them
        from pathlib import Path

        return str(Path(written))
    root, rest = "", written
    if written.startswith("/"):
        rest = written.lstrip("/")
        # POSIX leaves the meaning of exactly two leading slashes to the system
        root = "//" if len(written) - len(rest) == 2 else "/"
    parts = [part for part in rest.split("/") if part and part != "."]
    return root + "/".join(parts) if root or parts else "."


def _joined(directory: str, name: str) -> str:
    """``str(pathlib.Path(directory) / name)`` for a name found in ``directory``."""
    if _WINDOWS:
        from pathlib import Path

        return str(Path(directory) / name)
    if directory == ".":
        return name
    if directory.endswith("/"):  # the root
        return directory + name
    return directory + "/" + name


def _order(path: str) -> Any:
    """What sorts paths as pathlib does: component by component, not character by character."""
    if _WINDOWS:
        from pathlib import Path

        return Path(path)
    return path.split("/")


_MISSING = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)
"""The errors for which pathlib says a path does not exist rather than raising."""


def _status(path: str, *, follow: bool) -> os.stat_result | None:
    """The path's status, or None where pathlib's ``exists()`` says False; other errors raise."""
    try:
        return os.stat(path) if follow else os.lstat(path)
    except OSError as error:
        if error.errno in _MISSING:
            return None
        raise
    except ValueError:  # a NUL in the path
        return None


def _is_stdin(written: str | os.PathLike[str]) -> bool:
    return isinstance(written, str) and written == STDIN


def _identity(path: str) -> object:
    """What two spellings of one file share: its device and inode, or failing that its
    absolute path (a dangling link, a path that cannot be examined)."""
    try:
        status = os.stat(path)
    except (OSError, ValueError):
        return os.path.abspath(path)
    return (status.st_dev, status.st_ino)


def _below(top: str, report_identity: object | None) -> list[Source]:
    """The spec files below ``top``, and its directories that cannot be listed, in path order.

    Hidden files and directories (``.git``, ``.venv``) are skipped, and links
    to directories are not followed (a link can make a loop); a link to a file,
    even a dangling one, is kept so that it is read or reported.  The file
    with ``report_identity``, a report of an earlier run, is left out.
    """
    found: list[tuple[str, OSError | None]] = []
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
            path = _joined(directory, entry.name)
            if _is_directory(entry):
                pending.append(path)
            elif _is_spec_file(entry) and not _is_report(path, report_identity):
                found.append((path, None))
    found.sort(key=lambda item: _order(item[0]))
    return [Source(path, path, error) for path, error in found]


def _is_directory(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:  # it vanished or cannot be examined: not a directory to search
        return False


def _suffix(name: str) -> str:
    """pathlib's ``suffix``: from the last dot, unless the name starts or ends with it."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def _is_spec_file(entry: os.DirEntry[str]) -> bool:
    if _suffix(entry.name) not in SPEC_SUFFIXES:
        return False
    try:
        return entry.is_symlink() or entry.is_file()
    except OSError:
        return False


def _is_report(path: str, report_identity: object | None) -> bool:
    return report_identity is not None and _identity(path) == report_identity
