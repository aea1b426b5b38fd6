"""The cells keras.layers.RNN runs: LSTMCell, GRUCell and SimpleRNNCell, as arguments.

A cell is one step of LSTM, GRU or SimpleRNN: the same arguments without the
layer's (return_sequences, go_backwards, ...), and the same weights.  It is
not a layer type of its own: a spec writes it only inside an ``RNN``'s
``cell:``, a mapping, or a list of them for Keras's stacked cells.
"""

from __future__ import annotations

from typing import Annotated, Literal

from lstmshape.frameworks.keras.base import KerasArgs, Tagged
from lstmshape.models.common import Field
from lstmshape.models.errors import did_you_mean


class CellArgs(KerasArgs):
    units: int
    activation: str | None = "tanh"
    use_bias: bool = True
    dropout: float = 0.0
    recurrent_dropout: float = 0.0
    kernel_initializer: str = "glorot_uniform"
    recurrent_initializer: str = "orthogonal"
    bias_initializer: str = "zeros"
    kernel_regularizer: str | None = None
    recurrent_regularizer: str | None = None
    bias_regularizer: str | None = None
    kernel_constraint: str | None = None
    recurrent_constraint: str | None = None
    bias_constraint: str | None = None
    seed: int | None = None


class LSTMCellArgs(CellArgs):
    type: Literal["LSTMCell"]
    recurrent_activation: str | None = "sigmoid"
    unit_forget_bias: bool = True


class GRUCellArgs(CellArgs):
    type: Literal["GRUCell"]
    recurrent_activation: str | None = "sigmoid"
    reset_after: bool = True


class SimpleRNNCellArgs(CellArgs):
    type: Literal["SimpleRNNCell"]


CELL_TYPES: dict[str, type[CellArgs]] = {
    "LSTMCell": LSTMCellArgs,
    "GRUCell": GRUCellArgs,
    "SimpleRNNCell": SimpleRNNCellArgs,
}
"""The cells an RNN takes, by the name a spec writes in the cell's ``type:``."""

_FOREIGN_CELLS = {"RNNCell": "RNNCell is torch's; Keras's is SimpleRNNCell"}


def cell_refusal(written: str) -> tuple[str, str]:
    """Why ``written`` is no cell of an RNN, and what to write: LS104's message and hint."""
    message = "but RNN's cell is an LSTMCell, GRUCell or SimpleRNNCell, or a list of them"
    if f"{written}Cell" in CELL_TYPES:
        # Keras takes RNN(LSTM(4)) and fails when it is called: the layer builds its own cell
        return message, (
            f"{written} is a layer, not a cell: write type: {written}Cell for RNN's cell, or "
            f"use type: {written} on its own without RNN (Keras fails when RNN({written}(...)) "
            "is called)"
        )
    close = did_you_mean(written, CELL_TYPES)
    hint = _FOREIGN_CELLS.get(written) or (f"did you mean {close}?" if close else None)
    return message, hint or (
        "write a cell with its units, cell: {type: LSTMCell, units: 64}, or a list of cells "
        "for a stack (Keras raises for a layer that is no cell: The RNN cell should have a "
        "`state_size` attribute)"
    )


AnyCell = Annotated[CellArgs, Tagged(CELL_TYPES)]
"""One cell, told apart by its ``type`` (``keras.layers.LSTMCell`` is ``LSTMCell``)."""


class RNNArgs(KerasArgs):
    """keras.layers.RNN's arguments: a cell, or a list of cells run as one stack."""

    type: Literal["RNN"]
    cell: AnyCell | Annotated[list[AnyCell], Field(min_length=1)]
    return_sequences: bool = False
    return_state: bool = False
    go_backwards: bool = False
    stateful: bool = False
    unroll: bool = False
    zero_output_for_mask: bool = False
    trainable: bool = True
    dtype: str | None = None

    @property
    def stacked(self) -> bool:
        """A list of cells (even of one): Keras's StackedRNNCells, with states per cell."""
        return isinstance(self.cell, list)

    @property
    def cells(self) -> tuple[CellArgs, ...]:
        return tuple(self.cell) if isinstance(self.cell, list) else (self.cell,)

    @property
    def units(self) -> int:
        """The output's features: the last cell's units."""
        return self.cells[-1].units
