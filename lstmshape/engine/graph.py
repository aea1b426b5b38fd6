"""Shape propagation through a spec's layers, in the order they are written.

Each layer reads inputs and earlier layers only, so one pass in order is a
topological walk and every reference resolves in constant time.  A layer
whose config or input is broken produces unknown tensors, which later checks
skip, so one mistake is reported once rather than at every layer after it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from lstmshape.costs import LayerCosts, model_costs
from lstmshape.diagnostics import NodePath, Problem, Severity
from lstmshape.engine.costing import pricer
from lstmshape.engine.indexing import (
    IndexProblem,
    PackedIndexProblem,
    apply_subscript,
    packed_field,
)
from lstmshape.engine.lints import reference_lints, state_lints
from lstmshape.engine.tensors import LayerContext, LayerOutcome, Source, Tensor
from lstmshape.models.common import LayerBase, ShapeField
from lstmshape.models.errors import did_you_mean
from lstmshape.models.spec import ParsedLayer, ParsedSpec
from lstmshape.record import cached_property, field, record, replace
from lstmshape.references import (
    Reference,
    ReferenceSyntaxError,
    is_written_reference,
    parse_reference,
)
from lstmshape.shapes import Shape, format_shape, mismatch_hint, shapes_conflict

PRIMARY = "output"
_KERAS_STATES = frozenset(
    ("state_h", "state_c", "forward_h", "forward_c", "backward_h", "backward_c")
)

MAX_PARAMS = 2**53
"""Most parameters a layer or a model may have: the largest count a JSON
reader holds exactly, and a million times more than the largest models."""


@record(frozen=True)
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
    pricing: Callable[[], LayerCosts | None] | None = field(default=None, repr=False, compare=False)
    """Computes :attr:`costs`; only the reports that show costs call it."""
    sources: list[Source] = field(default_factory=list, repr=False, compare=False)
    """What the layer reads as its input, in order."""

    @cached_property
    def costs(self) -> LayerCosts | None:
        """None when unknown: the type has no cost rule yet, or a size it needs is unknown."""
        return None if self.pricing is None else self.pricing()


@record
class ModelResult:
    layers: list[LayerResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def params(self) -> int | None:
        """The model's parameters; None when a layer's are unknown: a total over an
        unknown count is unknown, and 0 for it would understate the model."""
        known = [layer.params for layer in self.layers if layer.params is not None]
        return sum(known) if len(known) == len(self.layers) else None

    @property
    def known_params(self) -> int:
        """The parameters of the layers whose count is known: at most the model's."""
        return sum(layer.params or 0 for layer in self.layers)

    @property
    def costs(self) -> LayerCosts | None:
        return model_costs(layer.costs for layer in self.layers)


@record
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
    resolver = Resolver(nodes, later, result.problems)
    previous: str | None = None
    for layer in spec.layers:
        later.discard(layer.name)
        resolver.start(layer)
        layer_result, node = _run_layer(spec, layer, previous, resolver)
        result.layers.append(layer_result)
        nodes.setdefault(layer.name, node)
        previous = layer.name
    if result.known_params > MAX_PARAMS:
        result.problems.append(
            Problem(
                "LS006",
                f"the model would have {result.known_params:,} parameters; lstmshape counts at "
                f"most {MAX_PARAMS:,} (2**53) per layer and per model",
                ("layers",),
                on_key=True,
            )
        )
    return result


