"""A loaded YAML document turned into validated, per-framework layer configs.

Validation never stops at the first problem: the spec's own keys and every
layer are checked on their own, so one bad layer does not hide the others.
A layer that fails validation stays in the spec without a config; the engine
treats its tensors as unknown instead of reporting follow-on errors.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

from lstmshape.diagnostics import NodePath, Problem
from lstmshape.frameworks import FRAMEWORKS, Framework, strip_prefix
from lstmshape.models.common import (
    MAX_DIM_VALUE,
    Field,
    LayerBase,
    LayerName,
    ShapeField,
    StrictModel,
    SymbolName,
    SymbolValue,
    ValidationError,
    dim_validator,
)
from lstmshape.models.errors import describe, did_you_mean, label, problems_from_validation
from lstmshape.record import field, record, replace
from lstmshape.shapes import Dim, Shape, to_expr

if TYPE_CHECKING:
    from lstmshape.frameworks.layer_type import LayerType

MAX_LAYERS = 10_000
"""Most layers one spec may have; real recurrent models have tens."""
MAX_EXPRESSIONS = 10_000
"""Most distinct dimension expressions (``T - 2``) one spec may write; real specs have a
few, and each costs up to a millisecond to read."""


class SpecHeader(StrictModel):
    """The top level of a spec (layers are validated one by one, per framework)."""

    framework: Literal["torch", "keras"]
    name: str | None = None
    inputs: dict[LayerName, ShapeField] = Field(default_factory=dict)
    dims: dict[SymbolName, SymbolValue] = Field(
        default_factory=dict,
        description="values of symbols, for the reports to evaluate shapes and costs with",
        json_schema_extra={"additionalProperties": False},  # a name that is no symbol
    )
    layers: list[dict[str, Any]] = Field(min_length=1)


_HEADER_KEYS = list(SpecHeader.model_fields)
_DIM_VALIDATOR = dim_validator()


@record(frozen=True)
class ParsedLayer:
    index: int
    name: str
    type: str | None
    """The framework's class name when it is known, even if the config is not valid."""
    config: LayerBase | None
    """None when the layer failed validation."""
    raw: dict[str, Any] | None = None
    """The layer as written, for the framework warnings given before validation fails."""
    layer_type: LayerType[Any] | None = None
    """The type's declaration when the type is known, even if the config is not valid."""
    reuses: str | None = None
    """For a second call of an earlier module (``reuse: LAYER``), the layer that owns the
    module: its arguments are this layer's, and its parameters are counted there only."""


@record(frozen=True)
class ParsedSpec:
    framework: Framework
    name: str
    inputs: dict[str, Shape | None]
    """None for an input whose shape is not even a list (already reported)."""
    layers: list[ParsedLayer]
    inputs_reported: bool = False
    """Whether inputs: already has a problem, so a missing default input is not news."""
    symbols: frozenset[str] = frozenset()
    """The symbols of the declared input shapes: the sizes the model is meant for."""
    dims: dict[str, int] = field(default_factory=dict)
    """Values of symbols from the spec's ``dims:``, for the reports to evaluate with."""


def parse_spec(data: Any, default_name: str) -> tuple[ParsedSpec | None, list[Problem]]:
    if not isinstance(data, dict):
        found = "an empty document" if data is None else describe(data)
        return None, [
            Problem(
                "LS005",
                f"a spec is a mapping with framework, inputs and layers; found {found}",
                (),
            )
        ]
    raw_layers = data.get("layers")
    if isinstance(raw_layers, list) and len(raw_layers) > MAX_LAYERS:
        return None, [
            Problem(
                "LS006",
                f"the spec has {len(raw_layers):,} layers; lstmshape checks at most "
                f"{MAX_LAYERS:,} layers per spec",
                ("layers", MAX_LAYERS),
            )
        ]
    too_many = _too_many_expressions(data)
    if too_many is not None:
        return None, [too_many]
    problems: list[Problem] = []
    data = _string_keys(data, (), problems)
    try:
        SpecHeader.model_validate(_header_view(data))
    except ValidationError as error:
        problems += _header_problems(error, data)
    framework_key = data.get("framework")
    if not isinstance(framework_key, str) or framework_key not in FRAMEWORKS:
        return None, problems
    framework = FRAMEWORKS[framework_key]
    raw_layers = data.get("layers")
    layers = _parse_layers(raw_layers, framework, problems) if isinstance(raw_layers, list) else []
    name = data.get("name")
    inputs = _valid_inputs(data.get("inputs"))
    spec = ParsedSpec(
        framework=framework,
        name=name if isinstance(name, str) else default_name,
        inputs=inputs,
        layers=layers,
        inputs_reported=any(problem.at[:1] == ("inputs",) for problem in problems),
        symbols=_symbols(inputs, layers),
        dims=_valid_dims(data.get("dims")),
    )
    problems += _duplicate_names(spec, data)
    return spec, _owned_by_layers(problems, layers)


