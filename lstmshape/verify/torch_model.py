"""Verify a torch spec against the user's ``nn.Module``: built on the meta device (weights
without data), run on the spec's inputs as zeros, every module's outputs seen through
forward hooks."""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from lstmshape.diagnostics import Problem
from lstmshape.export.wiring import call_fields, tensor_targets
from lstmshape.references import ReferenceSyntaxError, parse_reference
from lstmshape.shapes import evaluate_dim
from lstmshape.verify import findings
from lstmshape.verify.loading import CannotVerify, build, one_line

if TYPE_CHECKING:
    from lstmshape.models.spec import ParsedLayer, ParsedSpec
    from lstmshape.report import ModelReport

_NOT_COMPARED = frozenset(("device", "dtype"))
"""Where the module is made, not what it is: verify builds it on the meta device."""


def verify_torch(
    spec: ParsedSpec,
    report: ModelReport,
    factory: Callable[..., Any],
    reference: str,
    arguments: dict[str, Any],
    values: Mapping[str, int],
) -> list[Problem]:
    try:
        import torch
    except ImportError as error:
        raise CannotVerify(
            f"verify needs torch to build a torch model, and it cannot be imported "
            f"({one_line(error)}); install it (pip install torch)"
        ) from None
    with torch.device("meta"):
        model = build(factory, reference, arguments)
    if not isinstance(model, torch.nn.Module):
        raise CannotVerify(
            f"--module {reference}: returned an instance of {type(model).__name__}, "
            "not a torch.nn.Module"
        )
    problems: list[Problem] = []
    results = {result.name: result for result in report.layers}
    modules: dict[str, tuple[ParsedLayer, Any]] = {}
    for layer in spec.layers:
        if layer.config is None or layer.layer_type is None or not _is_module(spec, layer):
            continue
        path = findings.module_path(spec, layer)
        try:
            module = model.get_submodule(path)
        except AttributeError:
            problems.append(findings.missing(layer, path, "no such submodule"))
            continue
        modules.setdefault(path, (layer, module))
        if layer.reuses is None:
            problems += _compare_module(layer, module, results[layer.name].params)
    problems += _undescribed(model, set(modules))
    missing = _missing_values(spec, values)
    if missing:
        return problems + missing
    problems += _run(spec, report, model, factory, reference, arguments, modules, values)
    return problems


def _is_module(spec: ParsedSpec, layer: ParsedLayer) -> bool:
    """Whether torch has the type as a module (nn.LSTM), not a function or method (cat)."""
    assert layer.layer_type is not None
    return "nn." in spec.framework.spellings(layer.layer_type)


def _compare_module(layer: ParsedLayer, module: Any, params: int | None) -> list[Problem]:
    import torch

    assert layer.config is not None and layer.layer_type is not None
    declared = layer.layer_type
    expected_class = getattr(torch.nn, declared.name, None)
    if expected_class is None or not isinstance(module, expected_class):
        return [findings.wrong_type(layer, f"nn.{declared.name}", type(module).__name__)]
    problems: list[Problem] = []
    skipped = call_fields(declared) | _NOT_COMPARED | {"module"}
    where = f"{type(module).__name__} {layer.name}"
    for key in type(layer.config).model_fields:
        if key in skipped or not hasattr(module, key):
            continue
        expected = getattr(layer.config, key)
        if expected is None and key not in layer.config.model_fields_set:
            continue  # torch's own default, which the spec leaves to it
        found = getattr(module, key)
        if isinstance(expected, bool) and (found is None or isinstance(found, torch.Tensor)):
            found = found is not None  # bias=True is a Parameter, bias=False None
        if not isinstance(found, findings.SIMPLE):
            continue
        if not findings.same_value(expected, found):
            problems.append(findings.wrong_argument(layer, key, expected, found, where))
    found_params = sum(parameter.numel() for parameter in module.parameters())
    if params is not None and found_params != params:
        problems.append(findings.wrong_params(layer, params, found_params))
    return problems


