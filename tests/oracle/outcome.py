"""What a real framework did with a spec, in terms both runners share.

A runner builds the spec's layers one by one with concrete numbers in place
of the symbolic dimensions (``B``, ``T``), runs each on zero tensors and
records, per layer, the shapes of every returned tensor, the parameter count
and the warnings it raised.  It stops at the first layer that raises, as a
script would.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Concrete = tuple[int, ...]


@dataclass
class LayerRun:
    tensors: dict[str, Concrete]
    """Empty when the layer raised."""
    params: int | None
    """None when the layer could not even be built."""
    warnings: list[str] = field(default_factory=list)
    """lstmshape codes of the framework's warnings about this layer (e.g. LS401)."""
    flops: int | None = None
    """What torch's FlopCounterMode counted in the layer's forward pass, when asked."""
    packed: set[str] = field(default_factory=set)
    """The tensors that are torch PackedSequences (their shape is their data's)."""

    @property
    def observed(self) -> bool:
        """False for a layer the run never reached: an exported model that failed to build
        before it, where there is nothing to compare."""
        return bool(self.tensors) or self.params is not None


@dataclass
class Run:
    values: dict[str, int]
    """The concrete value each symbol had in this run."""
    layers: list[LayerRun]
    """One per layer that was built, up to and including the one that raised."""
    failed_at: int | None = None
    error: str | None = None
    unexpected_warnings: list[str] = field(default_factory=list)
    """Framework warnings that no rule classifies: each one is a finding."""
