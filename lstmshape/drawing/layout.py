"""A layered layout, left to right, for drawing without Graphviz.

The classic steps of a layered (Sugiyama) drawing, kept simple:

1. **Ranks.**  A node's rank is one more than its furthest predecessor's; a
   node nothing points to sits just left of its first reader, so a decoder's
   input stands beside the decoder rather than at the far left.
2. **Columns.**  Rank r is column 2r.  The odd columns between them hold the
   edges: an edge from rank a to rank b passes through one item in each
   column between, and the one just before its target holds its label.  An
   edge therefore never runs through a node, and two edges never share a
   point where they cross a column: each has its own item there.
3. **Order.**  Barycentre sweeps order each column to reduce crossings, and
   the order with the fewest crossings is kept.
4. **Heights.**  Each item moves towards the mean height of its neighbours;
   the items of a column keep their order and their spacing (an isotonic
   regression, solved exactly by pooling adjacent violators), so chains come
   out straight.
5. **Routes.**  Each edge leaves its source and enters its target at a port
   of its own, ordered by where the edge goes, so parallel edges (h_n and
   c_n to a decoder) stay apart.

Between two columns an edge is a curve between two points no other edge
uses, so two edges may cross but never overlap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

COLUMN_GAP = 36.0
"""Room between columns, where edges curve from one height to another."""
ITEM_GAP = 18.0
"""Vertical room between two items of a column."""
BEND_HEIGHT = 4.0
EMPTY_COLUMN = 24.0
SWEEPS = 12
HEIGHT_ROUNDS = 24
HEIGHT_WORK = 300_000
"""Most item moves in all height rounds; a huge drawing gets fewer rounds."""
MAX_BENDS = 10_000
"""Most edge items in all; beyond, an edge spanning several ranks is drawn
straight to its label (it may then pass over other nodes), so a hostile spec
with thousands of long edges takes seconds, not minutes."""


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height


Point = tuple[float, float]


@dataclass(frozen=True)
class Route:
    points: tuple[Point, ...]
    """From a port on the source's right side to one on the target's left side."""
    label: Box
    """The label's box, centred on the route."""


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    boxes: dict[str, Box]
    routes: dict[str, Route]


@dataclass(frozen=True)
class LayoutNode:
    id: str
    width: float
    height: float


@dataclass(frozen=True)
class LayoutEdge:
    id: str
    source: str
    target: str
    label_width: float
    label_height: float


@dataclass(eq=False)
class _Item:
    column: int
    width: float
    height: float
    node: str | None = None
    left: list[_Item] = field(default_factory=list)
    right: list[_Item] = field(default_factory=list)
    neighbours: list[_Item] = field(default_factory=list)
    """Both sides, for placing heights."""
    position: int = 0
    y: float = 0.0


def layered_layout(nodes: Sequence[LayoutNode], edges: Sequence[LayoutEdge]) -> Layout:
    """Lay out ``nodes`` (in an order where every edge points forward) and ``edges``."""
    ranks = _ranks(nodes, edges)
    items = {node.id: _Item(2 * ranks[node.id], node.width, node.height, node.id) for node in nodes}
    long_spans = sum(max(0, ranks[e.target] - ranks[e.source] - 1) for e in edges)
    bend = long_spans <= MAX_BENDS
    chains = [_chain(edge, items, ranks, bend=bend) for edge in edges]
    width = 2 * max(ranks.values(), default=0) + 1
    columns: list[list[_Item]] = [[] for _ in range(width)]
    for item in [*items.values(), *(item for chain in chains for item in chain[1:-1])]:
        item.position = len(columns[item.column])
        columns[item.column].append(item)
    _order(columns)
    _place_heights(columns)
    lefts, rights = _column_spans(columns)
    top = min((item.y - item.height / 2 for item in _all(columns)), default=0.0)
    for item in _all(columns):
        item.y -= top
    boxes = {
        node_id: Box(
            (lefts[item.column] + rights[item.column] - item.width) / 2,
            item.y - item.height / 2,
            item.width,
            item.height,
        )
        for node_id, item in items.items()
    }
    routes = _routes(edges, chains, boxes, lefts, rights)
    height = max((item.y + item.height / 2 for item in _all(columns)), default=0.0)
    return Layout(rights[-1] if rights else 0.0, height, boxes, routes)


