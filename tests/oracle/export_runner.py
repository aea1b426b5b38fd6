"""Export a spec with lstmshape, run the exported code with the framework, as a :class:`Run`.

The comparison is then the differential oracle's own (:func:`compare.disagreements`):
every tensor the exported code makes, read from its variables, and every layer's
parameters, against lstmshape's report.  torch runs on the meta device where its
operators have meta kernels (shapes without data); otherwise on zeros on the CPU.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from types import CodeType, FrameType
from typing import Any
from unittest import mock

import yaml

from lstmshape.export.keras_code import KerasExport, export_keras
from lstmshape.export.torch_code import TorchExport, export_torch
from lstmshape.export.wiring import refusals, unsupported_types
from lstmshape.loader import load_yaml
from lstmshape.models.spec import parse_spec
from lstmshape.report import ModelReport
from lstmshape.runner import check_text
from lstmshape.shapes import evaluate_dim
from tests.oracle.outcome import LayerRun, Run

DEVICES: dict[str, int] = {"meta": 0, "cpu": 0}
"""How many runs used each device, for the oracle's summary."""


def checked(spec: dict[str, Any]) -> tuple[ModelReport, Any]:
    """lstmshape's report of the spec, and the spec as lstmshape parsed it."""
    text = yaml.safe_dump(spec, sort_keys=False)
    (report,) = check_text(text, "oracle.yaml")
    parsed, _ = parse_spec(load_yaml(text).documents[0].data, "oracle")
    return report, parsed


def export_torch_spec(spec: dict[str, Any]) -> tuple[ModelReport, TorchExport | None]:
    """The report and the export; no export for a spec with errors (export refuses it)."""
    report, parsed = checked(spec)
    if any(d.is_error for d in report.diagnostics):
        return report, None
    if unsupported_types(parsed):  # refused by name (NOT_EXPORTED): nothing to run
        return report, None
    if refusals(parsed, report):  # export refuses it, saying why: nothing to run
        return report, None
    return report, export_torch(parsed, report, "oracle.yaml")


def run_torch_export(
    exported: TorchExport, spec: dict[str, Any], values: dict[str, int], device: str = ""
) -> Run:
    """Run the exported module on zeros of the inputs' sizes.

    On the meta device (shapes without data) by default where torch has meta
    kernels, else on the CPU.  The oracle's generated models are tiny, and on them
    the CPU is faster: torch's meta kernels of the recurrent layers step through
    time in Python (``LSTMSHAPE_EXPORT_DEVICE`` chooses).
    """
    device = device or os.environ.get("LSTMSHAPE_EXPORT_DEVICE", "meta")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's warnings are the framework oracle's to compare
        if device == "meta":
            try:
                return _run_on("meta", exported, spec, values)
            except NotImplementedError:  # an operator without a meta kernel
                pass
        return _run_on("cpu", exported, spec, values)


def _run_on(
    device: str, exported: TorchExport, spec: dict[str, Any], values: dict[str, int]
) -> Run:
    import torch
    from torch.nn.utils.rnn import PackedSequence

    from tests.oracle.spec_reading import mask_input_names
    from tests.oracle.torch_runner import token_input_names

    namespace: dict[str, Any] = {}
    exec(compile(exported.code, f"<exported {spec.get('name', 'spec')}>", "exec"), namespace)
    module_class = namespace[exported.class_name]
    tokens, masks = token_input_names(spec), mask_input_names(spec)
    layers = spec["layers"]
    run = Run(values, [])
    with torch.device(device), _runner_lengths():
        try:
            model = module_class()
        except NotImplementedError:
            raise
        except Exception as error:
            at = _failed_construction(error, module_class, exported)
            run.layers += [LayerRun({}, None) for _ in range(at + 1)]
            run.failed_at, run.error = at, f"{type(error).__name__}: {error}"
            return run
        inputs = [
            torch.zeros(
                *[evaluate_dim(d, values) if isinstance(d, str) else d for d in dims],
                dtype=torch.int64
                if name in tokens
                else torch.bool
                if name in masks
                else torch.float32,
            )
            for name, dims in (spec.get("inputs") or {}).items()
        ]
        local_names = _forward_locals(model, inputs)
    DEVICES[device] += 1
    found, error = local_names
    names = list(exported.attributes)
    for index, layer in enumerate(layers):
        name = names[index]
        made = {
            tensor: found[variable]
            for (owner, tensor), variable in exported.variables.items()
            if owner == name and variable in found
        }
        tensors = {tensor: _shape(value) for tensor, value in made.items()}
        params = _params(model, exported, name, layer)
        if not tensors and error is not None:
            run.layers.append(LayerRun({}, params))
            run.failed_at, run.error = index, error
            return run
        packed = {tensor for tensor, value in made.items() if isinstance(value, PackedSequence)}
        run.layers.append(LayerRun(tensors, params, packed=packed))
    if error is not None:
        run.error = error
    return run


