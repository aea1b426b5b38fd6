"""``--format json``: one JSON document for the whole run, printed at the end.

Dims are ints, symbol strings or null; a layer whose config is invalid has
no tensors and null params.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from lstmshape.report import ModelReport, Summary


def report_to_json(report: ModelReport) -> dict[str, Any]:
    return {
        "path": report.path,
        "framework": report.framework,
        "name": report.name,
        "layers": [
            {
                "name": layer.name,
                "type": layer.type,
                "tensors": {
                    name: None if shape is None else list(shape)
                    for name, shape in layer.tensors.items()
                },
                "params": layer.params,
            }
            for layer in report.layers
        ],
        "params": report.params,
        "diagnostics": [
            {
                "severity": diagnostic.severity.value,
                "code": diagnostic.code,
                "message": diagnostic.message,
                "hint": diagnostic.hint,
                "line": diagnostic.line,
                "column": diagnostic.column,
                "layer": diagnostic.layer,
            }
            for diagnostic in report.diagnostics
        ],
    }


class JsonReporter:
    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._files: list[dict[str, Any]] = []

    def start(self) -> None:
        self._files = []

    def handle(self, report: ModelReport) -> None:
        self._files.append(report_to_json(report))

    def finish(self, summary: Summary) -> None:
        document = {
            "files": self._files,
            "summary": {
                "files": summary.files,
                "errors": summary.errors,
                "warnings": summary.warnings,
            },
        }
        json.dump(document, self._out, indent=2)
        self._out.write("\n")
