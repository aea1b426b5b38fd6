"""How Bidirectional runs one direction of each type it wraps, by that type's own rules.

Bidirectional (:mod:`.bidirectional`) knows no wrapped type: it asks
:func:`direction` for the rules of the layer's type.  LSTM, GRU, SimpleRNN
and RNN run by :func:`.recurrent.run`; a type with rules of its own
registers them in :data:`DIRECTIONS` beside its declaration
(ConvLSTM1D/2D/3D in :mod:`.conv_recurrent`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lstmshape.engine.tensors import LayerContext, Source
from lstmshape.frameworks.keras.recurrent import Run, check_state_sizes, run
from lstmshape.record import record


@record(frozen=True)
class Direction:
    """One wrapped type's rules, each given the wrapped layer's arguments."""

    run: Callable[[Any, LayerContext, Source], Run | None]
    """The direction's output, states and parameters; None (reported) if Keras fails."""
    check_states: Callable[[Any, LayerContext, list[Source], Run, list[str], int], None]
    """The sizes of the states it is given, named by the labels, from
    ``initial_state[offset]`` on; their count is Bidirectional's to check."""
    mask_fails: Callable[[Any, LayerContext, Source, Run], bool]
    """Whether its steps cannot take the input's mask (reported if so)."""
    size_key: str
    """The argument that sizes its output: ``units``, ``filters``."""
    sized_by: str
    """What sizes its output, in words: ``units``, ``filters and window``."""
    sizes: Callable[[Any], tuple[Any, ...]]
    """What sizes its output, to compare two directions before any input is known."""


def _check_state_sizes(
    layer: Any, ctx: LayerContext, states: list[Source], ran: Run, labels: list[str], offset: int
) -> None:
    check_state_sizes(ctx, states, layer, labels, ran.batch, offset=offset)


RECURRENT = Direction(
    run, _check_state_sizes, lambda *_: False, "units", "units", lambda layer: (layer.units,)
)
"""LSTM's, GRU's, SimpleRNN's and RNN's: a state is (batch, units), and any mask of
(batch, timesteps) fits their steps."""

DIRECTIONS: dict[str, Direction] = {}
"""The types with rules of their own, by name (registered by their modules)."""


def direction(layer: Any) -> Direction:
    return DIRECTIONS.get(layer.type, RECURRENT)
