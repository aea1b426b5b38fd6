"""Build a torch spec for real and run it on zero tensors.

The spec's meaning is written out here independently of lstmshape: a layer
reads ``input:`` (or the layer above it, or the only input), an index in a
reference is applied by torch itself, ``initial_state`` is the ``hx``
argument (a ``(h_0, c_0)`` tuple for an LSTM).  A type whose name starts
with a lower-case letter is a tensor function, called in forward:
``torch.NAME(input, **arguments)`` where torch has that function, else the
Tensor method (``x.view(shape)``); ``tensors``, ``other`` and ``mat2`` are
references (``other`` may be a number).  MultiheadAttention is called as
``module(query, key, value, ...)`` with the call's arguments as written.
``pack_padded_sequence`` and ``pad_packed_sequence`` are torch.nn.utils.rnn's;
a packed sequence's shape is its data's.  Lengths a spec leaves to the
runner (an input read as ``lengths:``, whose values a spec does not give) are the
batch's sequences padded to the longest: ``T, T - 1, ...`` (at least 1), which is
what lstmshape assumes of them.
Anything that raises while a layer is built, while its inputs are read or
while it runs is that layer's error.
"""

from __future__ import annotations

import warnings
from contextlib import AbstractContextManager, nullcontext
from typing import Any

import torch
from torch import nn
from torch.nn.utils import rnn
from torch.nn.utils.rnn import PackedSequence
from torch.utils.flop_counter import FlopCounterMode

from tests.oracle.outcome import LayerRun, Run
from tests.oracle.spec_reading import (
    classify_warnings,
    read_reference,
    strip_prefix,
    token_inputs,
)

_NOT_ARGUMENTS = ("name", "type", "input", "initial_state", "expect", "tensors", "lengths")
_PREFIXES = (
    *("torch.nn.utils.rnn.", "nn.utils.rnn.", "torch.nn.functional.", "torch.nn.", "nn."),
    *("torch.", "F."),
)
_PACKING = ("pack_padded_sequence", "pad_packed_sequence")
_TENSOR_ARGUMENTS = ("other", "mat2")
_CELLS = ("LSTMCell", "GRUCell", "RNNCell")
_ATTENTION_CALL = (
    "key",
    "value",
    "key_padding_mask",
    "need_weights",
    "attn_mask",
    "average_attn_weights",
    "is_causal",
)
"""MultiheadAttention's forward arguments besides the query: the call's, not the module's."""
_OUTPUTS = {"LSTM": ("output", "h_n", "c_n"), "GRU": ("output", "h_n"), "RNN": ("output", "h_n")}

# Tiny models on two shared cores: one thread is several times faster than
# torch's default pool, which spends its time handing out work.
torch.set_num_threads(1)

DROPOUT_WARNING = "dropout option adds dropout after all but last recurrent layer"
WARNING_CODES = {
    DROPOUT_WARNING: "LS401",
    "Implicit dimension choice for": "LS408",  # Softmax and LogSoftmax without dim
    "dropout2d: Received a": "LS322",  # Dropout2d on an input that is not 4-D
}
TORCH_WARNINGS = tuple(sorted(set(WARNING_CODES.values())))
"""lstmshape codes that stand for a warning torch itself gives."""
IGNORED_WARNINGS = {
    # A note about which CPU kernel runs an LSTM with proj_size; it says nothing
    # about the model, and torch emits it once per process.
    "LSTM with projections is not supported with oneDNN": "kernel choice, not the model",
    # How torch pads an even kernel with padding='same': a copy of the input, not a shape.
    "Using padding='same' with even kernel lengths": "memory use, not the model",
}


def layer_type(layer: dict[str, Any]) -> str:
    return strip_prefix(str(layer["type"]), _PREFIXES)


def _classify(caught: list[warnings.WarningMessage], run: Run) -> list[str]:
    return classify_warnings(caught, run, WARNING_CODES, IGNORED_WARNINGS)


def token_input_names(spec: dict[str, Any]) -> set[str]:
    return token_inputs(spec, lambda layer: _kind(spec, layer))


