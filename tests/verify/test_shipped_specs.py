"""Every shipped spec verifies clean against its own exported module (specs/*_*.py), which
the export tests keep equal to what ``lstmshape export`` prints today."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.verify.running import ROOT, codes, needs, verify

SPECS = sorted((ROOT / "specs").glob("*.yaml"))
VALUES = {"B": 2, "T": 9, "S": 5, "W": 32}
"""Small sizes the shipped specs' symbols run with (the CRNN pools its width W four times)."""


def factory(spec: Path) -> str:
    """``specs.module:Name``: the exported module's class (torch) or build_model (Keras)."""
    module = spec.stem.replace("-", "_")
    source = (spec.parent / f"{module}.py").read_text(encoding="utf-8")
    found = re.search(r"^class (\w+)\(nn\.Module\)", source, re.MULTILINE)
    return f"specs.{module}:{found[1] if found else 'build_model'}"


def dims(spec: Path) -> list[str]:
    inputs = yaml.safe_load(spec.read_text(encoding="utf-8")).get("inputs") or {}
    symbols = {d for shape in inputs.values() for d in shape if isinstance(d, str)}
    return [
        arg for symbol in sorted(symbols) for arg in ("--dim", f"{symbol}={VALUES.get(symbol, 4)}")
    ]


@pytest.mark.parametrize("spec", SPECS, ids=lambda path: path.stem)
def test_the_shipped_spec_verifies_against_its_exported_module(
    spec: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    needs("torch" if spec.name.startswith("torch") else "keras")
    monkeypatch.chdir(ROOT)  # the modules are found as python -m finds them: here first
    code, document, stderr = verify(spec.relative_to(ROOT), "--module", factory(spec), *dims(spec))
    assert stderr == ""
    assert (code, codes(document)) == (0, [])
