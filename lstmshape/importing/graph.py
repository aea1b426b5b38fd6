"""A Keras model's config (``to_json()``, ``config.json``) as a spec: inputs, then layers.

A Sequential model's layers read one another in order; a functional model's
``inbound_nodes`` say what each layer's call read: its first argument is
``input:`` (a list for a merge layer), further tensors fill the layer type's
``tensor_args`` in their declared order, and keyword arguments keep their
names (``initial_state``, ``mask``, ``value``...).  A layer reading the
layer just before it writes no ``input:``.

Keras 3 records the masks it passes between layers as operations
(``NotEqual``, ``Any``...) feeding the ``mask=`` of the next layers;
operations used only that way are left out, since lstmshape follows masks
itself.  An operation whose result a layer reads as data
(``x[:, -1]``) is no layer lstmshape models (LS514), as are a Lambda
layer (LS512), a custom layer (LS513) and a nested model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lstmshape.frameworks.layer_type import LAYER_TYPES, LayerType
from lstmshape.importing.arguments import convert_arguments, custom_object, from_keras
from lstmshape.importing.inputs import input_shape, is_shape, spec_name
from lstmshape.importing.json_positions import LocatedJSON
from lstmshape.importing.problems import ImportProblem, Refused
from lstmshape.shapes import Dim

MODELS = ("Sequential", "Functional", "Model")
_INPUT = "InputLayer"
_TENSOR = "__keras_tensor__"
_IGNORED_CALL_ARGS = frozenset(("training",))


@dataclass
class ImportedSpec:
    name: str
    inputs: dict[str, list[Dim]]
    layers: list[dict[str, Any]]
    problems: list[ImportProblem] = field(default_factory=list)


@dataclass
class _Layer:
    raw: dict[str, Any]
    keras_name: str
    class_name: str
    config: dict[str, Any]
    name: str = ""
    declared: LayerType[Any] | None = None
    is_op: bool = False
    written: dict[str, Any] = field(default_factory=dict)
    tensors: tuple[str, ...] = ("output",)


class _Converter:
    def __init__(self, document: LocatedJSON) -> None:
        self.document = document
        self.problems: list[ImportProblem] = []
        self.taken: set[str] = set()
        self.inputs: dict[str, list[Dim]] = {}
        self.input_names: dict[str, str] = {}
        self.layers: dict[str, _Layer] = {}

    def locate(self, value: object) -> tuple[int, int]:
        return self.document.position(value) or (1, 1)

    def report(self, code: str, message: str, at: object, hint: str | None = None) -> None:
        self.problems.append(ImportProblem(code, message, *self.locate(at), hint=hint))


def convert_model(document: LocatedJSON) -> ImportedSpec:
    """The spec of the model in ``document``; :class:`Refused` when it holds no model."""
    top = document.value
    converter = _Converter(document)
    if not (isinstance(top, dict) and isinstance(top.get("config"), dict)):
        raise Refused(_not_a_model("the JSON is not a serialized Keras model"))
    class_name = top.get("class_name")
    if class_name not in MODELS:
        if isinstance(class_name, str) and not from_keras(top):
            converter.problems.append(custom_object(top, "the model", converter.locate))
            return ImportedSpec(class_name, {}, [], converter.problems)
        raise Refused(_not_a_model(f"its class_name is {class_name!r}, not a Keras model's"))
    config = top["config"]
    entries = config.get("layers")
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise Refused(_not_a_model("its config has no list of layers"))
    name = config.get("name") if isinstance(config.get("name"), str) else "model"
    layers = [_classify(converter, entry) for entry in entries]
    if class_name == "Sequential":
        spec_layers = _sequential(converter, config, layers)
    else:
        spec_layers = _functional(converter, config, layers)
    return ImportedSpec(name, converter.inputs, spec_layers, converter.problems)


def _not_a_model(found: str) -> ImportProblem:
    return ImportProblem(
        "LS510",
        f"not a Keras model's architecture: {found}",
        hint="give the JSON of model.to_json(), or a .keras file saved by model.save()",
    )


def _classify(converter: _Converter, entry: dict[str, Any]) -> _Layer:
    config = entry.get("config") if isinstance(entry.get("config"), dict) else {}
    assert isinstance(config, dict)
    class_name = str(entry.get("class_name"))
    keras_name = entry.get("name", config.get("name"))
    layer = _Layer(entry, str(keras_name), class_name, config)
    module = str(entry.get("module") or "")
    if class_name == _INPUT:
        return layer
    layer.name = spec_name(layer.keras_name, converter.taken)
    if ".ops." in f"{module}.":
        layer.is_op = True
    elif class_name == "Lambda":
        converter.report(
            "LS512",
            f"{layer.keras_name} is a Lambda layer: its Python code is stored in the model, and "
            "lstmshape neither reads nor runs it",
            entry,
            hint="replace the Lambda by Keras layers (Reshape, Permute, a merge layer...), or "
            "write the spec by hand",
        )
    elif not from_keras(entry):
        converter.problems.append(custom_object(entry, layer.keras_name, converter.locate))
    elif class_name in MODELS:
        converter.report(
            "LS514",
            f"{layer.keras_name} is a whole {class_name} model used as a layer; lstmshape "
            "imports one model's own layers",
            entry,
            hint="import the inner model on its own, or build the outer model from its layers",
        )
    else:
        layer.declared = LAYER_TYPES.get(("keras", class_name))
        if layer.declared is None:
            converter.report(
                "LS514",
                f"{layer.keras_name} is a {class_name}, a Keras layer type lstmshape does not "
                "model",
                entry,
                hint="`lstmshape explain` with no code lists the types; write this part of the "
                "model by hand",
            )
        else:
            _convert_layer(converter, layer)
    return layer


def _convert_layer(converter: _Converter, layer: _Layer) -> None:
    declared = layer.declared
    assert declared is not None
    arguments = convert_arguments(declared.config, layer.config, layer.keras_name, converter.locate)
    converter.problems += arguments.problems
    layer.written = arguments.written
    try:
        validated = declared.config.model_validate({"type": declared.name, **arguments.written})
    except ValueError:  # the check reports it, placed in the spec
        return
    layer.tensors = declared.tensors(validated)


def _input(converter: _Converter, entry: _Layer, shape: Any) -> None:
    if not is_shape(shape):
        raise Refused(_not_a_model(f"the input {entry.keras_name} has no shape"))
    name = spec_name(entry.keras_name, converter.taken)
    converter.inputs[name] = input_shape(shape)
    converter.input_names[entry.keras_name] = name


def _sequential(
    converter: _Converter, config: dict[str, Any], layers: list[_Layer]
) -> list[dict[str, Any]]:
    first = layers[0] if layers else None
    if first is not None and first.class_name == _INPUT:
        _input(converter, first, first.config.get("batch_shape"))
        layers = layers[1:]
    elif is_shape(config.get("build_input_shape")):
        declared = _Layer({}, "input_layer", _INPUT, {})
        _input(converter, declared, config["build_input_shape"])
    else:
        raise Refused(
            ImportProblem(
                "LS510",
                "the Sequential model was saved before it was built: its input shape is not "
                "in the file",
                hint="start the model with keras.Input(shape=...) (or build it) before saving",
            )
        )
    return [_spec_layer(layer, {}) for layer in layers if not layer.is_op]


def _spec_layer(layer: _Layer, call: dict[str, Any]) -> dict[str, Any]:
    """Name and type, what the layer reads, its arguments, then its call's other tensors."""
    field = layer.declared.input_field if layer.declared is not None else "input"
    reads = {key: value for key, value in call.items() if key == field}
    return {"name": layer.name, "type": layer.class_name, **reads, **layer.written, **call}


