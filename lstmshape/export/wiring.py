"""What both frameworks' exports share: a layer's arguments, its call, its references.

Everything here is derived from the layer type's declaration: a config's
fields are the framework's own argument names, so a layer's constructor
arguments are the fields the spec wrote, less the fields that belong to the
call (what it reads, its states, its name and ``expect:``).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from types import EllipsisType
from typing import TYPE_CHECKING, Any

from lstmshape.export.code import Atom, Expr, Names, list_of
from lstmshape.frameworks import FRAMEWORKS
from lstmshape.references import IndexItem, parse_reference
from lstmshape.shapes import Shape, format_shape

if TYPE_CHECKING:
    from lstmshape.frameworks.layer_type import LayerType
    from lstmshape.models.common import LayerBase
    from lstmshape.models.spec import ParsedLayer, ParsedSpec
    from lstmshape.report import ModelReport

PRIMARY = "output"
_CALL_FIELDS = frozenset(
    ("name", "type", "expect", "module", "reuse", "initial_state", "input_shape")
)
"""Fields of every layer that are not the framework's constructor arguments: its name,
what it is checked against (``expect:``, and ``module:`` for ``verify``), and what its
call reads (``input_shape`` declares a Keras model's input, which the export writes as the
framework's own input)."""


def call_fields(declared: LayerType[Any]) -> frozenset[str]:
    """The config fields a call takes: what the layer reads, by the declaration."""
    return _CALL_FIELDS | {declared.input_field, *declared.tensor_args, *declared.call_args}


def constructor_arguments(config: LayerBase, declared: LayerType[Any]) -> dict[str, Any]:
    """The arguments the spec wrote for the framework's constructor, in the config's order."""
    calls = call_fields(declared)
    written = config.model_fields_set
    return {
        key: getattr(config, key)
        for key in type(config).model_fields
        if key in written and key not in calls
    }


def tensor_targets(declared: LayerType[Any], config: LayerBase) -> tuple[ast.expr, set[str]]:
    """What a call returns, as an assignment target of tensor names, and the names it binds.

    By default the tensors in order (one name alone, several as a tuple); a declared
    ``returns`` pattern where the framework nests them (torch's LSTM).
    """
    names = declared.tensors(config)
    pattern = declared.returns or ", ".join(names)
    target = ast.parse(pattern, mode="eval").body
    bound = {node.id for node in ast.walk(target) if isinstance(node, ast.Name)}
    return target, bound


@dataclass
class Variables:
    """The Python name of each tensor of the spec: an input, or a layer's tensor."""

    names: Names
    by_tensor: dict[tuple[str, str], str] = field(default_factory=dict)

    def add_input(self, name: str) -> str:
        variable = self.by_tensor[(name, PRIMARY)] = self.names.claim(name)
        return variable

    def add_layer(self, layer: str, tensors: tuple[str, ...], aliases: dict[str, str]) -> None:
        """A variable per tensor (``enc`` for enc.output, ``enc_h_n``); ``aliases`` maps
        a tensor that is another one (a cell's ``output`` is ``h_1``) to that one."""
        for tensor in tensors:
            if tensor not in aliases:
                wanted = layer if tensor == PRIMARY else f"{layer}_{tensor}"
                self.by_tensor[(layer, tensor)] = self.names.claim(wanted)
        for tensor, same in aliases.items():
            self.by_tensor[(layer, tensor)] = self.by_tensor[(layer, same)]

    def reference(self, text: str) -> Expr:
        """A reference (``enc.h_n[-1]``) as the Python expression that reads it."""
        reference = parse_reference(text)
        key = (reference.source, reference.tensor or PRIMARY)
        if key not in self.by_tensor and reference.tensor == "data":
            # LAYER.data: the data of a packed output (a PackedSequence), as the engine reads it
            variable = self.by_tensor[(reference.source, PRIMARY)] + ".data"
        else:
            variable = self.by_tensor[key]
        index = "".join(
            "[" + ", ".join(_index_item(item) for item in subscript) + "]" if subscript else "[()]"
            for subscript in reference.subscripts
        )
        return Atom(variable + index)

    def references(self, written: str | list[str]) -> Expr:
        if isinstance(written, list):
            return list_of(self.reference(text) for text in written)
        return self.reference(written)


def _index_item(item: IndexItem) -> str:
    if isinstance(item, EllipsisType):
        return "..."
    if item is None or isinstance(item, int):
        return repr(item)
    parts = ["" if part is None else str(part) for part in (item.start, item.stop)]
    text = ":".join(parts)
    return text if item.step is None else f"{text}:{item.step}"


def read_by_later_layers(spec: ParsedSpec) -> set[str]:
    """The names of the inputs and layers some later layer reads (by reference or as
    the previous layer's output)."""
    read: set[str] = set()
    previous: str | None = None
    for layer in spec.layers:
        written = written_inputs(layer)
        if layer.config is not None and layer.layer_type is not None:
            field_value = getattr(layer.config, layer.layer_type.input_field, None)
            if field_value is None and previous is not None:
                read.add(previous)
        for text in written:
            read.add(parse_reference(text).source)
        previous = layer.name
    return read


MASK_ARGUMENTS = frozenset(("mask", "attention_mask", "key_padding_mask", "attn_mask"))
"""The call arguments that read a mask: Keras's ``mask`` and MultiHeadAttention's
``attention_mask``, torch's MultiheadAttention ``key_padding_mask`` and ``attn_mask``."""


def mask_inputs(spec: ParsedSpec) -> set[str]:
    """The spec's inputs that every layer reading them reads as a mask: the export makes
    them boolean, as a mask is (Keras takes a float mask as its truth value, and torch a
    float one as scores to add, warning when a MultiheadAttention's two masks differ in
    dtype).  An input read as data as well keeps the default dtype."""
    masks: set[str] = set()
    data: set[str] = set()
    for index, layer in enumerate(spec.layers):
        config, declared = layer.config, layer.layer_type
        if config is None or declared is None:
            continue
        if index == 0 and getattr(config, declared.input_field, None) is None and spec.inputs:
            data.add(next(iter(spec.inputs)))  # the first layer reads the first input
        for key, text in _written_by_field(layer):
            (masks if key in MASK_ARGUMENTS else data).add(parse_reference(text).source)
    return (masks - data) & set(spec.inputs)


def written_inputs(layer: ParsedLayer) -> list[str]:
    """Every reference the layer writes: its input, other tensors and initial states."""
    return [text for _, text in _written_by_field(layer)]


def _written_by_field(layer: ParsedLayer) -> list[tuple[str, str]]:
    """The references the layer writes, each with the field it is written in."""
    config, declared = layer.config, layer.layer_type
    if config is None or declared is None:
        return []
    found: list[tuple[str, str]] = []
    for key in (declared.input_field, *declared.tensor_args, "initial_state"):
        value = getattr(config, key, None) if key in type(config).model_fields else None
        texts = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        found += [(key, text) for text in texts if isinstance(text, str)]
    return found


def shapes_comment(variables: list[tuple[str, Shape | None]]) -> str:
    """``[B, 3]`` for one tensor; ``enc [B, T, 8], enc_h_n [1, B, 8]`` for several
    (``None`` for a size left open, as Keras writes it)."""
    if len(variables) == 1:
        return _shape(variables[0][1])
    return ", ".join(f"{name} {_shape(shape)}" for name, shape in variables)


def _shape(shape: Shape | None) -> str:
    if shape is None:
        return format_shape(shape)
    return "[" + ", ".join("None" if dim is None else str(dim) for dim in shape) + "]"


NOT_EXPORTED: dict[str, frozenset[str]] = {
    "torch": frozenset(),
    "keras": frozenset(),
}
"""Layer types the export cannot write yet, by framework (a set that only shrinks:
tests/export/test_contract.py exports every other type's examples and runs them)."""


def refusals(spec: ParsedSpec, report: ModelReport) -> list[str]:
    """Why the framework's code for some of the spec's layers would not run as checked."""
    found = []
    for layer, result in zip(spec.layers, report.layers, strict=True):
        for depth, (declared, config) in enumerate(_layers(layer)):
            if declared.export_refusal is None:
                continue
            # a held layer's inputs are its wrapper's business: it is judged alone
            read = tuple(source.tensor.shape for source in result.sources) if depth == 0 else ()
            reason = declared.export_refusal(config, read)
            if reason is not None:
                found.append(f"{layer.name} is {reason}")
    return found


def unsupported_types(spec: ParsedSpec) -> list[str]:
    """The spec's layer types that the export cannot write, each named once."""
    refused = NOT_EXPORTED[spec.framework.key]
    found = [
        name
        for layer in spec.layers
        for name in (layer.type, *(declared.name for declared, _ in _layers(layer)))
        if name in refused
    ]
    return list(dict.fromkeys(name for name in found if name is not None))


def _layers(layer: ParsedLayer) -> list[tuple[LayerType[Any], Any]]:
    """The layer's type and config, then those of every layer it holds, however deep
    (a TimeDistributed's Bidirectional's layer and backward_layer); cells are no types."""
    if layer.layer_type is None or layer.config is None:
        return []
    types = FRAMEWORKS[layer.layer_type.framework].types
    found: list[tuple[LayerType[Any], Any]] = [(layer.layer_type, layer.config)]
    for declared, config in found:  # grows as it goes: each held layer is visited once
        for key in declared.nests:
            value = getattr(config, key, None)
            held = types.get(str(getattr(value, "type", "")))
            if held is not None:
                found.append((held, value))
    return found
