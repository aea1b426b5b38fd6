"""A self-contained HTML page: the drawing, the layer table and the diagnostics.

One file with no script and nothing to fetch, so it opens offline and as a
CI artifact attached to a pull request.  Its Content-Security-Policy allows
inline styles and nothing else: even a page edited by hand cannot run a
script or reach the network.  Every text from the spec is HTML-escaped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape

from lstmshape.diagnostics import Diagnostic, Severity
from lstmshape.drawing.labels import shown
from lstmshape.drawing.picture import Node, Picture
from lstmshape.drawing.style import FONT, LOOKS, SEQUENCE_COLOR, STATE_COLOR

_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

_STYLE = f"""
body {{ font-family: system-ui, sans-serif; margin: 2rem; color: #1f1f1f; }}
h1 {{ font-size: 1.4rem; margin-bottom: 0.2rem; }}
.summary {{ color: #555; margin-top: 0; }}
figure {{ margin: 1rem 0; overflow: auto; border: 1px solid #ddd; padding: 0.5rem; }}
/* the drawing keeps its size, legible, and scrolls sideways when it is wider than the page */
table {{ border-collapse: collapse; margin: 0.5rem 0 1.5rem; }}
th, td {{ border: 1px solid #ddd; padding: 0.3rem 0.6rem; text-align: left;
  vertical-align: top; }}
td.code, td.number {{ font-family: {FONT}; white-space: pre; }}
td.number {{ text-align: right; }}
tr.error td {{ background: {LOOKS["error"].fill}; }}
tr.warning td {{ background: {LOOKS["warning"].fill}; }}
tr.unchecked td {{ color: #666; }}
.legend span {{ margin-right: 1.5rem; }}
.sequence {{ color: {SEQUENCE_COLOR}; }}
.state {{ color: {STATE_COLOR}; }}
.hint {{ color: #555; }}
"""

_SVG_PROLOG = re.compile(r"\A\s*(<\?xml[^>]*>\s*)?(<!DOCTYPE[^>]*>\s*)?", re.S)


def _inline_svg(svg: str) -> str:
    """An SVG document as an element of the page: no XML declaration or doctype."""
    return _SVG_PROLOG.sub("", svg, count=1)


Column = tuple[str, str, Callable[[Node, Picture], str]]
"""A column of the layer table: header, cell class, and the cell's text
(plain, escaped by the table).  A later column, such as a cost, is one more entry."""


def _reads(node: Node, picture: Picture) -> str:
    return "\n".join(
        f"{edge.reference} {edge.shape}{' (state)' if edge.state else ''}"
        for edge in picture.edges_into(node.id)
    )


def _tensors(node: Node, picture: Picture) -> str:
    return "\n".join(f"{name} {shape}" for name, shape in node.tensors)


def _params(node: Node, picture: Picture) -> str:
    return "?" if node.params is None else f"{node.params:,}"


def _status(node: Node, picture: Picture) -> str:
    codes = " ".join(diagnostic.code for diagnostic in node.diagnostics)
    return f"{node.status} {codes}".strip()


COLUMNS: tuple[Column, ...] = (
    ("layer", "code", lambda node, picture: node.name),
    ("type", "code", lambda node, picture: node.type or "?"),
    ("reads", "code", _reads),
    ("tensors", "code", _tensors),
    ("params", "number", _params),
    ("status", "code", _status),
)


def _layer_table(picture: Picture) -> list[str]:
    rows = ["<table>", "<tr>" + "".join(f"<th>{header}</th>" for header, _, _ in COLUMNS) + "</tr>"]
    for node in picture.layers:
        cells = "".join(
            f'<td class="{kind}">{escape(cell(node, picture))}</td>' for _, kind, cell in COLUMNS
        )
        rows.append(f'<tr id="row-{node.id}" class="{node.status}">{cells}</tr>')
    rows.append("</table>")
    return rows


def _diagnostics(picture: Picture) -> list[str]:
    if not picture.diagnostics:
        return ["<p>No errors or warnings.</p>"]
    owners: dict[int, str] = {}
    for node in picture.nodes:
        for diagnostic in node.diagnostics:
            owners[id(diagnostic)] = node.name
    rows = [
        "<table>",
        "<tr><th>where</th><th>layer</th><th>code</th><th>severity</th><th>message</th></tr>",
    ]
    for diagnostic in picture.diagnostics:
        rows.append(_diagnostic_row(picture.path, diagnostic, owners.get(id(diagnostic), "")))
    rows.append("</table>")
    return rows


def _diagnostic_row(path: str, diagnostic: Diagnostic, owner: str) -> str:
    where = f"{shown(path, 200)}:{diagnostic.line}:{diagnostic.column}"
    message = escape(shown(diagnostic.message, 500))
    if diagnostic.hint:
        message += f'<br><span class="hint">hint: {escape(shown(diagnostic.hint, 500))}</span>'
    severity = diagnostic.severity.value
    return (
        f'<tr class="{severity}"><td class="code">{escape(where)}</td>'
        f'<td class="code">{escape(owner)}</td><td class="code">{diagnostic.code}</td>'
        f"<td>{severity}</td><td>{message}</td></tr>"
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def render_html(picture: Picture, svg: str) -> str:
    errors = picture.count(Severity.ERROR)
    warnings = picture.count(Severity.WARNING)
    summary = (
        f"{shown(picture.path, 200)} · {_plural(len(picture.layers), 'layer')} · "
        f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}"
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_POLICY}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(picture.title)} · lstmshape</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>{escape(picture.title)}</h1>",
        f'<p class="summary">{escape(summary)}</p>',
        '<p class="legend"><span class="sequence">── sequence tensor</span>'
        '<span class="state">- - - state (h_n, c_n, initial state)</span>'
        "<span>red: error · orange: warning · grey: unchecked</span></p>",
        f"<figure>{_inline_svg(svg)}</figure>",
        "<h2>Layers</h2>",
        *_layer_table(picture),
        "<h2>Diagnostics</h2>",
        *_diagnostics(picture),
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"
