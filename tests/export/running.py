"""Export a spec, run the code with its framework, and list where it disagrees with lstmshape."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from lstmshape.reporters.json import report_to_json
from lstmshape.shapes import Dim
from tests.oracle.cases import Case
from tests.oracle.compare import disagreements

os.environ.setdefault("KERAS_BACKEND", "torch")


def symbol_runs(spec: dict[str, Any]) -> list[dict[str, int]]:
    """Two sets of values for the symbols the spec's sizes use, every one different."""
    written: list[Dim] = [dim for dims in (spec.get("inputs") or {}).values() for dim in dims]
    written += list(spec["layers"][0].get("input_shape") or [])
    symbols = sorted({d for d in written if isinstance(d, str) and d.isidentifier()})
    symbols = sorted({*symbols, "B", "T", "S"})
    first = {symbol: 2 + index for index, symbol in enumerate(symbols)}
    return [first, {symbol: value + 5 for symbol, value in first.items()}]


def export_disagreements(spec: dict[str, Any], device: str = "meta") -> list[str]:
    """Where the exported code, run by the framework, disagrees with lstmshape's report."""
    from tests.oracle import export_runner

    if spec["framework"] == "torch":
        report, exported = export_runner.export_torch_spec(spec)
        assert exported is not None, [d.message for d in report.diagnostics]
        runs = [
            export_runner.run_torch_export(exported, spec, values, device)
            for values in symbol_runs(spec)
        ]
    else:
        report, exported = export_runner.export_keras_spec(spec)
        assert exported is not None, [d.message for d in report.diagnostics]
        runs = [
            export_runner.run_keras_export(exported, spec, values) for values in symbol_runs(spec)
        ]
    return disagreements(Case(0, spec, runs), report_to_json(report), framework_warnings=())


def ruff_format_check(directory: Path, width: int = 88) -> subprocess.CompletedProcess[str]:
    """``ruff format --check`` with ruff's defaults (or a longer line), as a user without
    settings runs it."""
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        import pytest

        pytest.skip("ruff is not installed")
    return subprocess.run(
        [
            ruff,
            "format",
            "--isolated",
            f"--line-length={width}",
            "--check",
            "--diff",
            str(directory),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
