"""Checking files: the pipeline for one file, the run over every path, and the exit code.

Exit codes: 0 no errors; 1 at least one error in a spec (or a warning with
``strict``); 2 the command could not run as asked (a path that does not
exist or holds no spec, an output that is one of the specs, a report that
cannot be written).
"""

from __future__ import annotations

import bisect
import gc
import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, BinaryIO, TextIO

from lstmshape.cache import Part, ResultCache
from lstmshape.comments import Suppression, read_suppressions
from lstmshape.config import Settings
from lstmshape.diagnostics import Diagnostic, Problem, Severity
from lstmshape.discovery import (
    MAX_FILE_BYTES,
    STDIN,
    Source,
    discover,
    named_as_report,
    read_capped,
)
from lstmshape.engine.graph import LayerResult, propagate
from lstmshape.exit_codes import EXIT_USAGE
from lstmshape.loader import Document, Positions, load_yaml
from lstmshape.models.spec import parse_spec
from lstmshape.progress import Bar, progress_bar
from lstmshape.record import record, replace
from lstmshape.report import ModelReport, SourceLines, Summary
from lstmshape.reporters import AUTO, REPORTER_BY_NAME, Reporter, ReporterOptions, resolve_format
from lstmshape.spec_detection import (
    has_spec_key_line,
    is_spec_document,
    is_spec_file,
    names_lstmshape_schema,
    not_a_spec,
)
from lstmshape.suppression import apply_settings

if TYPE_CHECKING:
    from pathlib import Path


def locate(
    problem: Problem, positions: Positions, lines: Sequence[str] | None = None
) -> Diagnostic:
    where = positions.of_key(problem.at) if problem.on_key else positions.of_value(problem.at)
    if problem.within is not None and lines is not None:
        where = _inside(where, *problem.within, lines)
    return placed(problem, where)


def _inside(
    where: tuple[int, int], value: str, offset: int, lines: Sequence[str]
) -> tuple[int, int]:
    """The position ``offset`` characters into a string value that starts at ``where``.

    Only where the value stands on its line as written (plain or quoted,
    without escapes before the offset); otherwise the value's start.
    """
    line, column = where
    if not 0 < line <= len(lines):
        return where
    text = lines[line - 1]
    start = column - 1
    if text[start : start + 1] in ("'", '"'):
        start += 1
    if text.startswith(value[:offset], start):
        return line, start + offset + 1
    return where


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


def _stem(path: str) -> str:
    """``pathlib.Path(path).stem`` (a spec's default model name), without importing pathlib."""
    name = os.path.basename(path)
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


def check_text(text: str, path: str, *, skip_non_specs: bool = False) -> list[ModelReport]:
    """Check every YAML document in ``text``; one report per document.

    A problem that stops the YAML parser gets a report of its own after the
    documents before it, which are checked as usual.  With
    ``skip_non_specs``, a file that is not a spec gives no report at all.
    """
    lines = SourceLines(text)
    loaded = load_yaml(text)
    if skip_non_specs and not is_spec_file(text, loaded):
        return []
    declared = names_lstmshape_schema(text)
    default_name = _stem(path)
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
        replace(
            report,
            diagnostics=_sorted([*report.diagnostics, *found[index]]),
            suppressions=tuple(owned[index]),
        )
        if owned[index] or found[index]
        else report
        for index, report in enumerate(reports)
    ]


def _check_document(
    document: Document, path: str, default_name: str, lines: Sequence[str], declared: bool
) -> ModelReport:
    """``declared``: the file names lstmshape's schema, so it is a spec whatever its keys."""
    if isinstance(document.data, dict) and not declared and not is_spec_document(document.data):
        spec, problems = None, [not_a_spec(document.data)]
    else:
        spec, problems = parse_spec(document.data, default_name)
    diagnostics = [placed(problem, where) for problem, where in document.problems]
    layers: list[LayerResult] = []
    params: int | None = 0
    if spec is not None:
        model = propagate(spec)
        problems += model.problems
        layers, params = model.layers, model.params
    diagnostics += [locate(problem, document.positions, lines) for problem in problems]
    return ModelReport(
        path,
        spec.framework.key if spec else None,
        spec.name if spec else None,
        layers,
        params,
        _sorted(diagnostics),
        lines,
        dims=spec.dims if spec else {},
    )


