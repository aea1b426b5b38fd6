"""Building specs in tests and checking them in process."""

from __future__ import annotations

import json
from typing import Any

from lstmshape.engine.graph import LayerResult
from lstmshape.report import ModelReport
from lstmshape.runner import check_text


def spec_text(inputs: dict[str, list[Any]], *layers: dict[str, Any]) -> str:
    """A torch spec as YAML text (JSON is YAML; positions do not matter here)."""
    return json.dumps({"framework": "torch", "inputs": inputs, "layers": list(layers)}, indent=1)


def check(text: str) -> ModelReport:
    (report,) = check_text(text, "spec.yaml")
    return report


def check_spec(inputs: dict[str, list[Any]], *layers: dict[str, Any]) -> ModelReport:
    return check(spec_text(inputs, *layers))


def codes(report: ModelReport) -> list[str]:
    return [diagnostic.code for diagnostic in report.diagnostics]


def layer(report: ModelReport, name: str) -> LayerResult:
    (found,) = [result for result in report.layers if result.name == name]
    return found


def shapes(report: ModelReport, name: str) -> dict[str, tuple[Any, ...] | None]:
    return dict(layer(report, name).tensors)