def _kind(spec: dict[str, Any], layer: dict[str, Any]) -> str:
    """The layer's type; a ``reuse:`` layer's is its owner's (the first layer so named)."""
    seen: set[str] = set()
    while "reuse" in layer and layer["reuse"] not in seen:
        seen.add(layer["reuse"])
        owner = [other for other in spec["layers"] if other.get("name") == layer["reuse"]]
        if not owner:
            return "?"
        layer = owner[0]
    return layer_type(layer) if "type" in layer else "?"


_CALL_KEYS = ("name", "reuse", "input", "initial_state", "expect", "tensors", *_ATTENTION_CALL)


def _reused(
    kind: str, layer: dict[str, Any], modules: dict[str, nn.Module | None]
) -> nn.Module | None:
    """The module an earlier layer built, called again: ``self.embedding`` used twice."""
    if layer["reuse"] not in modules:
        raise ValueError(f"no module {layer['reuse']} built before this layer")
    for key, value in layer.items():
        same_type = key == "type" and strip_prefix(str(value), _PREFIXES) == kind
        if key not in _CALL_KEYS and not same_type:
            raise ValueError(f"a reused module is called, not built: {key} is not a call's")
    return modules[layer["reuse"]]


def _concrete(dims: list[Any], values: dict[str, int]) -> list[int]:
    """Sizes for the symbols' values; an expression (``T + 20``) is valid Python."""
    return [eval(d, {"__builtins__": {}}, values) if isinstance(d, str) else d for d in dims]


class _Graph:
    def __init__(self, spec: dict[str, Any], values: dict[str, int]) -> None:
        tokens = token_input_names(spec)
        self.nodes: dict[str, dict[str, torch.Tensor]] = {}
        for name, dims in spec.get("inputs", {}).items():
            dtype = torch.int64 if name in tokens else torch.float32
            self.nodes[name] = {"output": torch.zeros(*_concrete(dims, values), dtype=dtype)}
        self.values = values
        self.previous: torch.Tensor | None = None
        if len(self.nodes) == 1:
            self.previous = next(iter(self.nodes.values()))["output"]

    def read(self, text: str) -> torch.Tensor:
        source, dot, rest = text.partition(".")
        if dot and rest.startswith("data") and "data" not in self.nodes.get(source, {}):
            # LAYER.data: the data of a packed output, as torch's attribute
            return read_reference(
                {"_": {"output": self.nodes[source]["output"].data}}, "_" + rest[4:]
            )
        return read_reference(self.nodes, text)

    def input(self, layer: dict[str, Any]) -> torch.Tensor:
        if "input" in layer:
            return self.read(layer["input"])
        if self.previous is None:
            raise ValueError("no input to read")
        return self.previous


def _build(kind: str, layer: dict[str, Any]) -> nn.Module | None:
    arguments = {
        k: v for k, v in layer.items() if k not in _NOT_ARGUMENTS and k not in _ATTENTION_CALL
    }
    if kind[0].islower():
        return None
    module: nn.Module = getattr(nn, kind)(**arguments)
    return module


def _forward(
    kind: str, module: nn.Module | None, layer: dict[str, Any], graph: _Graph
) -> dict[str, Any]:
    if kind in _PACKING:
        return _packing(kind, layer, graph)
    if kind[0].islower():
        return {"output": _function(kind, layer, graph)}
    assert module is not None
    x = graph.input(layer)
    if kind in _CELLS:
        return _step(kind, module, x, layer, graph)
    if kind == "MultiheadAttention":
        return _attend(module, x, layer, graph)
    if kind not in _OUTPUTS:
        result = module(x)
        if isinstance(result, tuple) and not isinstance(result, PackedSequence):
            # pooling with return_indices (a PackedSequence, through Identity, is a tuple too)
            return {"output": result[0], "indices": result[1]}
        return {"output": result}
    states = layer.get("initial_state")
    if states is None:
        _check_packed_lstm(kind, module, x, None)
        output, hx = module(x)
    else:
        refs = [states] if isinstance(states, str) else states
        read = [graph.read(text) for text in refs]
        _check_packed_lstm(kind, module, x, read)
        if kind == "LSTM" or len(read) != 1:
            output, hx = module(x, tuple(read))
        else:
            output, hx = module(x, read[0])
    if kind == "LSTM":
        return {"output": output, "h_n": hx[0], "c_n": hx[1]}
    return {"output": output, "h_n": hx}


