"""``input_shape``: Keras's Sequential way of declaring a model's input on its first layer.

``input_shape`` (batch excluded) on the first layer declares the input with an
unknown batch.  On any other layer, or on a layer that reads ``input:``,
Keras ignores it (LS406).  With ``inputs:`` as well, the declared tensor is
the input (it may give the batch size) and ``input_shape`` must agree with
it (LS307).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lstmshape.diagnostics import NodePath, Problem
from lstmshape.engine.tensors import Source, Tensor
from lstmshape.shapes import Shape, format_shape, shapes_conflict

if TYPE_CHECKING:
    from lstmshape.engine.graph import Resolver
    from lstmshape.models.common import LayerBase
    from lstmshape.models.spec import ParsedSpec


def declared_input(
    config: LayerBase,
    written: str | None,
    previous: str | None,
    resolver: Resolver,
    spec: ParsedSpec,
) -> Source | None:
    """The input the first layer's ``input_shape`` declares, or None (reported if ignored)."""
    input_shape = getattr(config, "input_shape", None)  # every Keras layer config has one
    if input_shape is None:
        return None
    if previous is not None or written is not None:
        _ignored(resolver, written is not None)
        return None
    return _declared(resolver, spec, tuple(input_shape))


def _ignored(resolver: Resolver, has_input: bool) -> None:
    layer = resolver.layer
    reason = "it reads input:" if has_input else "it is not the first layer"
    resolver.problems.append(
        Problem(
            "LS406",
            f"{layer.name}.input_shape is ignored: {reason}, and Keras uses "
            "input_shape only to declare the input of a Sequential model's first layer",
            ("layers", layer.index, "input_shape"),
            hint="remove it; the layer's input shape comes from the tensor it reads",
            layer=layer.name,
            on_key=True,
        )
    )


def _declared(resolver: Resolver, spec: ParsedSpec, input_shape: Shape) -> Source:
    """The first layer's ``input_shape``: the model's input, batch unknown.

    With ``inputs:`` as well, the declared tensor is the input (it may give
    the batch size) and ``input_shape`` must agree with it.
    """
    layer = resolver.layer
    at = ("layers", layer.index, "input_shape")
    if not spec.inputs:
        return Source("input_shape", Tensor((None, *input_shape)), at)
    source = resolver.default(spec, None)
    shape = source.tensor.shape
    if shape is not None and shapes_conflict((None, *input_shape), shape):
        hint = (
            "declare the input once: keep inputs: (which can give the batch "
            "size) and remove input_shape, or the other way round"
        )
        if input_shape[:1] == (None,) and not shapes_conflict(input_shape, shape):
            rest = ", ".join("null" if dim is None else str(dim) for dim in input_shape[1:])
            hint = (
                f"input_shape excludes the batch (Keras adds it): write input_shape: [{rest}], "
                "or remove it, since inputs: declares the input"
            )
        resolver.problems.append(
            Problem(
                "LS307",
                f"{layer.name}.input_shape is {format_shape(input_shape)} (batch "
                f"excluded) but the layer reads {source.describe()}, which is "
                f"{format_shape(shape[1:]) if shape else '0-D'} without its batch",
                at,
                hint=hint,
                layer=layer.name,
            )
        )
    return source


_INPUT_TYPES = ("Input", "InputLayer")
_INPUT_PREFIXES = ("tensorflow.keras.", "tf.keras.", "keras.", "layers.")


def input_layer(written: str, raw: dict[str, Any], at: NodePath) -> Problem | None:
    """``type: Input`` (Keras's ``keras.Input(shape=...)`` habit): LS331, with the spec's way.

    A spec declares its inputs under ``inputs:`` (full shape, batch first) or
    with the first layer's ``input_shape`` (batch excluded), so the hint
    converts the shape written: ``shape: [10, 8]`` is ``x: [B, 10, 8]``.
    """
    name = written
    for prefix in _INPUT_PREFIXES:
        name = name.removeprefix(prefix)
    if name not in _INPUT_TYPES:
        return None
    tensor = raw.get("name") if isinstance(raw.get("name"), str) else "x"
    batch, steps = _input_dims(raw)
    if steps is None:
        example = f"{tensor}: [B, 10, 8]"
        shape = "[10, 8]"
    else:
        example = f"{tensor}: [{', '.join(_dim_text(d) for d in (batch, *steps))}]"
        shape = f"[{', '.join(_dim_text(d) for d in steps)}]"
    return Problem(
        "LS331",
        f"{name} declares a Keras model's input; in a spec it is not a layer",
        at,
        hint=f"declare the input under inputs: ({example}, the batch first), or give the "
        f"first layer input_shape: {shape} (the batch excluded)",
    )


def _input_dims(raw: dict[str, Any]) -> tuple[Any, list[Any] | None]:
    """The batch and the other dimensions an Input is given, or (B, None) if unreadable."""
    batch_shape = raw.get("batch_shape")
    if isinstance(batch_shape, list) and batch_shape:
        return batch_shape[0] if batch_shape[0] is not None else "B", batch_shape[1:]
    shape = raw.get("shape")
    batch = raw.get("batch_size")
    batch = batch if isinstance(batch, int) and not isinstance(batch, bool) else "B"
    if isinstance(shape, int) and not isinstance(shape, bool):
        return batch, [shape]
    return batch, shape if isinstance(shape, list) else None


def _dim_text(dim: Any) -> str:
    return "null" if dim is None else str(dim)
