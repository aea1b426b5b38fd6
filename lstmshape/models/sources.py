"""Whether the stored schemas were made from the sources installed, at little cost.

:mod:`lstmshape.models.schemas` holds a hash of every source file that defines
a model (:func:`fingerprint`, the packages :data:`FINGERPRINTED`), and the
stored schemas are used only when the installed files hash the same.  Hashing
them, 1.4 MB in 60 files, costs a cold check 3 ms.  So a check that found them
matching leaves a marker, ``__pycache__/schemas-sources.txt`` beside the
stored schemas, naming that hash and each file's size and modification time,
as Python keeps a module's bytecode by its source's time and size.  While no
file's size or time changes, the next check compares those (one ``stat`` a
file) and reads no file.  Where the marker cannot be written (a read-only
install), every check hashes the files, as before there was a marker.
"""

from __future__ import annotations

import contextlib
import os

try:  # the built-in module: hashlib would load OpenSSL too, for nothing
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import blake2b

FINGERPRINTED = ("models", "frameworks")
"""The packages whose sources define the models (and everything their schemas call)."""

PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
"""lstmshape's own directory."""
_STORED = os.path.join("models", "schemas.py")
"""The stored schemas, relative to :data:`PACKAGE`: made from the sources, not one of them."""
MARKER = os.path.join(PACKAGE, "models", "__pycache__", "schemas-sources.txt")


def fingerprint(package: str = PACKAGE) -> str:
    """A hash of every source file that defines a model, the stored schemas excepted."""
    digest = blake2b(digest_size=16)
    for relative, path in _sources(package):
        digest.update(relative.encode())
        with open(path, "rb") as source:
            digest.update(source.read())
    return digest.hexdigest()


def sources_match(expected: str, package: str = PACKAGE, marker: str = MARKER) -> bool:
    """Whether the sources under ``package`` hash to ``expected``; see the module's docstring."""
    sources = _sources(package)
    stamp = _stamp(sources)
    remembered = f"{expected}\n{stamp}\n"
    try:
        with open(marker, encoding="ascii") as kept:
            if kept.read() == remembered:
                return True
    except (OSError, ValueError):
        pass  # none yet, or unreadable: hash the files
    if fingerprint(package) != expected:
        return False
    _write(marker, remembered)
    return True


def _sources(package: str) -> list[tuple[str, str]]:
    """Each source file's path relative to ``package`` (with ``/``) and its path, in order."""
    found = []
    for top in FINGERPRINTED:
        for directory, folders, files in os.walk(os.path.join(package, top)):
            folders.sort()
            within = os.path.relpath(directory, package)
            for name in sorted(files):
                relative = os.path.join(within, name)
                if name.endswith(".py") and relative != _STORED:
                    found.append((relative.replace(os.sep, "/"), os.path.join(directory, name)))
    return found


def _stamp(sources: list[tuple[str, str]]) -> str:
    """A hash of each source's path, size and modification time."""
    digest = blake2b(digest_size=16)
    for relative, path in sources:
        status = os.stat(path)
        digest.update(f"{relative} {status.st_size} {status.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _write(marker: str, text: str) -> None:
    """Write the marker whole (another process may read it at once), or not at all."""
    partial = f"{marker}.{os.getpid()}"
    try:
        os.makedirs(os.path.dirname(marker), exist_ok=True)
        with open(partial, "w", encoding="ascii") as written:
            written.write(text)
        os.replace(partial, marker)
    except OSError:  # a read-only install: the files are hashed each time
        with contextlib.suppress(OSError):
            os.remove(partial)