def _check_packed_lstm(
    kind: str, module: nn.Module, x: Any, states: list[torch.Tensor] | None
) -> None:
    """torch's own checks of an LSTM's input and states, which torch 2.13's LSTM skips for
    a packed sequence (GRU and RNN make them there, and LSTM on a tensor): its kernel then
    raises for a batch of several sequences and runs one sequence of the wrong size without
    a word.  lstmshape reports the mismatch either way, so the oracle runs the check."""
    if kind != "LSTM" or not isinstance(x, PackedSequence):
        return
    if states is None or len(states) != 2:
        module.check_input(x.data, x.batch_sizes)  # type: ignore[operator]
    else:
        module.check_forward_args(x.data, tuple(states), x.batch_sizes)  # type: ignore[operator]


def _function(kind: str, layer: dict[str, Any], graph: _Graph) -> torch.Tensor:
    arguments = {k: v for k, v in layer.items() if k not in _NOT_ARGUMENTS}
    for key in _TENSOR_ARGUMENTS:
        if isinstance(arguments.get(key), str):
            arguments[key] = graph.read(arguments[key])
    if "tensors" in layer:
        function = getattr(torch, kind)
        return function([graph.read(text) for text in layer["tensors"]], **arguments)  # type: ignore[no-any-return]
    x = graph.input(layer)
    if kind in ("view", "reshape"):  # sizes the model computes from x.size(): T*B
        arguments["shape"] = _concrete(arguments["shape"], graph.values)
    if hasattr(torch, kind):
        return getattr(torch, kind)(x, **arguments)  # type: ignore[no-any-return]
    if kind == "view":  # Tensor.view(*shape): its keyword is size, the docs' name shape
        return x.view(arguments["shape"])
    return getattr(x, kind)(**arguments)  # type: ignore[no-any-return]


def _packing(kind: str, layer: dict[str, Any], graph: _Graph) -> dict[str, Any]:
    arguments = {k: v for k, v in layer.items() if k not in _NOT_ARGUMENTS}
    x = graph.input(layer)
    if kind == "pad_packed_sequence":
        if isinstance(x, PackedSequence) and x.data.is_meta and x.unsorted_indices is not None:
            # torch reorders the lengths by indices the meta device holds no values of; the
            # order of the sequences changes no shape, and padding counts no FLOPs
            x = PackedSequence(x.data, x.batch_sizes)
        padded, lengths = rnn.pad_packed_sequence(x, **arguments)
        return {"output": padded, "lengths": lengths}
    lengths = layer["lengths"]
    if isinstance(lengths, str):
        lengths = graph.read(lengths)
    batch_first = bool(arguments.get("batch_first", False))
    return {
        "output": rnn.pack_padded_sequence(x, runner_lengths(x, lengths, batch_first), **arguments)
    }


def runner_lengths(x: torch.Tensor, lengths: Any, batch_first: bool) -> Any:
    """The lengths pack_padded_sequence runs with: the batch padded to its longest sequence
    where the spec leaves them to the runner (a 1-D tensor of one per sequence, whose values
    the spec does not give); numbers, or a tensor of another shape, as written."""
    batch = x.shape[0 if batch_first else 1] if x.dim() >= 2 else -1
    if not isinstance(lengths, torch.Tensor) or lengths.shape != (batch,):
        return lengths
    time = x.shape[1] if batch_first else x.shape[0]
    return [max(1, time - index) for index in range(batch)]


class UnbatchedCellState(Exception):
    """A case torch does not check and that may crash the process: not run."""


