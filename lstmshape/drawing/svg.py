"""The picture as SVG, laid out by :mod:`~lstmshape.drawing.layout` (no Graphviz needed).

The elements are named as Graphviz names them, so tests and style sheets
treat both drawings alike: each node is a ``<g class="node ...">`` with the
node's id (``layer-0``), each edge a ``<g class="edge ...">`` with the edge's
id.  Text is measured by its characters in a monospace font.  Every text is
XML-escaped.
"""

from __future__ import annotations

from html import escape

from lstmshape.drawing.labels import cells
from lstmshape.drawing.layout import Box, Layout, LayoutEdge, LayoutNode, Route, layered_layout
from lstmshape.drawing.picture import Edge, Node, Picture
from lstmshape.drawing.style import FONT, SEQUENCE_COLOR, STATE_COLOR, edge_color, look

CHAR = 7.3
"""Width of a character at 12 px in the monospace fonts of FONT (0.6 em), and a little room."""
LINE = 16.0
PAD_X, PAD_Y = 10.0, 7.0
LABEL_CHAR, LABEL_LINE, LABEL_PAD = 6.7, 14.0, 3.0
"""The same at 11 px, for edge labels."""
MARGIN = 16.0
TITLE = 28.0


def _node_lines(node: Node) -> list[str]:
    return [node.name, *node.lines]


def _edge_lines(edge: Edge) -> list[str]:
    return [edge.reference, edge.shape]


def _layout_node(node: Node) -> LayoutNode:
    lines = _node_lines(node)
    width = max(cells(line) for line in lines) * CHAR + 2 * PAD_X
    return LayoutNode(node.id, width, len(lines) * LINE + 2 * PAD_Y)


def _layout_edge(edge: Edge) -> LayoutEdge:
    lines = _edge_lines(edge)
    width = max(cells(line) for line in lines) * LABEL_CHAR + 2 * LABEL_PAD
    height = len(lines) * LABEL_LINE + 2 * LABEL_PAD
    return LayoutEdge(edge.id, edge.source, edge.target, width, height)


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _path(points: tuple[tuple[float, float], ...]) -> str:
    """Straight where the height stays, a smooth S-curve where it changes."""
    (x, y), *rest = points
    parts = [f"M{_number(x)},{_number(y)}"]
    for next_x, next_y in rest:
        if next_y == y:
            parts.append(f"L{_number(next_x)},{_number(next_y)}")
        else:
            middle = _number((x + next_x) / 2)
            parts.append(
                f"C{middle},{_number(y)} {middle},{_number(next_y)} "
                f"{_number(next_x)},{_number(next_y)}"
            )
        x, y = next_x, next_y
    return " ".join(parts)


def _text(x: float, y: float, text: str, attributes: str = "") -> str:
    return f'<text x="{_number(x)}" y="{_number(y)}"{attributes}>{escape(text)}</text>'


def _svg_node(node: Node, box: Box) -> list[str]:
    node_look = look(node)
    dash = ' stroke-dasharray="5 3"' if node_look.dashed else ""
    width = "1" if node.status in ("ok", "unchecked") else "2"
    parts = [
        f'<g id="{node.id}" class="node {node.kind} {node.status}">',
        f"<title>{escape(node.tooltip)}</title>",
        f'<rect x="{_number(box.x)}" y="{_number(box.y)}" width="{_number(box.width)}" '
        f'height="{_number(box.height)}" rx="6" fill="{node_look.fill}" '
        f'stroke="{node_look.stroke}" stroke-width="{width}"{dash}/>',
    ]
    centre = box.x + box.width / 2
    for index, line in enumerate(_node_lines(node)):
        y = box.y + PAD_Y + LINE * (index + 0.75)
        weight = ' font-weight="bold"' if index == 0 else ""
        parts.append(_text(centre, y, line, f' text-anchor="middle"{weight}'))
    parts.append("</g>")
    return parts


def _svg_edge(edge: Edge, route: Route) -> list[str]:
    color = edge_color(edge)
    kind = "state" if edge.state else "sequence"
    dash = ' stroke-dasharray="6 4"' if edge.state else ""
    label = route.label
    centre = label.x + label.width / 2
    parts = [
        f'<g id="{edge.id}" class="edge {kind}">',
        f"<title>{escape(edge.reference)} {escape(edge.shape)}</title>",
        f'<path d="{_path(route.points)}" fill="none" stroke="{color}" stroke-width="1.4"'
        f'{dash} marker-end="url(#arrow-{kind})"/>',
        f'<rect x="{_number(label.x)}" y="{_number(label.y)}" width="{_number(label.width)}" '
        f'height="{_number(label.height)}" fill="#ffffff" fill-opacity="0.9"/>',
    ]
    for index, line in enumerate(_edge_lines(edge)):
        y = label.y + LABEL_PAD + LABEL_LINE * (index + 0.75)
        parts.append(_text(centre, y, line, f' text-anchor="middle" font-size="11" fill="{color}"'))
    parts.append("</g>")
    return parts


def _marker(kind: str, color: str) -> str:
    return (
        f'<marker id="arrow-{kind}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" '
        f'markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        f'fill="{color}"/></marker>'
    )


def layout_of(picture: Picture) -> Layout:
    """Where each node, edge and label of the picture goes, with text measured."""
    return layered_layout(
        [_layout_node(node) for node in picture.nodes],
        [_layout_edge(edge) for edge in picture.edges],
    )


def render_svg(picture: Picture) -> str:
    layout = layout_of(picture)
    caption = picture.caption
    caption_width = max(cells(line) for line in caption) * CHAR * 13 / 12
    width = max(layout.width, caption_width) + 2 * MARGIN
    top = MARGIN + TITLE + LINE * (len(caption) - 1)
    height = layout.height + top + MARGIN
    size = f'width="{_number(width)}" height="{_number(height)}"'
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" {size} viewBox="0 0 {_number(width)} '
        f'{_number(height)}" font-family="{FONT}" font-size="12" fill="#1f1f1f" role="img" '
        f'aria-label="{escape(picture.title)}">',
        f"<title>{escape(picture.title)}</title>",
        "<defs>" + _marker("sequence", SEQUENCE_COLOR) + _marker("state", STATE_COLOR) + "</defs>",
        '<rect width="100%" height="100%" fill="#ffffff"/>',
        *(
            _text(
                width / 2, MARGIN + 14 + LINE * index, line, ' text-anchor="middle" font-size="13"'
            )
            for index, line in enumerate(caption)
        ),
        f'<g class="graph" transform="translate({_number(MARGIN)},{_number(top)})">',
    ]
    for edge in picture.edges:
        parts += _svg_edge(edge, layout.routes[edge.id])
    for node in picture.nodes:
        parts += _svg_node(node, layout.boxes[node.id])
    parts += ["</g>", "</svg>"]
    return "\n".join(parts) + "\n"
