"""A Keras spec as a function that builds a functional ``keras.Model``.

Each layer is ``layers.TYPE(**arguments, name=NAME)`` called on what it
reads, with ``initial_state=``, ``mask=`` and the call's other arguments
(MultiHeadAttention's ``value=``, ``return_attention_scores=``) where the
spec gives them; a
layer a wrapper holds (``Bidirectional``'s ``layer``) is built in place.  The
spec's inputs are ``keras.Input`` (the batch dimension apart, symbols are
``None``: Keras has no symbols), as is the first layer's ``input_shape``.
The tensors a layer returns are assigned in the order Keras returns them,
one variable per tensor; the model's outputs are the outputs of the layers
no later layer reads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from lstmshape.export.code import (
    INDENT,
    WIDTH,
    Atom,
    Expr,
    Names,
    call,
    docstring,
    list_of,
    literal,
    literal_expr,
    statement,
    string,
    tuple_of,
)
from lstmshape.export.wiring import (
    PRIMARY,
    Variables,
    constructor_arguments,
    mask_inputs,
    read_by_later_layers,
    shapes_comment,
)
from lstmshape.frameworks import FRAMEWORKS
from lstmshape.models.common import LayerBase, StrictModel
from lstmshape.report import ModelReport, count_text
from lstmshape.shapes import Dim

if TYPE_CHECKING:
    from lstmshape.frameworks.layer_type import LayerType
    from lstmshape.models.spec import ParsedSpec

_SCOPE = ("keras", "layers", "build_model", "model")


@dataclass(frozen=True)
class KerasExport:
    code: str
    variables: dict[tuple[str, str], str]
    """(layer or input, tensor) to its variable in ``build_model``."""
    input_variables: list[str]
    """The model's inputs, in order: the spec's, or the one ``input_shape`` declares."""
    symbols: dict[str, str]
    """Each symbol of the inputs' sizes to the parameter of ``build_model`` that sets it."""


def export_keras(spec: ParsedSpec, report: ModelReport, source_name: str) -> KerasExport:
    variables = Variables(Names(_SCOPE))
    symbols = _symbols(spec, variables.names)
    body: list[str] = []
    inputs: list[str] = []
    masks = mask_inputs(spec)
    for name, shape in spec.inputs.items():
        variable = variables.add_input(name)
        inputs.append(variable)
        body += statement(
            f"{variable} = ",
            _input(shape, name, symbols, boolean=name in masks),
            INDENT,
            shapes_comment([("", shape)]),
        )
    results = {result.name: result for result in report.layers}
    previous: str | None = None
    for layer in spec.layers:
        config, declared = layer.config, layer.layer_type
        assert config is not None and declared is not None  # the spec checked clean
        first, declaring = _layer_input(spec, config, declared, previous, variables, symbols)
        if declaring is not None:
            inputs.append(first.flat())
            body += declaring
        names = declared.tensors(config)
        variables.add_layer(layer.name, names, {})
        keywords: dict[str, Expr] = {}
        states = getattr(config, "initial_state", None)
        if states is not None:
            keywords["initial_state"] = _states(variables, states)
        for key in declared.tensor_args:
            value = getattr(config, key)
            if value is not None:
                keywords[key] = variables.references(value)
        for key in declared.call_args:  # the call's flags, as the spec wrote them
            if key in config.model_fields_set:
                keywords[key] = literal_expr(getattr(config, key))
        targets = [variables.by_tensor[(layer.name, name)] for name in names]
        shapes = results[layer.name].tensors
        comment = shapes_comment([(t, shapes[n]) for t, n in zip(targets, names, strict=True)])
        params = results[layer.name].params
        if params:
            comment += f"; {params:,} parameters"
        constructor = _constructor(declared, config, layer.name)
        body += _assignment(
            _target(config, targets),
            constructor,
            first,
            keywords,
            comment,
            partial(variables.names.claim, f"{layer.name}_layer"),
        )
        previous = layer.name
    read = read_by_later_layers(spec)
    outputs = [
        variables.by_tensor[(layer.name, name)]
        for layer in spec.layers
        if layer.name not in read and layer.layer_type is not None and layer.config is not None
        for name in layer.layer_type.tensors(layer.config)
        if name.endswith(PRIMARY)
    ]
    model = call(
        "keras.Model",
        inputs=_one_or_list(inputs),
        outputs=_one_or_list(outputs),
        name=Atom(string(spec.name)),
    )
    lines = docstring(
        [
            f"{spec.name}: the model of {source_name}, exported by lstmshape.",
            "",
            "Each tensor's shape is lstmshape's, as a comment on the line that makes it",
            "(None: a size Keras leaves open, the batch's or a symbol's).",
        ],
        "",
    )
    lines += ["", "import keras", "from keras import layers", "", ""]
    lines += _signature(list(symbols.values()))
    doc = [f"{spec.name}: {count_text(report.params)} parameters."]
    if symbols:
        doc += [
            "",
            f"{', '.join(symbols.values())}: the sizes the spec names; None leaves a size open",
            "(a stateful layer needs the batch size).",
        ]
    lines += docstring(doc, INDENT)
    lines += body
    lines += statement("return ", model, INDENT)
    return KerasExport("\n".join(lines) + "\n", dict(variables.by_tensor), inputs, symbols)


