"""The result cache: each file's part of the report, kept from an earlier run.

A part (see :mod:`lstmshape.reporters`) is kept under a key that holds
everything the part depends on:

* the file's bytes, as read for the check, and the path the report shows;
* lstmshape's version, and the size and modification time of each of its
  files and of its dependencies' ``__init__`` modules, so that an edited
  checkout or an upgraded dependency never serves an old result;
* the bytes of the settings files (``--config``, or every pyproject.toml
  that may hold ``[tool.lstmshape]``);
* the options that change the report: ``--format``, ``--strict`` and
  ``--no-strict``, ``--no-color``, ``--quiet``, ``--skip-non-specs``, and
  whether the run is inside GitHub Actions and the COLUMNS it is given.

The parts of one directory's files are kept together, one entry per
directory (see :class:`ResultCache`).  Besides the parts, a run's entry keeps
what the settings decided (the format, strictness, and the SARIF log around
its results).  Entries are files named by their key under
``.lstmshape_cache/v1`` (or ``--cache-dir``, or ``LSTMSHAPE_CACHE_DIR``),
written whole to a temporary file and renamed, so concurrent runs never
read half an entry; each carries a checksum, so a damaged entry is a miss.
The least recently used entries are removed once the directory holds more
than :data:`MAX_BYTES`.  The cache is never a
reason to fail: a directory that cannot be read or written means no cache.

Like :mod:`lstmshape.output`, this module imports only what Python has
loaded at start-up anyway (and the built-in BLAKE2), for the warm path.
"""

from __future__ import annotations

import marshal
import os
import sys
import time

from lstmshape import __version__

try:
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a Python built without its own BLAKE2
    from hashlib import blake2b

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from lstmshape.pyproject import Read

DEFAULT_DIRECTORY = ".lstmshape_cache"
DIRECTORY_VARIABLE = "LSTMSHAPE_CACHE_DIR"
DISABLE_VARIABLE = "LSTMSHAPE_NO_CACHE"
ENTRIES = "v1"
"""The subdirectory of the entries; another layout would take another name."""

MAX_BYTES = 64 * 1024 * 1024
"""Past this size, the least recently used entries are removed, down to three quarters."""
PRUNE_EVERY = 16
"""About one run in this many that write entries looks at the cache's size."""
TOUCH_AFTER = 24 * 3600
"""An entry's time is brought up to date when it is used, at most once in this many seconds."""
STALE_TEMPORARY = 3600
"""A temporary file this old was left by a run that was killed."""

DEPENDENCIES = ("yaml", "pydantic", "pydantic_core", "rich", "tomli")
"""The packages whose code decides what a report says (click only reads the options)."""

GITIGNORE = "# lstmshape's result cache: nothing here is to be committed.\n*\n"
CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by lstmshape.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)

_DIGEST = 20
_CHECKSUM = 16
_PLAIN, _COMPRESSED = b"m", b"z"
"""The byte after an entry's checksum: its value marshalled, or that compressed with zlib."""
_COMPRESS_FROM = 1 << 16
"""Payloads this large are kept compressed at zlib's fastest level: a large spec's report is
megabytes of repeated text (7 MB for 10,000 layers, 70 KB compressed), which costs more to
checksum and write than to compress, and more to read and checksum than to decompress."""


def directory(option: str | None, no_cache: bool, environ: Mapping[str, str]) -> str | None:
    """Where the cache is: ``--cache-dir``, else LSTMSHAPE_CACHE_DIR, else the default; None
    with ``--no-cache``, or LSTMSHAPE_NO_CACHE set to anything but nothing or 0."""
    if no_cache or environ.get(DISABLE_VARIABLE, "") not in ("", "0"):
        return None
    return option or environ.get(DIRECTORY_VARIABLE) or DEFAULT_DIRECTORY


def digest(*fields: bytes) -> bytes:
    """A key for ``fields``; each is length-prefixed, so no two lists of fields share one."""
    hashed = blake2b(digest_size=_DIGEST)
    for field in fields:
        hashed.update(len(field).to_bytes(8, "little"))
        hashed.update(field)
    return hashed.digest()


_code_fingerprint: bytes | None = None


def code_fingerprint() -> bytes:
    """lstmshape's version and the size and time of its files and its dependencies' code.

    Stat calls only, about a hundred: an edited checkout, a reinstall or an
    upgraded dependency changes it; reading the code would cost more than the
    check it saves.
    """
    global _code_fingerprint  # noqa: PLW0603 - computed once per process
    if _code_fingerprint is None:
        package = os.path.dirname(os.path.abspath(__file__))
        stamps = [f"{__version__} {sys.version} {sys.implementation.cache_tag}"]
        stamps += sorted(_package_stamps(package))
        stamps += [_dependency_stamp(name) for name in DEPENDENCIES]
        _code_fingerprint = digest("\n".join(stamps).encode("utf-8", "surrogateescape"))
    return _code_fingerprint


