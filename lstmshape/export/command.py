"""``lstmshape export SPEC --to torch|keras``: check one spec and write it as Python.

Exit codes, as for ``check``: 0 the module is written; 1 the spec has errors
(printed on stderr, and nothing is written: code for a model that does not
run would only move the error), or the file holds no model; 2 the command
could not run as asked (no such file, a framework other than the spec's, a
layer type the export cannot write yet).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from lstmshape.config import Settings
from lstmshape.exit_codes import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from lstmshape.export.code import UnboundSize
from lstmshape.loader import load_yaml
from lstmshape.models.spec import ParsedSpec, parse_spec
from lstmshape.report import ModelReport
from lstmshape.runner import check_file
from lstmshape.suppression import apply_settings

TARGETS = ("torch", "keras")


class ExportError(Exception):
    """The command cannot run as asked; the message says why (exit 2)."""


class ExportFailed(Exception):
    """The spec cannot be exported: it has errors or holds no model (exit 1)."""


def run_export(
    path: Path,
    *,
    to: str,
    settings: Settings | None = None,
    output: Path | None = None,
    out: TextIO | None = None,
    errors: TextIO | None = None,
) -> int:
    """Check the spec at ``path`` and write its module to ``output``, else to ``out``."""
    out = out if out is not None else sys.stdout
    errors = errors if errors is not None else sys.stderr
    try:
        if output is not None and _same_file(output, path):
            raise ExportError(f"{output}: is the spec itself; write the module to another file")
        code = export_file(path, to, settings or Settings(), errors)
    except ExportError as error:
        errors.write(f"lstmshape: {error}\n")
        return EXIT_USAGE
    except ExportFailed as error:
        errors.write(f"lstmshape: {error}\n")
        return EXIT_FAILED
    if output is None:
        out.write(code)
        return EXIT_OK
    try:
        output.write_text(code, encoding="utf-8")
    except OSError as error:
        errors.write(f"lstmshape: {output}: cannot write the module: {error.strerror or error}\n")
        return EXIT_USAGE
    return EXIT_OK


def _same_file(output: Path, path: Path) -> bool:
    try:
        return output.exists() and path.exists() and output.samefile(path)
    except OSError:
        return False


def export_file(path: Path, to: str, settings: Settings, errors: TextIO) -> str:
    """The module's source; diagnostics of a spec with errors are written to ``errors``."""
    if to not in TARGETS:
        raise ExportError(f"unknown framework {to!r}; choose one of {', '.join(TARGETS)}")
    try:
        if path.is_dir():
            raise ExportError(f"{path}: is a directory; export writes one spec file")
        if not (path.exists() or path.is_symlink()):
            raise ExportError(f"{path}: no such file or directory")
    except OSError as error:
        raise ExportError(f"{path}: {error.strerror or error}") from None
    reports = [apply_settings(report, settings) for report in check_file(path, str(path))]
    report = reports[0]
    if report.framework is not None and report.framework != to:
        raise ExportError(
            f"{path}: the spec's framework is {report.framework}; export --to {to} writes "
            f"{to} specs only (lstmshape does not translate between frameworks)"
        )
    for diagnostic in report.diagnostics:
        errors.write(
            f"{report.path}:{diagnostic.line}:{diagnostic.column}: {diagnostic.code} "
            f"{diagnostic.severity.value}: {diagnostic.message}\n"
        )
    if report.framework is None:
        raise ExportFailed(f"{path}: nothing to export: the file holds no model")
    if any(diagnostic.is_error for diagnostic in report.diagnostics):
        count = sum(diagnostic.is_error for diagnostic in report.diagnostics)
        raise ExportFailed(
            f"{path}: not exported: the spec has {count} error{'s' if count != 1 else ''}; "
            f"fix {'it' if count == 1 else 'them'} and export again"
        )
    if len(reports) > 1:
        errors.write(
            f"lstmshape: {path}: the file holds {len(reports)} YAML documents; "
            "exporting the first\n"
        )
    document = load_yaml(path.read_bytes().decode("utf-8-sig")).documents[0]
    spec, _ = parse_spec(document.data, path.stem)
    assert spec is not None  # it checked clean
    try:
        return export_spec(spec, report, path.name)
    except ExportError:
        raise
    except UnboundSize as error:
        raise ExportError(f"{path}: not exported: {error}") from error
    except Exception as error:  # a bug in lstmshape: said as such, never a traceback
        raise ExportFailed(
            f"{path}: lstmshape failed to export this spec: {type(error).__name__}: {error}; "
            "this is a bug in lstmshape, not in your spec: please report it with the spec"
        ) from error


def export_spec(spec: ParsedSpec, report: ModelReport, source_name: str) -> str:
    """The module of a spec that checked clean, for its framework."""
    from lstmshape.export.wiring import refusals, unsupported_types

    missing = unsupported_types(spec)
    if missing:
        raise ExportError(
            f"{report.path}: export cannot write {spec.framework.key}'s "
            f"{', '.join(missing)} yet: the layer type{'s are' if len(missing) > 1 else ' is'} "
            "checked, but no code is written for "
            f"{'them' if len(missing) > 1 else 'it'}"
        )
    reasons = refusals(spec, report)
    if reasons:
        raise ExportError(
            f"{report.path}: not exported: {'; '.join(reasons)} (lstmshape checks the model "
            f"as {spec.framework.key} runs it layer by layer)"
        )
    if spec.framework.key == "torch":
        from lstmshape.export.torch_code import export_torch

        return export_torch(spec, report, source_name).code
    from lstmshape.export.keras_code import export_keras

    return export_keras(spec, report, source_name).code
