"""What a drawing shows: the model's inputs and layers, and the tensors between them.

Built from the parsed spec (for the references as written: ``input``,
``initial_state``, ``tensors``) and the check's report (for the shapes,
parameter counts and diagnostics), so a drawing shows exactly what
``lstmshape check`` found.  References are parsed with
:func:`~lstmshape.references.parse_reference`, never evaluated, and resolve
as the engine resolves them: to an input or an earlier layer.  A reference
to anything else gets a node of its own, marked as missing, so the drawing
shows the mistake instead of hiding it.

Every text here has passed through :func:`~lstmshape.drawing.labels.shown`;
the renderers escape it for their format.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

from lstmshape.diagnostics import Diagnostic, Severity
from lstmshape.drawing.labels import shown
from lstmshape.engine.graph import LayerResult
from lstmshape.engine.indexing import IndexProblem, apply_subscript
from lstmshape.loader import Positions
from lstmshape.models.spec import ParsedLayer, ParsedSpec
from lstmshape.references import ReferenceSyntaxError, Subscript, parse_reference
from lstmshape.report import ModelReport, count_text
from lstmshape.shapes import Shape, format_shape

NodeKind = Literal["input", "layer", "missing"]
Status = Literal["ok", "warning", "unchecked", "error"]
"""As in check's table: ``unchecked`` is a layer whose checks could not run."""

PRIMARY = "output"
STATE_TENSORS = frozenset(
    ("h_n", "c_n", "state_h", "state_c", "forward_h", "forward_c", "backward_h", "backward_c")
)
"""The states torch and Keras layers return; their edges are drawn apart from sequences."""

STRUCTURE_KEYS = frozenset(
    ("name", "type", "input", "initial_state", "tensors", "expect", "module")
)
"""Keys drawn as edges or not drawn at all, never as arguments."""
QUIET_KEYS = frozenset(("device", "dtype", "seed", "trainable"))
QUIET_SUFFIXES = ("_initializer", "_regularizer", "_constraint")
"""Arguments that never change a shape; they would only crowd the node."""
MAX_ARGUMENTS = 8
MAX_ARGUMENT_CHARS = 40


@dataclass(frozen=True)
class Node:
    """An input, a layer, or a name a reference asks for and nothing defines.

    ``lines`` is the node's label below its name.  A further per-layer line
    computed from the layer's result (such as a cost) goes into ``details``,
    filled in :meth:`_Builder._layer_node`, which has the :class:`LayerResult`.
    """

    id: str
    """Unique in the picture and safe in every format: ``input-0``, ``layer-3``, ``missing-0``."""
    kind: NodeKind
    name: str
    type: str | None = None
    arguments: tuple[str, ...] = ()
    tensors: tuple[tuple[str, str], ...] = ()
    """Each tensor the layer makes, with its shape: ``("h_n", "[1, 32, 64]")``."""
    params: int | None = None
    details: tuple[str, ...] = ()
    """Further lines, after the parameter count."""
    diagnostics: tuple[Diagnostic, ...] = ()
    checked: bool = True
    """False for a layer whose config is invalid, or that reads a tensor an earlier
    error left unknown: its checks did not run."""

    @property
    def status(self) -> Status:
        if self.kind == "missing" or any(d.severity is Severity.ERROR for d in self.diagnostics):
            return "error"
        if not self.checked:
            return "unchecked"
        return "warning" if self.diagnostics else "ok"

    @property
    def lines(self) -> list[str]:
        if self.kind == "missing":
            return ["not defined above"]
        if self.kind == "input":
            return [shape for _, shape in self.tensors] + self._diagnostic_lines()
        lines = [self.type or "?", *self.arguments]
        lines += [f"{name} {shape}" for name, shape in self.tensors]
        if self.params is not None:
            lines.append(f"{self.params:,} params")
        return lines + list(self.details) + self._diagnostic_lines()

    def _diagnostic_lines(self) -> list[str]:
        return [f"{d.severity.value} {d.code}" for d in self.diagnostics]

    @property
    def tooltip(self) -> str:
        """The full diagnostics, for formats that show a tooltip."""
        found = [f"{d.code} {d.severity.value}: {shown(d.message, 500)}" for d in self.diagnostics]
        return "\n".join([self.name, *found])