def _header_view(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` for :class:`SpecHeader`, each layer that is a mapping as an empty one.

    The header checks only that each layer is a mapping of names; :func:`_string_keys`
    has left only names in them, and the layers are validated one by one after.  Copying
    each mapping for nothing is most of the header's validation in a long spec.
    """
    layers = data.get("layers")
    if not isinstance(layers, list):
        return data
    return {**data, "layers": [_NO_ARGUMENTS if type(raw) is dict else raw for raw in layers]}


_NO_ARGUMENTS: dict[str, Any] = {}
"""A layer mapping's stand-in in the header; only read."""


def _owned_by_layers(problems: list[Problem], layers: list[ParsedLayer]) -> list[Problem]:
    """Each problem inside a layer, named after it.

    Some are found before the layer has a name (an unknown type, a key that
    is not a string); without the name, the report would show that layer ok.
    """
    names = {layer.index: layer.name for layer in layers}
    return [
        replace(problem, layer=names[problem.at[1]])
        if problem.layer is None
        and problem.at[:1] == ("layers",)
        and len(problem.at) > 1
        and problem.at[1] in names
        else problem
        for problem in problems
    ]


def _too_many_expressions(data: dict[Any, Any]) -> Problem | None:
    """LS006 at the first distinct dimension expression beyond :data:`MAX_EXPRESSIONS`."""
    seen: set[str] = set()
    for at, dim in _written_dims(data):
        if isinstance(dim, str) and not dim.isidentifier():
            seen.add(dim)
            if len(seen) > MAX_EXPRESSIONS:
                return Problem(
                    "LS006",
                    f"the spec writes more than {MAX_EXPRESSIONS:,} different dimension "
                    "expressions; lstmshape reads at most that many per spec",
                    at,
                )
    return None


def _written_dims(data: dict[Any, Any]) -> Iterator[tuple[NodePath, Any]]:
    """Every dimension as written, in the order of the document: those of inputs:, and of
    each layer's expect: and input_shape, wrapped layers' included."""
    inputs = data.get("inputs")
    if isinstance(inputs, dict):
        yield from _dims_of(inputs, ("inputs",))
    layers = data.get("layers")
    for index, layer in enumerate(layers if isinstance(layers, list) else ()):
        # most layers hold no dimensions: no expect:, no input_shape, no wrapped layer
        if isinstance(layer, dict) and not _HOLDERS.isdisjoint(map(type, layer.values())):
            yield from _layer_dims(layer, ("layers", index))


def _layer_dims(layer: dict[Any, Any], at: NodePath) -> Iterator[tuple[NodePath, Any]]:
    for key, value in layer.items():
        if key == "expect" and isinstance(value, dict):
            yield from _dims_of(value, (*at, key))
        elif key == "input_shape" and isinstance(value, list):
            yield from (((*at, key, i), dim) for i, dim in enumerate(value))
        elif isinstance(value, dict):  # a wrapped layer
            yield from _layer_dims(value, (*at, key))


_HOLDERS = frozenset((dict, list))
"""What a layer's dimensions are written in: expect:'s mapping, input_shape's list."""


def _dims_of(shapes: dict[Any, Any], at: NodePath) -> Iterator[tuple[NodePath, Any]]:
    for name, dims in shapes.items():
        if isinstance(dims, list):
            yield from (((*at, name, i), dim) for i, dim in enumerate(dims))


def _string_keys(data: dict[Any, Any], at: NodePath, problems: list[Problem]) -> dict[str, Any]:
    """The spec with every key that is not a string reported and left out.

    YAML reads ``1:``, ``true:`` and ``null:`` as a number, a boolean and
    null; every key in a spec is a name.  Only the mappings whose keys are
    names are walked: the spec, inputs, each layer and its expect.
    """

    def keep(mapping: dict[Any, Any], where: NodePath) -> dict[str, Any]:
        """``mapping`` itself when every key is a name (never changed after), else a copy."""
        if _NAMES.issuperset(map(type, mapping)):  # the usual case
            return mapping
        kept = {}
        for key, value in mapping.items():
            if isinstance(key, str):
                kept[key] = value
                continue
            written = "null" if key is None else describe(key)
            problems.append(
                Problem(
                    "LS103",
                    f"a key in {label(where)} should be a name (a string), found {written}",
                    (*where, key),
                    hint="quote the key if it is meant as a name",
                    on_key=True,
                )
            )
        return kept

    spec = dict(keep(data, at))
    if isinstance(spec.get("inputs"), dict):
        spec["inputs"] = keep(spec["inputs"], ("inputs",))
    if isinstance(spec.get("layers"), list):
        layers = []
        for index, raw in enumerate(spec["layers"]):
            layer = keep(raw, ("layers", index)) if isinstance(raw, dict) else raw
            if isinstance(layer, dict) and isinstance(layer.get("expect"), dict):
                expect = keep(layer["expect"], ("layers", index, "expect"))
                if expect is not layer["expect"]:
                    layer = {**layer, "expect": expect}
            layers.append(layer)
        spec["layers"] = layers
    return spec


_NAMES = frozenset((str,))
"""The type of every key of a spec written as it should be."""


def _header_problems(error: ValidationError, data: dict[str, Any]) -> list[Problem]:
    problems = []
    for problem in problems_from_validation(
        error, prefix=(), owner="the spec", fields=_HEADER_KEYS
    ):
        if problem.at == ("framework",) and problem.code == "LS103":
            found = describe(data.get("framework"))
            message = f"framework should be torch or keras, found {found}"
            problems.append(Problem("LS105", message, problem.at))
        elif not (problem.at and problem.at[0] == "layers" and len(problem.at) > 2):
            problems.append(problem)  # a layer's own keys are checked per framework
    return problems


def _valid_dims(raw: Any) -> dict[str, int]:
    """The entries of ``dims:`` that are valid (the others are already reported)."""
    if not isinstance(raw, dict):
        return {}
    return {
        name: value
        for name, value in raw.items()
        if isinstance(name, str)
        and name.isidentifier()
        and name.isascii()
        and type(value) is int
        and 0 < value <= MAX_DIM_VALUE
    }


def _valid_inputs(raw: Any) -> dict[str, Shape | None]:
    """Every input that has a valid name, even when its shape is invalid.

    An invalid shape is already reported (LS107/LS103); keeping the input
    with unknown dimensions lets layers that read it resolve instead of
    reporting the same mistake again as a missing or ambiguous input.
    """
    if not isinstance(raw, dict):
        return {}
    inputs: dict[str, Shape | None] = {}
    for name, dims in raw.items():
        if not isinstance(name, str):
            continue
        if not isinstance(dims, list):
            inputs[name] = None
            continue
        inputs[name] = tuple(_valid_dim(dim) for dim in dims)
    return inputs


def _valid_dim(dim: Any) -> Dim:
    """The dimension in canonical form, or None (unknown) when it is invalid."""
    try:
        valid: Dim = _DIM_VALIDATOR.validate_python(dim)
    except ValidationError:
        return None
    return valid


def _symbols(inputs: dict[str, Shape | None], layers: list[ParsedLayer]) -> frozenset[str]:
    """The symbols of ``inputs:`` and of a Keras ``input_shape``."""
    dims = [dim for shape in inputs.values() for dim in shape or ()]
    for layer in layers:
        input_shape = getattr(layer.config, "input_shape", None)
        if isinstance(input_shape, list):
            dims += input_shape
    return frozenset(name for dim in dims if isinstance(dim, str) for name in to_expr(dim).symbols)


def _parse_layers(
    raw_layers: list[Any], framework: Framework, problems: list[Problem]
) -> list[ParsedLayer]:
    taken = {
        layer["name"]
        for layer in raw_layers
        if isinstance(layer, dict) and isinstance(layer.get("name"), str)
    }
    counters: dict[str, int] = {}
    layers: list[ParsedLayer] = []
    by_name: dict[str, ParsedLayer] = {}
    for index, raw in enumerate(raw_layers):
        if not isinstance(raw, dict):
            continue  # reported with the spec's own keys
        if "reuse" in raw and framework.shared_modules:
            name = raw.get("name")
            if not (isinstance(name, str) and name.isidentifier()):
                written = raw["reuse"]
                owner = by_name.get(written) if isinstance(written, str) else None
                name = _default_name(
                    owner.type if owner and owner.type else "layer", counters, taken
                )
            reused = _reused_layer(raw, index, name, by_name, taken, framework, problems)
            layers.append(reused)
            by_name.setdefault(name, reused)
            continue
        type_name = _layer_type(raw, index, framework, problems)
        name = raw.get("name")
        if not (isinstance(name, str) and name.isidentifier()):
            name = _default_name(type_name or "layer", counters, taken)
        config = None
        declared = None
        if type_name is not None:
            declared = framework.types[type_name]
            config = _validate_layer(raw, index, name, declared, framework, problems)
        layers.append(ParsedLayer(index, name, type_name, config, raw, declared))
        by_name.setdefault(name, layers[-1])
    return layers


class ReusedLayer(StrictModel):
    """A second call of an earlier torch module (``reuse: LAYER``): the tensors it reads and
    what it names, never arguments of its own (the JSON Schema's variant for such a layer)."""

    name: LayerName | None = None
    reuse: LayerName
    type: str | None = None
    input: str | None = None
    tensors: list[str] | None = None
    initial_state: str | list[str] | None = None
    expect: dict[str, ShapeField] | None = None


def _reused_layer(
    raw: dict[str, Any],
    index: int,
    name: str,
    earlier: dict[str, ParsedLayer],
    taken: set[str],
    framework: Framework,
    problems: list[Problem],
) -> ParsedLayer:
    """A layer that calls an earlier layer's module again, as torch code that calls
    ``self.embedding`` twice: the owner's type and arguments, this layer's tensors.

    The layer writes only what a call takes (its input and other tensors, its initial
    state, the call's arguments) and its own name and expect:; an argument of its own is
    an error rather than an override, because the module is one object with one set of
    arguments.  A ``type:`` that names the owner's type is allowed, as a reminder for the
    reader.
    """
    owner = _owner(raw["reuse"], index, name, earlier, taken, problems)
    if owner is None or owner.layer_type is None:
        return ParsedLayer(index, name, None, None, raw, None)
    root = owner
    if owner.reuses is not None:
        root = earlier[owner.reuses]
    declared = owner.layer_type
    calls = {"name", "reuse", "expect", "initial_state", declared.input_field}
    calls |= {*declared.tensor_args, *declared.call_args}
    valid = True
    for key, value in raw.items():
        if key in calls or (key == "type" and _names(framework, value, declared.name)):
            continue
        valid = False
        found = f"type: {value!r}" if key == "type" else f"its own {key}"
        problems.append(
            Problem(
                "LS101",
                f"{name} reuses {root.name}'s module ({declared.name}), so its arguments are "
                f"{root.name}'s; it cannot also write {found}",
                ("layers", index, key),
                hint=f"remove {key}, or make a new {declared.name} layer instead of reuse: "
                "to have a module of its own",
                on_key=True,
            )
        )
    config = None
    if valid and root.config is not None and isinstance(root.raw, dict):
        arguments = {key: value for key, value in root.raw.items() if key not in calls}
        own = {key: value for key, value in raw.items() if key in calls and key != "reuse"}
        config = _validate_layer({**arguments, **own}, index, name, declared, framework, problems)
    return ParsedLayer(index, name, declared.name, config, raw, declared, reuses=root.name)


def _names(framework: Framework, written: Any, type_name: str) -> bool:
    return isinstance(written, str) and framework.normalize_type(written) == type_name


def _owner(
    written: Any,
    index: int,
    name: str,
    earlier: dict[str, ParsedLayer],
    taken: set[str],
    problems: list[Problem],
) -> ParsedLayer | None:
    """The earlier layer ``reuse:`` names, or None (reported); ``taken`` holds every
    name the spec writes."""
    at = ("layers", index, "reuse")
    if not isinstance(written, str):
        problems.append(
            Problem(
                "LS103",
                f"{name}.reuse should be the name of an earlier layer, found {describe(written)}",
                at,
            )
        )
        return None
    owner = earlier.get(written)
    if owner is not None:
        return owner
    if written in taken:
        message = f"{name} reuses {written}, which is not defined before it"
        hint: str | None = f"a module is built where it is first written: move {written} up"
    else:
        message = f"{name} reuses {written}, but no earlier layer has that name"
        close = did_you_mean(written, earlier)
        hint = f"did you mean {close}?" if close else None
    problems.append(Problem("LS202", message, at, hint=hint))
    return None


def _layer_type(
    raw: dict[str, Any], index: int, framework: Framework, problems: list[Problem]
) -> str | None:
    at = ("layers", index, "type")
    if "type" not in raw:
        problems.append(
            Problem("LS102", f"layer {index + 1} has no type", at[:-1], hint=framework.type_hint)
        )
        return None
    written = raw["type"]
    if not isinstance(written, str):
        problems.append(
            Problem(
                "LS103", f"layers[{index}].type should be a string, found {describe(written)}", at
            )
        )
        return None
    type_name = framework.normalize_type(written)
    if type_name in framework.types:
        return type_name
    misplaced = None if framework.not_a_layer is None else framework.not_a_layer(written, raw, at)
    if misplaced is not None:
        problems.append(misplaced)
        return None
    hint = framework.foreign_types.get(type_name) or framework.spelling_hint(written)
    if hint is None:
        close = did_you_mean(type_name, framework.types)
        hint = f"did you mean {close}?" if close else framework.type_hint
    problems.append(
        Problem("LS104", f"{framework.key} has no layer type {written!r}", at, hint=hint)
    )
    return None


def _validate_layer(
    raw: dict[str, Any],
    index: int,
    name: str,
    declared: LayerType[Any],
    framework: Framework,
    problems: list[Problem],
) -> LayerBase | None:
    model: type[LayerBase] = declared.config
    type_name = declared.name
    try:
        # the type as declared, not as written (nn.LSTM); most are written so
        return model.model_validate(raw if raw["type"] == type_name else {**raw, "type": type_name})
    except ValidationError as error:
        foreign_keys = framework.foreign_keys
        if declared.foreign_keys:
            foreign_keys = {**foreign_keys, **declared.foreign_keys}
        problems += problems_from_validation(
            error,
            prefix=("layers", index),
            owner=f"{type_name} layer {name!r}",
            fields=model.model_fields,
            foreign_keys=foreign_keys,
            removed_keys=framework.removed_keys,
            missing_keys=declared.missing_keys,
            nested_fields=framework.nested_fields,
            wrapped_fields=framework.wrapped_fields,
            wrapped_foreign_keys=framework.wrapped_foreign_keys,
            layer=name,
            refusal=lambda at, written: _refusal(raw, declared, framework, at[2:], written),
        )
        return None


def _refusal(
    raw: dict[str, Any],
    declared: LayerType[Any],
    framework: Framework,
    path: NodePath,
    written: str,
) -> tuple[str, str] | None:
    """Why the wrapper holding ``path`` (inside the layer ``raw``) cannot hold ``written``.

    A field that holds no layer type (an RNN's ``cell``, or one of its list)
    has its type's ``nest_refusal``; None where there is none: the generic
    message lists what the field takes.
    """
    from lstmshape.frameworks.layer_type import wrapping_refusal

    holder: Any = raw
    wrapper = declared
    for key in path[:-1]:  # a wrapper inside a wrapper holds what is deeper
        holder = holder.get(key) if isinstance(holder, dict) else None
        if isinstance(holder, dict):
            kind = strip_prefix(holder.get("type"), framework.prefixes)
            wrapper = framework.types.get(kind, wrapper) if isinstance(kind, str) else wrapper
    if not path:
        return None
    listed = len(path) > 1 and isinstance(path[-1], int)  # an item of a list of cells
    if (path[-2] if listed else path[-1]) not in wrapper.nests:
        return None
    name = strip_prefix(written, framework.prefixes)
    if not any(wrapper.name in held.wrappers for held in framework.types.values()):
        return None if wrapper.nest_refusal is None else wrapper.nest_refusal(name)
    return wrapping_refusal(framework.key, wrapper.name, name)


def _default_name(type_name: str, counters: dict[str, int], taken: set[str]) -> str:
    """Keras's scheme: lstm, lstm_1, simple_rnn..., skipping names the spec uses."""
    base = re.sub(r"([a-z])([A-Z])", r"\1_\2", re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", type_name))
    base = base.lower()
    while True:
        count = counters.get(base, 0)
        counters[base] = count + 1
        name = base if count == 0 else f"{base}_{count}"
        if name not in taken:
            return name


def _duplicate_names(spec: ParsedSpec, data: dict[str, Any]) -> list[Problem]:
    problems = []
    seen: dict[str, str] = {name: "an input" for name in spec.inputs}
    for layer in spec.layers:
        owner = seen.get(layer.name)
        if owner is not None and "name" in data["layers"][layer.index]:
            problems.append(
                Problem(
                    "LS106",
                    f"the name {layer.name!r} is already taken by {owner}",
                    ("layers", layer.index, "name"),
                    hint="references need every input and layer name to be unique",
                    layer=layer.name,
                )
            )
        seen.setdefault(layer.name, f"layer {layer.index + 1}")
    return problems
