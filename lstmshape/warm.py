"""The warm path: ``lstmshape check`` answered from the result cache, at Python's own speed.

The console script, ``python -m lstmshape`` and the pre-commit hook start
here.  When every file of a ``check`` has its part in the result cache (see
:mod:`lstmshape.cache`), the report is assembled from the parts
(:mod:`lstmshape.output`) and nothing else is loaded: no click, no YAML
parser, no pydantic, no rich.  Anything else goes to the full command line
(:mod:`lstmshape.cli`), which checks and reports: another command, an
option this module does not read, a file not in the cache, a path that
cannot be used, a report for a terminal.  So this module only recognises
what it can answer; it never reports a mistake of its own.
"""

from __future__ import annotations

import io
import os
import stat
import sys

from lstmshape import cache, output
from lstmshape.discovery import MAX_FILE_BYTES, STDIN, discover, read_capped, spelt
from lstmshape.pyproject import candidates, read_file

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import TextIO

_FLAGS = {
    "--strict": ("strict", True),
    "--no-strict": ("strict", False),
    "--no-color": ("no_color", True),
    "-q": ("quiet", True),
    "--quiet": ("quiet", True),
    "--skip-non-specs": ("skip_non_specs", True),
    "--no-cache": ("no_cache", True),
}
_VALUED = {
    "--format": "output_format",
    "--config": "config",
    "--stdin-filename": "stdin_filename",
    "--cache-dir": "cache_dir",
}
COMPLETION_VARIABLE = "_LSTMSHAPE_COMPLETE"
"""Set by a shell asking click for completions: that is the full command line's job."""


def entry() -> None:
    """Run ``lstmshape``: from the cache if it can answer, else check without click if the
    command is a plain ``check``, else the full command line."""
    argv = sys.argv[1:]
    try:
        code = answer(argv)
    except Exception:  # a bug here must not cost the answer: the full command line gives it
        code = None
    if code is None:
        options = parse(argv)
        if options is not None and _plain(options):
            code = _check(options)
        else:
            from lstmshape.cli import entry as full_entry

            full_entry()
    sys.exit(code)


def _path(name: str) -> Path:
    from pathlib import Path  # only for --config: a plain check needs no pathlib

    return Path(name)


def _plain(options: _Check) -> bool:
    """Whether click would take the options as :func:`parse` read them, with nothing to say.

    Click rejects a directory given to ``--config``, and answers a shell's request for
    completions; both stay its job.
    """
    if COMPLETION_VARIABLE in os.environ:
        return False
    return options.config is None or not os.path.isdir(options.config)


def _check(options: _Check) -> int:
    """``check`` as the full command line runs it, with its messages, but without click."""
    from lstmshape.models import light

    light.enable()  # before the models are defined: see lstmshape.models.light
    from lstmshape.check_command import UsageError, check
    from lstmshape.exit_codes import EXIT_USAGE

    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")  # as lstmshape.cli.entry
    try:
        code = check(
            tuple(options.paths),
            output_format=options.output_format,
            strict=options.strict,
            no_color=options.no_color,
            quiet=options.quiet,
            output=None,
            skip_non_specs=options.skip_non_specs,
            config_path=None if options.config is None else _path(options.config),
            stdin_filename=options.stdin_filename,
            no_cache=options.no_cache,
            cache_dir=options.cache_dir,
        )
    except UsageError as error:
        sys.stderr.writelines(f"lstmshape: {message}\n" for message in error.messages)
        code = EXIT_USAGE
    except (EOFError, KeyboardInterrupt):  # as click words it
        sys.stderr.write("\nAborted!\n")
        code = 1
    try:
        sys.stdout.flush()
    except OSError:
        output.discard_stdout()
    return code


