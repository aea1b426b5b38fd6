"""What both frameworks' verifications report: each difference as a diagnostic at the spec's
line that it concerns (the differing argument's key where the spec writes it)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from lstmshape.diagnostics import NodePath, Problem
from lstmshape.shapes import Shape, evaluate_dim, format_shape

if TYPE_CHECKING:
    from lstmshape.models.spec import ParsedLayer, ParsedSpec

Found = Sequence[int | None]
"""A shape as the framework has it: None where Keras leaves a size open."""


def written(layer: ParsedLayer, key: str) -> bool:
    return isinstance(layer.raw, dict) and key in layer.raw


def layer_at(layer: ParsedLayer) -> NodePath:
    """Where a layer is named: its ``name:``, else its ``type:``."""
    key = "name" if written(layer, "name") else "type"
    return ("layers", layer.index, key)


def module_path(spec: ParsedSpec, layer: ParsedLayer) -> str:
    """Where the user's model holds the layer: its ``module:``, else its name; a ``reuse:``
    layer's is its owner's."""
    owner = layer
    if layer.reuses is not None:
        owner = next(other for other in spec.layers if other.name == layer.reuses)
    module = getattr(owner.config, "module", None)
    return module if isinstance(module, str) else owner.name


def missing(layer: ParsedLayer, path: str, why: str) -> Problem:
    at = ("layers", layer.index, "module") if written(layer, "module") else layer_at(layer)
    return Problem(
        "LS501",
        f"{layer.name}: the model has no {path} ({why}), so nothing in the code is this layer",
        at,
        "name the layer as the model's attribute or layer, or give it module: with the path "
        "to it (module: encoder.rnn)",
        layer=layer.name,
    )


def wrong_type(layer: ParsedLayer, expected: str, found: str) -> Problem:
    return Problem(
        "LS502",
        f"{layer.name}: the spec says {expected}, but the model's layer is {found}",
        ("layers", layer.index, "type"),
        layer=layer.name,
    )


def wrong_argument(layer: ParsedLayer, key: str, expected: Any, found: Any, where: str) -> Problem:
    if written(layer, key):
        at: NodePath = ("layers", layer.index, key)
        said = f"{layer.name}.{key} is {show(expected)} in the spec"
    else:
        at = ("layers", layer.index, "type")
        said = f"{layer.name}.{key} is left at its default {show(expected)} in the spec"
    return Problem(
        "LS503",
        f"{said}, but {show(found)} in the model ({where})",
        at,
        f"write {key}: {show(found)}, or change the model",
        layer=layer.name,
        on_key=written(layer, key),
    )


def nested_argument(
    layer: ParsedLayer, nest: str, key: str, expected: Any, found: Any, where: str
) -> Problem:
    """An argument of a wrapped layer (Keras's Bidirectional(layer)) that differs."""
    raw = layer.raw.get(nest) if isinstance(layer.raw, dict) else None
    on_key = isinstance(raw, dict) and key in raw
    at: NodePath = ("layers", layer.index, nest, key) if on_key else ("layers", layer.index, nest)
    return Problem(
        "LS503",
        f"{layer.name}.{nest}.{key} is {show(expected)} in the spec, but {show(found)} in "
        f"the model ({where})",
        at,
        f"write {key}: {show(found)} under {nest}:, or change the model",
        layer=layer.name,
        on_key=on_key,
    )


def wrong_params(layer: ParsedLayer, expected: int, found: int) -> Problem:
    return Problem(
        "LS504",
        f"{layer.name} has {expected:,} parameters by the spec, but {found:,} in the model",
        layer_at(layer),
        layer=layer.name,
    )


def wrong_shape(
    layer: ParsedLayer, tensor: str, expected: Shape, found: Found, values: Mapping[str, int]
) -> Problem:
    expect = layer.raw.get("expect") if isinstance(layer.raw, dict) else None
    at = (
        ("layers", layer.index, "expect", tensor)
        if isinstance(expect, dict) and tensor in expect
        else layer_at(layer)
    )
    return Problem(
        "LS505",
        f"{layer.name}.{tensor} is {shown(expected, values)} by the spec, but the model makes "
        f"{show_found(found)}",
        at,
        "the spec and the model wire this layer differently: check what it reads",
        layer=layer.name,
    )


def wrong_input(name: str, expected: Shape, found: Found, values: Mapping[str, int]) -> Problem:
    return Problem(
        "LS505",
        f"input {name} is {shown(expected, values)} by the spec, but the model's input is "
        f"{show_found(found)}",
        ("inputs", name),
    )


def undescribed(path: str, kind: str, params: int) -> Problem:
    where = "the model itself" if not path else f"the model's {path}"
    return Problem(
        "LS506",
        f"{where} ({kind}) holds {params:,} parameter{'s' * (params != 1)} that no layer of "
        "the spec describes",
        ("layers",),
        f"add a layer for it (named {path or 'after it'}, or with module: {path or 'PATH'})",
        on_key=True,
    )


def run_failed(at: NodePath, what: str, error: str) -> Problem:
    return Problem(
        "LS507",
        f"the model failed on the spec's inputs: {what} raised {error}",
        at,
        "the spec's inputs or wiring differ from what the model's forward takes",
        on_key=True,
    )


def not_called(layer: ParsedLayer, path: str, calls: int) -> Problem:
    times = "never called" if calls == 0 else f"called only {calls} time{'s' * (calls != 1)}"
    return Problem(
        "LS508",
        f"{layer.name}: the model's {path} is {times} on the spec's inputs, so the shapes "
        "of this layer could not be compared",
        layer_at(layer),
        "the model does not run this layer where the spec says it does",
        layer=layer.name,
    )


def dim_needed(name: str, index: int, symbol: str) -> Problem:
    return Problem(
        "LS509",
        f"verify runs the model on the spec's inputs, and {symbol} in input {name} has no "
        f"value: give one with --dim {symbol}=N or under dims:",
        ("inputs", name, index),
        f"--dim {symbol}=4 (any small value: the model runs without data)",
    )


def show(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    if isinstance(value, tuple):
        return show(list(value))
    if isinstance(value, list):
        return "[" + ", ".join(show(item) for item in value) + "]"
    return repr(value) if isinstance(value, str) else str(value)


def show_found(found: Found) -> str:
    """As lstmshape shows a shape: a size Keras leaves open (None) is ``?``."""
    return format_shape(tuple(found))


def shown(expected: Shape, values: Mapping[str, int]) -> str:
    text = format_shape(expected)
    evaluated = [evaluate_dim(dim, values) for dim in expected]
    if any(isinstance(dim, str) for dim in expected) and all(d is not None for d in evaluated):
        return f"{text} = {show_found(evaluated)}"
    return text


def shapes_differ(expected: Shape, found: Found, values: Mapping[str, int]) -> bool:
    """Whether a size the spec fixes differs from the model's; a size that either leaves
    open (null, a symbol without a value, Keras's None) is not compared."""
    if len(expected) != len(found):
        return True
    return any(
        actual is not None and want is not None and want != actual
        for dim, actual in zip(expected, found, strict=True)
        for want in [evaluate_dim(dim, values)]
    )


def same_value(expected: Any, found: Any) -> bool:
    """A spec's argument against the framework's: ``kernel_size: 3`` is torch's ``(3,)``,
    a list is a tuple."""
    if isinstance(found, tuple | list) and not isinstance(expected, tuple | list):
        if isinstance(expected, int) and not isinstance(expected, bool):
            return all(item == expected for item in found) and len(found) > 0
        return False
    if isinstance(expected, tuple | list) and isinstance(found, tuple | list):
        return len(expected) == len(found) and all(
            same_value(a, b) for a, b in zip(expected, found, strict=True)
        )
    if isinstance(expected, bool) or isinstance(found, bool):
        return type(expected) is type(found) and expected == found
    return bool(expected == found)


SIMPLE = (bool, int, float, str, tuple, list)
"""The argument values compared; anything else (an initializer's config, a dtype) is not."""
