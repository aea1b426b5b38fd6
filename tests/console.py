"""Helpers for the end-to-end tests that run the installed ``lstmshape`` console script.

The script tested is the one installed next to the running Python, and only
when it runs this checkout's package: an environment whose ``lstmshape``
belongs to another checkout would test the wrong code, so those tests skip.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _script() -> Path | None:
    bindir = Path(sys.executable).parent
    for name in ("lstmshape", "lstmshape.exe"):
        if (bindir / name).is_file():
            return bindir / name
    return None


@functools.cache
def _runs_this_checkout(script: Path) -> bool:
    probe = "import sys, lstmshape.cli as c; sys.argv = ['lstmshape']; print(c.__file__)"
    shebang = script.read_text(errors="replace").splitlines()[0]
    interpreter = shebang[2:].strip() if shebang.startswith("#!") else sys.executable
    found = subprocess.run(
        [interpreter, "-c", probe], capture_output=True, text=True, cwd="/", check=False
    )
    if found.returncode != 0:
        return False
    return Path(found.stdout.strip()).resolve().is_relative_to(REPO)


def console_script() -> Path:
    """The installed ``lstmshape`` script of this checkout, or skip the test."""
    script = _script()
    if script is None:
        pytest.skip("no lstmshape console script next to this Python (pip install -e .)")
    if not _runs_this_checkout(script):
        pytest.skip(f"{script} runs another checkout's lstmshape")
    return script


def run_script(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the console script with a clean GITHUB_ACTIONS unless ``env`` sets it."""
    environment = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    environment.update(env or {})
    return subprocess.run(
        [str(console_script()), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment,
        check=False,
        timeout=60,
    )


GOOD_SPEC = """\
framework: torch
inputs:
  x: [B, T, 8]
layers:
  - name: enc
    type: LSTM
    input_size: 8
    hidden_size: 16
    batch_first: true
"""

# enc reads 8 features but says input_size 10: LS301 at line 7, column 17.
BROKEN_SPEC = GOOD_SPEC.replace("input_size: 8", "input_size: 10")

# An unbatched 2-D input: the warning LS404 at the layer, line 5, column 5.
WARNING_SPEC = GOOD_SPEC.replace("x: [B, T, 8]", "x: [T, 8]")
