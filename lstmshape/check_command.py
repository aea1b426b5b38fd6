"""``lstmshape check`` itself: settings, the result cache and the runner, without click.

The full command line (:mod:`lstmshape.cli`) parses the options with click and
calls :func:`check`; so does :mod:`lstmshape.warm` for a plain ``check`` that the
cache cannot answer, after reading the options itself: click alone costs more
than a third of a cold check's start-up.  A mistake in how lstmshape is called
is :class:`UsageError`, which each caller words as ``lstmshape: MESSAGE``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

from lstmshape.discovery import STDIN

if TYPE_CHECKING:
    from pathlib import Path


class UsageError(Exception):
    """The command cannot run as called (exit 2); each message is one line."""

    def __init__(self, *messages: str) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages


def check(
    paths: tuple[str, ...],
    *,
    output_format: str | None,
    strict: bool | None,
    no_color: bool,
    quiet: bool,
    output: Path | None,
    skip_non_specs: bool,
    config_path: Path | None,
    stdin_filename: str | None,
    no_cache: bool,
    cache_dir: str | None,
    costs: bool = False,
    dims: Mapping[str, int] | None = None,
) -> int:
    """Check ``paths`` and write the report; the exit code (see :mod:`lstmshape.exit_codes`)."""
    from lstmshape import cache
    from lstmshape.config import ConfigError, read_settings_files, settings_from
    from lstmshape.reporters import AUTO, FORMAT_CHOICES
    from lstmshape.runner import CannotRun, run_check

    if stdin_filename is not None and STDIN not in paths:
        raise UsageError("--stdin-filename names the spec read from `-`, which is not given")

    files = read_settings_files(config_path, os.getcwd())
    try:
        settings = settings_from(files, config_path, FORMAT_CHOICES)
    except ConfigError as error:
        raise UsageError(*error.problems) from None

    results = None
    directory = cache.directory(cache_dir, no_cache, os.environ)
    fingerprint = cache.settings_fingerprint(
        None if config_path is None else str(config_path), files
    )
    if directory is not None and fingerprint is not None:
        key = cache.run_key(
            fingerprint,
            output_format=output_format,
            strict=strict,
            no_color=no_color,
            quiet=quiet,
            skip_non_specs=skip_non_specs,
            environ=os.environ,
            costs=costs,
            dims=tuple((dims or {}).items()),
        )
        results = cache.ResultCache(cache.Store(directory), key)
    try:
        return run_check(
            paths,
            output_format=output_format or settings.format or AUTO,
            strict=strict,
            color=False if no_color else None,
            quiet=quiet,
            settings=settings,
            output=output,
            stdin_name=stdin_filename or STDIN,
            skip_non_specs=skip_non_specs,
            cache=results,
            costs=costs or settings.costs,
            dims=dict(dims or {}),
        )
    except CannotRun as error:
        raise UsageError(str(error)) from None