def check_source(source: Source, *, skip_non_specs: bool = False) -> list[ModelReport]:
    """Check a file, or standard input, or report a directory that could not be listed.

    With ``skip_non_specs``, a file that is not a spec gives no report; one
    that cannot be read is reported all the same, since what it holds is unknown.
    """
    data = read_source(source, skip_non_specs=skip_non_specs)
    if isinstance(data, list):
        return data
    return check_bytes(data, source.shown_as, skip_non_specs=skip_non_specs)


def read_source(source: Source, *, skip_non_specs: bool = False) -> bytes | list[ModelReport]:
    """The bytes to check, or the reports of a source that cannot be read (none if skipped)."""
    if source.listing_error is not None:
        reason = source.listing_error.strerror or source.listing_error
        return _failed(
            source.shown_as,
            "LS004",
            f"cannot list the directory: {reason}",
            "the specs in this directory, if any, were not checked",
        )
    path = source.path
    if path is None:
        return _read(lambda: _read_capped(_standard_input()), source.shown_as, skip_non_specs)
    return _read(lambda: _read_limited(path), source.shown_as, skip_non_specs)


def _failed(
    shown_as: str,
    code: str,
    message: str,
    hint: str | None = None,
    where: tuple[int, int] = (1, 1),
) -> list[ModelReport]:
    """The report of a file that could not be checked: one diagnostic and nothing else."""
    diagnostic = placed(Problem(code, message, (), hint), where)
    return [ModelReport(shown_as, None, None, [], 0, [diagnostic], [])]


def check_file(
    path: str | Path, shown_as: str, *, skip_non_specs: bool = False
) -> list[ModelReport]:
    """Check one file; every failure, even a bug in lstmshape, is a diagnostic."""
    data = _read(lambda: _read_limited(path), shown_as, skip_non_specs)
    if isinstance(data, list):
        return data
    return check_bytes(data, shown_as, skip_non_specs=skip_non_specs)


def _read(
    read: Callable[[], bytes], shown_as: str, skip_non_specs: bool
) -> bytes | list[ModelReport]:
    """What ``read`` returns, or a failure to read as a report."""
    try:
        return read()
    except _TooBig as error:
        if skip_non_specs and not has_spec_key_line(error.start.decode("utf-8", "replace")):
            return []  # a large generated YAML file of the repository, not a spec
        return _failed(
            shown_as,
            "LS006",
            f"the file is larger than {MAX_FILE_BYTES:,} bytes, the most lstmshape reads",
            f"{os.path.basename(shown_as)} is not a spec written by hand; is this the right file?",
        )
    except OSError as error:
        return _failed(shown_as, "LS004", f"cannot read the file: {error.strerror or error}")


INTERNAL_ERROR = "LS009"
"""lstmshape failed on the file: a bug, so its report is never kept in the cache."""


def check_bytes(data: bytes, shown_as: str, *, skip_non_specs: bool = False) -> list[ModelReport]:
    """Check a file's bytes: they must be UTF-8; every failure is a diagnostic."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        return _failed(
            shown_as,
            "LS004",
            f"the file is not UTF-8 text: byte 0x{data[error.start]:02x} cannot be decoded",
            "save the spec as UTF-8",
            (line, column),
        )
    try:
        return check_text(text, shown_as, skip_non_specs=skip_non_specs)
    except Exception as error:  # a bug in lstmshape must not stop the other files
        return _failed(
            shown_as,
            "LS009",  # INTERNAL_ERROR, spelt out for tests/test_code_owners.py to find
            f"lstmshape failed on this file: {type(error).__name__}: {error}",
            "this is a bug in lstmshape, not in your spec; please report it together "
            "with the spec that triggers it",
        )


class _TooBig(Exception):
    def __init__(self, start: bytes) -> None:
        super().__init__()
        self.start = start
        """The bytes read: enough to tell whether the file is meant as a spec."""


def _read_limited(path: str | Path) -> bytes:
    """The file's bytes, refusing what is not a regular file or is too large.

    A FIFO or a device named ``model.yaml`` would block or never end, and a
    file's size on disk can lie (``/proc``), so at most one byte more than
    the limit is ever read.
    """
    # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(descriptor, "rb") as handle:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise OSError(0, "it is not a regular file (a directory, a device or a pipe)")
        return _read_capped(handle, status.st_size)


def _read_capped(stream: BinaryIO, expected: int = 0) -> bytes:
    """The stream's bytes (see :func:`read_capped`), or :class:`_TooBig`."""
    data = read_capped(stream.read, expected, MAX_FILE_BYTES)
    if len(data) > MAX_FILE_BYTES:
        raise _TooBig(data)
    return data