@dataclass(frozen=True)
class Edge:
    """One reference: a tensor flowing from ``source`` to ``target``."""

    id: str
    source: str
    target: str
    reference: str
    """As written, or the name of the tensor's maker when the spec leaves it implicit."""
    shape: str
    """The shape the target reads, after any index in the reference."""
    state: bool
    """A state (h_n, c_n, state_h, ...) or an initial state rather than a sequence."""


@dataclass(frozen=True)
class Picture:
    path: str
    name: str
    framework: str
    params: int | None
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    diagnostics: tuple[Diagnostic, ...]
    """All of the model's diagnostics, in file order."""
    unplaced: tuple[Diagnostic, ...]
    """The diagnostics that concern no input or layer, such as a limit on the whole model."""

    @property
    def title(self) -> str:
        return f"{self.name} ({self.framework}) · {count_text(self.params)} params"

    @property
    def caption(self) -> list[str]:
        """The title, and the diagnostics no node can show, so a drawing does not hide them."""
        if not self.unplaced:
            return [self.title]
        found = ", ".join(f"{d.severity.value} {d.code}" for d in self.unplaced)
        return [self.title, shown(f"on the spec itself: {found}", 120)]

    @property
    def layers(self) -> list[Node]:
        return [node for node in self.nodes if node.kind == "layer"]

    def edges_into(self, node_id: str) -> list[Edge]:
        return self._edges_by_target.get(node_id, [])

    @cached_property
    def _edges_by_target(self) -> dict[str, list[Edge]]:
        by_target: dict[str, list[Edge]] = {}
        for edge in self.edges:
            by_target.setdefault(edge.target, []).append(edge)
        return by_target

    def count(self, severity: Severity) -> int:
        return sum(1 for diagnostic in self.diagnostics if diagnostic.severity is severity)


def build_picture(spec: ParsedSpec, report: ModelReport, positions: Positions) -> Picture:
    """The picture of one checked spec; ``positions`` are its document's."""
    return _Builder(spec, report, positions).build()


