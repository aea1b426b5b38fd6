"""The Keras file read safely: ``model.to_json()``'s JSON, or a ``.keras`` archive.

A ``.keras`` file is a zip archive; only its ``config.json`` is read, into
memory, never extracted: its weights and ``metadata.json`` are ignored, and
nothing in it is run.  An archive is refused (LS511) when it is not a plain
zip, has more than :data:`MAX_MEMBERS` members, a member name that climbs out
(``../``) or is absolute, or sizes beyond :data:`MAX_CONFIG_BYTES` (the
config) and :data:`MAX_ARCHIVE_BYTES` (everything its directory declares);
the config is read in chunks and the reading stops at the limit whatever
the directory claims, so a zip bomb costs at most that much memory.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path, PurePosixPath
from typing import IO

from lstmshape.importing.json_positions import LocatedJSON
from lstmshape.importing.problems import ImportProblem, Refused

MAX_CONFIG_BYTES = 16 * 1024 * 1024
"""Largest JSON read (a file, or ``config.json`` uncompressed): real configs are kilobytes."""
MAX_ARCHIVE_BYTES = 4 * 1024**3
"""Largest total uncompressed size an archive may declare (its weights included)."""
MAX_MEMBERS = 10_000
CONFIG_MEMBER = "config.json"
_CHUNK = 1024 * 1024


def read_model(path: Path) -> LocatedJSON:
    """The parsed JSON of the model's architecture; :class:`Refused` with the reason if not.

    ``OSError`` (no such file, a directory) is the caller's: a usage error.
    """
    if zipfile.is_zipfile(path):
        text = _archive_config(path)
    elif path.suffix == ".keras":
        raise _refused("LS511", "the .keras file is not a zip archive")
    else:
        with path.open("rb") as stream:
            data = stream.read(MAX_CONFIG_BYTES + 1)
        if len(data) > MAX_CONFIG_BYTES:
            raise _refused("LS510", f"the file is larger than {_mib(MAX_CONFIG_BYTES)}")
        text = _decoded(data, path.name)
    return parse(text)


def parse(text: str) -> LocatedJSON:
    try:
        return LocatedJSON(text)
    except json.JSONDecodeError as error:
        raise Refused(
            ImportProblem(
                "LS510",
                f"not valid JSON: {error.msg}",
                error.lineno,
                error.colno,
                hint="give the JSON of model.to_json(), or a .keras file saved by model.save()",
            )
        ) from None
    except RecursionError:
        raise _refused("LS510", "the JSON is nested too deeply to be a model's config") from None


def _archive_config(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                raise _refused("LS511", f"the archive has {len(members):,} members")
            for member in members:
                _check_name(member.filename)
            declared = sum(member.file_size for member in members)
            if declared > MAX_ARCHIVE_BYTES:
                raise _refused(
                    "LS511",
                    f"the archive's members add up to {declared:,} bytes uncompressed, more "
                    f"than the {_mib(MAX_ARCHIVE_BYTES)} lstmshape reads an archive of",
                )
            config = [member for member in members if member.filename == CONFIG_MEMBER]
            if not config:
                raise _refused(
                    "LS510",
                    f"the archive holds no {CONFIG_MEMBER}: it is not a .keras file saved by "
                    "model.save()",
                )
            if config[0].flag_bits & 0x1:
                raise _refused("LS511", f"{CONFIG_MEMBER} is encrypted")
            with archive.open(config[0]) as stream:
                data = _read_capped(stream)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as error:
        raise _refused("LS511", f"the archive cannot be read: {error}") from None
    return _decoded(data, CONFIG_MEMBER)


def _read_capped(stream: IO[bytes]) -> bytes:
    """At most :data:`MAX_CONFIG_BYTES`, whatever the member's header says it holds."""
    chunks: list[bytes] = []
    total = 0
    while chunk := stream.read(_CHUNK):
        total += len(chunk)
        if total > MAX_CONFIG_BYTES:
            raise _refused(
                "LS511", f"{CONFIG_MEMBER} unpacks to more than {_mib(MAX_CONFIG_BYTES)}"
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _check_name(name: str) -> None:
    """No member may name a place outside the archive, even one that is never read."""
    posix = PurePosixPath(name.replace("\\", "/"))
    if posix.is_absolute() or ".." in posix.parts or (name[1:2] == ":"):
        raise _refused(
            "LS511",
            f"the archive has a member named {name!r}, a path outside the archive",
            hint="a .keras file saved by Keras holds config.json, metadata.json and "
            "model.weights.h5",
        )


def _decoded(data: bytes, shown: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _refused("LS510", f"{shown} is not UTF-8 text (byte {error.start})") from None


def _refused(code: str, message: str, hint: str | None = None) -> Refused:
    return Refused(ImportProblem(code, message, hint=hint))


def _mib(size: int) -> str:
    return f"{size // (1024 * 1024):,} MiB"
