"""Checking files: discovery, the pipeline for one file, and the exit code.

Exit codes: 0 no errors; 1 at least one error in a spec (or a warning with
``strict``); 2 the command could not run as asked (a path that does not
exist or holds no spec).
"""

from __future__ import annotations

import bisect
import dataclasses
import gc
import os
import stat
import sys
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from lstmshape.comments import Suppression, read_suppressions
from lstmshape.config import Settings
from lstmshape.diagnostics import Diagnostic, Problem
from lstmshape.engine.graph import LayerResult, propagate
from lstmshape.loader import Document, Positions, load_yaml
from lstmshape.models.spec import parse_spec
from lstmshape.progress import progress_bar
from lstmshape.report import ModelReport, Summary
from lstmshape.reporters import AUTO, REPORTER_BY_NAME, Reporter, ReporterOptions, resolve_format
from lstmshape.spec_detection import (
    has_spec_key_line,
    is_spec_document,
    is_spec_file,
    names_lstmshape_schema,
    not_a_spec,
)
from lstmshape.suppression import apply_settings

SPEC_SUFFIXES = (".yaml", ".yml")
MAX_FILE_BYTES = 10 * 1024 * 1024
"""Larger files are refused unread: a spec of 10,000 layers is under 2 MB."""


def locate(problem: Problem, positions: Positions) -> Diagnostic:
    where = positions.of_key(problem.at) if problem.on_key else positions.of_value(problem.at)
    return placed(problem, where)


def placed(problem: Problem, where: tuple[int, int]) -> Diagnostic:
    line, column = where
    hint = _cut(problem.hint) if problem.hint else None
    return Diagnostic(
        problem.code, problem.severity, _cut(problem.message), line, column, hint, problem.layer
    )