class _Builder:
    def __init__(self, spec: ParsedSpec, report: ModelReport, positions: Positions) -> None:
        self._spec = spec
        self._report = report
        results = report.layers if len(report.layers) == len(spec.layers) else []
        self._results: dict[int, LayerResult] = dict(enumerate(results))
        self._placer = _DiagnosticPlacer(spec, report.diagnostics, positions)
        self._node_of: dict[str, str] = {}
        """Name -> node id, for the inputs and the layers drawn so far."""
        self._shapes: dict[str, dict[str, Shape | None]] = {}
        self._missing: dict[str, Node] = {}
        self._declared: Node | None = None
        """The model input a Keras first layer declares with input_shape."""
        self._edges: list[Edge] = []

    def build(self) -> Picture:
        inputs = [self._input_node(index, name) for index, name in enumerate(self._spec.inputs)]
        layers = []
        previous: str | None = None
        for layer in self._spec.layers:
            self._add_edges(layer, previous)
            node = self._layer_node(layer)
            layers.append(node)
            self._node_of.setdefault(layer.name, node.id)
            self._shapes.setdefault(layer.name, dict(self._tensors_of(layer)))
            previous = layer.name
        declared = [self._declared] if self._declared else []
        return Picture(
            path=self._report.path,
            name=shown(self._spec.name),
            framework=self._spec.framework.key,
            params=self._report.params,
            nodes=(*inputs, *declared, *self._missing.values(), *layers),
            edges=tuple(self._edges),
            diagnostics=tuple(self._report.diagnostics),
            unplaced=tuple(self._placer.unplaced()),
        )

    def _input_node(self, index: int, name: str) -> Node:
        node_id = f"input-{index}"
        shape = self._spec.inputs[name]
        self._node_of.setdefault(name, node_id)
        self._shapes.setdefault(name, {PRIMARY: shape})
        return Node(
            node_id,
            "input",
            shown(name),
            tensors=((PRIMARY, format_shape(shape)),),
            diagnostics=self._placer.of_input(name),
        )

    def _tensors_of(self, layer: ParsedLayer) -> Iterable[tuple[str, Shape | None]]:
        result = self._results.get(layer.index)
        return result.tensors.items() if result else ()

    def _layer_node(self, layer: ParsedLayer) -> Node:
        result = self._results.get(layer.index)
        return Node(
            f"layer-{layer.index}",
            "layer",
            shown(layer.name),
            type=shown(layer.type) if layer.type else _written_type(layer.raw),
            arguments=tuple(_arguments(layer.raw or {})),
            tensors=tuple(
                (shown(name), format_shape(shape)) for name, shape in self._tensors_of(layer)
            ),
            params=result.params if result else None,
            diagnostics=self._placer.of_layer(layer),
            checked=result.checked if result else False,
        )

    def _add_edges(self, layer: ParsedLayer, previous: str | None) -> None:
        raw = layer.raw or {}
        target = f"layer-{layer.index}"
        written = [key for key in ("tensors", "input") if key in raw]
        for key in written:
            for text in _texts(raw[key]):
                self._reference_edge(text, target, state=False)
        if not written:
            self._default_edge(raw, previous, target)
        for text in _texts(raw.get("initial_state")):
            self._reference_edge(text, target, state=True)

    def _default_edge(self, raw: dict[str, Any], previous: str | None, target: str) -> None:
        """No input: written: the previous layer's output, the only input, or input_shape."""
        if previous is not None:
            self._edge(previous, PRIMARY, (), shown(previous), target, state=False)
        elif isinstance(raw.get("input_shape"), list) and not self._spec.inputs:
            shape = (None, *_declared_shape(raw["input_shape"]))
            self._declared = Node(
                "input-declared", "input", "input_shape", tensors=((PRIMARY, format_shape(shape)),)
            )
            self._shapes[_DECLARED_INPUT] = {PRIMARY: shape}
            self._node_of[_DECLARED_INPUT] = self._declared.id
            self._edge(_DECLARED_INPUT, PRIMARY, (), "input_shape", target, state=False)
        elif len(self._spec.inputs) == 1:
            (name,) = self._spec.inputs
            self._edge(name, PRIMARY, (), shown(name), target, state=False)

    def _reference_edge(self, text: str, target: str, *, state: bool) -> None:
        try:
            reference = parse_reference(text)
        except ReferenceSyntaxError:
            return  # reported on the layer; there is nothing to connect
        if reference.source not in self._node_of:
            self._missing_node(reference.source)
        tensor = reference.tensor or PRIMARY
        self._edge(
            reference.source,
            tensor,
            reference.subscripts,
            shown(reference.text),
            target,
            state=state or tensor in STATE_TENSORS,
        )

    def _missing_node(self, name: str) -> None:
        node_id = f"missing-{len(self._missing)}"
        self._missing[name] = Node(node_id, "missing", shown(name))
        self._node_of[name] = node_id

    def _edge(
        self,
        source: str,
        tensor: str,
        subscripts: tuple[Subscript, ...],
        text: str,
        target: str,
        *,
        state: bool,
    ) -> None:
        shape = self._shapes.get(source, {}).get(tensor)
        for subscript in subscripts:
            if shape is None:
                break
            try:
                shape = apply_subscript(shape, subscript)
            except IndexProblem:
                shape = None  # reported on the layer that reads it
        self._edges.append(
            Edge(
                f"edge-{len(self._edges)}",
                self._node_of[source],
                target,
                text,
                format_shape(shape),
                state,
            )
        )


_DECLARED_INPUT = "\0input_shape"
"""The name of the input a Keras first layer declares; no name in a spec can clash."""


