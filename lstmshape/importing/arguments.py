"""A Keras layer's saved config as the arguments a spec writes for it.

Nothing here names a layer type: a config's keys are Keras's own argument
names (the contract of every config model under ``frameworks/keras``), so
a key is kept when the type's model has a field of that name and the value
differs from the field's default.  What Keras serializes as an object
becomes what a spec writes:

* a nested layer (Bidirectional's ``layer``, TimeDistributed's, an RNN's
  ``cell``) a mapping ``{type: LSTM, units: 64}``, converted the same way;
  ``StackedRNNCells`` the list of its cells;
* an initializer, regularizer or constraint its name (``GlorotUniform`` is
  ``glorot_uniform``): their own arguments never change a shape, and are
  left out;
* a dtype policy its name.

A key the model lacks is left out silently when its value is Keras's
"nothing" (null, false, an empty list or mapping) or the key never changes
a shape (``dtype``, ``trainable``, initializers, regularizers, constraints),
and with a warning (LS516) otherwise.  An object from outside Keras is a custom object
(LS513): reported, never loaded.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lstmshape.frameworks.keras.cells import CELL_TYPES
from lstmshape.frameworks.layer_type import LAYER_TYPES
from lstmshape.importing.problems import ImportProblem
from lstmshape.models.common import StrictModel

Locate = Callable[[object], tuple[int, int]]

VALUES_ONLY = frozenset(("zero_output_for_mask", "renorm_momentum"))
"""Keras arguments that change values, never shapes, that lstmshape's types do not take
(Bidirectional sets its layers' zero_output_for_mask itself)."""
_ALIASES = {"random_uniform": "uniform", "random_normal": "normal"}
"""Keras's second names for an initializer, as its class serializes it."""
KERAS_DEFAULTS_AS_NONE = {
    "dtype": "float32",
    "activation": "linear",
    "data_format": "channels_last",
}
"""What Keras writes in a config where lstmshape's model writes None for the same default."""
_NOT_ARGUMENTS = frozenset(("name", "type"))
_STACKED_CELLS = "StackedRNNCells"


def is_serialized(value: object) -> bool:
    """Keras's form of an object in a config: a mapping with its class and config."""
    return isinstance(value, dict) and "class_name" in value and "config" in value


def from_keras(value: object) -> bool:
    """Whether a serialized object is Keras's own (its module is Keras's, no custom name)."""
    assert isinstance(value, dict)
    module = value.get("module")
    registered = value.get("registered_name")
    keras_module = module is None or (isinstance(module, str) and module.split(".")[0] == "keras")
    return keras_module and registered in (None, value.get("class_name"))


def nested_model(class_name: str) -> type[StrictModel] | None:
    """The model of a layer held by another (a wrapped layer, a cell), by its Keras class."""
    declared = LAYER_TYPES.get(("keras", class_name))
    if declared is not None:
        return declared.wrapped_config or declared.config
    return CELL_TYPES.get(class_name)


def shape_neutral(key: str) -> bool:
    """An argument that never changes a shape or a parameter count (an initializer...)."""
    from lstmshape.frameworks import FRAMEWORKS

    neutral = FRAMEWORKS["keras"].shape_neutral
    return key in neutral or key in VALUES_ONLY or key.endswith(_NEUTRAL_SUFFIXES)


_NEUTRAL_SUFFIXES = ("_initializer", "_regularizer", "_constraint")


def snake_case(class_name: str) -> str:
    """``GlorotUniform`` is ``glorot_uniform``, ``L1L2`` is ``l1_l2``: Keras's own names."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", class_name).lower()


@dataclass
class Arguments:
    """The arguments of one layer (or nested layer) as a spec writes them."""

    written: dict[str, Any] = field(default_factory=dict)
    problems: list[ImportProblem] = field(default_factory=list)


def convert_arguments(
    model: type[StrictModel], config: dict[str, Any], owner: str, locate: Locate
) -> Arguments:
    """The config's arguments that differ from the model's defaults, in the model's order."""
    result = Arguments()
    fields = model.model_fields
    found: dict[str, Any] = {}
    for key, value in config.items():
        if key in _NOT_ARGUMENTS:
            continue
        if key not in fields:
            if not (_nothing(value) or shape_neutral(key)):
                result.problems.append(
                    ImportProblem(
                        "LS516",
                        f"{owner}: Keras's argument {key} = {_shown(value)} has no counterpart "
                        f"in lstmshape's {_type_name(model)}, and is left out of the spec",
                        *locate(config),
                    )
                )
            continue
        converted = _value(value, f"{owner}.{key}", locate, result.problems)
        if converted is _DROPPED:
            continue
        info = fields[key]
        if not info.is_required() and _is_default(key, converted, info.default):
            continue
        found[key] = converted
    _drop_saved_defaults(config, found)
    result.written = {key: found[key] for key in fields if key in found}
    return result


def _drop_saved_defaults(config: dict[str, Any], found: dict[str, Any]) -> None:
    """Arguments Keras saves filled in from others, where its constructor derives them."""
    if "strides" in found and config.get("strides") == config.get("pool_size"):
        del found["strides"]  # a pooling layer's strides default to its pool_size
    layer, backward = found.get("layer"), found.get("backward_layer")
    if isinstance(layer, dict) and isinstance(backward, dict):
        reversed_layer = {**layer, "go_backwards": not layer.get("go_backwards", False)}
        if {k: v for k, v in reversed_layer.items() if v is not False} == {
            k: v for k, v in backward.items() if v is not False
        }:
            del found["backward_layer"]  # Bidirectional's default: the layer, run backwards


_DROPPED = object()


def _value(value: Any, owner: str, locate: Locate, problems: list[ImportProblem]) -> Any:
    if isinstance(value, list):
        items = [_value(item, owner, locate, problems) for item in value]
        return [item for item in items if item is not _DROPPED]
    if not is_serialized(value):
        return value
    if not from_keras(value):
        problems.append(custom_object(value, owner, locate))
        return _DROPPED
    class_name = str(value["class_name"])
    config = value["config"] if isinstance(value["config"], dict) else {}
    if class_name == "DTypePolicy" or class_name.endswith("DTypePolicy"):
        return config.get("name")
    if class_name == _STACKED_CELLS:
        cells = config.get("cells")
        return [_value(cell, owner, locate, problems) for cell in cells or ()]
    model = nested_model(class_name)
    if model is not None:
        nested = convert_arguments(model, config, owner, locate)
        problems.extend(nested.problems)
        return {"type": class_name, **nested.written}
    if str(value.get("module", "")).startswith(("keras.layers", "keras.src.layers")):
        problems.append(
            ImportProblem(
                "LS514",
                f"{owner} is a {class_name}, which lstmshape does not model",
                *locate(value),
            )
        )
        return _DROPPED
    return snake_case(class_name)


def custom_object(value: dict[str, Any], owner: str, locate: Locate) -> ImportProblem:
    module = value.get("module")
    if value.get("class_name") == "function":  # a Python function, serialized by its name
        found = f"the function {value.get('config')}"
    else:
        found = f"the custom object {value.get('registered_name') or value.get('class_name')}"
    return ImportProblem(
        "LS513",
        f"{owner} is {found}"
        + (f" from {module}" if module else "")
        + ": its code is not Keras's, and lstmshape does not load or run it",
        *locate(value),
        hint="use Keras's own class (or activation name) in the model, or write the layer in "
        "the spec by hand",
    )


def _is_default(key: str, value: Any, default: Any) -> bool:
    if value == default or (isinstance(value, str) and _ALIASES.get(value, value) == default):
        return True
    if default is None and KERAS_DEFAULTS_AS_NONE.get(key) == value:
        return True
    # Keras saves an integer argument as its tuple: strides 1 is [1] (Conv1D), [1, 1] (2D).
    return isinstance(value, list) and bool(value) and all(item == default for item in value)


def _nothing(value: Any) -> bool:
    return value is None or value is False or value in ([], {})


def _shown(value: Any) -> str:
    if is_serialized(value):
        return str(value["class_name"])
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _type_name(model: type[StrictModel]) -> str:
    info = model.model_fields.get("type")
    args: tuple[Any, ...] = getattr(info.annotation, "__args__", ()) if info else ()
    return str(args[0]) if args else model.__name__
