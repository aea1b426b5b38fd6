"""Verify a Keras spec against the user's model: the factory builds a functional (or
Sequential) ``keras.Model``, whose graph already holds every layer's symbolic outputs;
nothing runs on data."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from lstmshape.diagnostics import Problem
from lstmshape.export.wiring import call_fields
from lstmshape.models.common import StrictModel
from lstmshape.verify import findings
from lstmshape.verify.loading import CannotVerify, build, one_line

if TYPE_CHECKING:
    from lstmshape.models.spec import ParsedLayer, ParsedSpec
    from lstmshape.report import ModelReport

_NOT_COMPARED = frozenset(("dtype", "name", "trainable"))


def verify_keras(
    spec: ParsedSpec,
    report: ModelReport,
    factory: Callable[..., Any],
    reference: str,
    arguments: dict[str, Any],
    values: Mapping[str, int],
) -> list[Problem]:
    try:
        import keras
    except Exception as error:  # Keras raises more than ImportError without its backend
        raise CannotVerify(
            f"verify needs Keras to build a Keras model, and it cannot be imported "
            f"({one_line(error)}); install it (pip install keras) with a backend, and set "
            "KERAS_BACKEND to that backend"
        ) from None
    model = build(factory, reference, arguments)
    if not isinstance(model, keras.Model):
        raise CannotVerify(
            f"--module {reference}: returned an instance of {type(model).__name__}, "
            "not a keras.Model"
        )
    problems: list[Problem] = []
    try:
        inputs = list(model.inputs)
    except (AttributeError, ValueError):
        inputs = []
    if not inputs:
        return [
            findings.run_failed(
                ("layers",),
                "reading the model's inputs",
                "nothing: it has no inputs, so it was never built on keras.Input; verify "
                "reads a functional or Sequential model built on its inputs",
            )
        ]
    problems += _compare_inputs(spec, inputs, values)
    results = {result.name: result for result in report.layers}
    described: set[int] = set()
    calls: dict[int, int] = {}
    for layer in spec.layers:
        if layer.config is None or layer.layer_type is None:
            continue
        path = findings.module_path(spec, layer)
        try:
            found = _layer_at(model, path)
        except ValueError:
            problems.append(findings.missing(layer, path, "no layer of that name"))
            continue
        described.add(id(found))
        problems += _compare_layer(layer, found, results[layer.name].params)
        index = calls[id(found)] = calls.get(id(found), -1) + 1
        problems += _compare_outputs(layer, found, index, results[layer.name].tensors, values)
    problems += _undescribed(model, described)
    return problems


def _layer_at(model: Any, path: str) -> Any:
    found = model
    for part in path.split("."):
        if not hasattr(found, "get_layer"):
            raise ValueError(part)
        found = found.get_layer(part)
    return found


def _compare_inputs(
    spec: ParsedSpec, inputs: list[Any], values: Mapping[str, int]
) -> list[Problem]:
    if not spec.inputs:
        return []  # the spec declares its input by input_shape: its first layer's shapes say
    if len(inputs) != len(spec.inputs):
        return [
            findings.run_failed(
                ("inputs",),
                "matching the inputs",
                f"a difference: the model takes {len(inputs)} input"
                f"{'s' if len(inputs) != 1 else ''}, the spec declares {len(spec.inputs)}",
            )
        ]
    problems = []
    for (name, shape), tensor in zip(spec.inputs.items(), inputs, strict=True):
        found = tuple(tensor.shape)
        if shape is not None and findings.shapes_differ(shape, found, values):
            problems.append(findings.wrong_input(name, shape, found, values))
    return problems


def _compare_layer(layer: ParsedLayer, found: Any, params: int | None) -> list[Problem]:
    import keras

    assert layer.config is not None and layer.layer_type is not None
    declared = layer.layer_type
    expected_class = getattr(keras.layers, declared.name, None)
    if expected_class is None or not isinstance(found, expected_class):
        return [findings.wrong_type(layer, declared.name, type(found).__name__)]
    if layer.reuses is not None:
        return []
    where = f"{type(found).__name__} {found.name}"
    skipped = call_fields(declared) | _NOT_COMPARED | {"module", *declared.nests}
    problems = [
        findings.wrong_argument(layer, key, expected, actual, where)
        for key, expected, actual in _differences(layer.config, found, skipped)
    ]
    for nest in declared.nests:
        inner = getattr(layer.config, nest, None)
        wrapped = getattr(found, "forward_layer", None) or getattr(found, "layer", None)
        if isinstance(inner, StrictModel) and wrapped is not None:
            problems += [
                findings.nested_argument(layer, nest, key, expected, actual, where)
                for key, expected, actual in _differences(inner, wrapped, _NOT_COMPARED)
            ]
    if found.built and params is not None and found.count_params() != params:
        problems.append(findings.wrong_params(layer, params, found.count_params()))
    return problems


def _differences(
    config: StrictModel, found: Any, skipped: frozenset[str] | set[str]
) -> list[tuple[str, Any, Any]]:
    """The arguments of ``config`` whose values differ from the layer's ``get_config()``."""
    try:
        actual_config = found.get_config()
    except Exception:  # a custom layer without get_config: nothing to compare
        return []
    differences = []
    for key in type(config).model_fields:
        if key in skipped or key == "type" or key not in actual_config:
            continue
        expected = getattr(config, key)
        if expected is None and key not in config.model_fields_set:
            continue  # Keras's own default, which the spec leaves to it
        actual = actual_config[key]
        if isinstance(actual, dict) or not isinstance(actual, (*findings.SIMPLE, type(None))):
            continue  # an initializer's or a policy's config: not compared
        if not findings.same_value(expected, actual):
            differences.append((key, expected, actual))
    return differences


def _compare_outputs(
    layer: ParsedLayer,
    found: Any,
    index: int,
    expected: Mapping[str, Any],
    values: Mapping[str, int],
) -> list[Problem]:
    import keras

    assert layer.config is not None and layer.layer_type is not None
    nodes = getattr(found, "_inbound_nodes", [])
    if index >= len(nodes):
        return [findings.not_called(layer, found.name, len(nodes))]
    outputs = keras.tree.flatten(nodes[index].outputs)
    names = layer.layer_type.tensors(layer.config)
    if len(outputs) != len(names):
        outputs = outputs[:1]  # the primary output, the one every layer has
    problems = []
    for name, tensor in zip(names, outputs, strict=False):
        shape = expected.get(name)
        actual = tuple(tensor.shape)
        if shape is not None and findings.shapes_differ(shape, actual, values):
            problems.append(findings.wrong_shape(layer, name, shape, actual, values))
    return problems


def _undescribed(model: Any, described: set[int]) -> list[Problem]:
    problems = []
    for layer in model.layers:
        if id(layer) in described:
            continue
        params = layer.count_params() if layer.built else 0
        if params:
            problems.append(findings.undescribed(layer.name, type(layer).__name__, params))
    return problems
