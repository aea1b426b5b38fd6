"""The model's inputs: Keras's ``batch_shape`` with a symbol for each size left open.

Keras writes an open size as None; a spec names it, so that shapes read as
the model computes them:

* ``B``: the batch (always open in a Keras model unless it is given);
* ``T``: the size of axis 1, the timesteps of a sequence, when it is open;
* ``D2``, ``D3``, ...: any other open size, by its axis.

The same axis gets the same symbol in every input: Keras checks only when
the model runs that an input's timesteps match another's (a ``mask=``
input, two sequences added), and a model that combines them needs them
equal.  Where two inputs' lengths really differ (an encoder's and a
decoder's), rename one symbol in the spec (``T`` to ``S``).
"""

from __future__ import annotations

import re
from typing import Any

from lstmshape.shapes import Dim

BATCH, TIME = "B", "T"


def input_shape(batch_shape: list[Any]) -> list[Dim]:
    """A Keras ``batch_shape`` as a spec's input shape."""
    return [_dim(size, axis) for axis, size in enumerate(batch_shape)]


def _dim(size: Any, axis: int) -> Dim:
    if size is not None:
        return int(size)
    if axis == 0:
        return BATCH
    return TIME if axis == 1 else f"D{axis}"


def is_shape(value: Any) -> bool:
    return isinstance(value, list) and all(
        size is None or (isinstance(size, int) and not isinstance(size, bool) and size >= 0)
        for size in value
    )


def spec_name(keras_name: str, taken: set[str]) -> str:
    """A Keras name as a spec's name (letters, digits, _), unique among ``taken``."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", keras_name) or "layer"
    if not (name[0].isalpha() or name[0] == "_"):
        name = f"_{name}"
    candidate, suffix = name, 1
    while candidate in taken:
        suffix += 1
        candidate = f"{name}_{suffix}"
    taken.add(candidate)
    return candidate