def _all(columns: list[list[_Item]]) -> list[_Item]:
    return [item for column in columns for item in column]


def _ranks(nodes: Sequence[LayoutNode], edges: Sequence[LayoutEdge]) -> dict[str, int]:
    incoming: dict[str, list[str]] = {node.id: [] for node in nodes}
    outgoing: dict[str, list[str]] = {node.id: [] for node in nodes}
    for edge in edges:
        incoming[edge.target].append(edge.source)
        outgoing[edge.source].append(edge.target)
    ranks: dict[str, int] = {}
    for node in nodes:
        ranks[node.id] = max((ranks[source] + 1 for source in incoming[node.id]), default=0)
    for node in nodes:
        if not incoming[node.id] and outgoing[node.id]:
            ranks[node.id] = max(0, min(ranks[target] for target in outgoing[node.id]) - 1)
    return ranks


def _chain(
    edge: LayoutEdge, items: dict[str, _Item], ranks: dict[str, int], *, bend: bool
) -> list[_Item]:
    """The edge's items from its source node to its target node, linked to each other."""
    source, target = items[edge.source], items[edge.target]
    label_column = 2 * ranks[edge.target] - 1
    first = 2 * ranks[edge.source] + 1 if bend else label_column
    chain = [source]
    for column in range(first, label_column):
        chain.append(_Item(column, 0.0, BEND_HEIGHT))
    chain.append(_Item(label_column, edge.label_width, edge.label_height))
    chain.append(target)
    for before, after in pairwise(chain):
        before.right.append(after)
        after.left.append(before)
    return chain


def _order(columns: list[list[_Item]]) -> None:
    """Barycentre sweeps; the orders with the fewest crossings are kept."""
    best = [list(column) for column in columns]
    best_crossings = _crossings(columns)
    for _ in range(SWEEPS):
        if best_crossings == 0:
            break
        for index in range(1, len(columns)):
            _sort_by_neighbours(columns[index], left=True)
        for index in range(len(columns) - 2, -1, -1):
            _sort_by_neighbours(columns[index], left=False)
        crossings = _crossings(columns)
        if crossings < best_crossings:
            best, best_crossings = [list(column) for column in columns], crossings
    for index, column in enumerate(best):
        columns[index] = column
        for position, item in enumerate(column):
            item.position = position


def _sort_by_neighbours(column: list[_Item], *, left: bool) -> None:
    def barycentre(item: _Item) -> float:
        neighbours = item.left if left else item.right
        if not neighbours:
            return float(item.position)
        return sum(neighbour.position for neighbour in neighbours) / len(neighbours)

    column.sort(key=barycentre)  # stable: ties keep their order
    for position, item in enumerate(column):
        item.position = position


def _crossings(columns: list[list[_Item]]) -> int:
    total = 0
    for column in columns[:-1]:
        pairs = sorted(
            (item.position, neighbour.position) for item in column for neighbour in item.right
        )
        total += _inversions([lower for _, lower in pairs])
    return total


def _inversions(values: list[int]) -> int:
    """Pairs out of order, counted with a Fenwick tree: O(n log n)."""
    size = max(values, default=0) + 2
    tree = [0] * size
    inversions = 0
    for seen, value in enumerate(values):
        index, at_most = value + 1, 0
        while index > 0:
            at_most += tree[index]
            index -= index & -index
        inversions += seen - at_most
        index = value + 1
        while index < size:
            tree[index] += 1
            index += index & -index
    return inversions


