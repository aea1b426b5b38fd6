"""Run ``lstmshape verify`` in-process on a spec written for the test, as JSON."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from lstmshape.cli import cli

os.environ.setdefault("KERAS_BACKEND", "torch")

ROOT = Path(__file__).resolve().parents[2]


def needs(framework: str) -> None:
    """Skip the test where the framework is not installed (an optional extra)."""
    pytest.importorskip(framework)


def verify(spec: Path | str, *args: str) -> tuple[int, dict[str, Any] | None, str]:
    """The exit code, the JSON report (None when verify could not run) and stderr."""
    result = CliRunner().invoke(
        cli, ["verify", str(spec), "--format", "json", *args], catch_exceptions=False
    )
    document = json.loads(result.stdout) if result.stdout.strip() else None
    return result.exit_code, document, result.stderr


def codes(document: dict[str, Any] | None) -> list[tuple[str, int, int]]:
    assert document is not None
    return sorted(
        (d["code"], d["line"], d["column"])
        for file in document["files"]
        for d in file["diagnostics"]
    )


def messages(document: dict[str, Any] | None) -> list[str]:
    assert document is not None
    return [d["message"] for file in document["files"] for d in file["diagnostics"]]


def spec_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "model.yaml"
    path.write_text(text, encoding="utf-8")
    return path
