"""The picture in Graphviz's DOT language (``dot -Tsvg``, ``dot -Tpng``).

Every label is a quoted string with ``\\`` and ``"`` escaped, so spec text
can neither end the string nor use Graphviz's own escapes (``\\N``, ``\\G``).
Node and edge ids are lstmshape's own (``layer-0``, ``edge-3``) and become the
``id`` of each element in Graphviz's SVG.
"""

from __future__ import annotations

from lstmshape.drawing.picture import Edge, Node, Picture
from lstmshape.drawing.style import GRAPHVIZ_FONT, edge_color, look


def quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _label(lines: list[str]) -> str:
    # \n centres each line; the lines themselves hold no newline (see labels.shown)
    return '"' + "\\n".join(quoted(line)[1:-1] for line in lines) + '"'


def _node(node: Node) -> str:
    node_look = look(node)
    style = "filled,dashed" if node_look.dashed else "filled,rounded"
    attributes = {
        "id": quoted(node.id),
        "class": quoted(f"{node.kind} {node.status}"),
        "label": _label([node.name, *node.lines]),
        "tooltip": _label(node.tooltip.split("\n")),
        "shape": "box",
        "style": quoted(style),
        "fillcolor": quoted(node_look.fill),
        "color": quoted(node_look.stroke),
        "penwidth": "1" if node.status in ("ok", "unchecked") else "2",
    }
    return f"  {_dot_id(node.id)} [{_attributes(attributes)}];"


def _edge(edge: Edge) -> str:
    attributes = {
        "id": quoted(edge.id),
        "class": quoted("state" if edge.state else "sequence"),
        "label": _label([edge.reference, edge.shape]),
        "color": quoted(edge_color(edge)),
        "fontcolor": quoted(edge_color(edge)),
    }
    if edge.state:
        attributes["style"] = "dashed"
    return f"  {_dot_id(edge.source)} -> {_dot_id(edge.target)} [{_attributes(attributes)}];"


def _dot_id(node_id: str) -> str:
    return node_id.replace("-", "_")


def _attributes(attributes: dict[str, str]) -> str:
    return ", ".join(f"{key}={value}" for key, value in attributes.items())


def render_dot(picture: Picture) -> str:
    lines = [
        "digraph lstmshape {",
        f"  graph [rankdir=LR, bgcolor=white, label={_label(picture.caption)}, labelloc=t, "
        f'fontname="{GRAPHVIZ_FONT}", fontsize=13];',
        f'  node [fontname="{GRAPHVIZ_FONT}", fontsize=11];',
        f'  edge [fontname="{GRAPHVIZ_FONT}", fontsize=10];',
    ]
    lines += [_node(node) for node in picture.nodes]
    lines += [_edge(edge) for edge in picture.edges]
    lines.append("}")
    return "\n".join(lines) + "\n"