def _place_heights(columns: list[list[_Item]]) -> None:
    count = 0
    for column in columns:
        # each column starts centred on 0, so a chain starts, and stays, straight
        y = -(sum(item.height + ITEM_GAP for item in column) - ITEM_GAP) / 2
        for item in column:
            item.y = y + item.height / 2
            y += item.height + ITEM_GAP
            item.neighbours = item.left + item.right
            count += 1
    rounds = max(2, min(HEIGHT_ROUNDS, HEIGHT_WORK // max(count, 1)))
    order = list(range(len(columns)))
    for round_ in range(rounds):
        for index in order if round_ % 2 == 0 else reversed(order):
            _settle(columns[index])


def _settle(column: list[_Item]) -> None:
    """Move each item towards its neighbours' mean height, keeping order and spacing.

    With offsets o_i (the least distance from the first item), z_i = y_i - o_i
    must not decrease; the least-squares such z is the isotonic regression
    of the wanted heights minus the offsets.
    """
    if not column:
        return
    offsets = [0.0]
    for before, after in pairwise(column):
        offsets.append(offsets[-1] + (before.height + after.height) / 2 + ITEM_GAP)
    blocks: list[list[float]] = []  # [sum, count] of pooled wanted values
    for item, offset in zip(column, offsets, strict=True):
        neighbours = item.neighbours
        wanted = sum([n.y for n in neighbours]) / len(neighbours) if neighbours else item.y
        blocks.append([wanted - offset, 1.0])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            total, count = blocks.pop()
            blocks[-1][0] += total
            blocks[-1][1] += count
    index = 0
    for total, count in blocks:
        for _ in range(int(count)):
            column[index].y = total / count + offsets[index]
            index += 1


def _column_spans(columns: list[list[_Item]]) -> tuple[list[float], list[float]]:
    lefts, rights = [], []
    x = 0.0
    for index, column in enumerate(columns):
        width = max((item.width for item in column), default=0.0)
        if index % 2 == 1:
            width = max(width, EMPTY_COLUMN)
        if index:
            x += COLUMN_GAP
        lefts.append(x)
        x += width
        rights.append(x)
    return lefts, rights


def _routes(
    edges: Sequence[LayoutEdge],
    chains: list[list[_Item]],
    boxes: dict[str, Box],
    lefts: list[float],
    rights: list[float],
) -> dict[str, Route]:
    outs = _ports(chains, boxes, leaving=True)
    ins = _ports(chains, boxes, leaving=False)
    routes = {}
    for index, (edge, chain) in enumerate(zip(edges, chains, strict=True)):
        source, target, label = chain[0], chain[-1], chain[-2]
        start, end = boxes[edge.source].right, boxes[edge.target].x
        # a node fills its column or sits in its middle; max and min keep
        # rounding from stepping an edge backwards where it fills it
        points: list[Point] = [
            (start, outs[index]),
            (max(start, rights[source.column]), outs[index]),
        ]
        for item in chain[1:-1]:
            points += [(lefts[item.column], item.y), (rights[item.column], item.y)]
        points.append((min(end, lefts[target.column]), ins[index]))
        points.append((end, ins[index]))
        centre = (lefts[label.column] + rights[label.column]) / 2
        label_box = Box(
            centre - label.width / 2, label.y - label.height / 2, label.width, label.height
        )
        routes[edge.id] = Route(_without_repeats(points), label_box)
    return routes


def _ports(chains: list[list[_Item]], boxes: dict[str, Box], *, leaving: bool) -> list[float]:
    """The height at which each edge leaves its source (or enters its target).

    A node's edges are spread over its side in the order of the heights
    they go to, so they neither touch nor cross at the node.
    """
    by_node: dict[str, list[int]] = {}
    for index, chain in enumerate(chains):
        node = chain[0] if leaving else chain[-1]
        by_node.setdefault(node.node or "", []).append(index)
    ports = [0.0] * len(chains)
    for node_id, indexes in by_node.items():
        box = boxes[node_id]
        indexes.sort(key=lambda i: (chains[i][1 if leaving else -2].y, i))
        for rank, index in enumerate(indexes):
            ports[index] = box.y + box.height * (rank + 1) / (len(indexes) + 1)
    return ports


def _without_repeats(points: list[Point]) -> tuple[Point, ...]:
    kept = [points[0]]
    for point in points[1:]:
        if point != kept[-1]:
            kept.append(point)
    return tuple(kept)
