"""lstmcell-captioning-step: the model of torch-lstmcell-captioning-step.yaml, exported by lstmshape.

Each tensor's shape is lstmshape's, as a comment on the line that makes it.
"""

import torch
from torch import nn


class LstmcellCaptioningStep(nn.Module):
    """lstmcell-captioning-step: 21,006,609 parameters."""

    def __init__(self) -> None:
        super().__init__()
        # 1,049,088 parameters
        self.init_h = nn.Linear(in_features=2048, out_features=512)
        # 1,049,088 parameters
        self.init_c = nn.Linear(in_features=2048, out_features=512)
        # 1,049,088 parameters
        self.encoder_att = nn.Linear(in_features=2048, out_features=512)
        # 262,656 parameters
        self.decoder_att = nn.Linear(in_features=512, out_features=512)
        self.att_relu = nn.ReLU()
        self.full_att = nn.Linear(in_features=512, out_features=1)  # 513 parameters
        self.alpha = nn.Softmax(dim=1)
        # 1,050,624 parameters
        self.f_beta = nn.Linear(in_features=512, out_features=2048)
        self.gate = nn.Sigmoid()
        # 5,120,000 parameters
        self.embedding = nn.Embedding(num_embeddings=10000, embedding_dim=512)
        # 6,295,552 parameters
        self.decode_step = nn.LSTMCell(input_size=2560, hidden_size=512)
        self.dropout = nn.Dropout(p=0.5)
        self.fc = nn.Linear(in_features=512, out_features=10000)  # 5,130,000 parameters

    def forward(
        self,
        encoder_out: torch.Tensor,
        previous_words: torch.Tensor,
    ) -> torch.Tensor:
        """Inputs: encoder_out: [B, 196, 2048], previous_words: [B]."""
        mean_encoder_out = torch.mean(encoder_out, dim=1)  # [B, 2048]
        init_h = self.init_h(mean_encoder_out)  # [B, 512]
        init_c = self.init_c(mean_encoder_out)  # [B, 512]
        encoder_att = self.encoder_att(encoder_out)  # [B, 196, 512]
        decoder_att = self.decoder_att(init_h)  # [B, 512]
        decoder_att_per_pixel = torch.unsqueeze(decoder_att, dim=1)  # [B, 1, 512]
        att_sum = torch.add(encoder_att, other=decoder_att_per_pixel)  # [B, 196, 512]
        att_relu = self.att_relu(att_sum)  # [B, 196, 512]
        full_att = self.full_att(att_relu)  # [B, 196, 1]
        att = torch.squeeze(full_att, dim=2)  # [B, 196]
        alpha = self.alpha(att)  # [B, 196]
        alpha_per_feature = torch.unsqueeze(alpha, dim=2)  # [B, 196, 1]
        weighted = torch.mul(encoder_out, other=alpha_per_feature)  # [B, 196, 2048]
        weighted_encoding = torch.sum(weighted, dim=1)  # [B, 2048]
        f_beta = self.f_beta(init_h)  # [B, 2048]
        gate = self.gate(f_beta)  # [B, 2048]
        gated_encoding = torch.mul(gate, other=weighted_encoding)  # [B, 2048]
        embedding = self.embedding(previous_words)  # [B, 512]
        step_input = torch.cat([embedding, gated_encoding], dim=1)  # [B, 2560]
        # decode_step_h_1 [B, 512], decode_step_c_1 [B, 512]
        decode_step_h_1, decode_step_c_1 = self.decode_step(
            step_input,
            (init_h, init_c),
        )
        dropout = self.dropout(decode_step_h_1)  # [B, 512]
        fc = self.fc(dropout)  # [B, 10000]
        return fc
