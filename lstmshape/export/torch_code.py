"""A torch spec as a ``torch.nn.Module``: layers in ``__init__``, references in ``forward``.

How a layer type is called follows from where torch has its name, which the
declaration's spellings say:

* a module (``nn.LSTM``): ``self.NAME = nn.TYPE(**arguments)`` in
  ``__init__``, and ``self.NAME(input, initial_state, **tensors)`` in
  ``forward``; a ``reuse:`` layer calls the owner's module again;
* a function (``torch.cat``, ``torch.nn.functional.softmax``):
  ``torch.TYPE(input, **arguments, **tensors)`` in ``forward``;
* a Tensor method torch has no function for (``view``):
  ``input.TYPE(**arguments)``.

Arguments are the ones the spec wrote, under torch's names; the declaration
lists those torch takes by position.  The tensors a call returns are
assigned as the declaration's ``returns`` says, one variable per tensor.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lstmshape.export.code import (
    INDENT,
    WIDTH,
    Atom,
    Expr,
    Names,
    UnboundSize,
    call,
    docstring,
    list_of,
    literal_expr,
    statement,
    tuple_of,
)
from lstmshape.export.wiring import (
    PRIMARY,
    Variables,
    constructor_arguments,
    mask_inputs,
    read_by_later_layers,
    shapes_comment,
    tensor_targets,
)
from lstmshape.report import ModelReport, count_text
from lstmshape.shapes import format_shape, to_expr

if TYPE_CHECKING:
    from lstmshape.frameworks.layer_type import LayerType
    from lstmshape.models.common import LayerBase
    from lstmshape.models.spec import ParsedLayer, ParsedSpec

MODULE_ATTRIBUTES = frozenset(
    (
        "T_destination",
        "add_module",
        "apply",
        "bfloat16",
        "buffers",
        "call_super_init",
        "children",
        "compile",
        "cpu",
        "cuda",
        "double",
        "dump_patches",
        "eval",
        "extra_repr",
        "float",
        "forward",
        "get_buffer",
        "get_extra_state",
        "get_parameter",
        "get_submodule",
        "half",
        "ipu",
        "load_state_dict",
        "modules",
        "mtia",
        "named_buffers",
        "named_children",
        "named_modules",
        "named_parameters",
        "parameters",
        "register_backward_hook",
        "register_buffer",
        "register_forward_hook",
        "register_forward_pre_hook",
        "register_full_backward_hook",
        "register_full_backward_pre_hook",
        "register_load_state_dict_post_hook",
        "register_load_state_dict_pre_hook",
        "register_module",
        "register_parameter",
        "register_state_dict_post_hook",
        "register_state_dict_pre_hook",
        "requires_grad_",
        "set_extra_state",
        "set_submodule",
        "share_memory",
        "state_dict",
        "to",
        "to_empty",
        "train",
        "training",
        "type",
        "xpu",
        "zero_grad",
    )
)
"""The public names ``torch.nn.Module`` defines (torch 2.13; a test compares them): a
submodule under one of them would be hidden by it, so such a layer gets another name."""
_SCOPE = ("torch", "nn", "self", "super", "tuple", "Model")
"""Names the generated code uses itself."""


@dataclass(frozen=True)
class TorchExport:
    """The module's source, and where each of the spec's tensors and layers is in it."""

    code: str
    class_name: str
    variables: dict[tuple[str, str], str]
    """(layer or input, tensor) to its variable in ``forward``."""
    attributes: dict[str, str | None]
    """Each layer to the attribute holding its module: None for a tensor function; a
    ``reuse:`` layer to its owner's."""


