"""``--format json``: one JSON document for the whole run, printed at the end.

Dims are ints, symbol strings or null; a layer whose config is invalid has
no tensors and null params.  Costs (``macs``, ``flops``, ``extra_flops``,
``param_bytes``, ``activation_bytes``, see :mod:`lstmshape.costs`) are
formulas held as dims are, per layer and for the model; when the symbols
have values (``dims:`` in the spec, ``--dim``), ``dims`` holds them and an
``evaluated`` object beside the formulas holds the shapes and costs they give.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from json.encoder import encode_basestring_ascii as _quote
from typing import TYPE_CHECKING, Any, TextIO

from lstmshape.costs import LayerCosts, cost_fields
from lstmshape.output import json_counts, json_document_pieces
from lstmshape.report import ModelReport, Summary, layer_statuses
from lstmshape.shapes import Shape, substitute_dim

if TYPE_CHECKING:
    from lstmshape.engine.graph import LayerResult


def _shape(shape: Shape | None, values: Mapping[str, int] | None = None) -> list[Any] | None:
    if shape is None:
        return None
    return [substitute_dim(dim, values) for dim in shape] if values else list(shape)


def report_to_json(report: ModelReport, dims: Mapping[str, int] | None = None) -> dict[str, Any]:
    """The report as JSON; ``dims`` (``--dim``) give symbols values over the spec's ``dims:``."""
    return _report_fields(report, dims, _layer_fields)


LayerWriter = Callable[["LayerResult", str, Mapping[str, int]], Any]
"""A layer's entry in ``layers``, from the layer, its status and the symbols' values."""


