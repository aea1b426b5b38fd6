"""lstmshape's own layout: layered, left to right, and no two edges overlap."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations, pairwise
from pathlib import Path

import pytest

from lstmshape.drawing.layout import (
    MAX_BENDS,
    Box,
    Layout,
    LayoutEdge,
    LayoutNode,
    layered_layout,
)
from lstmshape.drawing.svg import layout_of
from tests.drawing.specs import SHIPPED
from tests.drawing.test_picture import picture_of, picture_of_file


def _overlap(a: Box, b: Box) -> bool:
    return a.x < b.right and b.x < a.right and a.y < b.bottom and b.y < a.bottom


def _inside(point: tuple[float, float], box: Box) -> bool:
    x, y = point
    return box.x < x < box.right and box.y < y < box.bottom


def _along(points: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    """Points every few pixels along a route, drawn as the SVG draws it."""
    found = []
    for (xa, ya), (xb, yb) in pairwise(points):
        steps = max(2, int(abs(xb - xa) // 4))
        for step in range(steps + 1):
            t = step / steps
            if ya == yb:
                found.append((xa + (xb - xa) * t, ya))
            else:  # the S-curve: control points halfway across, at each end's height
                near, far = (1 - t) ** 3 + 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2 + t**3
                middle = (xa + xb) / 2
                x = (1 - t) ** 3 * xa + 3 * (1 - t) * t * middle + t**3 * xb
                found.append((x, near * ya + far * yb))
    return found


def assert_well_drawn(layout: Layout, edges: Sequence[LayoutEdge]) -> None:
    """Nothing overlaps: nodes, labels, and edges, which may only cross."""
    boxes = list(layout.boxes.values()) + [route.label for route in layout.routes.values()]
    for a, b in combinations(boxes, 2):
        assert not _overlap(a, b), (a, b)
    heights_at: dict[float, list[float]] = {}
    for edge in edges:
        route = layout.routes[edge.id]
        source, target = layout.boxes[edge.source], layout.boxes[edge.target]
        (x0, y0), (x1, y1) = route.points[0], route.points[-1]
        assert x0 == source.right and source.y < y0 < source.bottom
        assert x1 == target.x and target.y < y1 < target.bottom
        xs = [x for x, _ in route.points]
        assert xs == sorted(xs), "edges run left to right"
        for x, y in route.points[1:-1]:
            heights_at.setdefault(x, []).append(y)
        for node_id, box in layout.boxes.items():
            if node_id not in (edge.source, edge.target):
                assert not any(_inside(point, box) for point in _along(route.points)), (
                    f"{edge.id} runs through {node_id}"
                )
    # where edges cross a column's side each has a height of its own, and
    # between two columns an edge is a curve from one height to another: two
    # edges that differ at both ends meet at one point at most
    for x, heights in heights_at.items():
        heights.sort()
        gaps = [b - a for a, b in pairwise(heights)]
        assert all(gap >= 1 for gap in gaps), (x, heights)


def _graph(
    names: Sequence[str], links: Sequence[tuple[str, str]]
) -> tuple[list[LayoutNode], list[LayoutEdge]]:
    nodes = [LayoutNode(name, 120, 60) for name in names]
    edges = [LayoutEdge(f"e{i}", a, b, 90, 34) for i, (a, b) in enumerate(links)]
    return nodes, edges


CHAIN = _graph("abcdef", [("a", "b"), ("b", "c"), ("c", "d"), ("d", "e"), ("e", "f")])
STACK = _graph(  # three stacked layers with a residual around the middle one
    ["x", "l1", "l2", "l3", "head"],
    [("x", "l1"), ("l1", "l2"), ("l2", "l3"), ("l1", "l3"), ("l3", "head")],
)
ENCODER_DECODER = _graph(
    ["x", "y", "enc", "dec", "head"],
    [("x", "enc"), ("y", "dec"), ("enc", "dec"), ("enc", "dec"), ("dec", "head")],
)
ATTENTION = _graph(
    ["src", "tgt", "enc", "dec", "scores", "context", "join", "out"],
    [
        ("src", "enc"),
        ("tgt", "dec"),
        ("enc", "dec"),
        ("enc", "scores"),
        ("dec", "scores"),
        ("scores", "context"),
        ("enc", "context"),
        ("context", "join"),
        ("dec", "join"),
        ("join", "out"),
        ("enc", "out"),
    ],
)


@pytest.mark.parametrize(
    "graph",
    [CHAIN, STACK, ENCODER_DECODER, ATTENTION],
    ids=["chain", "stack", "encoder-decoder", "attention"],
)
def test_nothing_overlaps(graph: tuple[list[LayoutNode], list[LayoutEdge]]) -> None:
    nodes, edges = graph
    assert_well_drawn(layered_layout(nodes, edges), edges)


@pytest.mark.parametrize("spec", SHIPPED, ids=lambda path: path.stem)
def test_nothing_overlaps_in_a_shipped_spec(spec: Path) -> None:
    picture = picture_of_file(spec)
    edges = [LayoutEdge(e.id, e.source, e.target, 0, 0) for e in picture.edges]
    assert_well_drawn(layout_of(picture), edges)


def test_a_chain_is_a_straight_line_left_to_right() -> None:
    nodes, edges = CHAIN
    layout = layered_layout(nodes, edges)
    boxes = [layout.boxes[name] for name in "abcdef"]
    assert len({box.y for box in boxes}) == 1
    assert all(a.right < b.x for a, b in pairwise(boxes))


def test_parallel_edges_keep_apart_and_ranks_follow_the_references() -> None:
    nodes, edges = ENCODER_DECODER
    layout = layered_layout(nodes, edges)
    states = [layout.routes["e2"], layout.routes["e3"]]
    assert states[0].points[0] != states[1].points[0]
    assert states[0].points[-1] != states[1].points[-1]
    # y reads only the decoder: it stands beside it, one rank before
    assert layout.boxes["y"].x == layout.boxes["enc"].x


def test_a_layer_reading_nothing_still_gets_a_place() -> None:
    picture = picture_of(
        "framework: torch\ninputs: {x: [4, 10, 8]}\nlayers:\n"
        "  - {name: a, type: Linear, in_features: 8, out_features: 2, input: 'x['}\n"
        "  - {name: b, type: Linear, in_features: 2, out_features: 2}\n"
    )
    layout = layout_of(picture)
    assert set(layout.boxes) == {"input-0", "layer-0", "layer-1"}
    assert not _overlap(layout.boxes["input-0"], layout.boxes["layer-0"])


def test_thousands_of_long_edges_are_drawn_quickly() -> None:
    # every layer also reads the first: far more bends than MAX_BENDS, so the
    # long edges are drawn straight; this must not take minutes
    count = 400
    assert count * count // 2 > MAX_BENDS
    names = [f"n{i}" for i in range(count)]
    links = [(names[i - 1], names[i]) for i in range(1, count)]
    links += [(names[0], names[i]) for i in range(2, count)]
    nodes, edges = _graph(names, links)
    layout = layered_layout(nodes, edges)
    assert len(layout.routes) == len(edges)