def _texts(value: Any) -> Iterator[str]:
    """The reference texts of an input:, initial_state: or tensors: value as written."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        yield from (item for item in value if isinstance(item, str))


def _declared_shape(dims: list[Any]) -> Shape:
    return tuple(
        dim
        if (isinstance(dim, int) and not isinstance(dim, bool) and dim > 0)
        or (isinstance(dim, str) and dim.isidentifier())
        else None
        for dim in dims
    )


def _written_type(raw: dict[str, Any] | None) -> str | None:
    written = (raw or {}).get("type")
    return shown(written) if isinstance(written, str) else None


def _shown_keys(mapping: dict[str, Any]) -> list[tuple[str, Any]]:
    return [
        (key, value)
        for key, value in mapping.items()
        if isinstance(key, str)
        and not (key in STRUCTURE_KEYS or key in QUIET_KEYS or key.endswith(QUIET_SUFFIXES))
    ]


def _arguments(raw: dict[str, Any]) -> Iterator[str]:
    """The constructor arguments written in the spec, ``name=value``, a few to a line."""
    written = [
        shown(f"{key}={_value(value)}", MAX_ARGUMENT_CHARS) for key, value in _shown_keys(raw)
    ]
    if len(written) > MAX_ARGUMENTS:
        written = [*written[:MAX_ARGUMENTS], "…"]
    line = ""
    for argument in written:
        if line and len(line) + 2 + len(argument) > MAX_ARGUMENT_CHARS:
            yield line
            line = ""
        line = f"{line}, {argument}" if line else argument
    if line:
        yield line


def _value(value: Any, depth: int = 0) -> str:
    """A YAML value written compactly; a wrapped layer as ``LSTM(units=64, ...)``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if depth > 2:
        return "…"
    if isinstance(value, list):
        return "[" + ", ".join(_value(item, depth + 1) for item in value[:8]) + "]"
    if isinstance(value, dict):
        inner = ", ".join(
            f"{key}={_value(item, depth + 1)}" for key, item in _shown_keys(value)[:8]
        )
        kind = value.get("type")
        return f"{kind}({inner})" if isinstance(kind, str) else "{" + inner + "}"
    return str(value)[:MAX_ARGUMENT_CHARS]


class _DiagnosticPlacer:
    """Which input or layer each diagnostic concerns.

    By position first: a diagnostic inside a layer's YAML is that layer's,
    which tells apart two layers of the same name.  Then by the layer the
    engine named.  The rest concern the model as a whole.
    """

    def __init__(
        self, spec: ParsedSpec, diagnostics: Iterable[Diagnostic], positions: Positions
    ) -> None:
        spans = _spans(positions)
        self._owner_spans = sorted(spans.items(), key=lambda item: item[1])
        self._starts = [span[0] for _, span in self._owner_spans]
        first_index = {}
        for layer in reversed(spec.layers):
            first_index[layer.name] = layer.index
        self._by_owner: dict[tuple[str, Any], list[Diagnostic]] = {}
        self._unplaced: list[Diagnostic] = []
        for diagnostic in diagnostics:
            owner = self._owner_at((diagnostic.line, diagnostic.column))
            if owner is None and diagnostic.layer in first_index:
                owner = ("layers", first_index[diagnostic.layer])
            if owner is None:
                self._unplaced.append(diagnostic)
            else:
                self._by_owner.setdefault(owner, []).append(diagnostic)

    def _owner_at(self, where: tuple[int, int]) -> tuple[str, Any] | None:
        # inputs and layers never overlap: only the last one starting before can hold it
        found = bisect_right(self._starts, where) - 1
        if found < 0:
            return None
        owner, (start, end) = self._owner_spans[found]
        return owner if start <= where <= end else None

    def of_input(self, name: str) -> tuple[Diagnostic, ...]:
        return tuple(self._by_owner.get(("inputs", name), ()))

    def of_layer(self, layer: ParsedLayer) -> tuple[Diagnostic, ...]:
        return tuple(self._by_owner.get(("layers", layer.index), ()))

    def unplaced(self) -> list[Diagnostic]:
        return self._unplaced


def _spans(positions: Positions) -> dict[tuple[str, Any], tuple[tuple[int, int], tuple[int, int]]]:
    """The first and last position inside each input and layer of the document."""
    spans: dict[tuple[str, Any], tuple[tuple[int, int], tuple[int, int]]] = {}
    for table in (positions.values, positions.keys):
        for path, where in table.items():
            if len(path) < 2 or path[0] not in ("layers", "inputs"):
                continue
            owner = (str(path[0]), path[1])
            known = spans.get(owner)
            spans[owner] = (min(known[0], where), max(known[1], where)) if known else (where, where)
    return spans
