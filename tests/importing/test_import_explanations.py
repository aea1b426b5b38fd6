"""The import codes' examples (Keras JSON): each failing one gets its code, placed in the
JSON, and nothing is written; each fixed one imports and checks clean.  No Keras needed."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from lstmshape.cli import cli
from lstmshape.explanations import EXPLANATIONS
from tests.test_explanations import IMPORTED


def run_import(path: Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["import", str(path)], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("code", sorted(IMPORTED))
def test_the_failing_example_gets_the_code_and_the_fix_imports_clean(
    code: str, tmp_path: Path
) -> None:
    explanation = EXPLANATIONS[code]
    assert explanation.failing is not None and explanation.fixed is not None
    failing = tmp_path / "failing.json"
    failing.write_text(explanation.failing, encoding="utf-8")
    exit_code, printed, errors = run_import(failing)
    assert f" {code} " in errors
    if code == "LS516":  # a warning: the spec is still written and checked
        assert (exit_code, printed.count("type: LSTM")) == (0, 1)
    else:
        assert (exit_code, printed) == (1, "")
    fixed = tmp_path / "fixed.json"
    fixed.write_text(explanation.fixed, encoding="utf-8")
    assert run_import(fixed)[0::2] == (0, "")


def test_a_diagnostic_points_at_the_layer_in_the_json(tmp_path: Path) -> None:
    failing = tmp_path / "lambda.json"
    failing.write_text(EXPLANATIONS["LS512"].failing or "", encoding="utf-8")
    errors = run_import(failing)[2]
    assert errors.startswith(f"{failing}:4:3: LS512 error: last is a Lambda layer")