def export_torch(spec: ParsedSpec, report: ModelReport, source_name: str) -> TorchExport:
    """The module for a spec that checked clean (``report`` holds its shapes)."""
    variables = Variables(Names(_SCOPE))
    attributes_taken = Names(MODULE_ATTRIBUTES | {"forward"}, local=False)
    inputs = [variables.add_input(name) for name in spec.inputs]
    results = {result.name: result for result in report.layers}
    init: list[str] = []
    forward: list[str] = []
    attributes: dict[str, str | None] = {}
    previous: str | None = None
    sizes = _Sizes(spec, variables)
    for layer in spec.layers:
        config, declared = layer.config, layer.layer_type
        assert config is not None and declared is not None  # the spec checked clean
        shapes = results[layer.name].tensors
        kind = _kind(spec, declared)
        if layer.reuses is not None:
            attributes[layer.name] = attributes[layer.reuses]
        elif kind == "module":
            attribute = attributes[layer.name] = attributes_taken.claim(layer.name)
            params = results[layer.name].params
            init += statement(
                f"self.{attribute} = ",
                _constructor(declared, config),
                INDENT * 2,
                f"{params:,} parameters" if params else "",
            )
        else:
            attributes[layer.name] = None
        target, bound = tensor_targets(declared, config)
        names = declared.tensors(config)
        first = _first_name(target)
        variables.add_layer(
            layer.name,
            tuple(name for name in names if name in bound),
            {name: first for name in names if name not in bound},
        )
        call_expr = _call(
            spec, layer, declared, config, kind, variables, attributes, previous, sizes
        )
        target_text = _target_text(target, layer.name, variables, names)
        comment = shapes_comment(
            [
                (variables.by_tensor[(layer.name, name)], shapes[name])
                for name in names
                if name in bound
            ]
        )
        forward += statement(f"{target_text} = ", call_expr, INDENT * 2, comment)
        previous = layer.name
    returned = _returned(spec, variables)
    class_name = class_name_for(spec.name)
    lines = _module_header(spec, source_name)
    lines += ["", "", f"class {class_name}(nn.Module):"]
    lines += docstring([f"{spec.name}: {count_text(report.params)} parameters."], INDENT)
    lines += ["", f"{INDENT}def __init__(self) -> None:", f"{INDENT * 2}super().__init__()"]
    lines += init
    lines += ["", *_signature(inputs, len(returned))]
    lines += docstring(_forward_doc(spec, inputs), INDENT * 2)
    lines += sizes.bindings()
    lines += forward
    lines += statement("return ", _return_expr(returned), INDENT * 2)
    return TorchExport("\n".join(lines) + "\n", class_name, dict(variables.by_tensor), attributes)


class _Sizes:
    """The spec's symbols a call's sizes use, read from the inputs as the model reads them.

    ``view(T*b, h)`` in a model takes T and b from ``x.size()``; a spec writes
    ``shape: [T*B, 512]``, and the export binds ``T = x.size(0)`` at the top of
    ``forward`` for each symbol some size uses, in a variable named as the other
    variables are (a symbol ``len`` is ``len_``: it would hide the builtin).
    """

    def __init__(self, spec: ParsedSpec, variables: Variables) -> None:
        self.names = variables.names
        self.variable: dict[str, str] = {}
        """Each bound symbol's variable."""
        self.available: dict[str, str] = {}
        for name, shape in spec.inputs.items():
            variable = variables.by_tensor[(name, PRIMARY)]
            for index, dim in enumerate(shape or ()):
                if isinstance(dim, str) and dim.isidentifier():
                    self.available.setdefault(dim, f"{variable}.size({index})")
        self.used: dict[str, str] = {}

    def expr(self, value: Any) -> Expr | None:
        """A list of sizes as Python over the bound symbols, or None if it names none."""
        if not isinstance(value, list) or not any(isinstance(item, str) for item in value):
            return None
        symbols: set[str] = set()
        for item in value:
            if isinstance(item, str):
                try:
                    symbols |= set(to_expr(item).symbols)
                except ValueError:  # not a dimension: a literal string
                    return None
        unbound = symbols - set(self.available)
        if unbound:
            raise UnboundSize(
                f"a size uses {', '.join(sorted(unbound))}, which no input has as a "
                "dimension of its own, so forward cannot read it from x.size()"
            )
        for symbol in sorted(symbols):
            self.used[symbol] = self.available[symbol]
            if symbol not in self.variable:
                self.variable[symbol] = self.names.claim(symbol)
        return list_of(
            Atom(self._python(item)) if isinstance(item, str) else literal_expr(item)
            for item in value
        )

    def _python(self, size: str) -> str:
        """``B*T`` as ruff writes it, ``B * T``, each symbol its variable."""
        tree = ast.parse(size, mode="eval")
        for node in ast.walk(tree):
            if isinstance(node, ast.Name):
                node.id = self.variable[node.id]
        return ast.unparse(tree)

    def bindings(self) -> list[str]:
        return [
            f"{INDENT * 2}{self.variable[symbol]} = {size}" for symbol, size in self.used.items()
        ]


