"""``lstmshape import FILE [-o OUT]``: a Keras model's architecture as a checked spec.

Exit codes, as for ``check``: 0 the spec is written and checks clean; 1 the
model cannot be imported (a Lambda, a custom object, a layer lstmshape does
not model, an unsafe or unreadable archive: diagnostics on stderr, nothing
written), or the spec written has errors (the check's diagnostics on
stderr, placed in the spec); 2 the command could not run as asked (no such
file, an output it cannot write).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from lstmshape.config import Settings
from lstmshape.exit_codes import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from lstmshape.importing.problems import ImportProblem, Refused


def run_import(
    path: Path,
    *,
    output: Path | None = None,
    check: bool = True,
    settings: Settings | None = None,
    out: TextIO | None = None,
    errors: TextIO | None = None,
) -> int:
    out = out if out is not None else sys.stdout
    errors = errors if errors is not None else sys.stderr
    try:
        text, problems = import_file(path)
    except OSError as error:
        errors.write(f"lstmshape: {path}: {error.strerror or error}\n")
        return EXIT_USAGE
    for problem in problems:
        errors.write(problem.render(str(path)) + "\n")
    if text is None:
        count = sum(problem.is_error for problem in problems)
        errors.write(f"lstmshape: {path}: not imported: {count} error{'s' if count != 1 else ''}\n")
        return EXIT_FAILED
    if output is None:
        out.write(text)
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as error:
            errors.write(f"lstmshape: {output}: cannot write the spec: {error.strerror}\n")
            return EXIT_USAGE
    if not check:
        return EXIT_OK
    return _check(text, str(output) if output is not None else "<stdout>", settings, errors)


def import_file(path: Path) -> tuple[str | None, list[ImportProblem]]:
    """The spec's YAML (None when the model cannot be imported) and the import's problems.

    ``OSError`` when the file cannot be opened.
    """
    from lstmshape.importing.graph import convert_model
    from lstmshape.importing.reading import read_model
    from lstmshape.importing.yaml_text import spec_yaml

    if path.is_dir():
        raise IsADirectoryError(21, "is a directory; import reads one Keras file")
    try:
        spec = convert_model(read_model(path))
    except Refused as refused:
        return None, [refused.problem]
    except OSError:
        raise
    except Exception as error:  # a bug in lstmshape: said as such, never a traceback
        return None, [
            ImportProblem(
                "LS009",
                f"lstmshape failed to import this file: {type(error).__name__}: {error}; this is "
                "a bug in lstmshape, not in your model: please report it with the file",
            )
        ]
    problems = sorted(spec.problems, key=lambda problem: (problem.line, problem.column))
    if any(problem.is_error for problem in problems):
        return None, problems
    return spec_yaml(spec, path.name), problems


def _check(text: str, shown: str, settings: Settings | None, errors: TextIO) -> int:
    from lstmshape.runner import check_text
    from lstmshape.suppression import apply_settings

    failed = False
    for checked in check_text(text, shown):
        report = apply_settings(checked, settings or Settings())
        for diagnostic in report.diagnostics:
            errors.write(
                f"{shown}:{diagnostic.line}:{diagnostic.column}: {diagnostic.code} "
                f"{diagnostic.severity.value}: {diagnostic.message}\n"
            )
        failed = failed or any(diagnostic.is_error for diagnostic in report.diagnostics)
    return EXIT_FAILED if failed else EXIT_OK
