"""Silent bugs in how a layer reads another's tensors, which no framework reports.

A bidirectional recurrent layer stacks its two directions: h_n holds, per
layer, the forward state then the backward state, and each step of output
holds the forward features then the backward features.  So:

* ``h_n[-1]`` alone is the last layer's *backward* state only (LS402).  Read
  with ``h_n[-2]`` in the same layer, it is the usual way to join both::

      - type: cat
        tensors: ['enc.h_n[-2]', 'enc.h_n[-1]']   # quoted: [ ] inside [ ]
        dim: 1

* ``output[:, -1]`` (``output[-1]`` without batch_first) joins the forward
  direction's last step with the backward direction's *first* step, which has
  seen a single element (LS403).  The same holds for the merged output of a
  Keras ``Bidirectional`` with ``return_sequences: true``.
"""

from __future__ import annotations

from lstmshape.diagnostics import Problem
from lstmshape.engine.tensors import Origin, Source
from lstmshape.references import Subscript

_STATE_TENSORS = ("h_n",)


def _join_hint(layer: str) -> str:
    return (
        f"join both directions with a cat layer: tensors: ['{layer}.h_n[-2]', "
        f"'{layer}.h_n[-1]'] and dim: 1"
    )


def reference_lints(sources: list[Source], layer: str) -> list[Problem]:
    read_forward = {
        source.origin.layer
        for source in sources
        if source.origin is not None and _first_index(source) == (-2,)
    }
    problems = []
    for source in sources:
        origin = source.origin
        first = _first_index(source)
        if origin is None or not origin.bidirectional or first is None:
            continue
        if origin.tensor in _STATE_TENSORS and first[:1] == (-1,):
            if origin.layer not in read_forward:
                problems.append(_backward_only(source, origin, layer))
        elif _selects_last_step(origin, first):
            problems.append(_mixed_last_step(source, origin, layer))
    return problems


def _first_index(source: Source) -> Subscript | None:
    if source.reference is None or not source.reference.subscripts:
        return None
    first = source.reference.subscripts[0]
    return None if Ellipsis in first or None in first else first


def _selects_last_step(origin: Origin, first: Subscript) -> bool:
    axis = origin.time_axis
    return (
        origin.tensor == "output" and axis is not None and len(first) > axis and first[axis] == -1
    )


def _backward_only(source: Source, origin: Origin, layer: str) -> Problem:
    return Problem(
        "LS402",
        f"{source.text} is only the backward direction of {origin.layer}'s last layer: "
        "a bidirectional layer's h_n holds (forward, backward) for each layer",
        source.at,
        hint=_join_hint(origin.layer),
        layer=layer,
    )


def _mixed_last_step(source: Source, origin: Origin, layer: str) -> Problem:
    hint = _join_hint(origin.layer)
    if origin.framework == "keras":
        hint = (
            f"give the layer {origin.layer} wraps return_sequences: false: Keras then merges "
            "each direction's final output (the backward one after reading the whole sequence)"
        )
    return Problem(
        "LS403",
        f"{source.text} takes the last time step of bidirectional {origin.layer}: its "
        "forward half has seen the whole sequence, but its backward half only the last element",
        source.at,
        hint=hint,
        layer=layer,
    )
