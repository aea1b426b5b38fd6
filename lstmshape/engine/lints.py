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

A padded batch (pad_packed_sequence's output, or a recurrent layer's output
over one) ends in padding for every sequence shorter than the longest, so
its last step is padding for them, not their last output (LS412); h_n of a
recurrent layer that ran on the packed sequence holds each one's own last
state.

h_n stacks num_layers * directions states, the first layer's first, so a
decoder started from ``h_n[:k]`` (the chatbot tutorial's
``encoder_hidden[:decoder.n_layers]``) gets the encoder's *first* layers,
not its last ones (LS413).
"""

from __future__ import annotations

from lstmshape.diagnostics import Problem
from lstmshape.engine.tensors import Origin, Padded, Source
from lstmshape.references import Subscript

_STATE_TENSORS = ("h_n",)


def _join_hint(layer: str) -> str:
    return (
        f"join both directions with a cat layer: tensors: ['{layer}.h_n[-2]', "
        f"'{layer}.h_n[-1]'] and dim: 1"
    )


def reference_lints(sources: list[Source], layer: str) -> list[Problem]:
    if not any(source.reference is not None and source.reference.subscripts for source in sources):
        return []  # every lint here is about an index into a layer's tensor
    read_forward = {
        source.origin.layer
        for source in sources
        if source.origin is not None and _first_index(source) == (-2,)
    }
    problems = []
    for source in sources:
        origin = source.origin
        first = _first_index(source)
        if origin is None or first is None:
            continue
        if origin.padded is not None and _selects_last_step(origin, first):
            problems.append(_padding_step(source, origin.padded, layer))
        if not origin.bidirectional:
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


def _padding_step(source: Source, padded: Padded, layer: str) -> Problem:
    if padded.ran_over_padding:
        message = (
            f"{source.text} is the last step of {padded.by}, which ran over a padded batch: "
            "for every sequence shorter than the longest it has read padding after the "
            "sequence's end"
        )
        hint = (
            f"give {padded.by} the packed sequence (pack_padded_sequence with the lengths) and "
            f"read {padded.by}.h_n[-1], which stops at each sequence's own length"
        )
    else:
        message = (
            f"{source.text} is the last step of the padded batch {padded.by}: for every "
            "sequence shorter than the longest it is padding, not the sequence's last output"
        )
        if padded.recurrent is None:
            hint = (
                "run a recurrent layer on the packed sequence and read its h_n[-1], which "
                "stops at each sequence's own length"
            )
        elif padded.bidirectional:
            hint = (
                f"read the final states of {padded.recurrent}, which stop at each sequence's own "
                f"length: {_join_hint(padded.recurrent)}"
            )
        else:
            hint = (
                f"read {padded.recurrent}.h_n[-1], the last layer's final state, which stops at "
                "each sequence's own length"
            )
    return Problem("LS412", message, source.at, hint=hint, layer=layer)


def state_lints(states: list[Source], layer: str) -> list[Problem]:
    """LS413: an initial state sliced from the first layers of a stack of states."""
    problems = []
    for source in states:
        origin = source.origin
        first = _first_index(source)
        if origin is None or first is None or not isinstance(origin.stack, int):
            continue
        taken = _leading_count(first, origin.stack)
        if origin.tensor in ("h_n", "c_n") and taken is not None and taken < origin.stack:
            problems.append(_first_layers(source, origin, taken, layer))
    return problems


def _leading_count(first: Subscript, stack: int) -> int | None:
    """k for ``[:k]`` or ``[0:k]`` (a negative k counts from the end), else None."""
    if len(first) != 1 or not isinstance(first[0], slice):
        return None
    items = first[0]
    if items.start not in (None, 0) or items.step not in (None, 1) or items.stop is None:
        return None
    taken = items.stop if items.stop >= 0 else stack + items.stop
    return taken if taken > 0 else None


def _first_layers(source: Source, origin: Origin, taken: int, layer: str) -> Problem:
    order = "layer by layer, forward then backward" if origin.bidirectional else "layer by layer"
    return Problem(
        "LS413",
        f"{source.text} takes the first {taken} of the {origin.stack} states in "
        f"{origin.layer}.{origin.tensor} ({order}, the first layer's first): the states of "
        f"{origin.layer}'s first layers, not of its last",
        source.at,
        hint=f"take the last layers' states: {origin.layer}.{origin.tensor}[-{taken}:]",
        layer=layer,
    )
