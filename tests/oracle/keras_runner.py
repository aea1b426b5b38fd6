"""Build a Keras spec for real, layer by layer, and record what Keras does.

The spec's meaning is written out here independently of lstmshape:

* a layer reads ``input:``, else the previous layer's ``output`` (as a
  Sequential model would pass it; a layer that has no single ``output``, a
  Bidirectional with ``merge_mode: null``, passes the list of its outputs,
  which the next layer rejects), else the only input;
* ``input_shape`` on the first layer is the model's input with an unknown
  batch, ``keras.Input(shape=input_shape)``, as in a Sequential model; Keras
  ignores it on any other layer, so it is not passed to the constructor;
* the outputs a layer returns are named by position: ``output``, then
  ``state_h`` and ``state_c``; a Bidirectional's ``forward_output`` and
  ``backward_output`` (``merge_mode: null``), then ``forward_h``,
  ``forward_c``, ``backward_h``, ``backward_c``;
* ``initial_state`` is the call's ``initial_state`` argument, one tensor or a
  list as written; ``mask`` the call's ``mask`` argument, an input of booleans;
  Concatenate and the merge layers (Add, Dot, ...) are called on their list of references,
  as are Attention and AdditiveAttention; MultiHeadAttention on its query, with ``value``,
  ``key`` and ``attention_mask`` (booleans) read and its call's flags passed as keywords.

Most specs are built symbolically on ``keras.Input``, which gives every shape
and ``count_params()`` fast.  Keras builds a wrong ``initial_state``, a
Bidirectional whose ``backward_layer`` differs in size, an unrolled layer
over a mask (from an Embedding with ``mask_zero`` or a Masking layer) and a
Softmax over a mask or past its input's rank without complaint and fails (or
changes shape) only when the model runs, so a spec with any of them
is run eagerly on small zero tensors instead, and a layer that raises when run
counts as the layer Keras rejects.  Such specs use no unknown (``null``)
dimensions, which a run cannot have.
"""

from __future__ import annotations

import os
import warnings
from typing import Any

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras
import torch

from tests.oracle.outcome import LayerRun, Run
from tests.oracle.spec_reading import (
    classify_warnings,
    mask_input_names,
    read_reference,
    strip_prefix,
    token_inputs,
)

torch.set_num_threads(1)  # tiny tensors on two shared cores: one thread is fastest

L = keras.layers
_NOT_ARGUMENTS = ("name", "type", "input", "initial_state", "mask", "expect", "input_shape")
_PREFIXES = ("tensorflow.keras.layers.", "tf.keras.layers.", "keras.layers.", "layers.")
_STATES = {
    "LSTM": ("h", "c"),
    "GRU": ("h",),
    "SimpleRNN": ("h",),
    **{f"ConvLSTM{rank}D": ("h", "c") for rank in (1, 2, 3)},
}
_CELL_STATES = {"LSTMCell": ("h", "c"), "GRUCell": ("h",), "SimpleRNNCell": ("h",)}
_WRAPPED = ("layer", "backward_layer", "cell")
ATTENTION = ("Attention", "AdditiveAttention", "MultiHeadAttention")
_ATTENTION_CALL = ("value", "key", "attention_mask", "return_attention_scores", "use_causal_mask")
"""An attention layer's call arguments: the tensors MultiHeadAttention reads besides its
query, and both kinds' flags."""

DEPRECATED_INPUT_LENGTH = "Argument `input_length` is deprecated"
MASK_DROPPED = "does not support masking and will therefore destroy the mask"
DEPRECATED_ALPHA = "Argument `alpha` is deprecated"
IGNORED_WARNINGS = {
    # Given only when a softmax (Dense's activation, or a Softmax layer) over an
    # axis of size 1 runs on values (never when built symbolically); lstmshape has
    # no lint for it (yet).
    "You are using a softmax over axis ": "a run-time lint about values",
}


def layer_type(layer: dict[str, Any]) -> str:
    return strip_prefix(str(layer["type"]), _PREFIXES)


def needs_run(spec: dict[str, Any]) -> bool:
    """Whether Keras shows the spec's outcome only when it runs, not when it builds.

    Besides states and masks (an Embedding's, a Masking layer's): a Softmax's
    axis, which Keras checks only when it runs (an axis past the rank builds),
    a LayerNormalization's, which the torch backend checks only then, and a
    Dot's axes that may be the batch's (0, or from the end past -1).
    """
    return any(
        "initial_state" in layer
        or "mask" in layer
        or "backward_layer" in layer
        or layer.get("mask_zero") is True
        or layer_type(layer) == "Masking"
        or any(_checked_when_run(held) for held in (layer, layer.get("layer")))
        or _steps_checked_when_run(layer)
        for layer in spec["layers"]
    )


