"""Settings from ``[tool.lstmshape]`` in pyproject.toml, or a file given with ``--config``.

::

    [tool.lstmshape]
    ignore = ["LS404"]      # never report these codes
    error = ["LS401"]       # report these warnings as errors
    strict = true           # fail (exit 1) on warnings too
    format = "github"       # the default --format

Without ``--config``, the nearest pyproject.toml with a ``[tool.lstmshape]``
table, from the working directory upward, is used (as ruff finds its own).
A file given with ``--config`` is read whole: its ``[tool.lstmshape]``
table if it has one, otherwise its top level, so a dedicated
``lstmshape.toml`` needs no table header.  Command-line options win over
the file.  An unknown key, an unknown code or a value of the wrong type is
an error (exit 2) that names the file and the key: a misspelt setting must
not be silently ignored.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lstmshape.diagnostics import RULES, Severity
from lstmshape.models.errors import describe, did_you_mean

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

TABLE = ("tool", "lstmshape")
KEYS = ("ignore", "error", "strict", "format")


class ConfigError(Exception):
    """A settings file that cannot be used; the message names the file and key."""


@dataclass(frozen=True)
class Settings:
    ignore: frozenset[str] = frozenset()
    error: frozenset[str] = frozenset()
    strict: bool = False
    format: str | None = None
    source: Path | None = None
    """The file the settings come from, None for the defaults."""

    def severity(self, code: str, severity: Severity) -> Severity:
        return Severity.ERROR if code in self.error else severity


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as error:
        raise ConfigError(f"{path}: cannot read the file: {error.strerror or error}") from None
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


def find_config(start: Path) -> Path | None:
    """The nearest pyproject.toml, from ``start`` upward, that has [tool.lstmshape]."""
    for directory in (start, *start.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file() and _table(_read_toml(candidate), candidate) is not None:
            return candidate
    return None


def load_settings(config: Path | None, cwd: Path, format_names: Iterable[str]) -> Settings:
    """The settings of ``--config`` if given, else of the nearest pyproject.toml."""
    if config is not None:
        document = _read_toml(config)
        table = _table(document, config)
        if table is None:
            table = {} if config.name == "pyproject.toml" else document
        return parse_settings(table, config, format_names)
    found = find_config(cwd)
    if found is None:
        return Settings()
    return parse_settings(_table(_read_toml(found), found) or {}, found, format_names)


def parse_settings(table: dict[str, Any], source: Path, format_names: Iterable[str]) -> Settings:
    where = f"{source}: [tool.lstmshape]" if source.name == "pyproject.toml" else str(source)
    for key in table:
        if key not in KEYS:
            close = did_you_mean(key, KEYS)
            advice = f"did you mean {close}?" if close else f"the settings are {', '.join(KEYS)}"
            raise ConfigError(f"{where}: unknown setting {key!r}; {advice}")
    strict = table.get("strict", False)
    if not isinstance(strict, bool):
        raise ConfigError(f"{where}: strict should be true or false, found {describe(strict)}")
    names = list(format_names)
    output_format = table.get("format")
    if output_format is not None and output_format not in names:
        raise ConfigError(
            f"{where}: format should be one of {', '.join(names)}, found {describe(output_format)}"
        )
    return Settings(
        ignore=_codes(table, "ignore", where),
        error=_codes(table, "error", where),
        strict=strict,
        format=output_format,
        source=source,
    )


def _codes(table: dict[str, Any], key: str, where: str) -> frozenset[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ConfigError(
            f'{where}: {key} should be a list of codes such as ["LS404"], found {describe(value)}'
        )
    for code in value:
        if code not in RULES:
            close = did_you_mean(code, RULES)
            advice = f"; did you mean {close}?" if close else ""
            raise ConfigError(f"{where}: {key} names {code!r}, which is no lstmshape code{advice}")
    return frozenset(value)
