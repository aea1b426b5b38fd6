"""The values that flow between layers while shapes propagate."""

from __future__ import annotations

from lstmshape.diagnostics import NodePath, Problem
from lstmshape.record import field, record
from lstmshape.references import Reference
from lstmshape.shapes import Dim, Shape, format_shape


@record(frozen=True, slots=True)
class Padded:
    """A batch padded back from a packed sequence: its last steps are padding for every
    sequence shorter than the longest (the lint LS412 says so where they are read)."""

    by: str
    """The pad_packed_sequence layer, or the recurrent layer that ran over its padding."""
    recurrent: str | None
    """The recurrent layer whose h_n holds each sequence's own last state, if any."""
    bidirectional: bool = False
    ran_over_padding: bool = False
    """The recurrent layer ``by`` read the padded batch itself: its states include the padding."""


@record(frozen=True, slots=True)
class Origin:
    """Which layer made a tensor, kept for the lints about silent bugs."""

    layer: str
    tensor: str
    bidirectional: bool = False
    time_axis: int | None = None
    """Where time runs in a recurrent layer's sequence output."""
    framework: str = "torch"
    stack: Dim = None
    """The first dimension of a recurrent layer's h_n and c_n: num_layers * directions."""
    padded: Padded | None = None
    """Set on a sequence whose last steps are padding (see :class:`Padded`)."""


@record(frozen=True, slots=True)
class Packed:
    """A torch PackedSequence: the tensor's shape is its data's, (sum of lengths, *features).

    Only a recurrent layer, pad_packed_sequence and Identity take one; its data
    is ``[0]`` (or ``.data``), its batch_sizes ``[1]``.
    """

    batch: Dim
    """The number of sequences."""
    time: Dim
    """The length of the padded batch it was packed from."""
    lengths: tuple[int, ...] | None
    """The sequences' lengths when the spec gives them as numbers."""
    enforce_sorted: bool = True
    """Whether sorted_indices and unsorted_indices are None (torch's enforce_sorted)."""
    recurrent: str | None = None
    """The recurrent layer that ran on it, whose h_n holds each sequence's last state."""
    bidirectional: bool = False

    @property
    def longest(self) -> Dim:
        """The longest sequence: max(lengths), or, with lengths unknown, the padded length
        (a batch is padded to its longest sequence, as pad_sequence does)."""
        return max(self.lengths) if self.lengths else self.time


@record(frozen=True, slots=True)
class Mask:
    """A Keras mask (batch, timesteps): which layer made it and how, for messages."""

    layer: str
    maker: str
    """What made it, in the user's terms: "an Embedding with mask_zero: true"."""
    remedy: str
    """How to remove it: "mask_zero: true from emb"."""
    explicit: bool = False
    """Given as a call's ``mask:`` argument, which Keras uses even with initial states."""
    shape: Shape | None = None
    """Its shape where it is not (batch, timesteps): a Masking layer's over a video has one
    entry per pixel of each frame, a call's mask may end in an axis of 1."""


@record(frozen=True, slots=True)
class Tensor:
    shape: Shape | None
    """None when an earlier error leaves the shape unknown."""
    origin: Origin | None = None
    """Set on a layer's own tensors; indexing and joining drop it."""
    batch_first: bool | None = None
    """The (batch, time) layout of a sequence made by a recurrent layer; kept by
    layers that only change the last dimension."""
    mask: Mask | None = None
    """The mask Keras attaches to the tensor (an Embedding's with ``mask_zero``,
    a Masking layer's); kept by the layers Keras passes masks through."""
    packed: Packed | None = None
    """Set when the tensor is a torch PackedSequence (``shape`` is then its data's)."""


@record(frozen=True, slots=True)
class Source:
    """A reference resolved to a tensor: what a layer reads."""

    text: str
    tensor: Tensor
    at: NodePath
    reference: Reference | None = None
    origin: Origin | None = None
    """The origin of the referenced tensor before any index was applied."""

    def describe(self) -> str:
        """``x [B, 50, 16]``: the reference as written with its shape."""
        return f"{self.text} {format_shape(self.tensor.shape)}"


@record
class LayerContext:
    """What a layer rule gets besides its config: what it reads and a way to report.

    A rule reports a problem with ``report(code, message, *keys)``, at one of
    its own arguments (``"hidden_size"``, or ``"initial_state", 1``), or with
    ``report_on(source, ...)`` at a tensor it reads.  A layer held by a
    wrapper (Keras's TimeDistributed) runs in a context made by
    :meth:`wrapping`: the same layer of the spec, its arguments ``within`` the
    wrapper's field, so that the rule's reports point into the nested mapping.
    """

    index: int
    name: str
    inputs: list[Source]
    states: list[Source] | None
    problems: list[Problem] = field(default_factory=list)
    tensor_args: dict[str, list[Source]] = field(default_factory=dict)
    """The tensors read through the layer type's ``tensor_args`` fields, by field."""
    within: NodePath = ()
    """Where the rule's own arguments sit in the spec's layer: () or ("layer",)."""

    def path(self, *keys: str | int) -> NodePath:
        return ("layers", self.index, *self.within, *keys)

    def label(self, *keys: str | int) -> str:
        """``enc.hidden_size``, or ``td.layer.units`` for a wrapped layer's argument."""
        return ".".join(str(part) for part in (self.name, *self.within, *keys))

    def report(self, code: str, message: str, *keys: str | int, hint: str | None = None) -> None:
        self.problems.append(Problem(code, message, self.path(*keys), hint=hint, layer=self.name))

    def report_on(self, source: Source, code: str, message: str, hint: str | None = None) -> None:
        """Report at the reference ``source`` was read from (the layer, for its default input)."""
        at = source.at or ("layers", self.index)
        self.problems.append(Problem(code, message, at, hint=hint, layer=self.name))

    def wrapping(self, *keys: str | int, inputs: list[Source] | None = None) -> LayerContext:
        """The context of the layer held in the field ``keys`` of this one."""
        return LayerContext(
            self.index,
            self.name,
            self.inputs if inputs is None else inputs,
            self.states,
            self.problems,
            within=(*self.within, *keys),
        )


@record(frozen=True, slots=True)
class LayerOutcome:
    tensors: dict[str, Tensor]
    params: int | None
