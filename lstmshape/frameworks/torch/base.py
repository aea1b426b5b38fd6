"""What torch's layer types share: the base of their configs and a check torch makes."""

from __future__ import annotations

from lstmshape.engine.tensors import LayerContext
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
