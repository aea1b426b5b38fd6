"""Shape propagation through a spec's layers, in the order they are written.

Each layer reads inputs and earlier layers only, so one pass in order is a
topological walk and every reference resolves in constant time.  A layer
whose config or input is broken produces unknown tensors, which later checks
skip, so one mistake is reported once rather than at every layer after it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from lstmshape.diagnostics import NodePath, Problem
from lstmshape.engine import torch_layers, torch_recurrent
from lstmshape.engine.indexing import IndexProblem, apply_subscript
from lstmshape.engine.lints import reference_lints
from lstmshape.engine.tensors import LayerContext, LayerOutcome, Source, Tensor
from lstmshape.models.common import LayerBase
from lstmshape.models.errors import did_you_mean
from lstmshape.models.spec import ParsedLayer, ParsedSpec
from lstmshape.models.torch import (
    CatConfig,
    DropoutConfig,
    EmbeddingConfig,
    GRUConfig,
    LinearConfig,
    LSTMConfig,
    RNNBaseConfig,
    RNNConfig,
)
from lstmshape.references import Reference, ReferenceSyntaxError, parse_reference
from lstmshape.shapes import Shape, format_shape, mismatch_hint, shapes_conflict


@dataclass(frozen=True)
class LayerRule:
    tensor_names: Callable[[Any], tuple[str, ...]]
    propagate: Callable[[Any, LayerContext], LayerOutcome]


RULES: dict[type[LayerBase], LayerRule] = {
    LSTMConfig: LayerRule(torch_recurrent.tensor_names, torch_recurrent.propagate),
    GRUConfig: LayerRule(torch_recurrent.tensor_names, torch_recurrent.propagate),
    RNNConfig: LayerRule(torch_recurrent.tensor_names, torch_recurrent.propagate),
    LinearConfig: LayerRule(torch_layers.single_output, torch_layers.propagate_linear),
    EmbeddingConfig: LayerRule(torch_layers.single_output, torch_layers.propagate_embedding),
    DropoutConfig: LayerRule(torch_layers.single_output, torch_layers.propagate_dropout),
    CatConfig: LayerRule(torch_layers.single_output, torch_layers.propagate_cat),
}


def _keras_rules() -> dict[type[LayerBase], LayerRule]:
    """Keras's rules, imported with its engine when a Keras layer first needs one."""
    from lstmshape.engine import keras_layers, keras_recurrent
    from lstmshape.models import keras

    return {
        keras.LSTMConfig: LayerRule(keras_recurrent.tensor_names, keras_recurrent.propagate),
        keras.GRUConfig: LayerRule(keras_recurrent.tensor_names, keras_recurrent.propagate),
        keras.SimpleRNNConfig: LayerRule(keras_recurrent.tensor_names, keras_recurrent.propagate),
        keras.BidirectionalConfig: LayerRule(
            keras_recurrent.bidirectional_names, keras_recurrent.propagate_bidirectional
        ),
        keras.TimeDistributedConfig: LayerRule(
            keras_layers.single_output, keras_layers.propagate_time_distributed
        ),
        keras.DenseConfig: LayerRule(keras_layers.single_output, keras_layers.propagate_dense),
        keras.DropoutConfig: LayerRule(keras_layers.single_output, keras_layers.propagate_dropout),
        keras.RepeatVectorConfig: LayerRule(
            keras_layers.single_output, keras_layers.propagate_repeat_vector
        ),
        keras.EmbeddingConfig: LayerRule(
            keras_layers.single_output, keras_layers.propagate_embedding
        ),
        keras.ConcatenateConfig: LayerRule(
            keras_layers.single_output, keras_layers.propagate_concatenate
        ),
    }


def _rule(config: LayerBase) -> LayerRule:
    rule = RULES.get(type(config))
    if rule is None:  # a Keras layer: the torch rules are the only ones loaded up front
        RULES.update(_keras_rules())
        rule = RULES[type(config)]
    return rule


PRIMARY = "output"
_KERAS_STATES = frozenset(
    ("state_h", "state_c", "forward_h", "forward_c", "backward_h", "backward_c")
)

MAX_PARAMS = 2**53
"""Most parameters a layer or a model may have: the largest count a JSON
reader holds exactly, and a million times more than the largest models."""


@dataclass(frozen=True)
class LayerResult:
    name: str
    type: str | None
    input: str | None
    """The layer's input references as written (or defaulted), for reports."""
    tensors: dict[str, Shape | None]
    params: int | None
    checked: bool = True
    """False when the layer's own config is invalid or a tensor it reads is
    unknown because of an earlier error, so its checks did not run."""