def _run_layer(
    spec: ParsedSpec, layer: ParsedLayer, previous: str | None, resolver: Resolver
) -> tuple[LayerResult, _Node]:
    config = layer.config
    declared = layer.layer_type
    if config is None or declared is None:
        lint = declared.lint_invalid if declared is not None and layer.reuses is None else None
        if lint is not None and layer.raw is not None:
            ctx = LayerContext(layer.index, layer.name, [], None, resolver.problems)
            lint(layer.raw, ctx)
        return (
            LayerResult(layer.name, layer.type, None, {}, None, checked=False),
            _Node(layer.type or "?", None),
        )
    found_before = len(resolver.problems)
    inputs = _inputs(spec, config, declared.input_field, previous, resolver)
    states = _states(config, resolver)
    tensor_args = (
        _tensor_args(config, declared.tensor_args, resolver) if declared.tensor_args else {}
    )
    read = [source for sources in tensor_args.values() for source in sources] if tensor_args else []
    if resolver.indexed:  # every lint of engine.lints is about an index into a tensor
        resolver.problems.extend(reference_lints([*inputs, *read], layer.name))
        resolver.problems.extend(state_lints(states or [], layer.name))
    read_known, packed = _known_and_packed([*inputs, *(states or ()), *read])
    ctx = LayerContext(layer.index, layer.name, inputs, states, resolver.problems, tensor_args)
    names = declared.tensors(config)
    # A reused module was built, and its arguments judged, where it is first written.
    checked_ctx = ctx if layer.reuses is None else replace(ctx, problems=[])
    rejected = declared.check is not None and not declared.check(config, checked_ctx)
    if rejected:
        outcome = LayerOutcome({name: Tensor(None) for name in names}, None)
    elif packed and _reads_packed_wrongly(config.type, declared.reads_packed, ctx, read):
        # torch builds the module and raises when it is called: its weights exist
        built = declared.infer(config, replace(ctx, problems=[]))
        outcome = LayerOutcome({name: Tensor(None) for name in names}, built.params)
    else:
        outcome = declared.infer(config, ctx)
        if declared.passes_mask:
            outcome = _pass_mask(outcome, inputs)
    if layer.reuses is not None and outcome.params is not None:
        outcome = LayerOutcome(outcome.tensors, 0)  # counted once, at the owner
    if outcome.params is not None and outcome.params > MAX_PARAMS:
        ctx.report(
            "LS006",
            f"{layer.name} would have {outcome.params:,} parameters; lstmshape counts at most "
            f"{MAX_PARAMS:,} (2**53) per layer and per model",
            hint="a size is far too large; check for a typo",
        )
        outcome = LayerOutcome(outcome.tensors, None)
    if config.expect:
        _check_expect(config.expect, config.type, ctx, outcome, names, spec.symbols)
    shapes = {name: outcome.tensors[name].shape for name in names}
    input_text = inputs[0].text if len(inputs) == 1 else ", ".join([s.text for s in inputs]) or None
    checked = read_known and not (rejected and layer.reuses is not None)
    pricing = None
    failed = len(resolver.problems) > found_before and any(
        p.severity is Severity.ERROR for p in resolver.problems[found_before:]
    )
    if read_known and not rejected and not failed:  # costs of a layer that would raise: none
        tensors = outcome.tensors  # those the layer returns, which it usually holds alone
        priced = tensors if len(tensors) == len(names) else {name: tensors[name] for name in names}
        pricing = pricer(declared, config, ctx, priced, outcome.params)
    return (
        LayerResult(
            layer.name,
            config.type,
            input_text,
            shapes,
            outcome.params,
            checked,
            pricing,
            inputs,
        ),
        _Node(config.type, outcome.tensors),
    )


def _tensor_args(
    config: LayerBase, keys: tuple[str, ...], resolver: Resolver
) -> dict[str, list[Source]]:
    """The tensors read through the type's ``tensor_args`` fields that the layer writes."""
    return {
        key: _sources(written, key, resolver)
        for key in keys
        if is_written_reference(written := _field(config, key))  # not `other: 2`, `lengths: [5, 3]`
    }


def _known_and_packed(sources: list[Source]) -> tuple[bool, bool]:
    """Whether every tensor read is known, and whether any is a packed sequence."""
    known, packed = True, False
    for source in sources:  # one pass: most layers read one tensor
        tensor = source.tensor
        if tensor.shape is None:
            known = False
        if tensor.packed is not None:
            packed = True
    return known, packed


def _reads_packed_wrongly(
    kind: str, reads_packed: bool, ctx: LayerContext, read: list[Source]
) -> bool:
    """A packed sequence where the layer takes a tensor: torch raises TypeError (LS315).

    Only the input of a layer that takes one (a recurrent layer,
    pad_packed_sequence, Identity) may be packed; states and other tensors never.
    """
    sources = [*([] if reads_packed else ctx.inputs), *(ctx.states or ()), *read]
    packed = [source for source in sources if source.tensor.packed is not None]
    for source in packed:
        ctx.report_on(
            source,
            "LS315",
            f"{ctx.name} ({kind}) reads {source.text}, a packed sequence of data "
            f"{format_shape(source.tensor.shape)}, where it takes a tensor (torch raises "
            "TypeError: ... must be Tensor, not PackedSequence)",
            hint=f"pad it back with pad_packed_sequence, or read its data: {source.text}[0]",
        )
    return bool(packed)


