"""bilstm-classifier: the model of torch-bilstm-classifier.yaml, exported by lstmshape.

Each tensor's shape is lstmshape's, as a comment on the line that makes it.
"""

import torch
from torch import nn


class BilstmClassifier(nn.Module):
    """bilstm-classifier: 2,184,836 parameters."""

    def __init__(self) -> None:
        super().__init__()
        # 2,000,000 parameters
        self.embed = nn.Embedding(
            num_embeddings=20000,
            embedding_dim=100,
            padding_idx=0,
        )
        # 184,320 parameters
        self.lstm = nn.LSTM(
            input_size=100,
            hidden_size=64,
            num_layers=2,
            batch_first=True,
            dropout=0.3,
            bidirectional=True,
        )
        self.dropout = nn.Dropout(p=0.5)
        self.classifier = nn.Linear(in_features=128, out_features=4)  # 516 parameters

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        """Inputs: tokens: [batch, 120]."""
        embed = self.embed(tokens)  # [batch, 120, 100]
        # lstm [batch, 120, 128], lstm_h_n [4, batch, 64], lstm_c_n [4, batch, 64]
        lstm, (lstm_h_n, lstm_c_n) = self.lstm(embed)
        last_states = torch.cat([lstm_h_n[-2], lstm_h_n[-1]], dim=1)  # [batch, 128]
        dropout = self.dropout(last_states)  # [batch, 128]
        classifier = self.classifier(dropout)  # [batch, 4]
        return classifier