def _step(
    kind: str, module: nn.Module, x: torch.Tensor, layer: dict[str, Any], graph: _Graph
) -> dict[str, torch.Tensor]:
    """A cell: ``initial_state`` is hx, a ``(h_0, c_0)`` tuple for LSTMCell, else h_0
    (a list of one reference is that reference)."""
    states = layer.get("initial_state")
    refs = [] if states is None else [states] if isinstance(states, str) else states
    read = [graph.read(text) for text in refs]
    if x.dim() == 1 and any(state.dim() != 1 for state in read):
        # torch 2.13 checks only that such a state is 1-D or 2-D, then unsqueezes it
        # to 3-D: GRUCell and LSTMCell crash the process (segfault, oracle seed 701749),
        # or raise, or broadcast to (H, H); lstmshape holds the documented (hidden_size).
        raise UnbatchedCellState(f"{kind} on an unbatched step, a state of {read[0].dim()} dims")
    if not read:
        result = module(x)
    elif kind == "LSTMCell" or len(read) != 1:
        result = module(x, tuple(read))
    else:
        result = module(x, read[0])
    if kind == "LSTMCell":
        return {"output": result[0], "h_1": result[0], "c_1": result[1]}
    return {"output": result, "h_1": result}


def _attend(
    module: nn.Module, query: torch.Tensor, layer: dict[str, Any], graph: _Graph
) -> dict[str, torch.Tensor]:
    """``module(query, key, value, ...)``: the references read, the flags passed as written;
    ``attn_output_weights`` only where torch returns it (None with need_weights false)."""
    call = {k: v for k, v in layer.items() if k in _ATTENTION_CALL}
    for key in ("key", "value", "key_padding_mask", "attn_mask"):
        if isinstance(call.get(key), str):
            call[key] = graph.read(call[key])
    output, weights = module(query, **call)
    tensors = {"output": output}
    if weights is not None:
        tensors["attn_output_weights"] = weights
    return tensors


def _shape(tensor: torch.Tensor | PackedSequence) -> tuple[int, ...]:
    """A tensor's shape; a packed sequence's is its data's, as lstmshape reports it."""
    return tuple((tensor.data if isinstance(tensor, PackedSequence) else tensor).shape)


def run_torch(spec: dict[str, Any], values: dict[str, int]) -> Run:
    return _run(spec, values, count_flops=False)


def count_flops(spec: dict[str, Any], values: dict[str, int]) -> Run:
    """The spec run on the meta device (no data, any size at no cost), each layer's forward
    pass under FlopCounterMode: the reference lstmshape's FLOPs are compared with."""
    with torch.device("meta"):
        return _run(spec, values, count_flops=True)


def _run(spec: dict[str, Any], values: dict[str, int], *, count_flops: bool) -> Run:
    run = Run(values, [])
    try:
        graph = _Graph(spec, values)
    except Exception as error:  # an input the generator made wrong: not a layer's fault
        run.error = f"inputs: {type(error).__name__}: {error}"
        return run
    modules: dict[str, nn.Module | None] = {}
    for index, layer in enumerate(spec["layers"]):
        kind = _kind(spec, layer)
        with warnings.catch_warnings(record=True) as caught, torch.no_grad():
            warnings.simplefilter("always")
            params: int | None = None
            try:
                if "reuse" in layer:
                    module, params = _reused(kind, layer, modules), 0  # counted at the owner
                else:
                    module = _build(kind, layer)
                    params = 0 if module is None else sum(p.numel() for p in module.parameters())
                if "name" in layer:
                    modules[layer["name"]] = module
                counter: AbstractContextManager[Any] = (
                    FlopCounterMode(display=False) if count_flops else nullcontext()
                )
                with counter:
                    outputs = _forward(kind, module, layer, graph)
            except Exception as error:
                run.layers.append(LayerRun({}, params, _classify(caught, run)))
                run.failed_at, run.error = index, f"{type(error).__name__}: {error}"
                return run
        shapes = {name: _shape(tensor) for name, tensor in outputs.items()}
        flops = counter.get_total_flops() if isinstance(counter, FlopCounterMode) else None
        packed = {name for name, tensor in outputs.items() if isinstance(tensor, PackedSequence)}
        run.layers.append(LayerRun(shapes, params, _classify(caught, run), flops, packed))
        if "name" in layer:
            graph.nodes[layer["name"]] = outputs
        graph.previous = outputs["output"]
    return run
