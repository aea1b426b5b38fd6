"""``lstmshape graph SPEC``: check one spec and draw it.

Exit codes, as for ``check``: 0 the model is drawn and has no errors; 1 it
has errors (marked in the drawing, and printed on stderr), or the file holds
no model to draw; 2 the command could not run as asked.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from lstmshape.config import Settings
from lstmshape.diagnostics import Diagnostic
from lstmshape.drawing.dot import render_dot
from lstmshape.drawing.html import render_html
from lstmshape.drawing.labels import shown
from lstmshape.drawing.mermaid import render_mermaid
from lstmshape.drawing.picture import Picture, build_picture
from lstmshape.drawing.svg import render_svg
from lstmshape.exit_codes import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from lstmshape.loader import load_yaml
from lstmshape.models.spec import parse_spec
from lstmshape.report import ModelReport
from lstmshape.runner import check_file
from lstmshape.suppression import apply_settings

FORMATS = ("mermaid", "dot", "svg", "html")
FORMAT_BY_SUFFIX = {
    ".mmd": "mermaid",
    ".mermaid": "mermaid",
    ".dot": "dot",
    ".gv": "dot",
    ".svg": "svg",
    ".html": "html",
    ".htm": "html",
}
"""Without --format, the output file's suffix chooses; else mermaid."""
LAYOUTS = ("auto", "graphviz", "builtin")
"""auto: Graphviz's dot where it is installed, else lstmshape's own layout."""
GRAPHVIZ_SECONDS = 20
"""Longest dot may run before the drawing falls back to lstmshape's own layout
(dot takes about 10 s for a chain of 10,000 layers, and minutes for some
hundreds of long edges)."""


class GraphError(Exception):
    """The command cannot run as asked; the message says why (exit 2)."""


class GraphFailed(Exception):
    """lstmshape itself failed to draw the spec (exit 1, as check's LS009)."""


def run_graph(
    path: Path,
    *,
    output_format: str | None = None,
    layout: str = "auto",
    settings: Settings | None = None,
    output: Path | None = None,
    out: TextIO | None = None,
    errors: TextIO | None = None,
) -> int:
    """Check the spec at ``path`` and write its drawing to ``output``, else to ``out``.

    Returns the exit code.  ``output`` is written only when there is a drawing.
    """
    out = out if out is not None else sys.stdout
    errors = errors if errors is not None else sys.stderr
    if output_format is None:
        suffix = output.suffix.lower() if output else ""
        output_format = FORMAT_BY_SUFFIX.get(suffix, "mermaid")
    try:
        drawing, report = _draw(path, output_format, layout, settings or Settings(), errors)
    except GraphError as error:
        errors.write(f"lstmshape: {error}\n")
        return EXIT_USAGE
    except GraphFailed as error:
        errors.write(f"lstmshape: {error}\n")
        return EXIT_FAILED
    for diagnostic in report.diagnostics:
        errors.write(_line(report.path, diagnostic))
    if drawing is None:
        errors.write(f"lstmshape: {report.path}: nothing to draw: the file holds no model\n")
        return EXIT_FAILED
    if output is None:
        out.write(drawing)
    else:
        try:
            output.write_text(drawing, encoding="utf-8")
        except OSError as error:
            errors.write(
                f"lstmshape: {output}: cannot write the drawing: {error.strerror or error}\n"
            )
            return EXIT_USAGE
    return EXIT_FAILED if any(d.is_error for d in report.diagnostics) else EXIT_OK


def _line(path: str, diagnostic: Diagnostic) -> str:
    message = shown(diagnostic.message, 500)
    return (
        f"{path}:{diagnostic.line}:{diagnostic.column}: {diagnostic.code} "
        f"{diagnostic.severity.value}: {message}\n"
    )