def _sorted(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return sorted(diagnostics, key=lambda d: (d.line, d.column, d.code))


MAX_MESSAGE_CHARS = 500
"""Messages quote what the spec says; a 1 MB name is shown cut short."""


def _cut(text: str) -> str:
    if len(text) <= MAX_MESSAGE_CHARS:
        return text
    return f"{text[:MAX_MESSAGE_CHARS]}... ({len(text):,} characters in all)"


def check_text(text: str, path: str, *, skip_non_specs: bool = False) -> list[ModelReport]:
    """Check every YAML document in ``text``; one report per document.

    A problem that stops the YAML parser gets a report of its own after the
    documents before it, which are checked as usual.  With
    ``skip_non_specs``, a file that is not a spec gives no report at all.
    """
    lines = text.splitlines()
    loaded = load_yaml(text)
    if skip_non_specs and not is_spec_file(text, loaded):
        return []
    declared = names_lstmshape_schema(text)
    default_name = Path(path).stem
    reports = [
        _check_document(document, path, default_name, lines, declared)
        for document in loaded.documents
    ]
    if loaded.problems or not reports:
        empty = Problem("LS005", "the file holds no spec: it is empty or only comments", ())
        fatal = loaded.problems or [(empty, (1, 1))]
        diagnostics = [placed(problem, where) for problem, where in fatal]
        reports.append(ModelReport(path, None, None, [], 0, _sorted(diagnostics), lines))
    suppressions, comment_problems = read_suppressions(text)
    if suppressions or comment_problems:
        reports = _with_comments(reports, loaded.documents, suppressions, comment_problems)
    return reports


def _with_comments(
    reports: list[ModelReport],
    documents: list[Document],
    suppressions: list[Suppression],
    problems: list[tuple[Problem, tuple[int, int]]],
) -> list[ModelReport]:
    """Each report with the suppression comments of its document, and their LS410s.

    A document runs from its first value to the next document's; a report
    after the documents (a syntax error) holds the lines after the last value
    of the last document, which nothing checked.
    """
    starts = [1] + [document.positions.of_value(())[0] for document in documents[1:]]
    if len(reports) > len(documents) and documents:
        last = documents[-1].positions.values.values()
        starts.append(max(line for line, _ in last) + 1)

    def owner(line: int) -> int:
        return bisect.bisect_right(starts, line) - 1

    owned: list[list[Suppression]] = [[] for _ in reports]
    for suppression in suppressions:
        owned[owner(suppression.line)].append(suppression)
    found: list[list[Diagnostic]] = [[] for _ in reports]
    for problem, where in problems:
        found[owner(where[0])].append(placed(problem, where))
    return [
        dataclasses.replace(
            report,
            diagnostics=_sorted([*report.diagnostics, *found[index]]),
            suppressions=tuple(owned[index]),
        )
        if owned[index] or found[index]
        else report
        for index, report in enumerate(reports)
    ]


def _check_document(
    document: Document, path: str, default_name: str, lines: list[str], declared: bool
) -> ModelReport:
    """``declared``: the file names lstmshape's schema, so it is a spec whatever its keys."""
    if isinstance(document.data, dict) and not declared and not is_spec_document(document.data):
        spec, problems = None, [not_a_spec(document.data)]
    else:
        spec, problems = parse_spec(document.data, default_name)
    diagnostics = [placed(problem, where) for problem, where in document.problems]
    layers: list[LayerResult] = []
    params = 0
    if spec is not None:
        model = propagate(spec)
        problems += model.problems
        layers, params = model.layers, model.params
    diagnostics += [locate(problem, document.positions) for problem in problems]
    return ModelReport(
        path,
        spec.framework.key if spec else None,
        spec.name if spec else None,
        layers,
        params,
        _sorted(diagnostics),
        lines,
    )


def check_file(path: Path, shown_as: str, *, skip_non_specs: bool = False) -> list[ModelReport]:
    """Check one file; every failure, even a bug in lstmshape, is a diagnostic.

    With ``skip_non_specs``, a file that is not a spec gives no report; one
    that cannot be read is reported all the same, since what it holds is unknown.
    """

    def failed(
        code: str, message: str, hint: str | None = None, where: tuple[int, int] = (1, 1)
    ) -> list[ModelReport]:
        diagnostic = placed(Problem(code, message, (), hint), where)
        return [ModelReport(shown_as, None, None, [], 0, [diagnostic], [])]

    try:
        data = _read_limited(path)
    except _TooBig as error:
        if skip_non_specs and not has_spec_key_line(error.start.decode("utf-8", "replace")):
            return []  # a large generated YAML file of the repository, not a spec
        return failed(
            "LS006",
            f"the file is larger than {MAX_FILE_BYTES:,} bytes, the most lstmshape reads",
            f"{error} is not a spec written by hand; is this the right file?",
        )
    except OSError as error:
        return failed("LS004", f"cannot read the file: {error.strerror or error}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        return failed(
            "LS004",
            f"the file is not UTF-8 text: byte 0x{data[error.start]:02x} cannot be decoded",
            "save the spec as UTF-8",
            (line, column),
        )
    try:
        return check_text(text, shown_as, skip_non_specs=skip_non_specs)
    except Exception as error:  # a bug in lstmshape must not stop the other files
        return failed(
            "LS009",
            f"lstmshape failed on this file: {type(error).__name__}: {error}",
            "this is a bug in lstmshape, not in your spec; please report it together "
            "with the spec that triggers it",
        )


class _TooBig(Exception):
    def __init__(self, name: str, start: bytes) -> None:
        super().__init__(name)
        self.start = start
        """The bytes read: enough to tell whether the file is meant as a spec."""


def _read_limited(path: Path) -> bytes:
    """The file's bytes, refusing what is not a regular file or is too large.

    A FIFO or a device named ``model.yaml`` would block or never end, and a
    file's size on disk can lie (``/proc``), so at most one byte more than
    the limit is ever read.
    """
    # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError(0, "it is not a regular file (a directory, a device or a pipe)")
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise _TooBig(path.name, data)
    return data


def discover(paths: Iterable[Path], errors: TextIO) -> tuple[list[Path], int]:
    """The spec files named or found below the given paths, and how many paths failed.

    Each path is reported on its own: one that cannot be used does not stop
    the others from being checked.
    """
    files: list[Path] = []
    unusable = 0
    for path in paths:
        try:
            if path.is_dir():
                found = sorted(_specs_below(path))
                if not found:
                    errors.write(f"lstmshape: {path}: no *.yaml or *.yml files in this directory\n")
                    unusable += 1
                files += found
            elif path.exists() or path.is_symlink():  # a dangling link is read, and reported
                files.append(path)
            else:
                errors.write(f"lstmshape: {path}: no such file or directory\n")
                unusable += 1
        except OSError as error:  # a directory that cannot be listed, a path too long
            errors.write(f"lstmshape: {path}: {error.strerror or error}\n")
            unusable += 1
    return files, unusable


def _specs_below(directory: Path) -> Iterator[Path]:
    for path in directory.rglob("*"):
        hidden = any(part.startswith(".") for part in path.relative_to(directory).parts)
        # a dangling link is kept so that it is reported, not silently skipped
        if path.suffix in SPEC_SUFFIXES and (path.is_file() or path.is_symlink()) and not hidden:
            yield path


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Checking a file builds many objects and no reference cycles to speak of.

    Python's cyclic garbage collector still walks every live object now and
    then while they are made: a third of the time of a 10,000-layer spec.
    Memory is freed by reference counting as usual; whatever cycles one file
    leaves are collected after it, when the collector is back on.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def run_check(
    paths: Iterable[Path],
    *,
    output_format: str = AUTO,
    strict: bool = False,
    color: bool | None = None,
    quiet: bool = False,
    settings: Settings | None = None,
    out: TextIO | None = None,
    errors: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
    skip_non_specs: bool = False,
) -> int:
    """Check ``paths`` and report in ``output_format``; returns the exit code.

    The exit code depends on the diagnostics left after ``settings`` (ignored
    codes, suppression comments, codes promoted to errors), never on the format.
    ``skip_non_specs`` skips and counts files that are not specs, named or
    found (see :mod:`lstmshape.spec_detection`), instead of reporting them.
    """
    out = out if out is not None else sys.stdout
    errors = errors if errors is not None else sys.stderr
    settings = settings if settings is not None else Settings()
    name = resolve_format(output_format, os.environ if environ is None else environ)
    files, unusable = discover(paths, errors)
    reporter: Reporter = REPORTER_BY_NAME[name](out, ReporterOptions(color, quiet))
    summary = Summary(unusable_paths=unusable, skipping=skip_non_specs)
    reporter.start()
    with progress_bar(len(files), name, errors) as bar:
        for path in files:
            with _cyclic_gc_paused():
                found = check_file(path, str(path), skip_non_specs=skip_non_specs)
                reports = [apply_settings(report, settings, strict=strict) for report in found]
            if not found:  # not a spec, and skip_non_specs
                summary.skipped += 1
                bar.advance()
                continue
            summary.files += 1
            with bar.lifted():
                for report in reports:
                    summary.add(report)
                    reporter.handle(report)
            bar.advance()
    reporter.finish(summary)
    return summary.exit_code(strict or settings.strict)