@contextmanager
def _runner_lengths() -> Iterator[None]:
    """pack_padded_sequence as the torch oracle runs it: torch reads the values of lengths,
    which a spec does not give (an input of zeros, or lengths computed from one, as
    deepspeech.pytorch's get_seq_lens does), so it packs the batch padded to its longest
    sequence (:func:`tests.oracle.torch_runner.runner_lengths`)."""
    from torch.nn.utils import rnn

    from tests.oracle.torch_runner import runner_lengths

    pack = rnn.pack_padded_sequence

    def packed(input: Any, lengths: Any, batch_first: bool = False, **arguments: Any) -> Any:
        lengths = runner_lengths(input, lengths, batch_first)
        return pack(input, lengths, batch_first=batch_first, **arguments)

    with mock.patch.object(rnn, "pack_padded_sequence", packed):
        yield


def _shape(value: Any) -> tuple[int, ...]:
    """A tensor's shape; a packed sequence's is its data's, as lstmshape reports it."""
    return tuple(getattr(value, "data", value).shape)


def _failed_construction(error: Exception, module_class: Any, exported: TorchExport) -> int:
    """The layer whose module ``__init__`` was building when it raised."""
    traceback = error.__traceback__
    built: set[str] = set()
    while traceback is not None:
        if traceback.tb_frame.f_code is module_class.__init__.__code__:
            built = set(traceback.tb_frame.f_locals["self"]._modules)
        traceback = traceback.tb_next
    for index, (name, attribute) in enumerate(exported.attributes.items()):
        owner = attribute is not None and attribute not in built
        if owner and name == _owner_of(exported, attribute):
            return index
    return 0


def _owner_of(exported: TorchExport, attribute: str) -> str:
    return next(name for name, held in exported.attributes.items() if held == attribute)


def _params(model: Any, exported: TorchExport, name: str, layer: dict[str, Any]) -> int:
    attribute = exported.attributes[name]
    if attribute is None or "reuse" in layer:
        return 0
    return sum(p.numel() for p in getattr(model, attribute).parameters())


def _forward_locals(model: Any, inputs: list[Any]) -> tuple[dict[str, Any], str | None]:
    """The variables of ``forward`` when it returns or raises, and its error if any."""
    import torch

    with _locals_of(type(model).forward.__code__) as found:
        try:
            with torch.no_grad():
                model(*inputs)
        except NotImplementedError:
            raise
        except Exception as error:
            return found, f"{type(error).__name__}: {error}"
    return found, None


@contextmanager
def _locals_of(code: CodeType) -> Iterator[dict[str, Any]]:
    """The variables of the frame running ``code`` when it returns or raises.

    Only that frame is traced line by line: the framework's calls cost nothing more.
    """
    found: dict[str, Any] = {}

    def on_return(frame: FrameType, event: str, arg: object) -> Any:
        if event == "return":
            found.update(frame.f_locals)
        return on_return

    def on_call(frame: FrameType, event: str, arg: object) -> Any:
        return on_return if frame.f_code is code else None

    previous = sys.gettrace()
    sys.settrace(on_call)
    try:
        yield found
    finally:
        sys.settrace(previous)


def export_keras_spec(spec: dict[str, Any]) -> tuple[ModelReport, KerasExport | None]:
    """The report and the export; no export for a spec with errors (export refuses it)."""
    report, parsed = checked(spec)
    if any(d.is_error for d in report.diagnostics):
        return report, None
    if unsupported_types(parsed):  # refused by name (NOT_EXPORTED): nothing to run
        return report, None
    if refusals(parsed, report):  # export refuses it, saying why: nothing to run
        return report, None
    return report, export_keras(parsed, report, "oracle.yaml")


