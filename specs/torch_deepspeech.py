"""deepspeech: the model of torch-deepspeech.yaml, exported by lstmshape.

Each tensor's shape is lstmshape's, as a comment on the line that makes it.
"""

import torch
from torch import nn


class Deepspeech(nn.Module):
    """deepspeech: 86,618,400 parameters."""

    def __init__(self) -> None:
        super().__init__()
        # 14,464 parameters
        self.conv0 = nn.Conv2d(
            in_channels=1,
            out_channels=32,
            kernel_size=[41, 11],
            stride=[2, 2],
            padding=[20, 5],
        )
        self.batchnorm1 = nn.BatchNorm2d(num_features=32)  # 64 parameters
        self.hardtanh2 = nn.Hardtanh(min_val=0.0, max_val=20.0, inplace=True)
        # 236,576 parameters
        self.conv3 = nn.Conv2d(
            in_channels=32,
            out_channels=32,
            kernel_size=[21, 11],
            stride=[2, 1],
            padding=[10, 5],
        )
        self.batchnorm4 = nn.BatchNorm2d(num_features=32)  # 64 parameters
        self.hardtanh5 = nn.Hardtanh(min_val=0.0, max_val=20.0, inplace=True)
        # 19,152,896 parameters
        self.rnn0 = nn.LSTM(
            input_size=1312,
            hidden_size=1024,
            bias=True,
            bidirectional=True,
        )
        self.batch_norm1 = nn.BatchNorm1d(num_features=1024)  # 2,048 parameters
        # 16,793,600 parameters
        self.rnn1 = nn.LSTM(
            input_size=1024,
            hidden_size=1024,
            bias=True,
            bidirectional=True,
        )
        self.batch_norm2 = nn.BatchNorm1d(num_features=1024)  # 2,048 parameters
        # 16,793,600 parameters
        self.rnn2 = nn.LSTM(
            input_size=1024,
            hidden_size=1024,
            bias=True,
            bidirectional=True,
        )
        self.batch_norm3 = nn.BatchNorm1d(num_features=1024)  # 2,048 parameters
        # 16,793,600 parameters
        self.rnn3 = nn.LSTM(
            input_size=1024,
            hidden_size=1024,
            bias=True,
            bidirectional=True,
        )
        self.batch_norm4 = nn.BatchNorm1d(num_features=1024)  # 2,048 parameters
        # 16,793,600 parameters
        self.rnn4 = nn.LSTM(
            input_size=1024,
            hidden_size=1024,
            bias=True,
            bidirectional=True,
        )
        self.fc_batch_norm = nn.BatchNorm1d(num_features=1024)  # 2,048 parameters
        # 29,696 parameters
        self.fc_linear = nn.Linear(in_features=1024, out_features=29, bias=False)

    def forward(self, spect: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """Inputs: spect: [B, 1, 161, T], lengths: [B]."""
        B = spect.size(0)
        T = spect.size(3)
        minus_one = torch.sub(lengths, other=1)  # [B]
        halved = torch.div(minus_one, rounding_mode="floor", other=2)  # [B]
        output_lengths = torch.add(halved, other=1)  # [B]
        conv0 = self.conv0(spect)  # [B, 32, 81, (T + 1) // 2]
        batchnorm1 = self.batchnorm1(conv0)  # [B, 32, 81, (T + 1) // 2]
        hardtanh2 = self.hardtanh2(batchnorm1)  # [B, 32, 81, (T + 1) // 2]
        conv3 = self.conv3(hardtanh2)  # [B, 32, 41, (T + 1) // 2]
        batchnorm4 = self.batchnorm4(conv3)  # [B, 32, 41, (T + 1) // 2]
        hardtanh5 = self.hardtanh5(batchnorm4)  # [B, 32, 41, (T + 1) // 2]
        collapse = hardtanh5.view([B, 1312, (T + 1) // 2])  # [B, 1312, (T + 1) // 2]
        # [B, (T + 1) // 2, 1312]
        transpose_1_2 = torch.transpose(collapse, dim0=1, dim1=2)
        # [(T + 1) // 2, B, 1312]
        transpose_0_1 = torch.transpose(transpose_1_2, dim0=0, dim1=1)
        features = transpose_0_1.contiguous()  # [(T + 1) // 2, B, 1312]
        # [None, 1312]
        packed0 = torch.nn.utils.rnn.pack_padded_sequence(
            features,
            lengths=output_lengths,
        )
        # rnn0 [None, 2048], rnn0_h_n [2, B, 1024], rnn0_c_n [2, B, 1024]
        rnn0, (rnn0_h_n, rnn0_c_n) = self.rnn0(packed0)
        # padded0 [(T + 1) // 2, B, 2048], padded0_lengths [B]
        padded0, padded0_lengths = torch.nn.utils.rnn.pad_packed_sequence(rnn0)
        # [(T + 1) // 2, B, 2, 1024]
        directions0 = padded0.view([(T + 1) // 2, B, 2, -1])
        summed0 = torch.sum(directions0, dim=2)  # [(T + 1) // 2, B, 1024]
        rnn_output0 = summed0.view([(T + 1) // 2, B, -1])  # [(T + 1) // 2, B, 1024]
        rows1 = rnn_output0.view([B * ((T + 1) // 2), -1])  # [B*((T + 1) // 2), 1024]
        batch_norm1 = self.batch_norm1(rows1)  # [B*((T + 1) // 2), 1024]
        steps1 = batch_norm1.view([(T + 1) // 2, B, -1])  # [(T + 1) // 2, B, 1024]
        # [None, 1024]
        packed1 = torch.nn.utils.rnn.pack_padded_sequence(
            steps1,
            lengths=output_lengths,
        )
        # rnn1 [None, 2048], rnn1_h_n [2, B, 1024], rnn1_c_n [2, B, 1024]
        rnn1, (rnn1_h_n, rnn1_c_n) = self.rnn1(packed1)
        # padded1 [(T + 1) // 2, B, 2048], padded1_lengths [B]
        padded1, padded1_lengths = torch.nn.utils.rnn.pad_packed_sequence(rnn1)
        # [(T + 1) // 2, B, 2, 1024]
        directions1 = padded1.view([(T + 1) // 2, B, 2, -1])
        summed1 = torch.sum(directions1, dim=2)  # [(T + 1) // 2, B, 1024]
        rnn_output1 = summed1.view([(T + 1) // 2, B, -1])  # [(T + 1) // 2, B, 1024]
        rows2 = rnn_output1.view([B * ((T + 1) // 2), -1])  # [B*((T + 1) // 2), 1024]
        batch_norm2 = self.batch_norm2(rows2)  # [B*((T + 1) // 2), 1024]
        steps2 = batch_norm2.view([(T + 1) // 2, B, -1])  # [(T + 1) // 2, B, 1024]
        # [None, 1024]
        packed2 = torch.nn.utils.rnn.pack_padded_sequence(
            steps2,
            lengths=output_lengths,
        )
        # rnn2 [None, 2048], rnn2_h_n [2, B, 1024], rnn2_c_n [2, B, 1024]
        rnn2, (rnn2_h_n, rnn2_c_n) = self.rnn2(packed2)
        # padded2 [(T + 1) // 2, B, 2048], padded2_lengths [B]
        padded2, padded2_lengths = torch.nn.utils.rnn.pad_packed_sequence(rnn2)
        # [(T + 1) // 2, B, 2, 1024]
        directions2 = padded2.view([(T + 1) // 2, B, 2, -1])
        summed2 = torch.sum(directions2, dim=2)  # [(T + 1) // 2, B, 1024]
        rnn_output2 = summed2.view([(T + 1) // 2, B, -1])  # [(T + 1) // 2, B, 1024]
        rows3 = rnn_output2.view([B * ((T + 1) // 2), -1])  # [B*((T + 1) // 2), 1024]
        batch_norm3 = self.batch_norm3(rows3)  # [B*((T + 1) // 2), 1024]
        steps3 = batch_norm3.view([(T + 1) // 2, B, -1])  # [(T + 1) // 2, B, 1024]
        # [None, 1024]
        packed3 = torch.nn.utils.rnn.pack_padded_sequence(
            steps3,
            lengths=output_lengths,
        )
        # rnn3 [None, 2048], rnn3_h_n [2, B, 1024], rnn3_c_n [2, B, 1024]
        rnn3, (rnn3_h_n, rnn3_c_n) = self.rnn3(packed3)
        # padded3 [(T + 1) // 2, B, 2048], padded3_lengths [B]
        padded3, padded3_lengths = torch.nn.utils.rnn.pad_packed_sequence(rnn3)
        # [(T + 1) // 2, B, 2, 1024]
        directions3 = padded3.view([(T + 1) // 2, B, 2, -1])
        summed3 = torch.sum(directions3, dim=2)  # [(T + 1) // 2, B, 1024]
        rnn_output3 = summed3.view([(T + 1) // 2, B, -1])  # [(T + 1) // 2, B, 1024]
        rows4 = rnn_output3.view([B * ((T + 1) // 2), -1])  # [B*((T + 1) // 2), 1024]
        batch_norm4 = self.batch_norm4(rows4)  # [B*((T + 1) // 2), 1024]
        steps4 = batch_norm4.view([(T + 1) // 2, B, -1])  # [(T + 1) // 2, B, 1024]
        # [None, 1024]
        packed4 = torch.nn.utils.rnn.pack_padded_sequence(
            steps4,
            lengths=output_lengths,
        )
        # rnn4 [None, 2048], rnn4_h_n [2, B, 1024], rnn4_c_n [2, B, 1024]
        rnn4, (rnn4_h_n, rnn4_c_n) = self.rnn4(packed4)
        # padded4 [(T + 1) // 2, B, 2048], padded4_lengths [B]
        padded4, padded4_lengths = torch.nn.utils.rnn.pad_packed_sequence(rnn4)
        # [(T + 1) // 2, B, 2, 1024]
        directions4 = padded4.view([(T + 1) // 2, B, 2, -1])
        summed4 = torch.sum(directions4, dim=2)  # [(T + 1) // 2, B, 1024]
        rnn_output4 = summed4.view([(T + 1) // 2, B, -1])  # [(T + 1) // 2, B, 1024]
        fc_rows = rnn_output4.view([B * ((T + 1) // 2), -1])  # [B*((T + 1) // 2), 1024]
        fc_batch_norm = self.fc_batch_norm(fc_rows)  # [B*((T + 1) // 2), 1024]
        fc_linear = self.fc_linear(fc_batch_norm)  # [B*((T + 1) // 2), 29]
        fc_steps = fc_linear.view([(T + 1) // 2, B, -1])  # [(T + 1) // 2, B, 29]
        batch_first = torch.transpose(fc_steps, dim0=0, dim1=1)  # [B, (T + 1) // 2, 29]
        inference_softmax = torch.softmax(batch_first, dim=-1)  # [B, (T + 1) // 2, 29]
        return inference_softmax