def _symbols(spec: ParsedSpec, names: Names) -> dict[str, str]:
    """The symbols the inputs' sizes are written with, each a parameter of build_model."""
    shapes = [shape or () for shape in spec.inputs.values()]
    first = spec.layers[0].config if spec.layers else None
    input_shape = getattr(first, "input_shape", None)
    if input_shape is not None and not spec.inputs:
        shapes.append(tuple(input_shape))
    found = [
        dim for shape in shapes for dim in shape if isinstance(dim, str) and dim.isidentifier()
    ]
    return {symbol: names.claim(symbol) for symbol in dict.fromkeys(found)}


def _signature(parameters: list[str]) -> list[str]:
    written = [f"{name}: int | None = None" for name in parameters]
    flat = f"def build_model({', '.join(written)}) -> keras.Model:"
    if len(flat) <= WIDTH:
        return [flat]
    return ["def build_model(", *(f"{INDENT}{p}," for p in written), ") -> keras.Model:"]


def _layer_input(
    spec: ParsedSpec,
    config: LayerBase,
    declared: LayerType[Any],
    previous: str | None,
    variables: Variables,
    symbols: dict[str, str],
) -> tuple[Expr, list[str] | None]:
    """What the layer reads, and the lines declaring it when its ``input_shape`` declares
    the model's input."""
    written = getattr(config, declared.input_field)
    if written is not None:
        return variables.references(written), None
    if previous is not None:
        return Atom(variables.by_tensor[(previous, PRIMARY)]), None
    input_shape: Any = getattr(config, "input_shape", None)
    if input_shape is not None:
        declared_shape = (None, *input_shape)
        variable = variables.names.claim("inputs")
        declaring = statement(
            f"{variable} = ",
            _input(declared_shape, None, symbols),
            INDENT,
            shapes_comment([("", declared_shape)]),
        )
        return Atom(variable), declaring
    return Atom(variables.by_tensor[(next(iter(spec.inputs)), PRIMARY)]), None


def _states(variables: Variables, states: str | list[Any]) -> Expr:
    """``initial_state``: a list of references, nested per cell for an RNN's list of cells."""
    if isinstance(states, str):
        return list_of([variables.reference(states)])
    return list_of(
        variables.reference(item) if isinstance(item, str) else _states(variables, item)
        for item in states
    )


def _one_or_list(names: list[str]) -> Expr:
    return Atom(names[0]) if len(names) == 1 else list_of(Atom(name) for name in names)


