"""What torch's layer types share: the base of their configs and a check torch makes."""

from __future__ import annotations

from lstmshape.engine.tensors import LayerContext, Source
from lstmshape.models.common import LayerBase, Reference


class TorchLayer(LayerBase):
    """A torch module called on one tensor, written as a layer of the spec."""

    input: Reference | None = None


def check_non_negative(ctx: LayerContext, values: dict[str, int]) -> bool:
    valid = True
    for key, value in values.items():
        if value < 0:
            ctx.report(
                "LS108",
                f"{ctx.name}.{key} must not be negative, found {value} "
                "(torch cannot create a weight with a negative dimension)",
                key,
            )
            valid = False
    return valid


def check_layout(ctx: LayerContext, source: Source, batch_first: bool) -> None:
    """A sequence read with the other batch_first silently swaps batch and time (LS405)."""
    made_batch_first = source.tensor.batch_first
    if made_batch_first is None or made_batch_first == batch_first:
        return
    producer = source.tensor.origin.layer if source.tensor.origin else source.text

    def layout(batch_first: bool) -> str:
        return "(batch, seq, feature)" if batch_first else "(seq, batch, feature)"

    ctx.report(
        "LS405",
        f"{ctx.name} has batch_first: {str(batch_first).lower()} and reads "
        f"{layout(batch_first)}, but its input {source.text} comes from {producer}, "
        f"which has batch_first: {str(made_batch_first).lower()} and writes "
        f"{layout(made_batch_first)}: batch and time are silently swapped",
        "batch_first",
        hint=f"give {ctx.name} batch_first: {str(made_batch_first).lower()}",
    )
