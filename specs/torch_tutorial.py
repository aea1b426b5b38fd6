"""lstm-tutorial: the model of torch-tutorial.yaml, exported by lstmshape.

Each tensor's shape is lstmshape's, as a comment on the line that makes it.
"""

import torch
from torch import nn


class LstmTutorial(nn.Module):
    """lstm-tutorial: 19,009 parameters."""

    def __init__(self) -> None:
        super().__init__()
        # 18,944 parameters
        self.lstm = nn.LSTM(input_size=8, hidden_size=64, batch_first=True)
        self.head = nn.Linear(in_features=64, out_features=1)  # 65 parameters

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Inputs: x: [32, 10, 8]."""
        # lstm [32, 10, 64], lstm_h_n [1, 32, 64], lstm_c_n [1, 32, 64]
        lstm, (lstm_h_n, lstm_c_n) = self.lstm(x)
        head = self.head(lstm[:, -1, :])  # [32, 1]
        return head