def _input(
    shape: tuple[Dim, ...] | None,
    name: str | None,
    symbols: dict[str, str],
    *,
    boolean: bool = False,
) -> Expr:
    """``keras.Input``: the batch apart; a symbol is build_model's parameter, an expression
    of symbols an open size; ``boolean`` for a mask."""
    assert shape is not None  # the spec checked clean

    def size(dim: Dim) -> str:
        if isinstance(dim, str):
            return symbols.get(dim, "None")
        return literal(dim)

    batch, *rest = shape
    keywords: dict[str, Expr] = {"shape": tuple_of(Atom(size(dim)) for dim in rest)}
    if size(batch) != "None":
        keywords["batch_size"] = Atom(size(batch))
    if boolean:
        keywords["dtype"] = Atom(string("bool"))
    if name is not None:
        keywords["name"] = Atom(string(name))
    return call("keras.Input", **keywords)


def _constructor(declared: LayerType[Any], config: LayerBase, name: str | None) -> Expr:
    arguments = constructor_arguments(config, declared)
    keywords = {key: _argument(key, value, declared) for key, value in arguments.items()}
    if name is not None:
        keywords["name"] = Atom(string(name))
    return call(f"layers.{declared.name}", **keywords)


def _argument(key: str, value: Any, declared: LayerType[Any]) -> Expr:
    """A constructor argument; a nested layer (a wrapper's ``layer``, an RNN's ``cell`` or
    list of cells) is its own constructor, ``layers.LSTMCell(units=8)``."""
    if isinstance(value, list) and value and all(_is_nested(item) for item in value):
        return list_of(_argument(key, item, declared) for item in value)
    if _is_nested(value):
        name = str(value.type)
        fields = {
            k: getattr(value, k)
            for k in type(value).model_fields
            if k in value.model_fields_set and k != "type"
        }
        wrapped = FRAMEWORKS["keras"].types.get(name)
        inner = wrapped if wrapped is not None else declared
        return call(f"layers.{name}", **{k: _argument(k, v, inner) for k, v in fields.items()})
    return literal_expr(value)


def _is_nested(value: Any) -> bool:
    """A layer held by another (Bidirectional's layer, an RNN's cell): a model with a type."""
    return isinstance(value, StrictModel) and isinstance(getattr(value, "type", None), str)


def _target(config: LayerBase, targets: list[str]) -> str:
    """The tensors in the order Keras returns them: flat, but for an RNN's list of cells,
    which returns each cell's states together (a list for an LSTMCell's h and c), also
    inside Bidirectional (the forward layer's cells, then the backward layer's)."""
    groups = _state_groups(config)
    if all(count == 1 for count in groups):
        return ", ".join(targets)
    at = len(targets) - sum(groups)
    parts = targets[:at]
    for count in groups:
        group = targets[at : at + count]
        parts.append(f"[{', '.join(group)}]" if count > 1 else group[0])
        at += count
    return ", ".join(parts)


def _state_groups(config: LayerBase) -> list[int]:
    """How many states each cell of the layer returns together, in Keras's order."""
    from lstmshape.frameworks.keras.bidirectional import BidirectionalArgs
    from lstmshape.frameworks.keras.cells import RNNArgs
    from lstmshape.frameworks.keras.recurrent import STATES, RecurrentArgs, state_suffixes

    if isinstance(config, BidirectionalArgs):
        backward = config.backward_layer or config.layer
        return [*_state_groups(config.layer), *_state_groups(backward)]
    if not isinstance(config, RNNArgs | RecurrentArgs) or not config.return_state:
        return []
    if isinstance(config, RNNArgs) and config.stacked:
        return [len(STATES[cell.type]) for cell in config.cells]
    return [1] * len(state_suffixes(config))


def _assignment(
    target: str,
    constructor: Expr,
    first: Expr,
    keywords: dict[str, Expr],
    comment: str,
    layer_variable: Callable[[], str],
) -> list[str]:
    """``x = layers.T(...)(input)``; the layer built on a line of its own when that does
    not fit (ruff splits a call of a call at the last call's brackets)."""
    whole = statement(f"{target} = ", call(constructor.flat(), first, **keywords), INDENT, comment)
    code = [line for line in whole if not line.lstrip().startswith("#")]
    if len(code) == 1:
        return whole
    variable = layer_variable()
    return [
        *statement(f"{variable} = ", constructor, INDENT),
        *statement(f"{target} = ", call(variable, first, **keywords), INDENT, comment),
    ]
