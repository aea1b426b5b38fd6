"""The frame of a report around its files' parts, written without the engine or rich.

A report is made of one part per file checked (what the reporter writes or
keeps for that file's specs) and a frame around them: the summary line of
the text and GitHub formats, the JSON and SARIF documents.  The reporters
and the warm path (:mod:`lstmshape.warm`), which assembles a report from the
parts kept in the cache, both build the frame with these functions, so a
warm run writes what a cold one writes, byte for byte.

This module imports nothing beyond the standard library's own start-up
modules: the warm path must stay as quick to start as Python itself.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import TextIO

FORMATS = ("auto", "text", "json", "github", "sarif")
"""The values of --format; ``auto`` is resolved to one of the others."""

STREAMED = ("text", "github")
"""Formats written file by file, then a summary line; the others are one document."""


def resolve_format(name: str, environ: Mapping[str, str]) -> str:
    """``auto`` is GitHub annotations inside GitHub Actions, else the text report.

    The text report itself is rich on a terminal and plain text elsewhere, so
    ``auto`` needs to tell only GitHub Actions apart.
    """
    if name != "auto":
        return name
    return "github" if environ.get("GITHUB_ACTIONS") == "true" else "text"


def fixed_text(out: TextIO, color: bool | None) -> bool:
    """Whether the text report on ``out`` is plain text, whatever the terminal.

    That is output that is not a terminal, in UTF-8, with colour off or not
    forced (FORCE_COLOR, TTY_COMPATIBLE, Jupyter): rich writes no colour and
    lays the report out 120 columns wide, or as wide as COLUMNS says.  Only
    such output can be kept in the cache and written again; a terminal's
    report depends on the terminal.
    """
    try:
        terminal = out.isatty()
    except ValueError:  # a closed file: rich decides
        return False
    if terminal or not writes_utf8(out) or sys.platform == "win32":
        return False
    if color is False:
        return True
    forced = {"FORCE_COLOR", "TTY_COMPATIBLE"} & os.environ.keys()
    return not forced and "IPython" not in sys.modules


def writes_utf8(out: TextIO) -> bool:
    """Whether ``out`` encodes in UTF-8 (a stream that does not say is taken to, as by rich)."""
    return (getattr(out, "encoding", "utf-8") or "utf-8").lower().startswith("utf")


def never_coloured(out: TextIO, color: bool | None) -> bool:
    """Whether rich would certainly write ``out`` as plain text, 120 columns wide."""
    return fixed_text(out, color) and "COLUMNS" not in os.environ


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def text_summary(files: int, errors: int, warnings: int, skipped: int) -> str:
    """The last line of the text report, without its line break."""
    line = f"Checked {_plural(files, 'file')}: {_plural(errors, 'error')}, "
    line += _plural(warnings, "warning")
    if skipped == 1:
        line += "; skipped 1 file that is not an lstmshape spec"
    elif skipped:
        line += f"; skipped {skipped} files that are not lstmshape specs"
    return line + "."


def github_summary(files: int, errors: int, warnings: int, skipped: int) -> str:
    """The last line of the GitHub format: plain text, not a workflow command."""
    line = f"lstmshape: checked {files} file(s): {errors} error(s), {warnings} warning(s)"
    if skipped:
        line += f"; skipped {skipped} file(s) that are not lstmshape specs"
    return line


def json_document(parts: list[str], counts: list[tuple[str, int]]) -> str:
    """``{"files": [...], "summary": {...}}`` as the JSON reporter writes it, line break included.

    ``parts`` are the files' entries, each already written at the depth of
    the ``files`` list (4 spaces), as :func:`lstmshape.reporters.json.entry`
    writes them; several entries of one file are one part.
    """
    return "".join(json_document_pieces(parts, counts))


def json_document_pieces(parts: list[str], counts: list[tuple[str, int]]) -> list[str]:
    """:func:`json_document` in pieces, to write one by one: a large report is megabytes,
    which joining would copy once more."""
    summary = ",\n".join(f'    "{key}": {value}' for key, value in counts)
    files = _listed(parts, "[\n", "\n  ]") if parts else ["[]"]
    return ['{\n  "files": ', *files, ',\n  "summary": {\n', summary, "\n  }\n}\n"]


def _listed(parts: list[str], opening: str, closing: str) -> list[str]:
    """The pieces of a JSON list of ``parts``, to be joined once: a report of a large spec
    is megabytes, and each ``+`` of it would copy it again."""
    pieces = [opening]
    for part in parts:
        pieces += (part, ",\n")
    pieces[-1] = closing
    return pieces


def json_counts(
    files: int, errors: int, warnings: int, skipped: int, skipping: bool
) -> list[tuple[str, int]]:
    """The JSON summary; ``skipped`` only with --skip-non-specs, so other runs keep their shape."""
    counts = [("files", files), ("errors", errors), ("warnings", warnings)]
    return [*counts, ("skipped", skipped)] if skipping else counts


def sarif_document(frame: tuple[str, str], parts: list[str]) -> str:
    """The SARIF log: ``frame`` is the log's text before and after its results.

    ``parts`` are the files' results, each already written at the depth of
    the ``results`` list (8 spaces); a file without results has no part.
    """
    head, tail = frame
    results = _listed(parts, "[\n", "\n      ]") if parts else ["[]"]
    return "".join([head, *results, tail])


def whole_report(
    output_format: str,
    parts: list[str],
    *,
    quiet: bool,
    frame: tuple[str, str],
    files: int,
    errors: int,
    warnings: int,
    skipped: int,
    skipping: bool,
) -> str:
    """The report of a run whose every file's part is at hand, as the reporters write it."""
    if output_format in STREAMED:
        summary = text_summary if output_format == "text" else github_summary
        closing = "" if quiet else summary(files, errors, warnings, skipped) + "\n"
        return "".join(parts) + closing
    if output_format == "json":
        return json_document(
            [part for part in parts if part],
            json_counts(files, errors, warnings, skipped, skipping),
        )
    return sarif_document(frame, [part for part in parts if part])


def cannot_write_stdout(error: OSError) -> str:
    """The line on stderr when the report cannot be written to standard output."""
    return f"lstmshape: standard output: cannot write the report: {error.strerror or error}"


def discard_stdout() -> None:
    """Point stdout at the null device once writing to it has failed.

    The failure is already reported; what is left in stdout's buffer would
    fail again when Python flushes it at exit, with a traceback and exit 120.
    """
    try:
        descriptor = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file: nothing is flushed at exit
        return
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, descriptor)
    os.close(null)
