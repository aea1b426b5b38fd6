"""attention-chatbot: the model of torch-attention-chatbot.yaml, exported by lstmshape.

Each tensor's shape is lstmshape's, as a comment on the line that makes it.
"""

import torch
from torch import nn


class AttentionChatbot(nn.Module):
    """attention-chatbot: 18,852,326 parameters."""

    def __init__(self) -> None:
        super().__init__()
        # 3,913,000 parameters
        self.embedding = nn.Embedding(num_embeddings=7826, embedding_dim=500)
        # 7,512,000 parameters
        self.encoder_gru = nn.GRU(
            input_size=500,
            hidden_size=500,
            num_layers=2,
            dropout=0.1,
            bidirectional=True,
        )
        self.embedding_dropout = nn.Dropout(p=0.1)
        # 3,006,000 parameters
        self.decoder_gru = nn.GRU(
            input_size=500,
            hidden_size=500,
            num_layers=2,
            dropout=0.1,
        )
        # 500,500 parameters
        self.concat = nn.Linear(in_features=1000, out_features=500)
        self.out = nn.Linear(in_features=500, out_features=7826)  # 3,920,826 parameters

    def forward(
        self,
        input_seq: torch.Tensor,
        input_step: torch.Tensor,
    ) -> torch.Tensor:
        """Inputs: input_seq: [T, B], input_step: [1, B]."""
        embedding = self.embedding(input_seq)  # [T, B, 500]
        # encoder_gru [T, B, 1000], encoder_gru_h_n [4, B, 500]
        encoder_gru, encoder_gru_h_n = self.encoder_gru(embedding)
        # [T, B, 500]
        encoder_outputs = torch.add(
            encoder_gru[:, :, :500],
            other=encoder_gru[:, :, 500:],
        )
        decoder_embedding = self.embedding(input_step)  # [1, B, 500]
        embedding_dropout = self.embedding_dropout(decoder_embedding)  # [1, B, 500]
        # decoder_gru [1, B, 500], decoder_gru_h_n [2, B, 500]
        decoder_gru, decoder_gru_h_n = self.decoder_gru(
            embedding_dropout,
            encoder_gru_h_n[:2],
        )
        dot_score = torch.mul(decoder_gru, other=encoder_outputs)  # [T, B, 500]
        attn_energies = torch.sum(dot_score, dim=2)  # [T, B]
        attn_energies_t = torch.transpose(attn_energies, dim0=0, dim1=1)  # [B, T]
        attn_softmax = torch.softmax(attn_energies_t, dim=1)  # [B, T]
        attn_weights = torch.unsqueeze(attn_softmax, dim=1)  # [B, 1, T]
        # [B, T, 500]
        encoder_outputs_t = torch.transpose(encoder_outputs, dim0=0, dim1=1)
        context = torch.bmm(attn_weights, mat2=encoder_outputs_t)  # [B, 1, 500]
        rnn_output = torch.squeeze(decoder_gru, dim=0)  # [B, 500]
        context_squeezed = torch.squeeze(context, dim=1)  # [B, 500]
        concat_input = torch.cat([rnn_output, context_squeezed], dim=1)  # [B, 1000]
        concat = self.concat(concat_input)  # [B, 500]
        concat_output = torch.tanh(concat)  # [B, 500]
        out = self.out(concat_output)  # [B, 7826]
        probabilities = torch.softmax(out, dim=1)  # [B, 7826]
        return probabilities