def _kind(spec: ParsedSpec, declared: LayerType[Any]) -> str:
    """module, function or method, from where torch has the type's name."""
    spellings = spec.framework.spellings(declared)
    if "nn." in spellings:
        return "module"
    return "function" if spellings else "method"


def _function_path(spec: ParsedSpec, declared: LayerType[Any]) -> str:
    """The type's name under the first of its prefixes that names torch in full."""
    spellings = spec.framework.spellings(declared)
    prefix = next((p for p in spellings if p == "torch."), None)
    if prefix is None:
        prefix = next(p for p in spellings if p.startswith("torch."))
    return prefix + declared.name


def _argument(key: str, value: Any) -> Expr:
    if key == "dtype" and isinstance(value, str):  # torch's dtypes are objects, not strings
        return Atom("torch." + value.removeprefix("torch."))
    return literal_expr(value)


def _constructor(declared: LayerType[Any], config: LayerBase) -> Expr:
    arguments = constructor_arguments(config, declared)
    return call(
        f"nn.{declared.name}", **{key: _argument(key, value) for key, value in arguments.items()}
    )


def _call(
    spec: ParsedSpec,
    layer: ParsedLayer,
    declared: LayerType[Any],
    config: LayerBase,
    kind: str,
    variables: Variables,
    attributes: dict[str, str | None],
    previous: str | None,
    sizes: _Sizes,
) -> Expr:
    first = _input(spec, declared, config, variables, previous)
    tensors = {
        key: variables.references(value) if _is_reference(value) else literal_expr(value)
        for key in declared.tensor_args
        if (value := getattr(config, key)) is not None
    }
    if kind == "module":
        args: list[Expr] = [first]
        states = getattr(config, "initial_state", None)
        if isinstance(states, list) and len(states) != 1:
            args.append(tuple_of(variables.reference(text) for text in states))
        elif states is not None:
            args.append(variables.reference(states if isinstance(states, str) else states[0]))
        calls = {
            key: literal_expr(getattr(config, key))
            for key in declared.call_args
            if key in config.model_fields_set
        }
        return call(f"self.{attributes[layer.name]}", *args, **tensors, **calls)
    arguments = constructor_arguments(config, declared)
    positional = [
        sizes.expr(value) or literal_expr(value)
        for key in declared.positional
        if key in arguments
        for value in [arguments.pop(key)]
    ]
    keywords = {key: sizes.expr(value) or _argument(key, value) for key, value in arguments.items()}
    if kind == "method":
        return call(f"{first.flat()}.{declared.name}", *positional, **keywords, **tensors)
    return call(_function_path(spec, declared), first, *positional, **keywords, **tensors)


def _is_reference(value: Any) -> bool:
    """A reference or a list of them; not a number (``other: 2``) or numbers (``lengths``)."""
    return isinstance(value, str) or (
        isinstance(value, list) and all(isinstance(item, str) for item in value)
    )


