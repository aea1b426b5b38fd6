"""The files lstmshape's settings may come from, as bytes, found without parsing TOML.

Without ``--config``, the settings are in the nearest pyproject.toml, from
the working directory upward, with a ``[tool.lstmshape]`` table.  A file
whose bytes never spell ``lstmshape`` cannot hold that table, so it is
passed over unparsed: another tool's pyproject.toml costs a read, not a TOML
parser, and its mistakes are its own.  The bytes of the files that may hold
the table are what :mod:`lstmshape.config` parses and what the result
cache's key holds (:mod:`lstmshape.cache`), so both see the same settings.
"""

from __future__ import annotations

import os
import stat

PYPROJECT = "pyproject.toml"

Read = bytes | OSError
"""A file's bytes, or why they could not be read."""


def may_hold_settings(data: bytes) -> bool:
    """Whether a pyproject.toml's bytes may hold a ``[tool.lstmshape]`` table.

    A table header names it in letters (``[tool.lstmshape]``, ``[ tool .
    "lstmshape" ]``, ``tool.lstmshape.strict = true``), unless a quoted key
    spells a letter as an escape (``"lstm\\u0073hape"``): a file with an
    escape is parsed too, to be safe.
    """
    return b"lstmshape" in data or b"\\u" in data or b"\\U" in data


def candidates(start: str) -> list[tuple[str, Read]]:
    """Every pyproject.toml from ``start`` upward that may hold the table, nearest first.

    Each comes with its bytes, or the error that kept them from being read
    (the file exists but cannot be read: the settings cannot be known).
    """
    found: list[tuple[str, Read]] = []
    directory = os.path.abspath(start)
    while True:
        path = os.path.join(directory, PYPROJECT)
        data = read_regular_file(path)
        if isinstance(data, OSError) or (data is not None and may_hold_settings(data)):
            found.append((path, data))
        parent = os.path.dirname(directory)
        if parent == directory:
            return found
        directory = parent


def read_regular_file(path: str) -> Read | None:
    """The bytes of the regular file at ``path``, or why they cannot be read; None if none."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
    except (OSError, ValueError):
        return None
    return read_file(path)


def read_file(path: str) -> Read:
    """The file's bytes, or why they cannot be read."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as error:
        return error
