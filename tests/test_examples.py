"""Example specs run end to end through the CLI (check-jsonschema style).

* ``tests/examples/negative/*.yaml``: common mistakes.  Each file starts with
  one or more ``# expect: CODE LINE:COLUMN`` comments; the check must report
  exactly that set of (code, line, column), exit 1 if any is an error (0 if
  all are warnings, and then 1 with ``--strict``).  Codes reported only with
  ``--strict`` (:data:`ONLY_WITH_STRICT`) are expected in the strict run alone.
* ``tests/examples/positive/*.yaml`` and the shipped ``specs/`` must pass
  with no diagnostic at all, even with ``--strict``.
* ``tests/verify/negative/*.yaml``: the negative examples of ``verify``'s codes, specs
  that check clean but differ from a model; tests/verify/test_negative_examples.py runs
  them through ``lstmshape verify``, and they count here as their codes' examples.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from lstmshape.cli import cli
from lstmshape.diagnostics import RULES, Severity

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = Path(__file__).resolve().parent / "examples"
NEGATIVE = sorted((EXAMPLES / "negative").glob("*.yaml"))
VERIFY_NEGATIVE = sorted((ROOT / "tests" / "verify" / "negative").glob("*.yaml"))
POSITIVE = sorted((EXAMPLES / "positive").glob("*.yaml")) + sorted((ROOT / "specs").glob("*.y*ml"))

_EXPECT = re.compile(rb"^# expect: (LS\d{3}) (\d+):(\d+)\s*$")

NOT_REACHABLE_FROM_A_SPEC = {
    "LS009": "an internal error is a bug; tests/test_runner.py forces one",
    **{
        code: "an import code, about a Keras file: tests/importing/ imports its examples"
        for code in ("LS510", "LS511", "LS512", "LS513", "LS514", "LS515", "LS516")
    },
}
"""Codes no spec can trigger on purpose, each with where it is tested instead."""

ONLY_WITH_STRICT = {"LS411"}
"""Codes ``check`` reports only with ``--strict`` (as ruff reports RUF100 only when selected)."""


def expectations(path: Path) -> set[tuple[str, int, int]]:
    """The ``# expect:`` lines at the top of a file (read as bytes: LS004 files
    are not UTF-8)."""
    found = set()
    for line in path.read_bytes().splitlines():
        match = _EXPECT.match(line)
        if match is None:
            break
        found.add((match[1].decode(), int(match[2]), int(match[3])))
    return found


def run_json(*args: str) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(cli, ["check", "--format", "json", *args], catch_exceptions=False)
    return result.exit_code, json.loads(result.stdout)


def reported(document: dict[str, Any]) -> set[tuple[str, int, int]]:
    return {
        (d["code"], d["line"], d["column"])
        for file in document["files"]
        for d in file["diagnostics"]
    }


@pytest.mark.parametrize("path", NEGATIVE, ids=lambda path: path.stem)
def test_negative_example_reports_exactly_its_expectations(path: Path) -> None:
    expected = expectations(path)
    assert expected, f"{path.name} has no '# expect: CODE LINE:COL' first line"
    code, document = run_json(str(path))
    without_strict = {entry for entry in expected if entry[0] not in ONLY_WITH_STRICT}
    assert reported(document) == without_strict
    only_warnings = all(RULES[c].severity is Severity.WARNING for c, _, _ in without_strict)
    assert code == (0 if only_warnings else 1)
    strict_code, strict_document = run_json("--strict", str(path))
    assert reported(strict_document) == expected
    assert strict_code == 1


@pytest.mark.parametrize("path", POSITIVE, ids=lambda path: path.stem)
def test_positive_example_passes_cleanly(path: Path) -> None:
    code, document = run_json("--strict", str(path))
    assert reported(document) == set()
    assert code == 0
    assert document["summary"] == {"files": 1, "errors": 0, "warnings": 0}


def test_every_rule_has_a_negative_example() -> None:
    covered = {code for path in NEGATIVE + VERIFY_NEGATIVE for code, _, _ in expectations(path)}
    missing = set(RULES) - covered - set(NOT_REACHABLE_FROM_A_SPEC)
    assert not missing, f"codes with no tests/examples/negative spec: {sorted(missing)}"
    assert set(NOT_REACHABLE_FROM_A_SPEC) <= set(RULES)


def test_every_negative_example_names_real_codes() -> None:
    for path in NEGATIVE + VERIFY_NEGATIVE:
        for code, _, _ in expectations(path):
            assert code in RULES, f"{path.name} expects unknown code {code}"
