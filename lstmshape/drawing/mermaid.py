"""The picture as a Mermaid flowchart, which GitHub renders inside ```mermaid blocks.

Labels are quoted and every character that Mermaid or HTML could read as
syntax is written as an entity code (``#35;`` for ``#``), so no spec text
can end a label, start a comment or inject markup.  State edges are dotted
(``-.->``), sequence edges solid; layers with an error or a warning get the
classes ``error`` and ``warning``.
"""

from __future__ import annotations

import re

from lstmshape.drawing.picture import Edge, Node, Picture
from lstmshape.drawing.style import LOOKS, STATE_COLOR, look_name

_SAFE = re.compile(r"[^A-Za-z0-9 _.,:=+\-*/?!@()\[\]\u00a0-\U0010ffff]")
"""Characters left as written; any other is written as Mermaid's #NNN; entity."""

_MARKED = ("input", "missing", "warning", "unchecked", "error")
"""The looks that get a Mermaid class; plain layers keep Mermaid's theme."""


def escape(text: str) -> str:
    return _SAFE.sub(lambda match: f"#{ord(match.group())};", text)


def _label(lines: list[str]) -> str:
    return '"' + "<br/>".join(escape(line) for line in lines) + '"'


def _node_id(node_id: str) -> str:
    return node_id.replace("-", "_")  # input-0 -> input_0: an identifier in Mermaid


def _node(node: Node) -> str:
    shape = ("([", "])") if node.kind == "input" else ("[", "]")
    label = _label([node.name, *node.lines])
    return f"    {_node_id(node.id)}{shape[0]}{label}{shape[1]}"


def _edge(edge: Edge) -> str:
    arrow = "-.->" if edge.state else "-->"
    label = _label([edge.reference, edge.shape])
    return f"    {_node_id(edge.source)} {arrow}|{label}| {_node_id(edge.target)}"


def _class_style(name: str) -> str:
    look = LOOKS[name]
    style = f"fill:{look.fill},stroke:{look.stroke}"
    if look.dashed:
        style += ",stroke-dasharray:4 3"
    return style if name in ("input", "unchecked") else style + ",stroke-width:2px"


def render_mermaid(picture: Picture) -> str:
    lines = ["flowchart LR"]
    lines += [_node(node) for node in picture.nodes]
    lines += [_edge(edge) for edge in picture.edges]
    for name in _MARKED:
        members = [_node_id(node.id) for node in picture.nodes if look_name(node) == name]
        if members:
            lines.append(f"    classDef {name} {_class_style(name)}")
            lines.append(f"    class {','.join(members)} {name}")
    states = [str(index) for index, edge in enumerate(picture.edges) if edge.state]
    if states:
        lines.append(f"    linkStyle {','.join(states)} stroke:{STATE_COLOR}")
    return "\n".join(lines) + "\n"
