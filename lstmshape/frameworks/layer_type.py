"""The layer type: everything lstmshape knows about one framework class, declared once.

Each layer type is declared in its framework's package, in a module of its
own or of its family (``frameworks/torch/linear.py``), by :func:`layer_type`
on the function that computes its tensors::

    @layer_type(
        "torch", "Linear", LinearConfig,
        check=_check,
        examples=(Example({"x": ["B", 64]}, {"in_features": 64, "out_features": 10},
                          {"output": ["B", 10]}, params=650),),
        failing=(Failing({"x": ["B", 64]}, {"in_features": 32, "out_features": 10}, "LS301"),),
        foreign_types={"Dense": "Dense is Keras's; torch's is Linear (in_features, out_features)"},
        sample=Sampler("head", _sample),
        cost=_cost,
    )
    def linear(config: LinearConfig, ctx: LayerContext) -> LayerOutcome:
        \"\"\"Maps the last dimension: (*, in_features) -> (*, out_features).\"\"\"

Everything else is derived from :data:`LAYER_TYPES`: each framework's table
of types and its hints (:mod:`lstmshape.frameworks`), the dispatch of the
engine (:mod:`lstmshape.engine.graph`), the JSON Schema, the README's layer
tables and ``lstmshape explain TYPE`` (:mod:`lstmshape.frameworks.docs`),
the costs of a layer (``cost``, :mod:`lstmshape.costs`),
the tests of every declared example, and the differential oracle's samples.

Registration is cheap on purpose, because it runs at every start: a
declaration stores references, and nothing is inspected or built until it
is used (docstrings are dedented when a page is rendered; a config's
validator is built when it first validates).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from lstmshape.models.common import LayerBase, StrictModel
from lstmshape.models.errors import did_you_mean
from lstmshape.shapes import Dim, Shape

if TYPE_CHECKING:
    import random

    from lstmshape.costs import Costs, CostShapes
    from lstmshape.engine.tensors import LayerContext, LayerOutcome

C = TypeVar("C", bound=LayerBase)

Infer = Callable[[C, "LayerContext"], "LayerOutcome"]
"""The shape-and-parameters rule: a layer's tensors and parameter count from its
config and what it reads, reporting every problem through the context."""
Check = Callable[[C, "LayerContext"], bool]
"""The checks the framework makes when it constructs the layer, before it sees an
input; False when it would raise (then the layer's tensors are unknown)."""
CostRule = Callable[[C, "CostShapes"], "Costs"]
"""The cost rule: a forward pass's MACs, FLOPs outside them and activations, from the
config and the shapes the layer reads and returns (see :mod:`lstmshape.costs`); it
raises :class:`~lstmshape.costs.UnknownCost` where a dimension it needs is unknown."""
TensorNames = Callable[[C], tuple[str, ...]]
ExportRefusal = Callable[[C, "tuple[Shape | None, ...]"], "str | None"]
"""Why the framework's own code for a layer would not run as lstmshape checks it, from its
config and the shapes of its inputs (none for a layer held by another), or None."""
LintInvalid = Callable[[dict[str, Any], "LayerContext"], None]
NestRefusal = Callable[[str], "tuple[str, str]"]
"""Why a type written in a field that holds no layer type (an RNN's ``cell:``) cannot be
there: LS104's message (after "is X, ") and hint."""
Shapes = dict[str, list[Dim]]
"""Named shapes, as a spec writes them: a spec's inputs, a layer's tensors."""


def single_output(_config: object) -> tuple[str, ...]:
    return ("output",)


class Example:
    """A one-layer spec in which the type checks clean, with what it must compute.

    ``inputs`` are the spec's inputs (symbols B, T and S, which the tests give
    concrete values when they compare with the framework); ``layer`` is the
    layer's arguments without its type; ``tensors`` and ``params`` are derived
    by hand, from the framework's documentation, and checked twice: by
    lstmshape and by the framework itself.  ``before`` are layers that make
    what the type reads when no spec input can be it (a packed sequence);
    the example's layer reads the last of them.
    """

    __slots__ = ("before", "inputs", "layer", "params", "tensors")

    def __init__(
        self,
        inputs: Shapes,
        layer: dict[str, Any],
        tensors: Shapes,
        *,
        params: int,
        before: tuple[dict[str, Any], ...] = (),
    ) -> None:
        self.inputs = inputs
        self.layer = layer
        self.tensors = tensors
        self.params = params
        self.before = before


class Failing:
    """A one-layer spec with a mistake, and the code lstmshape reports for it (after the
    layers ``before``, as in :class:`Example`)."""

    __slots__ = ("before", "code", "inputs", "layer")

    def __init__(
        self,
        inputs: Shapes,
        layer: dict[str, Any],
        code: str,
        *,
        before: tuple[dict[str, Any], ...] = (),
    ) -> None:
        self.inputs = inputs
        self.layer = layer
        self.code = code
        self.before = before


class Draw:
    """What an oracle sampler gets: a random source and what the story fixes.

    ``features`` is the last dimension of the tensor the layer will read,
    ``rank`` that tensor's number of dimensions, and ``given`` the arguments
    (or facts, such as whether the spec will run) the story decides itself.
    """

    __slots__ = ("features", "given", "rank", "rng")

    def __init__(
        self,
        rng: random.Random,
        features: int = 0,
        rank: int = 0,
        given: Mapping[str, Any] | None = None,
    ) -> None:
        self.rng = rng
        self.features = features
        self.rank = rank
        self.given: Mapping[str, Any] = given or {}

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability


class Sample:
    """A sampler's answer: the layer's arguments as meant, and the mistake, if any.

    ``args`` are right for the tensor described by the :class:`Draw`;
    ``features`` is the last dimension of the layer's output with those
    arguments; ``mistake`` holds the arguments to write over them, at the low
    rate at which the sampler makes mistakes users make.  Whether a mistake
    breaks the model is the framework's to say, not the sampler's.
    """

    __slots__ = ("args", "features", "mistake")

    def __init__(
        self, args: dict[str, Any], features: int, mistake: dict[str, Any] | None = None
    ) -> None:
        self.args = args
        self.features = features
        self.mistake = mistake or {}

    @property
    def written(self) -> dict[str, Any]:
        """The arguments as the spec gets them: ``args`` with the mistake applied."""
        return {**self.args, **self.mistake}


class Sampler:
    """How the differential oracle draws one layer type's arguments.

    ``role`` says where its stories may place the type: ``recurrent`` (the
    recurrent layers the stories are built around), ``sequence`` (reads and
    returns the same layout, between or after them), ``head`` (maps the last
    dimension: on a last step, a state or every step), ``tokens`` (reads
    integer ids), ``mask`` (masks the spec's input before the recurrent
    layers), ``join`` (reads a list of tensors), ``repeat`` (turns a
    vector into a sequence), ``reduce`` (turns a sequence into a vector)
    and ``wrapper`` (holds a layer given as ``given["layer"]``).
    """

    __slots__ = ("draw", "role")

    def __init__(self, role: str, draw: Callable[[Draw], Sample]) -> None:
        self.role = role
        self.draw = draw


class LayerType(Generic[C]):
    """One layer type of one framework: see the module's docstring."""

    __slots__ = (
        "call_args",
        "check",
        "config",
        "cost",
        "examples",
        "export_refusal",
        "failing",
        "foreign_keys",
        "foreign_types",
        "framework",
        "infer",
        "input_field",
        "lint_invalid",
        "missing_keys",
        "name",
        "nest_refusal",
        "nests",
        "note",
        "passes_mask",
        "positional",
        "prefixes",
        "reads_packed",
        "refusals",
        "refuses",
        "returns",
        "sample",
        "tensor_args",
        "tensors",
        "tensors_doc",
        "wrapped_config",
        "wrappers",
    )

    def __init__(
        self,
        framework: str,
        name: str,
        config: type[C],
        infer: Infer[C],
        *,
        examples: tuple[Example, ...],
        failing: tuple[Failing, ...],
        tensors: TensorNames[C] = single_output,
        tensors_doc: str = "`output`",
        check: Check[C] | None = None,
        note: str = "",
        input_field: str = "input",
        tensor_args: tuple[str, ...] = (),
        call_args: tuple[str, ...] = (),
        wrapped_config: type[StrictModel] | None = None,
        wrappers: tuple[str, ...] = (),
        refusals: Mapping[str, str] | None = None,
        nests: tuple[str, ...] = (),
        refuses: str = "",
        nest_refusal: NestRefusal | None = None,
        passes_mask: bool = False,
        foreign_types: Mapping[str, str] | None = None,
        foreign_keys: Mapping[str, str] | None = None,
        missing_keys: Mapping[str, tuple[str, str]] | None = None,
        lint_invalid: LintInvalid | None = None,
        sample: Sampler | None = None,
        prefixes: tuple[str, ...] | None = None,
        cost: CostRule[C] | None = None,
        returns: str | None = None,
        positional: tuple[str, ...] = (),
        export_refusal: ExportRefusal[C] | None = None,
        reads_packed: bool = False,
    ) -> None:
        self.framework = framework
        self.name = name
        """What users write in ``type:`` (without the framework's prefixes)."""
        self.config = config
        """The pydantic model of the layer as a spec writes it: arguments, names, defaults."""
        self.infer = infer
        self.check = check
        self.tensors = tensors
        """The names of the tensors the layer returns, for a config; the first is
        what the next layer reads by default (``output``)."""
        self.tensors_doc = tensors_doc
        """The tensors as the README and ``explain`` describe them (Markdown)."""
        self.note = note
        """What the README's table adds after the arguments (Markdown)."""
        self.examples = examples
        self.failing = failing
        self.input_field = input_field
        """The config field holding the reference(s) the layer reads (``tensors`` for
        ``torch.cat``); ``input`` defaults to the previous layer's output."""
        self.tensor_args = tensor_args
        """Further config fields holding references to tensors the layer reads (torch's
        ``other``, ``mat2``, ``key``...), resolved into ``ctx.tensor_args``."""
        self.call_args = call_args
        """Config fields that are the call's, not the module's (MultiheadAttention's
        ``need_weights``): a second call (``reuse:``) writes its own, not the first's."""
        self.wrapped_config = wrapped_config
        """The model of the layer when a wrapper holds it (its arguments only)."""
        self.wrappers = wrappers
        """The wrapper types that may hold this one (Keras's TimeDistributed, Bidirectional)."""
        self.nests = nests
        """For a wrapper: the config fields that hold a wrapped layer."""
        self.refusals, self.refuses, self.nest_refusal = refusals or {}, refuses, nest_refusal
        """The reasons LS104 gives (the framework's own error, or why lstmshape does not
        model it): ``refusals`` why a wrapper cannot hold this type, by wrapper; a
        wrapper's ``refuses`` why it holds no type but those naming it in ``wrappers``,
        for a type with no reason of its own; ``nest_refusal``, for a type whose
        ``nests`` hold no layer type (an RNN's cells), why the type written there cannot
        be (LS104's message after "is X, ", and hint)."""
        self.passes_mask = passes_mask
        """Whether the layer passes its input's mask on unchanged (Keras's default
        ``compute_mask``); a layer that makes or changes a mask sets it in ``infer``."""
        self.foreign_types: Mapping[str, str] = foreign_types or {}
        """The other framework's names for this type, with a hint naming this one."""
        self.foreign_keys, self.missing_keys = foreign_keys or {}, missing_keys or {}
        """``foreign_keys``: the other framework's argument names for this type's arguments,
        with hints (they take precedence over the framework's own); ``missing_keys``:
        required arguments a user may expect to leave out, with why the framework needs
        them (LS102's message ends with it) and how to write them (its hint)."""
        self.lint_invalid = lint_invalid
        """Warnings the framework gives before it rejects a layer whose config failed
        validation (torch's recurrent dropout warning); given the layer as written."""
        self.sample = sample
        self.cost = cost
        """The cost rule; None for a type that has none yet (its costs are unknown)."""
        self.prefixes = prefixes
        """The prefixes ``type:`` may take, where the framework has the name
        (``torch.`` and ``F.`` for ``softmax``); None for the framework's own."""
        self.returns = returns
        """What a call returns, as the tensor names in a Python target where it differs
        from the names in order (``output, (h_n, c_n)`` for torch's LSTM); a name the
        pattern leaves out is its first tensor (a cell's ``output`` is ``h_1``)."""
        self.positional = positional
        """Config fields the framework takes by position, not by their name (``view``'s
        ``shape``: ``Tensor.view`` has no keyword of that name)."""
        self.export_refusal = export_refusal
        """Why the framework's own code for a config would not run as lstmshape checks it
        (so ``export`` refuses it), or None when it would."""
        self.reads_packed = reads_packed
        """Whether the layer's input may be a torch PackedSequence (LSTM,
        pad_packed_sequence, Identity); any other layer reading one is an error."""

    @property
    def doc(self) -> str:
        """The rule's docstring, dedented: what the type computes, for README and explain."""
        import textwrap

        text = self.infer.__doc__ or ""
        first, _, rest = text.partition("\n")
        return (first.strip() + "\n" + textwrap.dedent(rest)).strip()


LAYER_TYPES: dict[tuple[str, str], LayerType[Any]] = {}
"""Every declared layer type by (framework, name), in the order declared."""


def layer_type(
    framework: str,
    name: str,
    config: type[C],
    *,
    examples: tuple[Example, ...],
    failing: tuple[Failing, ...],
    tensors: TensorNames[C] = single_output,
    tensors_doc: str = "`output`",
    check: Check[C] | None = None,
    note: str = "",
    input_field: str = "input",
    tensor_args: tuple[str, ...] = (),
    call_args: tuple[str, ...] = (),
    wrapped_config: type[StrictModel] | None = None,
    wrappers: tuple[str, ...] = (),
    refusals: Mapping[str, str] | None = None,
    nests: tuple[str, ...] = (),
    refuses: str = "",
    nest_refusal: NestRefusal | None = None,
    passes_mask: bool = False,
    foreign_types: Mapping[str, str] | None = None,
    foreign_keys: Mapping[str, str] | None = None,
    missing_keys: Mapping[str, tuple[str, str]] | None = None,
    lint_invalid: LintInvalid | None = None,
    sample: Sampler | None = None,
    prefixes: tuple[str, ...] | None = None,
    cost: CostRule[C] | None = None,
    returns: str | None = None,
    positional: tuple[str, ...] = (),
    export_refusal: ExportRefusal[C] | None = None,
    reads_packed: bool = False,
) -> Callable[[Infer[C]], Infer[C]]:
    """Declare the layer type ``name`` of ``framework``, whose rule is the decorated function."""

    def register(infer: Infer[C]) -> Infer[C]:
        key = (framework, name)
        if key in LAYER_TYPES:
            raise ValueError(f"{framework} layer type {name} is declared twice")
        LAYER_TYPES[key] = LayerType(
            framework,
            name,
            config,
            infer,
            examples=examples,
            failing=failing,
            tensors=tensors,
            tensors_doc=tensors_doc,
            check=check,
            note=note,
            input_field=input_field,
            tensor_args=tensor_args,
            call_args=call_args,
            wrapped_config=wrapped_config,
            wrappers=wrappers,
            refusals=refusals,
            nests=nests,
            refuses=refuses,
            nest_refusal=nest_refusal,
            passes_mask=passes_mask,
            foreign_types=foreign_types,
            foreign_keys=foreign_keys,
            missing_keys=missing_keys,
            lint_invalid=lint_invalid,
            sample=sample,
            prefixes=prefixes,
            cost=cost,
            returns=returns,
            positional=positional,
            export_refusal=export_refusal,
            reads_packed=reads_packed,
        )
        return infer

    return register


def wrapping_refusal(framework: str, wrapper: str, wrapped: str) -> tuple[str, str]:
    """Why ``wrapper`` cannot hold a ``wrapped`` layer, and what it holds: LS104's message
    (after "layer is X, ") and hint."""
    from lstmshape.frameworks import FRAMEWORKS  # the package imports this module

    # every type, in the order listed to users: a check may have imported only some
    types = list(FRAMEWORKS[framework].types.values())
    held = [declared.name for declared in types if wrapper in declared.wrappers]
    others = [declared.name for declared in types if wrapper not in declared.wrappers]
    declared = LAYER_TYPES.get((framework, wrapped))
    if declared is None:  # a typo or another framework's name: no reason of the wrapper's
        foreign = {name: hint for known in types for name, hint in known.foreign_types.items()}
        close = did_you_mean(wrapped, held)
        hint = foreign.get(wrapped) or (f"did you mean {close}?" if close else None)
        return f"which is no {framework} layer type", hint or _held(
            framework, wrapper, held, others
        )
    holder = LAYER_TYPES.get((framework, wrapper))
    reason = (declared.refusals.get(wrapper) if declared else None) or (
        holder.refuses if holder else ""
    )
    because = f": {reason}" if reason else ""
    return f"which {wrapper} cannot wrap{because}", _held(framework, wrapper, held, others)


def _held(framework: str, wrapper: str, held: list[str], others: list[str]) -> str:
    """What ``wrapper`` holds, by the shorter list: the types it holds or those it does not."""
    if len(others) < len(held):
        return f"{wrapper} wraps every {framework} layer type but {', '.join(others)}"
    return f"{wrapper} wraps {', '.join(held)}"