def run_keras_export(exported: KerasExport, spec: dict[str, Any], values: dict[str, int]) -> Run:
    """Build the exported model, then run every tensor it makes with the run's sizes.

    The sizes the spec gives as symbols are the run's values: on zeros where every
    size is known, else on ``keras.Input`` of those sizes, where a ``null`` stays open
    as lstmshape leaves it.
    """
    import keras
    import numpy as np

    from tests.oracle.keras_runner import token_input_names
    from tests.oracle.spec_reading import mask_input_names

    namespace: dict[str, Any] = {}
    exec(compile(exported.code, "<exported keras>", "exec"), namespace)
    run = Run(values, [])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sizes = {parameter: values[symbol] for symbol, parameter in exported.symbols.items()}
        found, error = _build_locals(namespace["build_model"], sizes)
        names = [name for name in _layer_names(exported, spec)]
        if error is not None:  # the first layer none of whose tensors was made failed
            bound = {owner for owner, _ in _bound(exported, found)}
            at = next((i for i, name in enumerate(names) if name not in bound), 0)
            run.layers += [LayerRun({}, None) for _ in range(at + 1)]  # not observed
            run.failed_at, run.error = at, error
            return run
        model = found["__model__"]
        tensors = {
            key: found[variable]
            for key, variable in exported.variables.items()
            if key[0] in names and variable in found
        }
        probe = keras.Model(model.inputs, list(tensors.values()))
        tokens, masks = token_input_names(spec), mask_input_names(spec)
        dtypes = [
            "int32" if name in tokens else "bool" if name in masks else "float32"
            for name in (_input_name(exported, i) for i in range(len(model.inputs)))
        ]
        shapes = _input_shapes(exported, spec, values)
        try:
            if all(None not in shape for shape in shapes):
                arrays = [
                    np.zeros(shape, dtype=dtype)
                    for shape, dtype in zip(shapes, dtypes, strict=True)
                ]
                results = probe(arrays if len(arrays) > 1 else arrays[0])
            else:
                results = probe(
                    [
                        keras.Input(batch_shape=shape, dtype=dtype)
                        for shape, dtype in zip(shapes, dtypes, strict=True)
                    ]
                )
        except Exception as error:  # the model is built, but does not run: the first layer's
            run.layers.append(LayerRun({}, None))
            run.failed_at, run.error = 0, f"running: {type(error).__name__}: {error}"[:500]
            return run
        results = results if isinstance(results, list | tuple) else [results]
    by_key = {key: tuple(result.shape) for key, result in zip(tensors, results, strict=True)}
    for name in names:
        layer_tensors = {
            tensor: shape for (owner, tensor), shape in by_key.items() if owner == name
        }
        run.layers.append(LayerRun(layer_tensors, model.get_layer(name).count_params()))
    return run


def _bound(exported: KerasExport, found: dict[str, Any]) -> set[tuple[str, str]]:
    return {key for key, variable in exported.variables.items() if variable in found}


def _layer_names(exported: KerasExport, spec: dict[str, Any]) -> list[str]:
    inputs = set(spec.get("inputs") or {})
    return list(dict.fromkeys(owner for owner, _ in exported.variables if owner not in inputs))


def _input_name(exported: KerasExport, index: int) -> str:
    variable = exported.input_variables[index]
    return next((owner for (owner, _), v in exported.variables.items() if v == variable), "")


def _input_shapes(
    exported: KerasExport, spec: dict[str, Any], values: dict[str, int]
) -> list[tuple[int | None, ...]]:
    """Each model input's sizes for the run: the spec's inputs, or the first layer's
    ``input_shape`` (its batch the run's B)."""
    declared = spec.get("inputs") or {}
    if declared:
        return [
            tuple(evaluate_dim(d, values) if isinstance(d, str) else d for d in dims)
            for dims in declared.values()
        ]
    input_shape = spec["layers"][0]["input_shape"]
    return [(None, *(evaluate_dim(d, values) if isinstance(d, str) else d for d in input_shape))]


def _build_locals(build: Any, sizes: dict[str, int]) -> tuple[dict[str, Any], str | None]:
    """The variables of ``build_model`` when it returns or raises (the model itself under
    ``__model__``), and its error if any."""
    with _locals_of(build.__code__) as found:
        try:
            found["__model__"] = build(**sizes)
        except Exception as error:
            return found, f"{type(error).__name__}: {error}"
    return found, None