def _pass_mask(outcome: LayerOutcome, inputs: list[Source]) -> LayerOutcome:
    """The output with the first mask among the inputs, as Keras's default compute_mask."""
    mask = next((source.tensor.mask for source in inputs if source.tensor.mask is not None), None)
    output = outcome.tensors.get(PRIMARY)
    if mask is None or output is None or output.shape is None or output.mask is not None:
        return outcome
    passed = Tensor(output.shape, output.origin, output.batch_first, mask)
    return LayerOutcome({**outcome.tensors, PRIMARY: passed}, outcome.params)


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
    spec: ParsedSpec, config: LayerBase, key: str, previous: str | None, resolver: Resolver
) -> list[Source]:
    """What the layer reads through its input field; by default the previous layer's output."""
    written = _field(config, key)
    if isinstance(written, list):
        return _sources(written, key, resolver)
    hook = spec.framework.declared_input
    declared = hook(config, written, previous, resolver, spec) if hook is not None else None
    if written is not None:
        return [resolver.resolve(written, (key,))]
    if declared is not None:
        return [declared]
    return [resolver.default(spec, previous)]


def _sources(written: str | list[str | list[str]], key: str, resolver: Resolver) -> list[Source]:
    """The tensors of a reference or a list of them; a list nested in it (the
    states of one of Keras's stacked cells) is read in order, flat."""
    if isinstance(written, str):
        return [resolver.resolve(written, (key,))]
    found = []
    for index, item in enumerate(written):
        if isinstance(item, str):
            found.append(resolver.resolve(item, (key, index)))
        else:
            found += [
                resolver.resolve(text, (key, index, inner)) for inner, text in enumerate(item)
            ]
    return found


def _states(config: LayerBase, resolver: Resolver) -> list[Source] | None:
    written = _field(config, "initial_state")
    return None if written is None else _sources(written, "initial_state", resolver)


def _check_expect(
    expect: dict[str, ShapeField],
    kind: str,
    ctx: LayerContext,
    outcome: LayerOutcome,
    names: tuple[str, ...],
    symbols: frozenset[str],
) -> None:
    for name, dims in expect.items():
        if name not in names:
            close = did_you_mean(name, names)
            ctx.problems.append(
                Problem(
                    "LS101",
                    f"expect: names {name!r}, which {kind} does not produce; "
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


class Resolver:
    """Resolves one layer's references against the inputs and earlier layers."""

    def __init__(self, nodes: dict[str, _Node], later: set[str], problems: list[Problem]) -> None:
        self._nodes = nodes
        self._later = later
        self.problems = problems
        self._layer: ParsedLayer
        self.indexed = False
        """Whether a reference of the layer's has an index, which the lints look at."""

    def start(self, layer: ParsedLayer) -> None:
        """Resolve ``layer``'s references from now on."""
        self._layer = layer
        self.indexed = False

    @property
    def layer(self) -> ParsedLayer:
        """The layer whose references are resolved (for a framework's ``declared_input``)."""
        return self._layer

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
        if spec.framework.no_inputs_hint is not None and not spec.inputs:
            hint = spec.framework.no_inputs_hint
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
            f"{previous} ({kind}) has no tensor 'output'; it returns {', '.join(tensors)} (most "
            "Keras layers raise ValueError: Layer expects 1 input(s), but it received "
            f"{len(tensors)} input tensors; activation, dropout and noise layers apply "
            "themselves to each and hand on a list the next layer cannot read)",
            (*at, "type"),
            hint=f"read one of them with input: {previous}.{tensors[0]}, or join them with a "
            "Concatenate layer (or give the Bidirectional layer a merge_mode)",
        )

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
        if reference.subscripts:
            self.indexed = True
        for subscript in reference.subscripts:
            shape = tensor.shape
            if shape is None:
                break
            try:
                if tensor.packed is not None:
                    tensor = packed_field(tensor, tensor.packed, subscript)
                else:
                    tensor = Tensor(apply_subscript(shape, subscript))
            except PackedIndexProblem as error:
                return self._report(
                    "LS314",
                    f"{reference.text}: {error}",
                    at,
                    hint=f"read the data with {_unindexed(reference)}[0] (or pad it back "
                    "with pad_packed_sequence) and index that",
                )
            except IndexProblem as error:
                return self._report("LS203", f"{reference.text}: {error}", at)
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
        primary = node.tensors.get(PRIMARY)
        if name == "data" and primary is not None and primary.packed is not None:
            return Tensor(primary.shape)  # LAYER.data: a packed output's data, as LAYER[0]
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


def _unindexed(reference: Reference) -> str:
    """``enc.output`` of ``enc.output[:, -1]``."""
    return reference.source + (f".{reference.tensor}" if reference.tensor else "")


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
