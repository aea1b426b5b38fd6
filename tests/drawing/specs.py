"""What a drawing of a spec must show, worked out from the spec and the check alone.

Independent of lstmshape.drawing, so the drawing tests compare the drawing
with the spec rather than with itself.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import yaml

from lstmshape.drawing.command import run_graph
from lstmshape.runner import check_file
from lstmshape.shapes import format_shape

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "specs").glob("*.yaml"))

HOSTILE = """\
framework: torch
name: '<script>document.title="pwned"</script> & #35; %% `md` | "quoted"'
inputs:
  '<img src=x onerror="document.title=1">#"|%%{init}': [B, 20, 8]
layers:
  - name: lstm
    type: LSTM
    input_size: 8
    hidden_size: 16
    batch_first: true
    nonlinearity_note: "\\x1b[31mred\\u202e</text></svg><b>bold</b> ]\\"]; click x call y"
  - name: weird
    type: '</text><script>alert(1)</script>'
    input: lstm.h_n[-1]
"""
"""Text that would break out of a label in each format if it were not escaped."""
HOSTILE_INPUT = '<img src=x onerror="document.title=1">#"|%%{init}'


def spec_data(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def reference_count(path: Path) -> int:
    """References in the spec: each written one, and each layer's implicit input."""
    count = 0
    for layer in spec_data(path)["layers"]:
        for key in ("input", "initial_state", "tensors"):
            value = layer.get(key)
            if isinstance(value, list):
                count += len(value)
            elif value is not None:
                count += 1
        if "input" not in layer and "tensors" not in layer:
            count += 1
    return count


def layer_names(path: Path) -> list[str]:
    (report,) = check_file(path, str(path))
    return [layer.name for layer in report.layers]


def shapes(path: Path) -> set[str]:
    """Every shape the check computes, and every declared input's."""
    (report,) = check_file(path, str(path))
    found = {format_shape(shape) for layer in report.layers for shape in layer.tensors.values()}
    inputs = spec_data(path).get("inputs") or {}
    return found | {format_shape(tuple(shape)) for shape in inputs.values()}


def drawing(path: Path, output_format: str, layout: str = "auto") -> str:
    out, errors = io.StringIO(), io.StringIO()
    code = run_graph(path, output_format=output_format, layout=layout, out=out, errors=errors)
    assert code in (0, 1), errors.getvalue()
    return out.getvalue()
