"""Settings from ``[tool.lstmshape]`` in pyproject.toml, or a file given with ``--config``.

::

    [tool.lstmshape]
    ignore = ["LS404"]      # never report these codes
    error = ["LS401"]       # report these warnings as errors
    strict = true           # fail (exit 1) on warnings too
    format = "github"       # the default --format
    costs = true            # the text report's table shows costs, as --costs

Without ``--config``, the nearest pyproject.toml with a ``[tool.lstmshape]``
table, from the working directory upward, is used (as ruff finds its own);
a pyproject.toml whose bytes do not mention lstmshape is not parsed at all
(:mod:`lstmshape.pyproject`).
A file given with ``--config`` is read through its ``[tool.lstmshape]``
table when it is named pyproject.toml or has a ``[tool]`` table (a file
shaped like a pyproject.toml), and it is an error if that table is missing;
any other file is the table itself, so a dedicated ``lstmshape.toml`` needs
no header.  Command-line options win over the file.  An unknown key, an
unknown code or a value of the wrong type is an error (exit 2) that names
the file and the key, each of them, not just the first: a misspelt setting
must not be silently ignored.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from lstmshape.diagnostics import RULES, Severity, closest_code
from lstmshape.models.errors import describe, did_you_mean
from lstmshape.pyproject import Read, candidates, read_file
from lstmshape.record import record

if TYPE_CHECKING:
    from pathlib import Path  # at run time only where a settings file is found: see _found_table

TABLE = ("tool", "lstmshape")
KEYS = ("ignore", "error", "strict", "format", "costs")


class ConfigError(Exception):
    """A settings file that cannot be used; each problem names the file and the key."""

    def __init__(self, *problems: str) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@record(frozen=True)
class Settings:
    ignore: frozenset[str] = frozenset()
    error: frozenset[str] = frozenset()
    strict: bool = False
    format: str | None = None
    costs: bool = False
    """Whether the text report's table shows costs (``--costs``)."""
    source: Path | None = None
    """The file the settings come from, None for the defaults."""

    def severity(self, code: str, severity: Severity) -> Severity:
        return Severity.ERROR if code in self.error else severity


def _parse_toml(path: Path, data: Read) -> dict[str, Any]:
    # Imported here: most runs find no file that mentions lstmshape, and
    # need no TOML parser.
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib

    if isinstance(data, OSError):
        raise ConfigError(f"{path}: cannot read the file: {data.strerror or data}")
    try:
        return tomllib.loads(data.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None


def _table(document: dict[str, Any], path: Path) -> dict[str, Any] | None:
    tool = document.get(TABLE[0])
    if not isinstance(tool, dict) or TABLE[1] not in tool:
        return None
    table = tool[TABLE[1]]
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: tool.lstmshape should be a table, found {describe(table)}")
    return table


SettingsFiles = list[tuple[str, Read]]
"""The files the settings may come from, with their bytes: what :func:`read_settings_files`
read, for :func:`settings_from` to parse and for the result cache's key."""


def read_settings_files(config: Path | None, cwd: str | Path) -> SettingsFiles:
    """The file given with ``--config``, else every pyproject.toml that may hold the settings."""
    if config is not None:
        return [(str(config), read_file(str(config)))]
    return candidates(str(cwd))


def find_config(start: Path) -> Path | None:
    """The nearest pyproject.toml, from ``start`` upward, that has [tool.lstmshape]."""
    found = _found_table(candidates(str(start)))
    return None if found is None else found[0]


def _found_table(files: SettingsFiles) -> tuple[Path, dict[str, Any]] | None:
    for name, data in files:  # each mentions lstmshape: most runs have none
        from pathlib import Path

        path = Path(name)
        table = _table(_parse_toml(path, data), path)
        if table is not None:
            return path, table
    return None


def load_settings(config: Path | None, cwd: Path, format_names: Iterable[str]) -> Settings:
    """The settings of ``--config`` if given, else of the nearest pyproject.toml."""
    return settings_from(read_settings_files(config, cwd), config, format_names)


def settings_from(
    files: SettingsFiles, config: Path | None, format_names: Iterable[str]
) -> Settings:
    """The settings in ``files``, as :func:`read_settings_files` read them for ``config``."""
    if config is not None:
        ((_, data),) = files
        document = _parse_toml(config, data)
        if config.name != "pyproject.toml" and TABLE[0] not in document:
            return parse_settings(document, config, format_names, str(config))
        table = _table(document, config)
        if table is None:
            raise ConfigError(
                f"{config}: no [tool.lstmshape] table, where lstmshape reads its settings "
                "in a pyproject.toml or any file with a [tool] table"
            )
        return parse_settings(table, config, format_names, f"{config}: [tool.lstmshape]")
    found = _found_table(files)
    if found is None:
        return Settings()
    path, table = found
    return parse_settings(table, path, format_names, f"{path}: [tool.lstmshape]")


def parse_settings(
    table: dict[str, Any], source: Path, format_names: Iterable[str], where: str
) -> Settings:
    """The settings in ``table``; every mistake in it is one problem of a :class:`ConfigError`.

    ``where`` names the table in the problems: the file, and its [tool.lstmshape].
    """
    names = list(format_names)
    problems: list[str] = []
    for key, value in table.items():  # in the file's order, as the user reads it
        if key not in KEYS:
            close = did_you_mean(key, KEYS)
            advice = f"did you mean {close}?" if close else f"the settings are {', '.join(KEYS)}"
            problems.append(f"unknown setting {key!r}; {advice}")
        elif key in ("strict", "costs") and not isinstance(value, bool):
            problems.append(f"{key} should be true or false, found {describe(value)}")
        elif key == "format" and value not in names:
            problems.append(f"format should be one of {', '.join(names)}, found {describe(value)}")
        elif key in ("ignore", "error"):
            problems += _code_problems(key, value)
    if problems:
        raise ConfigError(*(f"{where}: {problem}" for problem in problems))
    return Settings(
        ignore=frozenset(table.get("ignore", ())),
        error=frozenset(table.get("error", ())),
        strict=table.get("strict", False),
        format=table.get("format"),
        costs=table.get("costs", False),
        source=source,
    )


def _code_problems(key: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        return [f'{key} should be a list of codes such as ["LS404"], found {describe(value)}']
    problems = []
    for code in value:
        if code not in RULES:
            close = closest_code(code)
            advice = f"; did you mean {close}?" if close else ""
            problems.append(f"{key} names {code!r}, which is no lstmshape code{advice}")
    return problems
