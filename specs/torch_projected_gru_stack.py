"""projected-lstm-gru: the model of torch-projected-gru-stack.yaml, exported by lstmshape.

Each tensor's shape is lstmshape's, as a comment on the line that makes it.
"""

import torch
from torch import nn


class ProjectedLstmGru(nn.Module):
    """projected-lstm-gru: 255,648 parameters."""

    def __init__(self) -> None:
        super().__init__()
        # 235,520 parameters
        self.lstm = nn.LSTM(
            input_size=40,
            hidden_size=256,
            num_layers=3,
            dropout=0.1,
            proj_size=32,
        )
        self.gru = nn.GRU(input_size=32, hidden_size=64)  # 18,816 parameters
        # 1,312 parameters
        self.rnn = nn.RNN(input_size=64, hidden_size=16, nonlinearity="relu")

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        """Inputs: frames: [T, B, 40]."""
        # lstm [T, B, 32], lstm_h_n [3, B, 32], lstm_c_n [3, B, 256]
        lstm, (lstm_h_n, lstm_c_n) = self.lstm(frames)
        gru, gru_h_n = self.gru(lstm)  # gru [T, B, 64], gru_h_n [1, B, 64]
        # rnn [T, B, 16], rnn_h_n [1, B, 16]
        rnn, rnn_h_n = self.rnn(gru, gru_h_n[:, :, :16])
        return rnn