_BUILT_ON_ANY_STEP = (
    *("MaxPooling1D", "AveragePooling1D", "MaxPooling2D", "AveragePooling2D"),
    *("GlobalAveragePooling1D", "GlobalMaxPooling1D", "GlobalAveragePooling2D"),
    *("GlobalMaxPooling2D", "SpatialDropout1D", "ZeroPadding1D", "Cropping1D"),
    *("UpSampling1D", "Permute", "RepeatVector", "Embedding", "Masking", "Flatten"),
    "Bidirectional",
)
"""Types Keras's TimeDistributed builds on a step of any rank, skipping their input check:
a wrong rank fails, or gives another shape than the built one, only when the model runs."""


def _steps_checked_when_run(layer: dict[str, Any]) -> bool:
    held = layer.get("layer")
    return (
        layer_type(layer) == "TimeDistributed"
        and isinstance(held, dict)
        and layer_type(held) in _BUILT_ON_ANY_STEP
    )


def _checked_when_run(layer: Any) -> bool:
    if not isinstance(layer, dict):
        return False
    kind = layer_type(layer)
    if kind == "Dot":  # an axis that may be the batch's: batch_dot refuses it only when run
        axes = layer.get("axes")
        written = axes if isinstance(axes, list) else [axes]
        return any(isinstance(a, int) and (a == 0 or a < -1) for a in written)
    # Keras's RNN has no input spec: it builds on an input of any rank and fails when run.
    # The attention layers check no shape until they run, and MultiHeadAttention's
    # symbolic scores are (batch, heads, Tq, Tq) whatever the key.
    return (
        kind == "RNN"
        or kind in ATTENTION
        or (kind in ("Softmax", "LayerNormalization") and "axis" in layer)
    )


def _classify(caught: list[warnings.WarningMessage], run: Run) -> list[str]:
    return classify_warnings(
        caught,
        run,
        {DEPRECATED_INPUT_LENGTH: "LS408", DEPRECATED_ALPHA: "LS408", MASK_DROPPED: "LS325"},
        IGNORED_WARNINGS,
    )


def token_input_names(spec: dict[str, Any]) -> set[str]:
    return token_inputs(spec, _reads_as)


def _reads_as(layer: dict[str, Any]) -> str:
    """A layer's type, or for a TimeDistributed the type of the layer that reads each step."""
    kind = layer_type(layer)
    if kind == "TimeDistributed" and isinstance(layer.get("layer"), dict):
        return layer_type(layer["layer"])
    return kind


def _concrete(dims: list[Any], values: dict[str, int]) -> tuple[int | None, ...]:
    return tuple(values[d] if isinstance(d, str) else d for d in dims)


def _tensor(shape: tuple[int | None, ...], dtype: str, eager: bool) -> Any:
    """``dtype`` is int32 (token ids), bool (a call's mask) or float32."""
    if eager:
        if None in shape:
            raise ValueError(f"a spec that must run has an unknown dimension: {shape}")
        return torch.zeros(*shape, dtype=getattr(torch, dtype))
    return keras.Input(batch_shape=shape, dtype=dtype)


def _dtype(name: str, tokens: set[str], masks: set[str]) -> str:
    return "int32" if name in tokens else "bool" if name in masks else "float32"


def construct(kind: str, layer: dict[str, Any]) -> Any:
    ignored = _NOT_ARGUMENTS + (_ATTENTION_CALL if kind in ATTENTION else ())
    arguments = {k: v for k, v in layer.items() if k not in ignored}
    for key in _WRAPPED:
        inner = arguments.get(key)
        if isinstance(inner, list):  # RNN's stacked cells
            arguments[key] = [construct(layer_type(cell), cell) for cell in inner]
        elif inner is not None:
            arguments[key] = construct(layer_type(inner), inner)
    return getattr(L, kind)(**arguments)


def state_suffixes(layer: dict[str, Any]) -> list[str]:
    """A recurrent layer's states: h, c; an RNN's per cell 0_h, 0_c, 1_h for a list."""
    kind = layer_type(layer)
    if kind != "RNN":
        return list(_STATES[kind])
    cell = layer["cell"]
    if isinstance(cell, dict):
        return list(_CELL_STATES[layer_type(cell)])
    return [f"{i}_{s}" for i, one in enumerate(cell) for s in _CELL_STATES[layer_type(one)]]


def _flat(result: Any) -> list[Any]:
    """Keras returns an RNN's states per cell, nested; the spec names them in order."""
    if not isinstance(result, list | tuple):
        return [result]
    return [tensor for item in result for tensor in _flat(item)]