def _standard_input() -> BinaryIO:
    """Looked up when read: a test runner or an embedding program may replace sys.stdin."""
    if sys.stdin is None:  # pythonw, or a process started without one
        raise OSError(0, "there is no standard input")
    return sys.stdin.buffer


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Checking a file and writing its report build many objects and no reference cycles
    to speak of.

    Python's cyclic garbage collector still walks every live object now and
    then while they are made: a third of the time of a 10,000-layer spec, and
    a sixth more while its report is written.  Memory is freed by reference
    counting as usual; whatever cycles one file leaves are collected after it,
    when the collector is back on.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


class CannotRun(Exception):
    """The command cannot run as asked (exit 2); the message says why in one line."""


def run_check(
    paths: Iterable[str | Path],
    *,
    output_format: str = AUTO,
    strict: bool | None = None,
    color: bool | None = None,
    quiet: bool = False,
    settings: Settings | None = None,
    out: TextIO | None = None,
    output: Path | None = None,
    errors: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
    skip_non_specs: bool = False,
    stdin_name: str = STDIN,
    cache: ResultCache | None = None,
    costs: bool = False,
    dims: Mapping[str, int] | None = None,
) -> int:
    """Check ``paths`` and report in ``output_format``; returns the exit code.

    ``paths`` are as written on the command line, ``-`` for standard input
    (shown in the report as ``stdin_name``).  The report goes to ``out``, or
    to the file ``output``, which is written only once every spec has been
    read, and never if it is one of the files named (:class:`CannotRun`).

    The exit code depends on the diagnostics left after ``settings`` (ignored
    codes, suppression comments, codes promoted to errors), never on the
    format; warnings fail the run if ``strict`` says so, or if it is None and
    the settings say so.  When no path can be used, nothing is reported: the
    reasons are on ``errors``, and it is 2.  ``skip_non_specs`` skips and
    counts files that are not specs, named or found (see
    :mod:`lstmshape.spec_detection`), instead of reporting them.

    ``costs`` adds the costs to the text report (``--costs``); ``dims`` gives
    symbols values for the reports to evaluate shapes and costs with (``--dim``).

    With ``cache``, a file read before with the same bytes, path and run key
    is not checked again: its part of the report is written as it was kept.
    Only output that does not depend on the terminal is kept (see
    :attr:`lstmshape.reporters.Reporter.fixed`).
    """
    from io import StringIO

    paths = list(paths)
    errors = errors if errors is not None else sys.stderr
    settings = settings if settings is not None else Settings()
    name = resolve_format(output_format, os.environ if environ is None else environ)
    if output is not None and named_as_report(paths, output):
        raise CannotRun(f"{output}: --output names a spec to check; the report would overwrite it")
    sources, unusable = discover(paths, errors, stdin_name, report=output)
    if not sources:
        return EXIT_USAGE
    summary = Summary(unusable_paths=unusable, skipping=skip_non_specs)
    strict = settings.strict if strict is None else strict
    checking = _Checking(settings, strict, skip_non_specs)

    def report_to(target: TextIO) -> None:
        reporter = REPORTER_BY_NAME[name](target, ReporterOptions(color, quiet, costs, dims or {}))
        kept = cache if reporter.fixed else None
        if kept is not None:
            kept.remember_run((name, strict, *_frame(name)))
        _report(sources, reporter, summary, checking, name, errors, kept)
        if kept is not None:
            kept.close()

    if output is None:
        target = out if out is not None else sys.stdout
        try:
            report_to(target)
            target.flush()  # a full disk or a closed pipe shows here, not at exit
        except OSError as error:  # checking reports its own; only writing is left
            reason = error.strerror or error
            raise CannotRun(f"standard output: cannot write the report: {reason}") from None
    else:
        # Written whole at the end: opening the file first would empty it
        # while it may still be read (as `-`, or through a link).
        buffer = StringIO()
        report_to(buffer)
        _write_file(output, buffer.getvalue())
    return summary.exit_code(strict)