def _stamp(path: str, status: os.stat_result) -> str:
    return f"{path} {status.st_size} {status.st_mtime_ns}"


def _package_stamps(package: str) -> list[str]:
    stamps = []
    pending = [package]
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        pending.append(entry.path)
                else:
                    stamps.append(_stamp(entry.path, entry.stat()))
    return stamps


def _dependency_stamp(name: str) -> str:
    """The ``__init__`` module of ``name`` that an import would find along sys.path."""
    for entry in sys.path:
        path = os.path.join(entry, name, "__init__.py")
        try:
            return _stamp(path, os.stat(path))
        except (OSError, ValueError):
            continue
    return f"{name} not found"


def settings_fingerprint(config: str | None, files: list[tuple[str, Read]]) -> bytes | None:
    """The settings files' bytes, or None when one could not be read (the run fails then)."""
    fields = [b"--config " + config.encode("utf-8", "surrogateescape") if config else b"found"]
    for _, data in files:
        if isinstance(data, OSError):
            return None
        fields.append(data)
    return digest(*fields)


def run_key(
    settings: bytes,
    *,
    output_format: str | None,
    strict: bool | None,
    no_color: bool,
    quiet: bool,
    skip_non_specs: bool,
    environ: Mapping[str, str],
    costs: bool = False,
    dims: tuple[tuple[str, int], ...] = (),
) -> bytes:
    """What a run's every part depends on, but for the file's path and bytes."""
    options = (
        output_format,
        strict,
        no_color,
        quiet,
        skip_non_specs,
        costs,
        dims,
        environ.get("GITHUB_ACTIONS") == "true",
        environ.get("COLUMNS"),
    )
    return digest(code_fingerprint(), settings, repr(options).encode())


Part = tuple[bool, int, int, str]
"""A file's outcome: whether it counts as a spec checked (else it was skipped as not a
spec), its errors and warnings after the settings, and its part of the report."""

Run = tuple[str, bool, str, str]
"""What the settings decided for a run: the format, strictness, and for SARIF the text of
the log before and after its results (see :func:`lstmshape.reporters.sarif.frame`)."""


def is_part(value: object) -> bool:
    return (
        type(value) is tuple
        and len(value) == 4
        and type(value[0]) is bool
        and type(value[1]) is int
        and type(value[2]) is int
        and type(value[3]) is str
    )


def is_run(value: object) -> bool:
    return (
        type(value) is tuple
        and len(value) == 4
        and type(value[0]) is str
        and type(value[1]) is bool
        and type(value[2]) is str
        and type(value[3]) is str
    )


class Store:
    """Entries on disk under ``directory``: values of plain types, by key.

    Every failure to read is a miss and every failure to write is ignored
    (after the first, the run writes no more): the cache only ever saves time.
    """

    def __init__(self, directory: str) -> None:
        self.directory = directory
        self._entries = os.path.join(directory, ENTRIES)
        self._writable = True
        self._prepared = False
        self.written: list[bytes] = []
        """The keys written by this process."""

    def _path(self, key: bytes) -> str:
        return os.path.join(self._entries, key.hex())

    def get(self, key: bytes) -> object:
        """The value kept under ``key``, or None."""
        path = self._path(key)
        try:
            descriptor = os.open(path, os.O_RDONLY)
        except (OSError, ValueError):
            return None
        try:
            status = os.fstat(descriptor)
            chunks = []
            while chunk := os.read(descriptor, max(status.st_size, 1 << 16)):
                chunks.append(chunk)
        except OSError:
            return None
        finally:
            os.close(descriptor)
        data = memoryview(b"".join(chunks))
        body = data[_CHECKSUM:]
        if blake2b(body, digest_size=_CHECKSUM, key=key).digest() != data[:_CHECKSUM]:
            return None
        try:
            if body[:1] == _COMPRESSED:
                import zlib  # only a large entry needs it

                value = marshal.loads(zlib.decompress(body[1:]))
            elif body[:1] == _PLAIN:
                value = marshal.loads(body[1:])
            else:
                return None
        except Exception:  # damaged in a way the checksum missed: a miss all the same
            return None
        if time.time() - status.st_mtime > TOUCH_AFTER:
            try:  # noqa: SIM105 - contextlib is slow to import
                os.utime(path)  # used: not among the oldest to be removed
            except OSError:
                pass
        return value

    def put(self, key: bytes, value: Part | Run | dict[str, object]) -> None:
        """Keep ``value`` (of plain types: marshal writes it) under ``key``."""
        if not self._writable:
            return
        payload = marshal.dumps(value)
        if len(payload) >= _COMPRESS_FROM:
            import zlib  # only a large entry needs it

            body = _COMPRESSED + zlib.compress(payload, 1)
        else:
            body = _PLAIN + payload
        data = blake2b(body, digest_size=_CHECKSUM, key=key).digest() + body
        try:
            self._prepare()
            _write_whole(self._path(key), data)
        except (OSError, ValueError):
            self._writable = False  # read-only, full, or not a directory: no cache
            return
        self.written.append(key)

    def _prepare(self) -> None:
        if self._prepared:
            return
        os.makedirs(self._entries, exist_ok=True)
        for name, text in ((".gitignore", GITIGNORE), ("CACHEDIR.TAG", CACHEDIR_TAG)):
            path = os.path.join(self.directory, name)
            if not os.path.exists(path):
                _write_whole(path, text.encode())
        self._prepared = True

    def close(self) -> None:
        """After a run: now and then, bring the cache back under its size."""
        if self.written and (self.written[0][0] % PRUNE_EVERY == 0 or len(self.written) > 1000):
            self.prune()

    def prune(self, max_bytes: int = MAX_BYTES) -> None:
        """Remove the least recently used entries, down to 3/4 of ``max_bytes`` if it is past it."""
        entries = []
        now = time.time()
        try:
            with os.scandir(self._entries) as listing:
                for entry in listing:
                    try:
                        status = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    if not entry.name.startswith("."):
                        entries.append((status.st_mtime, status.st_size, entry.path))
                    elif now - status.st_mtime > STALE_TEMPORARY:
                        _remove(entry.path)
        except OSError:
            return
        total = sum(size for _, size, _ in entries)
        if total <= max_bytes:
            return
        entries.sort()
        for _, size, path in entries:
            if total <= max_bytes * 3 // 4:
                break
            _remove(path)
            total -= size