def _undescribed(model: Any, described: set[str]) -> list[Problem]:
    """Modules holding parameters of their own that no spec layer is, nor is inside."""
    problems = []
    for path, module in model.named_modules():
        if any(path == done or path.startswith(done + ".") for done in described):
            continue
        own = sum(parameter.numel() for parameter in module.parameters(recurse=False))
        if own:
            problems.append(findings.undescribed(path, type(module).__name__, own))
    return problems


def _missing_values(spec: ParsedSpec, values: Mapping[str, int]) -> list[Problem]:
    """LS509 for the first place each symbol without a value is in the inputs."""
    problems, named = [], set()
    for name, shape in spec.inputs.items():
        for index, dim in enumerate(shape or ()):
            if isinstance(dim, str) and evaluate_dim(dim, values) is None:
                for symbol in _symbols(dim):
                    if symbol not in values and symbol not in named:
                        named.add(symbol)
                        problems.append(findings.dim_needed(name, index, symbol))
    return problems


def _symbols(dim: str) -> list[str]:
    return sorted(
        {node.id for node in ast.walk(ast.parse(dim, mode="eval")) if isinstance(node, ast.Name)}
    )


def _run(
    spec: ParsedSpec,
    report: ModelReport,
    model: Any,
    factory: Callable[..., Any],
    reference: str,
    arguments: dict[str, Any],
    modules: dict[str, tuple[ParsedLayer, Any]],
    values: Mapping[str, int],
) -> list[Problem]:
    """Run the model on the spec's inputs and compare what each module returned."""
    import torch

    try:
        calls = _forward(spec, model, modules, values, "meta")
    except Exception:
        # An operator without a meta kernel, or code that makes a tensor on the CPU
        # (torch.zeros(...) without device=): build the model again on the CPU and run it
        # on zeros; an error there is the model's own on these inputs.
        model = build(factory, reference, arguments)
        modules = {path: (layer, model.get_submodule(path)) for path, (layer, _) in modules.items()}
        try:
            with torch.no_grad():
                calls = _forward(spec, model, modules, values, "cpu")
        except Exception as error:
            return [_failed(spec, error)]
    return _compare_calls(spec, report, modules, calls, values)


def _failed(spec: ParsedSpec, error: BaseException) -> Problem:
    at = ("inputs",) if spec.inputs else ("layers",)
    return findings.run_failed(at, "forward", one_line(error))


def _forward(
    spec: ParsedSpec,
    model: Any,
    modules: dict[str, tuple[ParsedLayer, Any]],
    values: Mapping[str, int],
    device: str,
) -> dict[str, list[Any]]:
    import torch

    calls: dict[str, list[Any]] = {path: [] for path in modules}
    handles = [
        module.register_forward_hook(
            lambda _module, _args, output, path=path: calls[path].append(output)
        )
        for path, (_layer, module) in modules.items()
    ]
    tokens = _token_inputs(spec)
    inputs = {
        name: torch.zeros(
            [evaluate_dim(dim, values) or 1 for dim in shape or ()],
            dtype=torch.int64 if name in tokens else torch.float32,
            device=device,
        )
        for name, shape in spec.inputs.items()
    }
    try:
        with _padded_lengths():
            if _takes_keywords(model, inputs):
                model(**inputs)
            else:
                model(*inputs.values())
    finally:
        for handle in handles:
            handle.remove()
    return calls


@contextmanager
def _padded_lengths() -> Iterator[None]:
    """pack_padded_sequence packing each batch as padded to its longest sequence.

    torch reads the values of ``lengths``, which a spec does not give: the
    model is run on zeros, and lengths it computes from them (deepspeech's
    get_seq_lens) are no lengths, nor on the CPU on the meta device.  One
    length a sequence, as a tensor of one per sequence is replaced by the
    padded length and the ones after it, what lstmshape takes unknown lengths
    to be; other lengths are passed on as the model gives them.
    """
    from unittest import mock

    from torch.nn.utils import rnn

    pack = rnn.pack_padded_sequence

    def packed(input: Any, lengths: Any, batch_first: bool = False, **arguments: Any) -> Any:
        batch = input.shape[0 if batch_first else 1] if input.dim() >= 2 else -1
        if getattr(lengths, "shape", None) == (batch,):
            time = input.shape[1 if batch_first else 0]
            lengths = [max(1, time - index) for index in range(batch)]
        return pack(input, lengths, batch_first=batch_first, **arguments)

    with mock.patch.object(rnn, "pack_padded_sequence", packed):
        yield