def _write_file(output: Path, report: str) -> None:
    try:
        with output.open("w", encoding="utf-8") as handle:
            handle.write(report)
    except OSError as error:
        raise CannotRun(f"{output}: cannot write the report: {error.strerror or error}") from None


def _frame(output_format: str) -> tuple[str, str]:
    """What a cached run needs to frame its parts but cannot compute without the engine."""
    if output_format != "sarif":
        return "", ""
    from lstmshape.reporters.sarif import frame

    # the warm path serves only runs whose every path could be used
    return frame(execution_successful=True)


@record(frozen=True)
class _Checking:
    """How every file of a run is checked."""

    settings: Settings
    strict: bool
    skip_non_specs: bool

    def reports(self, found: list[ModelReport]) -> list[ModelReport]:
        return [apply_settings(report, self.settings, strict=self.strict) for report in found]


def _report(
    sources: list[Source],
    reporter: Reporter,
    summary: Summary,
    checking: _Checking,
    output_format: str,
    errors: TextIO,
    cache: ResultCache | None,
) -> None:
    """Check every source and feed its reports to ``reporter``, counting them in ``summary``.

    A ``fixed`` reporter is fed each file's part, kept in ``cache`` or
    rendered now; the others each report, as rich draws it for the terminal.
    """
    reporter.start()
    with progress_bar(len(sources), output_format, errors) as bar:
        for source in sources:
            with _cyclic_gc_paused():
                _report_source(source, reporter, summary, checking, cache, bar)
            bar.advance()
    reporter.finish(summary)


def _report_source(
    source: Source,
    reporter: Reporter,
    summary: Summary,
    checking: _Checking,
    cache: ResultCache | None,
    bar: Bar,
) -> None:
    if reporter.fixed:
        counted, file_errors, file_warnings, part = _part(source, reporter, checking, cache)
        if counted:
            summary.files += 1
            summary.errors += file_errors
            summary.warnings += file_warnings
        else:
            summary.skipped += 1
        if part:
            with bar.lifted():
                reporter.add(part)
        return
    found = check_source(source, skip_non_specs=checking.skip_non_specs)
    if not found:  # not a spec, and skip_non_specs
        summary.skipped += 1
        return
    summary.files += 1
    with bar.lifted():
        for report in checking.reports(found):
            summary.add(report)
            reporter.handle(report)


def _part(
    source: Source, reporter: Reporter, checking: _Checking, cache: ResultCache | None
) -> Part:
    """The source's outcome and part of the report: kept in ``cache``, or checked now and kept.

    The key holds the bytes read here, the ones checked.  A file that could
    not be read is not kept, nor one lstmshape failed on (LS009), which is
    checked again each time.
    """
    data = read_source(source, skip_non_specs=checking.skip_non_specs)
    if isinstance(data, list):
        found = data
    else:
        kept = None if cache is None else cache.get(source.shown_as, data)
        if kept is not None:
            return kept
        found = check_bytes(data, source.shown_as, skip_non_specs=checking.skip_non_specs)
    reports = checking.reports(found)
    part: Part = (
        bool(found),
        sum(report.count(Severity.ERROR) for report in reports),
        sum(report.count(Severity.WARNING) for report in reports),
        reporter.render(reports),
    )
    failed = any(d.code == INTERNAL_ERROR for report in found for d in report.diagnostics)
    if cache is not None and isinstance(data, bytes) and not failed:
        cache.put(source.shown_as, data, part)
    return part