class _Check:
    """The options of ``check``, with click's defaults."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        self.output_format: str | None = None
        self.strict: bool | None = None
        self.no_color = False
        self.quiet = False
        self.skip_non_specs = False
        self.config: str | None = None
        self.stdin_filename: str | None = None
        self.no_cache = False
        self.cache_dir: str | None = None


def parse(argv: list[str]) -> _Check | None:
    """The options of ``check ...`` as click reads them, or None for anything less plain.

    Only unambiguous arguments are read: each option at most once, values
    that are neither empty nor look like options, no ``--``, no bundled
    short options.  The rest (errors included) is for click.
    """
    if not argv or argv[0] != "check":
        return None
    options = _Check()
    given: set[str] = set()
    arguments = iter(argv[1:])
    for argument in arguments:
        if argument == STDIN or not argument.startswith("-"):
            options.paths.append(argument)
            continue
        name, equals, value = argument.partition("=")
        setting: str | bool
        if name in _VALUED:
            if not equals:
                value = next(arguments, "")
            if not value or value.startswith("-"):
                return None
            destination, setting = _VALUED[name], value
        elif name in _FLAGS and not equals:
            destination, setting = _FLAGS[name]
        else:
            return None
        if destination in given:
            return None
        given.add(destination)
        setattr(options, destination, setting)
    if not options.paths or options.output_format not in (None, *output.FORMATS):
        return None
    if options.stdin_filename is not None and STDIN not in options.paths:
        return None
    return options


def answer(argv: list[str]) -> int | None:
    """Write the report of ``lstmshape *argv`` from the cache and return its exit code.

    None, having written nothing, when the cache cannot answer; standard
    input, if it was read, is then left for the full command line to read.
    """
    stdin = _StandardInput()
    try:
        found = _from_cache(argv, stdin)
    except BaseException:
        stdin.give_back()
        raise
    if found is None:
        stdin.give_back()
        return None
    return _write(*found)


def _from_cache(
    argv: list[str], stdin: _StandardInput
) -> tuple[cache.Run, list[cache.Part], _Check, TextIO] | None:
    """What the report is made of, if the cache holds all of it."""
    options = parse(argv)
    if options is None or COMPLETION_VARIABLE in os.environ:
        return None
    directory = cache.directory(options.cache_dir, options.no_cache, os.environ)
    if directory is None:
        return None
    config = None if options.config is None else spelt(options.config)
    files = candidates(os.getcwd()) if config is None else [(config, read_file(config))]
    settings = cache.settings_fingerprint(config, files)
    if settings is None:
        return None
    run_key = cache.run_key(
        settings,
        output_format=options.output_format,
        strict=options.strict,
        no_color=options.no_color,
        quiet=options.quiet,
        skip_non_specs=options.skip_non_specs,
        environ=os.environ,
    )
    results = cache.ResultCache(cache.Store(directory), run_key)
    run = results.run()
    out = sys.stdout
    if run is None or out is None or not _fixed(run[0], out, options):
        return None
    parts = _parts(options, results, stdin)
    return None if parts is None else (run, parts, options, out)


def _fixed(output_format: str, out: TextIO, options: _Check) -> bool:
    """Whether the report on ``out`` is the text the cache keeps (see :func:`output.fixed_text`)."""
    if output_format == "text":
        return output.fixed_text(out, False if options.no_color else None)
    return output.writes_utf8(out)  # GitHub's format holds any character the spec does


def _parts(
    options: _Check, results: cache.ResultCache, stdin: _StandardInput
) -> list[cache.Part] | None:
    """Every file's part from the cache, in the order of the report; None if one is missing."""
    sources, unusable = discover(options.paths, io.StringIO(), options.stdin_filename or STDIN)
    if unusable or not sources:  # the full command line says why, on stderr
        return None
    parts = []
    for source in sources:
        if source.listing_error is not None:
            return None
        data = stdin.read() if source.path is None else _read(source.path)
        if data is None:
            return None
        part = results.get(source.shown_as, data)
        if part is None:
            return None
        parts.append(part)
    return parts


def _read(path: str) -> bytes | None:
    """The file's bytes as the runner reads them, or None where it would report a problem."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except (OSError, ValueError):
        return None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            return None
        data = read_capped(lambda size: os.read(descriptor, size), status.st_size)
    except OSError:
        return None
    finally:
        os.close(descriptor)
    return None if len(data) > MAX_FILE_BYTES else data


class _StandardInput:
    """Standard input, read once; given back for the full command line if it must check it."""

    def __init__(self) -> None:
        self._data: bytes | None = None

    def read(self) -> bytes | None:
        stream = sys.stdin
        if stream is None:
            return None
        try:
            self._data = read_capped(stream.buffer.read)
        except (OSError, ValueError, AttributeError):
            return None
        return self._data if len(self._data) <= MAX_FILE_BYTES else None

    def give_back(self) -> None:
        if self._data is not None and sys.stdin is not None:
            sys.stdin = io.TextIOWrapper(
                io.BytesIO(self._data), encoding=sys.stdin.encoding, errors=sys.stdin.errors
            )


def _write(run: cache.Run, parts: list[cache.Part], options: _Check, out: TextIO) -> int:
    output_format, strict, head, tail = run
    files = sum(1 for counted, _, _, _ in parts if counted)
    errors = sum(part[1] for part in parts)
    warnings = sum(part[2] for part in parts)
    report = output.whole_report(
        output_format,
        [part[3] for part in parts],
        quiet=options.quiet,
        frame=(head, tail),
        files=files,
        errors=errors,
        warnings=warnings,
        skipped=len(parts) - files,
        skipping=options.skip_non_specs,
    )
    try:
        out.write(report)
        out.flush()
    except OSError as error:
        sys.stderr.write(output.cannot_write_stdout(error) + "\n")
        output.discard_stdout()
        return 2
    return 1 if errors or (strict and warnings) else 0