def _functional(
    converter: _Converter, config: dict[str, Any], layers: list[_Layer]
) -> list[dict[str, Any]]:
    by_name = {layer.keras_name: layer for layer in layers}
    converter.layers = by_name
    order = [name for name in _input_order(config) if name in by_name] or [
        layer.keras_name for layer in layers if layer.class_name == _INPUT
    ]
    for keras_name in order:
        entry = by_name[keras_name]
        _input(converter, entry, entry.config.get("batch_shape"))
    mask_only = _mask_only_operations(config, layers, by_name)
    for layer in layers:
        if layer.is_op and layer.keras_name not in mask_only:
            converter.report(
                "LS514",
                f"{layer.keras_name} is the Keras operation {layer.class_name} applied to a "
                "tensor in the model's code, not a layer lstmshape models",
                layer.raw,
                hint="use a layer for it (Reshape, Permute, a merge layer, Cropping1D...), or "
                "write this part of the spec by hand",
            )
    written: list[dict[str, Any]] = []
    previous: str | None = None
    for layer in layers:
        if layer.class_name == _INPUT or layer.is_op:
            continue
        call = _call(converter, layer, mask_only, previous)
        written.append(_spec_layer(layer, call))
        previous = layer.name
    return written


def _only_input(converter: _Converter) -> str | None:
    """What the first layer reads without ``input:``: the spec's input, if it has one only."""
    return next(iter(converter.inputs)) if len(converter.inputs) == 1 else None


def _input_order(config: dict[str, Any]) -> list[str]:
    found = config.get("input_layers")
    if isinstance(found, list) and found and isinstance(found[0], str):
        found = [found]  # a single input is saved unnested
    if not isinstance(found, list):
        return []
    return [str(item[0]) for item in found if isinstance(item, list) and item]


def _nodes(layer: _Layer) -> list[Any]:
    nodes = layer.raw.get("inbound_nodes")
    return nodes if isinstance(nodes, list) else []


