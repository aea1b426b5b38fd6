"""``lstmshape verify SPEC --module pkg.module:Factory``: check a spec, build the user's own
model and report where the two differ, through check's reporters.

Exit codes, as for ``check``: 0 the spec checks clean and matches the model; 1 a
diagnostic is an error (a difference, or the spec's own error: then the model is not
built, since a spec with errors describes no model to compare); 2 verify could not run
as asked (no such spec, a module that cannot be imported or built, a framework that is
not installed).
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from lstmshape.config import Settings
from lstmshape.diagnostics import Problem
from lstmshape.exit_codes import EXIT_USAGE
from lstmshape.loader import load_yaml
from lstmshape.models.spec import parse_spec
from lstmshape.record import replace
from lstmshape.report import ModelReport, Summary
from lstmshape.reporters import AUTO, REPORTER_BY_NAME, ReporterOptions, resolve_format
from lstmshape.runner import check_file, locate
from lstmshape.suppression import apply_settings
from lstmshape.verify.loading import CannotVerify, call_arguments, find_factory, one_line


@dataclasses.dataclass(frozen=True)
class Request:
    """What to verify the spec against: the model's factory, its arguments, symbol values."""

    module: str
    call: tuple[str, ...] = ()
    dims: Mapping[str, int] = dataclasses.field(default_factory=dict)


def run_verify(
    path: Path,
    request: Request,
    *,
    output_format: str = AUTO,
    settings: Settings | None = None,
    strict: bool | None = None,
    color: bool | None = None,
    quiet: bool = False,
    out: TextIO | None = None,
    errors: TextIO | None = None,
) -> int:
    """Verify the spec at ``path`` and report it in ``output_format``; the exit code."""
    out = out if out is not None else sys.stdout
    errors = errors if errors is not None else sys.stderr
    settings = settings or Settings()
    strict = settings.strict if strict is None else strict
    try:
        report = verified_report(path, request)
    except CannotVerify as error:
        errors.write(f"lstmshape: {error}\n")
        return EXIT_USAGE
    report = apply_settings(report, settings, strict=strict)
    name = resolve_format(output_format, os.environ)
    dims = {**report.dims, **request.dims}
    reporter = REPORTER_BY_NAME[name](out, ReporterOptions(color, quiet, False, dims))
    summary = Summary(files=1)
    summary.add(report)
    reporter.start()
    reporter.handle(report)
    reporter.finish(summary)
    return summary.exit_code(strict)


def verified_report(path: Path, request: Request) -> ModelReport:
    """The spec's report with the differences from the model among its diagnostics."""
    try:
        if path.is_dir():
            raise CannotVerify(f"{path}: is a directory; verify reads one spec file")
        if not path.is_file():
            raise CannotVerify(f"{path}: no such file")
    except OSError as error:
        raise CannotVerify(f"{path}: {error.strerror or error}") from None
    arguments = call_arguments(request.call)
    reports = check_file(path, str(path))
    report = reports[0]
    if len(reports) > 1:
        raise CannotVerify(
            f"{path}: the file holds {len(reports)} YAML documents; verify reads a spec "
            "of one model"
        )
    if report.framework is None or any(d.is_error for d in report.diagnostics):
        return report  # nothing, or no model, to compare: check's diagnostics say why
    text = path.read_bytes().decode("utf-8-sig")
    document = load_yaml(text).documents[0]
    spec, _ = parse_spec(document.data, path.stem)
    assert spec is not None  # it checked clean
    factory = find_factory(request.module)
    values = {**spec.dims, **request.dims}
    problems: list[Problem]
    try:
        if spec.framework.key == "torch":
            from lstmshape.verify.torch_model import verify_torch

            problems = verify_torch(spec, report, factory, request.module, arguments, values)
        else:
            from lstmshape.verify.keras_model import verify_keras

            problems = verify_keras(spec, report, factory, request.module, arguments, values)
    except CannotVerify:
        raise
    except Exception as error:  # a bug in lstmshape: said as such, never a traceback
        raise CannotVerify(
            f"{path}: lstmshape failed to verify this spec: {one_line(error)}; this is a bug "
            "in lstmshape, not in your spec or model: please report it with both"
        ) from error
    lines = text.splitlines()
    found = [locate(problem, document.positions, lines) for problem in problems]
    return replace(
        report,
        diagnostics=sorted([*report.diagnostics, *found], key=lambda d: (d.line, d.column, d.code)),
    )