def _names(kind: str, layer: dict[str, Any], count: int) -> list[str]:
    """The names of the ``count`` tensors a layer returned, by position."""
    if kind in _STATES or kind == "RNN":
        return ["output", *(f"state_{s}" for s in state_suffixes(layer))][:count]
    if kind in ATTENTION:
        return ["output", "attention_scores"][:count]
    if kind == "Bidirectional":
        forward = layer["layer"]
        backward = layer.get("backward_layer") or layer["layer"]
        outputs = ["output"] if layer.get("merge_mode", "concat") is not None else []
        if not outputs:
            outputs = ["forward_output", "backward_output"]
        states = [f"forward_{s}" for s in state_suffixes(forward)]
        states += [f"backward_{s}" for s in state_suffixes(backward)]
        return [*outputs, *states][:count]
    return ["output"][:count]


class _Graph:
    def __init__(self, spec: dict[str, Any], values: dict[str, int], eager: bool) -> None:
        self.eager = eager
        tokens = token_input_names(spec)
        masks = mask_input_names(spec)
        self.nodes: dict[str, dict[str, Any]] = {}
        for name, dims in (spec.get("inputs") or {}).items():
            shape = _concrete(dims, values)
            self.nodes[name] = {"output": _tensor(shape, _dtype(name, tokens, masks), eager)}
        self.previous: Any = None
        if len(self.nodes) == 1:
            self.previous = next(iter(self.nodes.values()))["output"]
        first = spec["layers"][0]
        if "input_shape" in first and "input" not in first and not self.nodes:
            shape = (None, *_concrete(first["input_shape"], values))
            dtype = "int32" if layer_type(first) == "Embedding" else "float32"
            self.previous = _tensor(shape, dtype, eager)

    def read(self, text: str) -> Any:
        return read_reference(self.nodes, text)

    def input(self, layer: dict[str, Any]) -> Any:
        written = layer.get("input")
        if isinstance(written, list):
            return [self.read(text) for text in written]
        if written is not None:
            return self.read(written)
        if self.previous is None:
            raise ValueError("no input to read")
        return self.previous


def _call(kind: str, module: Any, layer: dict[str, Any], graph: _Graph) -> dict[str, Any]:
    x = graph.input(layer)
    states = layer.get("initial_state")
    keywords: dict[str, Any] = {}
    if "mask" in layer:  # an attention layer's is a list, [query_mask, value_mask]
        mask = layer["mask"]
        keywords["mask"] = (
            [graph.read(m) for m in mask] if isinstance(mask, list) else graph.read(mask)
        )
    if kind in ATTENTION:
        for key in _ATTENTION_CALL:
            if key in layer:
                written = layer[key]
                keywords[key] = graph.read(written) if isinstance(written, str) else written
    if states is None:
        result = module(x, **keywords)
    elif isinstance(states, str):
        result = module(x, initial_state=graph.read(states), **keywords)
    else:
        read = [
            graph.read(item) if isinstance(item, str) else [graph.read(text) for text in item]
            for item in states
        ]
        result = module(x, initial_state=read, **keywords)
    flat = _flat(result)
    names = _names(kind, layer, len(flat))
    if len(names) != len(flat):
        raise AssertionError(f"{kind} returned {len(flat)} tensors, the runner names {names}")
    return dict(zip(names, flat, strict=True))


def run_keras(spec: dict[str, Any], values: dict[str, int]) -> Run:
    run = Run(values, [])
    eager = needs_run(spec)
    try:
        graph = _Graph(spec, values, eager)
    except Exception as error:  # an input the generator made wrong: not a layer's fault
        run.error = f"inputs: {type(error).__name__}: {error}"
        return run
    for index, layer in enumerate(spec["layers"]):
        kind = layer_type(layer)
        with warnings.catch_warnings(record=True) as caught, torch.no_grad():
            warnings.simplefilter("always")
            module: Any = None
            try:
                module = construct(kind, layer)
                outputs = _call(kind, module, layer, graph)
                params = module.count_params()
            except Exception as error:
                run.layers.append(LayerRun({}, None, _classify(caught, run)))
                run.failed_at, run.error = index, f"{type(error).__name__}: {error}"
                return run
        shapes = {name: tuple(tensor.shape) for name, tensor in outputs.items()}
        run.layers.append(LayerRun(shapes, params, _classify(caught, run)))
        if "name" in layer:
            graph.nodes[layer["name"]] = outputs
        graph.previous = outputs.get("output", list(outputs.values()))
    return run
