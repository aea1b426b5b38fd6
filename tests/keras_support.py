"""Helpers for the Keras dialect's tests: check a spec given as text or as data."""

from __future__ import annotations

from typing import Any

import yaml

from lstmshape.engine.graph import LayerResult
from lstmshape.report import ModelReport
from lstmshape.runner import check_text


def check(text: str) -> ModelReport:
    reports = check_text(text, "spec.yaml")
    assert len(reports) == 1
    return reports[0]


def spec_text(layers: list[dict[str, Any]], inputs: dict[str, Any] | None = None) -> str:
    data: dict[str, Any] = {"framework": "keras"}
    if inputs is not None:
        data["inputs"] = inputs
    data["layers"] = layers
    return yaml.safe_dump(data, sort_keys=False)


def layers_of(text: str) -> dict[str, LayerResult]:
    """The layers of a spec that must check without errors or warnings."""
    report = check(text)
    assert report.diagnostics == [], [
        (d.code, d.line, d.column, d.message) for d in report.diagnostics
    ]
    return {layer.name: layer for layer in report.layers}


def found(text: str) -> list[tuple[str, int, int]]:
    """Each diagnostic as (code, line, column)."""
    return [(d.code, d.line, d.column) for d in check(text).diagnostics]