def _takes_keywords(model: Any, inputs: dict[str, Any]) -> bool:
    """Whether forward names its parameters as the spec names its inputs."""
    try:
        parameters = inspect.signature(model.forward).parameters
    except (TypeError, ValueError):
        return False
    return set(inputs) <= set(parameters) and list(inputs) != list(parameters)[: len(inputs)]


def _token_inputs(spec: ParsedSpec) -> set[str]:
    """The inputs an embedding reads: integer ids, not floats."""
    found = set()
    previous: str | None = next(iter(spec.inputs), None) if len(spec.inputs) == 1 else None
    for layer in spec.layers:
        if layer.layer_type is not None and layer.layer_type.name == "Embedding":
            written = getattr(layer.config, "input", None)
            source = previous
            if isinstance(written, str):
                try:
                    source = parse_reference(written).source
                except ReferenceSyntaxError:
                    source = None
            if source in spec.inputs:
                found.add(source)
        previous = None
    return found


def _compare_calls(
    spec: ParsedSpec,
    report: ModelReport,
    modules: dict[str, tuple[ParsedLayer, Any]],
    calls: dict[str, list[Any]],
    values: Mapping[str, int],
) -> list[Problem]:
    problems: list[Problem] = []
    results = {result.name: result for result in report.layers}
    used: dict[str, int] = {}
    for layer in spec.layers:
        if layer.config is None or layer.layer_type is None or not _is_module(spec, layer):
            continue
        path = findings.module_path(spec, layer)
        if path not in calls:
            continue  # no such module: LS501 already
        index = used[path] = used.get(path, -1) + 1
        if index >= len(calls[path]):
            problems.append(findings.not_called(layer, path, len(calls[path])))
            continue
        returned = _tensors(layer, calls[path][index])
        for tensor, shape in results[layer.name].tensors.items():
            found = returned.get(tensor)
            if shape is None or found is None:
                continue
            if findings.shapes_differ(shape, found, values):
                problems.append(findings.wrong_shape(layer, tensor, shape, found, values))
    return problems


def _tensors(layer: ParsedLayer, output: Any) -> dict[str, tuple[int, ...]]:
    """A module's return value as the spec's tensor names, by the type's ``returns``."""
    assert layer.layer_type is not None and layer.config is not None
    target, _ = tensor_targets(layer.layer_type, layer.config)
    bound: dict[str, Any] = {}
    _bind(target, output, bound)
    names = layer.layer_type.tensors(layer.config)
    shapes = {name: _shape(value) for name, value in bound.items()}
    first = next((shapes[name] for name in names if name in shapes), None)
    return {
        name: shape for name in names for shape in [shapes.get(name, first)] if shape is not None
    }


def _bind(target: ast.expr, value: Any, bound: dict[str, Any]) -> None:
    if isinstance(target, ast.Name):
        bound[target.id] = value
    elif (
        isinstance(target, ast.Tuple)
        and isinstance(value, tuple | list)
        and len(target.elts) == len(value)
    ):
        for element, item in zip(target.elts, value, strict=True):
            _bind(element, item, bound)


def _shape(value: Any) -> tuple[int, ...] | None:
    import torch

    if isinstance(value, torch.nn.utils.rnn.PackedSequence):
        value = value.data  # lstmshape's shape of a packed result is its data's
    if isinstance(value, torch.Tensor):
        return tuple(int(size) for size in value.shape)
    return None