def _write_whole(path: str, data: bytes) -> None:
    """Write ``path`` through a temporary file: a reader sees all of it or nothing."""
    directory, name = os.path.split(path)
    temporary = os.path.join(directory, f".{name}.{os.getpid()}.tmp")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(descriptor, view) :]
        finally:
            os.close(descriptor)
        os.replace(temporary, path)
    except BaseException:
        _remove(temporary)
        raise


def _remove(path: str) -> None:
    try:  # noqa: SIM105 - contextlib is slow to import
        os.remove(path)
    except OSError:
        pass


class ResultCache:
    """The entries of one run: its files' parts, and what its settings decided.

    The parts of the files of one directory are kept together, in one entry
    (a *pack*) per directory and run key, holding each file's latest part by
    its path: a run writes one entry per directory it checked, not one per
    file, since creating a file is what writing a cache costs most on many
    file systems.  A part serves only the bytes it was made from.
    """

    def __init__(self, store: Store, run: bytes) -> None:
        self.store = store
        self._run = run
        self._packs: dict[str, dict[str, object]] = {}
        self._new: dict[str, dict[str, tuple[bytes, Part]]] = {}

    def _key(self, shown_as: str, data: bytes) -> bytes:
        return digest(self._run, shown_as.encode("utf-8", "surrogateescape"), data)

    def _pack_key(self, directory: str) -> bytes:
        return digest(self._run, b"pack", directory.encode("utf-8", "surrogateescape"))

    def _pack(self, directory: str) -> dict[str, object]:
        if directory not in self._packs:
            kept = self.store.get(self._pack_key(directory))
            self._packs[directory] = kept if type(kept) is dict else {}
        return self._packs[directory]

    def get(self, shown_as: str, data: bytes) -> Part | None:
        """The part kept for the file shown as ``shown_as`` whose bytes are ``data``."""
        kept = self._pack(os.path.dirname(shown_as)).get(shown_as)
        if type(kept) is not tuple or len(kept) != 2 or kept[0] != self._key(shown_as, data):
            return None
        return kept[1] if is_part(kept[1]) else None

    def put(self, shown_as: str, data: bytes, part: Part) -> None:
        """Keep ``part`` for these bytes; written when the run is done (:meth:`close`)."""
        new = self._new.setdefault(os.path.dirname(shown_as), {})
        new[shown_as] = (self._key(shown_as, data), part)

    def run(self) -> Run | None:
        value = self.store.get(digest(self._run, b"run"))
        return value if is_run(value) else None  # type: ignore[return-value]

    def remember_run(self, run: Run) -> None:
        if self.run() != run:
            self.store.put(digest(self._run, b"run"), run)

    def close(self) -> None:
        """Write the new parts, each directory's into its pack as it is now on disk."""
        for directory, new in self._new.items():
            key = self._pack_key(directory)
            current = self.store.get(key)  # again: another run may have written it since
            pack = current if type(current) is dict else {}
            pack.update(new)
            self.store.put(key, pack)
        self._new.clear()
        self.store.close()