def _draw(
    path: Path, output_format: str, layout: str, settings: Settings, errors: TextIO
) -> tuple[str | None, ModelReport]:
    if output_format not in FORMATS:
        raise GraphError(f"unknown format {output_format!r}; choose one of {', '.join(FORMATS)}")
    if layout not in LAYOUTS:
        raise GraphError(f"unknown layout {layout!r}; choose one of {', '.join(LAYOUTS)}")
    if layout == "graphviz" and output_format in ("svg", "html") and _dot() is None:
        raise GraphError("--layout graphviz needs Graphviz's dot on PATH; it is not installed")
    try:
        if path.is_dir():
            raise GraphError(f"{path}: is a directory; graph draws one spec file")
        if not (path.exists() or path.is_symlink()):  # a dangling link is read, and reported
            raise GraphError(f"{path}: no such file or directory")
    except OSError as error:  # a path too long, a directory that cannot be searched
        raise GraphError(f"{path}: {error.strerror or error}") from None
    reports = [apply_settings(report, settings) for report in check_file(path, str(path))]
    report = reports[0]
    if report.framework is None:
        return None, report
    if len(reports) > 1:
        errors.write(
            f"lstmshape: {path}: the file holds {len(reports)} YAML documents; drawing the first\n"
        )
    try:
        return _picture_drawn(path, report, output_format, layout, errors), report
    except GraphError:
        raise
    except Exception as error:  # a bug in lstmshape: said as such, never a traceback
        raise GraphFailed(
            f"{path}: lstmshape failed to draw this spec: {type(error).__name__}: {error}; "
            "this is a bug in lstmshape, not in your spec: please report it with the spec"
        ) from error


def _picture_drawn(
    path: Path, report: ModelReport, output_format: str, layout: str, errors: TextIO
) -> str | None:
    # check_file has read and checked the file: it is a UTF-8 spec within the limits
    document = load_yaml(path.read_bytes().decode("utf-8-sig")).documents[0]
    spec, _ = parse_spec(document.data, path.stem)
    if spec is None:
        return None
    picture = build_picture(spec, report, document.positions)
    return _RENDERERS[output_format](picture, layout, errors)


def _dot() -> str | None:
    return shutil.which("dot")


class GraphvizFailed(Exception):
    """dot is installed but drew nothing; the message says what happened."""


def graphviz_svg(dot: str, dot_text: str) -> str:
    """``dot -Tsvg`` of ``dot_text``."""
    try:
        done = subprocess.run(
            [dot, "-Tsvg"],
            input=dot_text.encode("utf-8"),
            capture_output=True,
            timeout=GRAPHVIZ_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise GraphvizFailed(f"took longer than {GRAPHVIZ_SECONDS} s") from None
    except OSError as error:
        raise GraphvizFailed(f"could not run: {error.strerror or error}") from None
    if done.returncode != 0:
        raise GraphvizFailed(f"exited with code {done.returncode}")
    return done.stdout.decode("utf-8", errors="replace")


def _svg(picture: Picture, layout: str, errors: TextIO) -> str:
    dot = _dot() if layout != "builtin" else None
    if dot is not None:
        try:
            return graphviz_svg(dot, render_dot(picture))
        except GraphvizFailed as failure:
            if layout == "graphviz":
                raise GraphError(f"Graphviz's dot {failure}") from None
            errors.write(
                f"lstmshape: Graphviz's dot {failure}; drawn with lstmshape's own layout\n"
            )
    return render_svg(picture)


def _mermaid(picture: Picture, layout: str, errors: TextIO) -> str:
    return render_mermaid(picture)


def _dot_text(picture: Picture, layout: str, errors: TextIO) -> str:
    return render_dot(picture)


def _html(picture: Picture, layout: str, errors: TextIO) -> str:
    return render_html(picture, _svg(picture, layout, errors))


_RENDERERS: dict[str, Callable[[Picture, str, TextIO], str]] = {
    "mermaid": _mermaid,
    "dot": _dot_text,
    "svg": _svg,
    "html": _html,
}