def _tensors_in(value: Any) -> list[dict[str, Any]]:
    """Every Keras tensor in a call argument, nested lists included."""
    if isinstance(value, dict) and value.get("class_name") == _TENSOR:
        return [value]
    if isinstance(value, list | tuple):
        return [tensor for item in value for tensor in _tensors_in(item)]
    if isinstance(value, dict):
        return [tensor for item in value.values() for tensor in _tensors_in(item)]
    return []


def _history(tensor: dict[str, Any]) -> tuple[str, int]:
    config = tensor.get("config")
    history = config.get("keras_history") if isinstance(config, dict) else None
    if isinstance(history, list) and len(history) == 3 and isinstance(history[2], int):
        return str(history[0]), history[2]
    return "", 0


def _mask_only_operations(
    config: dict[str, Any], layers: list[_Layer], by_name: dict[str, _Layer]
) -> set[str]:
    """The operations whose results only ever reach a ``mask=``: Keras's own mask passing."""
    used: set[str] = set()
    outputs = config.get("output_layers")
    pending = [_history({"config": {"keras_history": item}})[0] for item in _output_list(outputs)]
    for layer in layers:
        if layer.is_op or layer.class_name == _INPUT:
            continue
        for node in _nodes(layer):
            if not isinstance(node, dict):
                continue
            kwargs = node.get("kwargs") if isinstance(node.get("kwargs"), dict) else {}
            assert isinstance(kwargs, dict)
            data = [node.get("args"), *(v for k, v in kwargs.items() if k != "mask")]
            pending += [_history(tensor)[0] for tensor in _tensors_in(data)]
    while pending:
        name = pending.pop()
        if name in used:
            continue
        used.add(name)
        source = by_name.get(name)
        if source is not None and source.is_op:
            pending += [_history(t)[0] for node in _nodes(source) for t in _tensors_in(node)]
    return {layer.keras_name for layer in layers if layer.is_op and layer.keras_name not in used}


def _output_list(outputs: Any) -> list[Any]:
    if isinstance(outputs, list) and outputs and isinstance(outputs[0], str):
        return [outputs]
    return outputs if isinstance(outputs, list) else []


def _call(
    converter: _Converter, layer: _Layer, mask_only: set[str], previous: str | None
) -> dict[str, Any]:
    """The keys of the spec's layer that say what its call reads."""
    declared = layer.declared
    nodes = _nodes(layer)
    if declared is None or not nodes:
        return {}
    if len(nodes) > 1:
        converter.report(
            "LS515",
            f"{layer.keras_name} is called {len(nodes)} times (a shared layer); lstmshape "
            "models each Keras layer called once",
            layer.raw,
            hint="write the spec by hand with one layer per call, each with its own weights",
        )
        return {}
    node = nodes[0]
    args = node.get("args") if isinstance(node, dict) else None
    kwargs = node.get("kwargs") if isinstance(node, dict) else None
    args = args if isinstance(args, list) else []
    kwargs = kwargs if isinstance(kwargs, dict) else {}
    call: dict[str, Any] = {}
    if args:
        reads = _references(converter, layer, args[0], mask_only)
        if reads != (previous or _only_input(converter)):
            call[declared.input_field] = reads
    extra = args[1:]
    for key, value in zip(declared.tensor_args, extra, strict=False):
        call[key] = _references(converter, layer, value, mask_only)
    if len(extra) > len(declared.tensor_args):
        converter.report(
            "LS515",
            f"{layer.keras_name} is called with {len(extra) + 1} positional arguments; "
            f"lstmshape knows where {len(declared.tensor_args) + 1} of them go",
            node,
            hint="pass the others by keyword in the model's code",
        )
    fields = declared.config.model_fields
    for key, value in kwargs.items():
        if key in _IGNORED_CALL_ARGS or value is None:
            continue
        if key == "mask" and all(_history(t)[0] in mask_only for t in _tensors_in(value)):
            continue
        if key in fields and (_tensors_in(value) or key in declared.call_args):
            call[key] = _references(converter, layer, value, mask_only)
        else:
            converter.report(
                "LS515",
                f"{layer.keras_name} is called with {key}=, which lstmshape's {declared.name} "
                "does not take",
                node,
            )
    return call


def _references(converter: _Converter, layer: _Layer, value: Any, mask_only: set[str]) -> Any:
    """A call argument as a spec writes it: a tensor as a reference, lists as lists."""
    if isinstance(value, dict) and value.get("class_name") == _TENSOR:
        source, index = _history(value)
        if source in converter.input_names:
            return converter.input_names[source]
        read = converter.layers.get(source)
        if read is None:
            converter.report(
                "LS510", f"{layer.keras_name} reads {source!r}, which the model lacks", value
            )
            return source
        if index >= len(read.tensors):
            converter.report(
                "LS515",
                f"{layer.keras_name} reads output {index} of {source}, which lstmshape's "
                f"{read.class_name} does not return",
                value,
            )
            return read.name
        tensor = read.tensors[index]
        return read.name if tensor == "output" else f"{read.name}.{tensor}"
    if isinstance(value, list | tuple):
        return [_references(converter, layer, item, mask_only) for item in value]
    return value