def _input(
    spec: ParsedSpec,
    declared: LayerType[Any],
    config: LayerBase,
    variables: Variables,
    previous: str | None,
) -> Expr:
    written = getattr(config, declared.input_field)
    if written is not None:
        return variables.references(written)
    if previous is not None:
        return Atom(variables.by_tensor[(previous, PRIMARY)])
    return Atom(variables.by_tensor[(next(iter(spec.inputs)), PRIMARY)])


def _first_name(target: ast.expr) -> str:
    node = target
    while isinstance(node, ast.Tuple):
        node = node.elts[0]
    assert isinstance(node, ast.Name)
    return node.id


def _target_text(target: ast.expr, layer: str, variables: Variables, names: tuple[str, ...]) -> str:
    """The assignment target with each tensor's variable; ``_`` for what the spec lacks."""

    def text(node: ast.expr, top: bool) -> str:
        if isinstance(node, ast.Tuple):
            inner = ", ".join(text(element, False) for element in node.elts)
            return inner if top else f"({inner})"
        assert isinstance(node, ast.Name)
        return variables.by_tensor[(layer, node.id)] if node.id in names else "_"

    return text(target, True)


def _returned(spec: ParsedSpec, variables: Variables) -> list[str]:
    """The output of every layer no later layer reads: the model's results."""
    read = read_by_later_layers(spec)
    return [
        variables.by_tensor[(layer.name, PRIMARY)]
        for layer in spec.layers
        if layer.name not in read
    ]


def _return_expr(returned: list[str]) -> Expr:
    if len(returned) == 1:
        return Atom(returned[0])
    return _BareTuple(tuple(Atom(name) for name in returned))


class _BareTuple(Expr):
    """``a, b`` on one line; parenthesized when split, as ruff writes a long return."""

    def __init__(self, items: tuple[Expr, ...]) -> None:
        self.items = items

    def flat(self) -> str:
        return ", ".join(item.flat() for item in self.items)

    def split(self, indent: str) -> list[str] | None:
        return tuple_of(self.items).split(indent)


def _signature(inputs: list[str], results: int) -> list[str]:
    returns = "torch.Tensor" if results == 1 else f"tuple[{', '.join(['torch.Tensor'] * results)}]"
    parameters = [f"{name}: torch.Tensor" for name in inputs]
    flat = f"{INDENT}def forward(self, {', '.join(parameters)}) -> {returns}:"
    if len(flat) <= WIDTH:
        return [flat]
    return [
        f"{INDENT}def forward(",
        f"{INDENT * 2}self,",
        *(f"{INDENT * 2}{parameter}," for parameter in parameters),
        f"{INDENT}) -> {returns}:",
    ]


def class_name_for(spec_name: str) -> str:
    """``lstm-tutorial`` as ``LstmTutorial``; ``Model`` where nothing is left."""
    words = "".join(c if c.isalnum() else " " for c in spec_name if c.isascii()).split()
    name = "".join(word[:1].upper() + word[1:] for word in words)
    if not name or name[0].isdigit():
        name = "Model" + name
    return name


def _module_header(spec: ParsedSpec, source_name: str) -> list[str]:
    lines = docstring(
        [
            f"{spec.name}: the model of {source_name}, exported by lstmshape.",
            "",
            "Each tensor's shape is lstmshape's, as a comment on the line that makes it.",
        ],
        "",
    )
    return [*lines, "", "import torch", "from torch import nn"]


def _forward_doc(spec: ParsedSpec, inputs: list[str]) -> list[str]:
    """The inputs' shapes; a mask's dtype, bool, which an annotation cannot say."""
    masks = mask_inputs(spec)
    shapes = [
        f"{variable}: {format_shape(shape)}" + (" (bool)" if name in masks else "")
        for variable, (name, shape) in zip(inputs, spec.inputs.items(), strict=True)
    ]
    return ["Inputs: " + ", ".join(shapes) + "." if shapes else "No inputs."]