def _report_fields(
    report: ModelReport, dims: Mapping[str, int] | None, layer_entry: LayerWriter
) -> dict[str, Any]:
    values = {**report.dims, **(dims or {})}
    layers = [
        layer_entry(layer, status, values)
        for layer, status in zip(report.layers, layer_statuses(report), strict=True)
    ]
    costs = report.costs if report.framework is not None else None
    model: dict[str, Any] = {"params": report.params, **_cost_fields(costs, None)}
    if values and report.framework is not None:
        model["dims"] = values
        model["evaluated"] = _cost_fields(costs, values)
    return {
        "path": report.path,
        "framework": report.framework,
        "name": report.name,
        "layers": layers,
        **model,
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


def _layer_fields(layer: LayerResult, status: str, values: Mapping[str, int]) -> dict[str, Any]:
    """A layer's entry: its name first (see :func:`_layer_text`)."""
    entry: dict[str, Any] = {
        "name": layer.name,
        "type": layer.type,
        "tensors": {name: _shape(shape) for name, shape in layer.tensors.items()},
        "params": layer.params,
        **_cost_fields(layer.costs, None),
        "status": status,
    }
    if values:
        entry["evaluated"] = {
            "tensors": {name: _shape(shape, values) for name, shape in layer.tensors.items()},
            **_cost_fields(layer.costs, values),
        }
    return entry


def _cost_fields(costs: LayerCosts | None, values: Mapping[str, int] | None) -> dict[str, Any]:
    """:func:`cost_fields`, computed once per distinct costs and values in a run.

    Layers priced alike share their costs (see :mod:`lstmshape.engine.costing`), and so do
    the specs of a repository that repeat a block; writing the same formulas again is most
    of a deep model's report.  The dicts are only read from here on.
    """
    key = (costs, tuple(values.items()) if values else None)
    fields = _WRITTEN.get(key)
    if fields is None:
        if len(_WRITTEN) >= _WRITTEN_LIMIT:
            _WRITTEN.clear()
        fields = _WRITTEN[key] = cost_fields(costs, values)
    return fields


_WRITTEN: dict[tuple[LayerCosts | None, tuple[tuple[str, int], ...] | None], dict[str, Any]] = {}
_WRITTEN_LIMIT = 4096


def dumps(value: Any, pad: str = "") -> str:
    """``json.dumps(value, indent=2)``, the same text, in less than half the time.

    With an indent, the standard library encodes in Python one token at a
    time (the C encoder takes no indent); a 10,000-layer report is 380,000
    tokens.  This writes every token into one list, joined once at the end: a
    large report is megabytes, which each join of a nested container would copy
    again.  What a report does not hold (floats, tuples, keys that are not
    strings) is left to the standard library, re-indented to its depth; text
    already written at its depth (:class:`_Written`) is copied.
    """
    pieces: list[str] = []
    _write(value, pad, pieces)
    return "".join(pieces)


def _write(value: Any, pad: str, pieces: list[str]) -> None:
    """Append the JSON text of ``value``, its inner lines indented past ``pad``."""
    kind = type(value)
    if kind is str:
        pieces.append(_quote(value))
    elif kind is _Written:
        pieces += value
    elif kind is int:
        pieces.append(int.__repr__(value))
    elif value is None:
        pieces.append("null")
    elif kind is dict and all(type(key) is str for key in value):
        if not value:
            pieces.append("{}")
            return
        inner = pad + "  "
        pieces.append("{\n")
        for key, item in value.items():
            pieces += (inner, _quote(key), ": ")
            _write(item, inner, pieces)
            pieces.append(",\n")
        pieces[-1] = f"\n{pad}}}"
    elif kind is list:
        if not value:
            pieces.append("[]")
            return
        inner = pad + "  "
        pieces.append("[\n")
        for item in value:
            pieces.append(inner)
            _write(item, inner, pieces)
            pieces.append(",\n")
        pieces[-1] = f"\n{pad}]"
    else:  # JSON text holds no raw line breaks, so each one starts a new line to indent
        pieces.append(json.dumps(value, indent=2).replace("\n", "\n" + pad))


def entry(report: ModelReport, dims: Mapping[str, int] | None = None) -> str:
    """The report's entry in the document's ``files`` list, written at that depth."""
    return _FILES_PAD + dumps(_report_fields(report, dims, _layer_text), _FILES_PAD)


_FILES_PAD = "    "
"""The indent of an entry of ``files``: the document's second level."""
_LAYER_PAD = _FILES_PAD + "    "
"""The indent of an entry of a file's ``layers``."""
_LAYER_HEAD = f'{{\n{_LAYER_PAD}  "name": '
"""A layer's entry up to its name."""


class _Written(tuple[str, ...]):
    """JSON text already written at its depth, in pieces, which :func:`dumps` copies as
    they are: a layer's entry is its name and the text of a layer like it."""

    __slots__ = ()


def _layer_text(layer: LayerResult, status: str, values: Mapping[str, int]) -> _Written:
    """A layer's entry; a layer like one written before in the run (all but its name: a
    deep model repeats its blocks, a repository its layers) as that one's text, renamed."""
    costs = layer.costs
    # costs by identity: layers priced alike share one object (lstmshape.engine.costing), and
    # hashing its formulas again costs more than the rest; the entry keeps the object alive,
    # so no other takes its id while the entry is there
    shapes = tuple(layer.tensors.items())
    key = (layer.type, shapes, layer.params, id(costs), status, tuple(values.items()))
    kept = _LAYER_TEXTS.get(key)
    if kept is None:
        fields = _layer_fields(layer, status, values)
        del fields["name"]
        if len(_LAYER_TEXTS) >= _WRITTEN_LIMIT:
            _LAYER_TEXTS.clear()
        kept = _LAYER_TEXTS[key] = (costs, dumps(fields, _LAYER_PAD)[1:])  # after its "{"
    return _Written((_LAYER_HEAD, _quote(layer.name), ",", kept[1]))


_LAYER_TEXTS: dict[tuple[object, ...], tuple[LayerCosts | None, str]] = {}


class JsonReporter:
    fixed = True

    def __init__(self, out: TextIO, dims: Mapping[str, int] | None = None) -> None:
        self._out = out
        self._dims = dims
        self._parts: list[str] = []

    def start(self) -> None:
        self._parts = []

    def handle(self, report: ModelReport) -> None:
        self.add(self.render([report]))

    def render(self, reports: list[ModelReport]) -> str:
        return ",\n".join(entry(report, self._dims) for report in reports)

    def add(self, part: str) -> None:
        if part:  # a file skipped as not a spec has no entry
            self._parts.append(part)

    def finish(self, summary: Summary) -> None:
        counts = json_counts(
            summary.files, summary.errors, summary.warnings, summary.skipped, summary.skipping
        )
        self._out.writelines(json_document_pieces(self._parts, counts))
