"""Negative Keras specs: each file lists, in ``# expect: CODE LINE:COL`` comments, every
diagnostic it must produce, and nothing else may be reported.  The shipped specs in
specs/ must check clean."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.keras_support import found

HERE = Path(__file__).parent
NEGATIVE = sorted((HERE / "keras_specs").glob("*.yaml"))
SHIPPED = sorted((HERE.parent / "specs").glob("keras-*.yaml"))
EXPECT = re.compile(r"^# expect: (LS\d{3}) (\d+):(\d+)$", re.MULTILINE)


@pytest.mark.parametrize("path", NEGATIVE, ids=[path.stem for path in NEGATIVE])
def test_negative_spec_reports_exactly_what_it_expects(path: Path) -> None:
    text = path.read_text()
    expected = [(code, int(line), int(column)) for code, line, column in EXPECT.findall(text)]
    assert expected, f"{path.name} declares no # expect: lines"
    assert found(text) == expected


def test_the_negative_specs_cover_every_keras_diagnostic() -> None:
    codes = {match[0] for path in NEGATIVE for match in EXPECT.findall(path.read_text())}
    for code in (
        "LS109",
        "LS302",
        "LS303",
        "LS304",
        "LS305",
        "LS307",
        "LS308",
        "LS309",
        "LS310",
        "LS403",
        "LS406",
        "LS407",
        "LS408",
        "LS409",
    ):
        assert code in codes


def test_shipped_keras_specs_check_clean_from_the_command_line() -> None:
    assert len(SHIPPED) == 4
    result = subprocess.run(
        [sys.executable, "-m", "lstmshape", "check", "--strict", *map(str, SHIPPED)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 errors, 0 warnings" in result.stdout
