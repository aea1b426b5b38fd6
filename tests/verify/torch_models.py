"""Small torch models for the verify tests: an LSTM encoder and a linear head."""

from __future__ import annotations

import torch
from torch import nn


class Tagger(nn.Module):
    """An LSTM over [B, T, 8] and a head on its last step (or on every step)."""

    def __init__(
        self,
        hidden_size: int = 16,
        num_layers: int = 1,
        bidirectional: bool = False,
        every_step: bool = False,
    ) -> None:
        super().__init__()
        self.every_step = every_step
        self.encoder = nn.LSTM(
            8, hidden_size, num_layers=num_layers, bidirectional=bidirectional, batch_first=True
        )
        self.dropout = nn.Dropout(0.1)  # never called: a spec that says it is gets LS508
        self.head = nn.Linear(hidden_size * (2 if bidirectional else 1), 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        output, _ = self.encoder(x)
        return self.head(output if self.every_step else output[:, -1])


class Nested(nn.Module):
    """The encoder one level down (``module: body.rnn``), and a parameter of its own."""

    def __init__(self) -> None:
        super().__init__()
        self.body = nn.Module()
        self.body.rnn = nn.GRU(8, 16, batch_first=True)
        self.head = nn.Linear(16, 4)
        self.scale = nn.Parameter(torch.ones(1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        output, _ = self.body.rnn(x)
        return self.head(output[:, -1]) * self.scale


def failing_factory() -> nn.Module:
    raise RuntimeError("no weights file at weights.pt")


def not_a_module() -> str:
    return "a string"


class ZeroState(Tagger):
    """Starts the encoder from zeros made on the CPU, as much code does (no device=)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h_0 = torch.zeros(1, x.size(0), 16)
        output, _ = self.encoder(x, (h_0, h_0))
        return self.head(output[:, -1])
