"""conv1d-lstm-forecaster: the model of torch-conv1d-lstm-forecaster.yaml, exported by lstmshape.

Each tensor's shape is lstmshape's, as a comment on the line that makes it.
"""

import torch
from torch import nn


class Conv1dLstmForecaster(nn.Module):
    """conv1d-lstm-forecaster: 161,667 parameters."""

    def __init__(self) -> None:
        super().__init__()
        # 1,408 parameters
        self.conv1 = nn.Conv1d(in_channels=7, out_channels=64, kernel_size=3, padding=1)
        self.relu1 = nn.ReLU()
        # 12,352 parameters
        self.conv2 = nn.Conv1d(
            in_channels=64,
            out_channels=64,
            kernel_size=3,
            padding=1,
        )
        self.relu2 = nn.ReLU()
        self.pool = nn.MaxPool1d(kernel_size=2)
        # 147,200 parameters
        self.lstm = nn.LSTM(
            input_size=64,
            hidden_size=100,
            num_layers=2,
            batch_first=True,
            dropout=0.2,
        )
        self.head = nn.Linear(in_features=100, out_features=7)  # 707 parameters

    def forward(self, window: torch.Tensor) -> torch.Tensor:
        """Inputs: window: [B, T, 7]."""
        channels_first = torch.permute(window, dims=[0, 2, 1])  # [B, 7, T]
        conv1 = self.conv1(channels_first)  # [B, 64, T]
        relu1 = self.relu1(conv1)  # [B, 64, T]
        conv2 = self.conv2(relu1)  # [B, 64, T]
        relu2 = self.relu2(conv2)  # [B, 64, T]
        pool = self.pool(relu2)  # [B, 64, T // 2]
        time_first = torch.permute(pool, dims=[0, 2, 1])  # [B, T // 2, 64]
        # lstm [B, T // 2, 100], lstm_h_n [2, B, 100], lstm_c_n [2, B, 100]
        lstm, (lstm_h_n, lstm_c_n) = self.lstm(time_first)
        head = self.head(lstm[:, -1, :])  # [B, 7]
        return head
