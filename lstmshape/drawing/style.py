"""Colours and fonts shared by the DOT, SVG and HTML drawings, so they look alike."""

from __future__ import annotations

from dataclasses import dataclass

from lstmshape.drawing.picture import Edge, Node

FONT = "DejaVu Sans Mono, Menlo, Consolas, monospace"
"""Monospace, so the drawing without Graphviz can measure text by its characters."""
GRAPHVIZ_FONT = "DejaVu Sans Mono"
SEQUENCE_COLOR = "#4a4a4a"
STATE_COLOR = "#7b3fa0"


@dataclass(frozen=True)
class Look:
    fill: str
    stroke: str
    dashed: bool = False


LOOKS = {
    "layer": Look("#ffffff", "#4a4a4a"),
    "input": Look("#e8f1fb", "#3b6ea5"),
    "missing": Look("#ffffff", "#c62828", dashed=True),
    "warning": Look("#fff4e0", "#e08a00"),
    "unchecked": Look("#f3f3f3", "#9e9e9e", dashed=True),
    "error": Look("#fdecea", "#c62828"),
}


def look_name(node: Node) -> str:
    """The look of a node: its kind, unless a diagnostic marks it."""
    if node.kind == "missing":
        return "missing"
    return node.kind if node.status == "ok" else node.status


def look(node: Node) -> Look:
    return LOOKS[look_name(node)]


def edge_color(edge: Edge) -> str:
    return STATE_COLOR if edge.state else SEQUENCE_COLOR
