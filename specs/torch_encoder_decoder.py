"""sentiment-bilstm: the model of torch-encoder-decoder.yaml, exported by lstmshape.

Each tensor's shape is lstmshape's, as a comment on the line that makes it.
"""

import torch
from torch import nn


class SentimentBilstm(nn.Module):
    """sentiment-bilstm: 1,032,579 parameters."""

    def __init__(self) -> None:
        super().__init__()
        # 561,152 parameters
        self.encoder = nn.LSTM(
            input_size=32,
            hidden_size=128,
            num_layers=2,
            batch_first=True,
            bidirectional=True,
        )
        # 471,040 parameters
        self.decoder = nn.LSTM(
            input_size=16,
            hidden_size=128,
            num_layers=4,
            batch_first=True,
        )
        self.head = nn.Linear(in_features=128, out_features=3)  # 387 parameters

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Inputs: x: [B, 50, 32], y: [B, 20, 16]."""
        # encoder [B, 50, 256], encoder_h_n [4, B, 128], encoder_c_n [4, B, 128]
        encoder, (encoder_h_n, encoder_c_n) = self.encoder(x)
        # decoder [B, 20, 128], decoder_h_n [4, B, 128], decoder_c_n [4, B, 128]
        decoder, (decoder_h_n, decoder_c_n) = self.decoder(
            y,
            (encoder_h_n, encoder_c_n),
        )
        head = self.head(decoder[:, -1, :])  # [B, 3]
        return head
