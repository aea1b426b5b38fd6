"""The values that flow between layers while shapes propagate."""

from __future__ import annotations

from dataclasses import dataclass, field

from lstmshape.diagnostics import NodePath, Problem
from lstmshape.references import Reference
from lstmshape.shapes import Shape, format_shape


@dataclass(frozen=True, slots=True)
class Origin:
    """Which layer made a tensor, kept for the lints about silent bugs."""

    layer: str
    tensor: str
    bidirectional: bool = False
    time_axis: int | None = None
    """Where time runs in a recurrent layer's sequence output."""
    framework: str = "torch"


@dataclass(frozen=True, slots=True)
class Tensor:
    shape: Shape | None
    """None when an earlier error leaves the shape unknown."""
    origin: Origin | None = None
    """Set on a layer's own tensors; indexing and joining drop it."""
    batch_first: bool | None = None
    """The (batch, time) layout of a sequence made by a recurrent layer; kept by
    layers that only change the last dimension."""
    mask: str | None = None
    """The Embedding (with ``mask_zero``) whose mask Keras attaches to the
    tensor; kept by the layers Keras passes masks through."""


@dataclass(frozen=True, slots=True)
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


@dataclass
class LayerContext:
    """What a layer rule gets besides its config: its sources and a way to report."""

    index: int
    name: str
    inputs: list[Source]
    states: list[Source] | None
    problems: list[Problem] = field(default_factory=list)

    def path(self, *keys: str | int) -> NodePath:
        return ("layers", self.index, *keys)

    def report(self, code: str, message: str, *keys: str | int, hint: str | None = None) -> None:
        self.problems.append(Problem(code, message, self.path(*keys), hint=hint, layer=self.name))


@dataclass(frozen=True, slots=True)
class LayerOutcome:
    tensors: dict[str, Tensor]
    params: int | None