@dataclass
class ModelResult:
    layers: list[LayerResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def params(self) -> int:
        return sum(layer.params or 0 for layer in self.layers)


@dataclass
class _Node:
    """What a name refers to: a graph input or a layer's tensors."""

    kind: str  # "input" or the layer's type
    tensors: dict[str, Tensor] | None
    """None for a layer whose tensors are unknown (its config failed validation)."""


def propagate(spec: ParsedSpec) -> ModelResult:
    result = ModelResult()
    nodes: dict[str, _Node] = {
        name: _Node("input", {PRIMARY: Tensor(shape)}) for name, shape in spec.inputs.items()
    }
    later = {layer.name for layer in spec.layers}
    previous: str | None = None
    for layer in spec.layers:
        later.discard(layer.name)
        resolver = _Resolver(nodes, later, result.problems, layer)
        layer_result, node = _run_layer(spec, layer, previous, resolver)
        result.layers.append(layer_result)
        nodes.setdefault(layer.name, node)
        previous = layer.name
    if result.params > MAX_PARAMS:
        result.problems.append(
            Problem(
                "LS006",
                f"the model would have {result.params:,} parameters; lstmshape counts at most "
                f"{MAX_PARAMS:,} (2**53) per layer and per model",
                ("layers",),
                on_key=True,
            )
        )
    return result


def _run_layer(
    spec: ParsedSpec, layer: ParsedLayer, previous: str | None, resolver: _Resolver
) -> tuple[LayerResult, _Node]:
    config = layer.config
    if config is None:
        invalid = spec.framework.layers.get(layer.type or "")
        if layer.raw is not None and invalid is not None and issubclass(invalid, RNNBaseConfig):
            ctx = LayerContext(layer.index, layer.name, [], None, resolver.problems)
            torch_recurrent.lint_invalid(layer.raw, invalid, ctx)
        return (
            LayerResult(layer.name, layer.type, None, {}, None, checked=False),
            _Node(layer.type or "?", None),
        )
    rule = _rule(config)
    inputs = _inputs(spec, config, previous, resolver)
    states = _states(config, resolver)
    resolver.problems.extend(reference_lints(inputs, layer.name))
    ctx = LayerContext(layer.index, layer.name, inputs, states, resolver.problems)
    outcome = rule.propagate(config, ctx)
    if outcome.params is not None and outcome.params > MAX_PARAMS:
        ctx.report(
            "LS006",
            f"{layer.name} would have {outcome.params:,} parameters; lstmshape counts at most "
            f"{MAX_PARAMS:,} (2**53) per layer and per model",
            hint="a size is far too large; check for a typo",
        )
        outcome = LayerOutcome(outcome.tensors, None)
    names = rule.tensor_names(config)
    _check_expect(config, ctx, outcome, names, spec.symbols)
    shapes = {name: outcome.tensors[name].shape for name in names}
    input_text = ", ".join(source.text for source in inputs) or None
    read = [*inputs, *(states or ())]
    checked = all(source.tensor.shape is not None for source in read)
    return (
        LayerResult(layer.name, config.type, input_text, shapes, outcome.params, checked),
        _Node(config.type, outcome.tensors),
    )


def _field(config: LayerBase, name: str) -> Any:
    """A field that only some layer types have, or None.

    Not ``getattr(config, name, None)``: for a name a model lacks, pydantic's
    ``__getattr__`` raises and catches on the way, which costs as much as the
    rest of a small layer's propagation.
    """
    return getattr(config, name) if name in _field_names(type(config)) else None


@cache
def _field_names(model: type[LayerBase]) -> frozenset[str]:
    return frozenset(model.model_fields)  # a pydantic descriptor: 1 us a look-up


def _inputs(
    spec: ParsedSpec, config: LayerBase, previous: str | None, resolver: _Resolver
) -> list[Source]:
    tensors = _field(config, "tensors")
    if tensors is not None:
        return [resolver.resolve(text, ("tensors", index)) for index, text in enumerate(tensors)]
    written = _field(config, "input")
    if isinstance(written, list):
        return [resolver.resolve(text, ("input", index)) for index, text in enumerate(written)]
    input_shape = _field(config, "input_shape")
    if input_shape is not None and (previous is not None or written is not None):
        resolver.ignored_input_shape(written is not None)
    if written is not None:
        return [resolver.resolve(written, ("input",))]
    if input_shape is not None and previous is None:
        return [resolver.declared(spec, tuple(input_shape))]
    return [resolver.default(spec, previous)]


def _states(config: LayerBase, resolver: _Resolver) -> list[Source] | None:
    written = _field(config, "initial_state")
    if written is None:
        return None
    if isinstance(written, str):
        return [resolver.resolve(written, ("initial_state",))]
    return [resolver.resolve(text, ("initial_state", index)) for index, text in enumerate(written)]


def _check_expect(
    config: LayerBase,
    ctx: LayerContext,
    outcome: LayerOutcome,
    names: tuple[str, ...],
    symbols: frozenset[str],
) -> None:
    for name, dims in (config.expect or {}).items():
        if name not in names:
            close = did_you_mean(name, names)
            ctx.problems.append(
                Problem(
                    "LS101",
                    f"expect: names {name!r}, which {config.type} does not produce; "
                    f"it produces {', '.join(names)}",
                    ctx.path("expect", name),
                    hint=f"did you mean {close}?" if close else None,
                    layer=ctx.name,
                    on_key=True,
                )
            )
            continue
        computed = outcome.tensors[name].shape
        expected = tuple(dims)
        if computed is not None and shapes_conflict(expected, computed):
            ctx.report(
                "LS306",
                f"{ctx.name}.{name} is {format_shape(computed)}, but expect: declares "
                f"{format_shape(expected)}",
                "expect",
                name,
                hint=mismatch_hint(expected, computed, symbols),
            )


class _Resolver:
    """Resolves one layer's references against the inputs and earlier layers."""

    def __init__(
        self, nodes: dict[str, _Node], later: set[str], problems: list[Problem], layer: ParsedLayer
    ) -> None:
        self._nodes = nodes
        self._later = later
        self.problems = problems
        self._layer = layer

    def _report(self, code: str, message: str, at: NodePath, hint: str | None = None) -> Source:
        self.problems.append(Problem(code, message, at, hint=hint, layer=self._layer.name))
        return Source("?", Tensor(None), at)

    def default(self, spec: ParsedSpec, previous: str | None) -> Source:
        at = ("layers", self._layer.index)
        if previous is not None:
            node = self._nodes[previous]
            if node.tensors is not None and PRIMARY not in node.tensors:
                return self._no_primary(previous, node.kind, list(node.tensors), at)
            tensor = node.tensors[PRIMARY] if node.tensors else Tensor(None)
            return Source(previous, tensor, ())
        if len(spec.inputs) == 1:
            name = next(iter(spec.inputs))
            return Source(name, self._nodes[name].tensors[PRIMARY], ())  # type: ignore[index]
        if spec.inputs_reported:
            return Source("?", Tensor(None), at)
        found = "no inputs" if not spec.inputs else f"inputs {', '.join(spec.inputs)}"
        hint = (
            "declare the tensor under inputs: (e.g. x: [B, T, 8]) and, if there are "
            "several, name one with input:"
        )
        if spec.framework.key == "keras" and not spec.inputs:
            hint = (
                "give the first layer input_shape: [timesteps, features], or declare the "
                "tensor under inputs: (e.g. x: [32, 10, 8])"
            )
        return self._report(
            "LS204",
            f"the first layer, {self._layer.name}, has no input: and the spec declares {found}",
            at,
            hint=hint,
        )

    def _no_primary(self, previous: str, kind: str, tensors: list[str], at: NodePath) -> Source:
        """The previous layer returns several tensors and none is ``output``.

        A Keras Bidirectional with ``merge_mode: null`` returns its two
        directions as a list; a Sequential model passes the list on and the
        next layer raises because it takes one tensor.
        """
        return self._report(
            "LS202",
            f"{self._layer.name} has no input:, so it reads the previous layer's output, but "
            f"{previous} ({kind}) has no tensor 'output'; it returns {', '.join(tensors)} (Keras "
            f"raises ValueError: Layer expects 1 input(s), but it received {len(tensors)} input "
            "tensors)",
            (*at, "type"),
            hint=f"read one of them with input: {previous}.{tensors[0]}, or join them with a "
            "Concatenate layer (or give the Bidirectional layer a merge_mode)",
        )

    def ignored_input_shape(self, has_input: bool) -> None:
        reason = "it reads input:" if has_input else "it is not the first layer"
        self.problems.append(
            Problem(
                "LS406",
                f"{self._layer.name}.input_shape is ignored: {reason}, and Keras uses "
                "input_shape only to declare the input of a Sequential model's first layer",
                ("layers", self._layer.index, "input_shape"),
                hint="remove it; the layer's input shape comes from the tensor it reads",
                layer=self._layer.name,
                on_key=True,
            )
        )

    def declared(self, spec: ParsedSpec, input_shape: Shape) -> Source:
        """The first layer's ``input_shape``: the model's input, batch unknown.

        With ``inputs:`` as well, the declared tensor is the input (it may give
        the batch size) and ``input_shape`` must agree with it.
        """
        at = ("layers", self._layer.index, "input_shape")
        if not spec.inputs:
            return Source("input_shape", Tensor((None, *input_shape)), at)
        source = self.default(spec, None)
        shape = source.tensor.shape
        if shape is not None and shapes_conflict((None, *input_shape), shape):
            self.problems.append(
                Problem(
                    "LS307",
                    f"{self._layer.name}.input_shape is {format_shape(input_shape)} (batch "
                    f"excluded) but the layer reads {source.describe()}, which is "
                    f"{format_shape(shape[1:]) if shape else '0-D'} without its batch",
                    at,
                    hint="declare the input once: keep inputs: (which can give the batch "
                    "size) and remove input_shape, or the other way round",
                    layer=self._layer.name,
                )
            )
        return source

    def resolve(self, text: str, key: NodePath) -> Source:
        at = ("layers", self._layer.index, *key)
        try:
            reference = parse_reference(text)
        except ReferenceSyntaxError as error:
            return self._report("LS201", str(error), at)
        node = self._nodes.get(reference.source)
        if node is None:
            return self._unknown_source(reference, at)
        tensor = self._tensor(node, reference, at)
        if tensor is None:
            return Source(text, Tensor(None), at, reference)
        origin = tensor.origin
        shape = tensor.shape
        for subscript in reference.subscripts:
            if shape is None:
                break
            try:
                shape = apply_subscript(shape, subscript)
            except IndexProblem as error:
                return self._report("LS203", f"{reference.text}: {error}", at)
            tensor = Tensor(shape)
        return Source(reference.text, tensor, at, reference, origin)

    def _unknown_source(self, reference: Reference, at: NodePath) -> Source:
        if reference.source in self._later:
            return self._report(
                "LS202",
                f"{reference.text!r} refers to {reference.source}, which is defined after "
                f"{self._layer.name}",
                at,
                hint="a layer reads the spec's inputs and the layers above it; move "
                f"{reference.source} up",
            )
        close = did_you_mean(reference.source, self._nodes)
        return self._report(
            "LS202",
            f"{reference.text!r} refers to {reference.source}, but no input or earlier layer "
            "has that name",
            at,
            hint=f"did you mean {close}?" if close else None,
        )

    def _tensor(self, node: _Node, reference: Reference, at: NodePath) -> Tensor | None:
        if node.tensors is None:
            return None  # the layer is broken and already reported
        name = reference.tensor or PRIMARY
        if name in node.tensors:
            return node.tensors[name]
        if node.kind == "input":
            self._report(
                "LS202",
                f"{reference.source} is an input; it has no tensor {name!r}",
                at,
                hint=f"write {reference.source} alone",
            )
            return None
        close = did_you_mean(name, node.tensors)
        hint = f"did you mean {reference.source}.{close}?" if close else None
        if name in _KERAS_STATES:
            hint = _keras_state_hint(reference.source, name, list(node.tensors))
        self._report(
            "LS202",
            f"{reference.source} ({node.kind}) has no tensor {name!r}; it has "
            f"{', '.join(node.tensors)}",
            at,
            hint=hint,
        )
        return None


def _keras_state_hint(source: str, wanted: str, tensors: list[str]) -> str:
    """Where the state a reference wants is, when the layer has other state names.

    A Bidirectional layer returns its states per direction (forward_h, ...)
    and a plain recurrent layer as state_h and state_c: only a layer with no
    states at all lacks return_state.
    """
    states = [name for name in tensors if name in _KERAS_STATES]
    if not states:
        return f"Keras returns the states only with return_state: true on {source}"
    kind = wanted[-2:]  # "_h" or "_c"
    matching = [f"{source}.{name}" for name in states if name.endswith(kind)]
    returned = f"{source} returns its states as {', '.join(states)}"
    return f"{returned}: read {' and '.join(matching)}" if matching else returned
