"""The shipped Keras specs check clean through the real command line.

The failing Keras examples live with the others in tests/examples/negative/
(keras-*.yaml) and run through tests/test_examples.py."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
SHIPPED = sorted((HERE.parent / "specs").glob("keras-*.yaml"))


def test_shipped_keras_specs_check_clean_from_the_command_line() -> None:
    assert len(SHIPPED) == 11
    result = subprocess.run(
        [sys.executable, "-m", "lstmshape", "check", "--strict", *map(str, SHIPPED)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 errors, 0 warnings" in result.stdout
