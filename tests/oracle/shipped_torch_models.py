"""The public torch models the shipped specs mirror, written as their authors wrote them.

tests/oracle/test_shipped_specs.py builds each spec as written; these are the
models themselves, transcribed from their sources with only what a shape
needs, so that a spec that departs from its model (a wrong kernel, a missing
layer) is found even where lstmshape and torch agree on the spec.  Each
``forward`` returns the tensors a spec's layers name, by layer and tensor.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

Tensors = dict[str, tuple[int, ...]]


def _shapes(**tensors: torch.Tensor) -> Tensors:
    return {name: tuple(tensor.shape) for name, tensor in tensors.items()}


class BidirectionalLSTM(nn.Module):
    """crnn.pytorch, models/crnn.py."""

    def __init__(self, n_in: int, n_hidden: int, n_out: int) -> None:
        super().__init__()
        self.rnn = nn.LSTM(n_in, n_hidden, bidirectional=True)
        self.embedding = nn.Linear(n_hidden * 2, n_out)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        recurrent, (h_n, c_n) = self.rnn(x)
        steps, batch, hidden = recurrent.size()
        output = self.embedding(recurrent.view(steps * batch, hidden))
        return output.view(steps, batch, -1), h_n, c_n


class CRNN(nn.Module):
    """crnn.pytorch, models/crnn.py: CRNN(imgH=32, nc=1, nclass=37, nh=256)."""

    def __init__(self, img_h: int = 32, nc: int = 1, nclass: int = 37, nh: int = 256) -> None:
        super().__init__()
        assert img_h % 16 == 0, "imgH has to be a multiple of 16"
        ks = [3, 3, 3, 3, 3, 3, 2]
        ps = [1, 1, 1, 1, 1, 1, 0]
        ss = [1, 1, 1, 1, 1, 1, 1]
        nm = [64, 128, 256, 256, 512, 512, 512]
        cnn = nn.Sequential()

        def conv_relu(i: int, batch_normalization: bool = False) -> None:
            n_in = nc if i == 0 else nm[i - 1]
            cnn.add_module(f"conv{i}", nn.Conv2d(n_in, nm[i], ks[i], ss[i], ps[i]))
            if batch_normalization:
                cnn.add_module(f"batchnorm{i}", nn.BatchNorm2d(nm[i]))
            cnn.add_module(f"relu{i}", nn.ReLU(True))

        conv_relu(0)
        cnn.add_module("pooling0", nn.MaxPool2d(2, 2))
        conv_relu(1)
        cnn.add_module("pooling1", nn.MaxPool2d(2, 2))
        conv_relu(2, True)
        conv_relu(3)
        cnn.add_module("pooling2", nn.MaxPool2d((2, 2), (2, 1), (0, 1)))
        conv_relu(4, True)
        conv_relu(5)
        cnn.add_module("pooling3", nn.MaxPool2d((2, 2), (2, 1), (0, 1)))
        conv_relu(6, True)
        self.cnn = cnn
        self.rnn1 = BidirectionalLSTM(512, nh, nh)
        self.rnn2 = BidirectionalLSTM(nh, nh, nclass)

    def forward(self, image: torch.Tensor) -> Tensors:
        conv = self.cnn(image)
        assert conv.size(2) == 1, "the height of conv must be 1"
        features = conv.squeeze(2).permute(2, 0, 1)
        hidden, h_n, c_n = self.rnn1(features)
        output, _, _ = self.rnn2(hidden)
        return _shapes(
            **{
                "features.output": features,
                "rnn1.h_n": h_n,
                "rnn1.c_n": c_n,
                "steps2.output": output,
            }
        )


class EncoderRNN(nn.Module):
    """The PyTorch Chatbot Tutorial's encoder (without packing, which changes no shape)."""

    def __init__(
        self, hidden_size: int, embedding: nn.Embedding, n_layers: int, dropout: float
    ) -> None:
        super().__init__()
        self.hidden_size = hidden_size
        self.embedding = embedding
        self.gru = nn.GRU(hidden_size, hidden_size, n_layers, dropout=dropout, bidirectional=True)

    def forward(self, input_seq: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        outputs, hidden = self.gru(self.embedding(input_seq))
        outputs = outputs[:, :, : self.hidden_size] + outputs[:, :, self.hidden_size :]
        return outputs, hidden


class LuongAttnDecoderRNN(nn.Module):
    """The tutorial's decoder with Attn('dot')."""

    def __init__(
        self,
        embedding: nn.Embedding,
        hidden_size: int,
        output_size: int,
        n_layers: int,
        dropout: float,
    ) -> None:
        super().__init__()
        self.n_layers = n_layers
        self.embedding = embedding
        self.embedding_dropout = nn.Dropout(dropout)
        self.gru = nn.GRU(hidden_size, hidden_size, n_layers, dropout=dropout)
        self.concat = nn.Linear(hidden_size * 2, hidden_size)
        self.out = nn.Linear(hidden_size, output_size)

    def forward(
        self, input_step: torch.Tensor, last_hidden: torch.Tensor, encoder_outputs: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        embedded = self.embedding_dropout(self.embedding(input_step))
        rnn_output, hidden = self.gru(embedded, last_hidden)
        attn_energies = torch.sum(rnn_output * encoder_outputs, dim=2).t()
        attn_weights = F.softmax(attn_energies, dim=1).unsqueeze(1)
        context = attn_weights.bmm(encoder_outputs.transpose(0, 1))
        concat_input = torch.cat((rnn_output.squeeze(0), context.squeeze(1)), 1)
        output = self.out(torch.tanh(self.concat(concat_input)))
        return F.softmax(output, dim=1), hidden, attn_weights


class Chatbot(nn.Module):
    """hidden_size 500, two layers each, dropout 0.1, voc.num_words 7,826."""

    def __init__(self, words: int = 7826, hidden_size: int = 500, n_layers: int = 2) -> None:
        super().__init__()
        embedding = nn.Embedding(words, hidden_size)
        self.encoder = EncoderRNN(hidden_size, embedding, n_layers, 0.1)
        self.decoder = LuongAttnDecoderRNN(embedding, hidden_size, words, n_layers, 0.1)

    def forward(self, input_seq: torch.Tensor, input_step: torch.Tensor) -> Tensors:
        encoder_outputs, encoder_hidden = self.encoder(input_seq)
        decoder_hidden = encoder_hidden[: self.decoder.n_layers]
        output, hidden, attn_weights = self.decoder(input_step, decoder_hidden, encoder_outputs)
        return _shapes(
            **{
                "encoder_gru.h_n": encoder_hidden,
                "encoder_outputs.output": encoder_outputs,
                "decoder_gru.h_n": hidden,
                "attn_weights.output": attn_weights,
                "probabilities.output": output,
            }
        )


class Conv1dLSTMForecaster(nn.Module):
    """The CNN-LSTM of specs/torch-conv1d-lstm-forecaster.yaml, as a module."""

    def __init__(self, variables: int = 7, filters: int = 64, hidden: int = 100) -> None:
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv1d(variables, filters, 3, padding=1),
            nn.ReLU(),
            nn.Conv1d(filters, filters, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool1d(2),
        )
        self.lstm = nn.LSTM(filters, hidden, num_layers=2, dropout=0.2, batch_first=True)
        self.head = nn.Linear(hidden, variables)

    def forward(self, window: torch.Tensor) -> Tensors:
        features = self.conv(window.permute(0, 2, 1)).permute(0, 2, 1)
        out, (h_n, c_n) = self.lstm(features)
        return _shapes(
            **{
                "lstm.output": out,
                "lstm.h_n": h_n,
                "lstm.c_n": c_n,
                "head.output": self.head(out[:, -1, :]),
            }
        )


class Attention(nn.Module):
    """a-PyTorch-Tutorial-to-Image-Captioning, models.py."""

    def __init__(self, encoder_dim: int, decoder_dim: int, attention_dim: int) -> None:
        super().__init__()
        self.encoder_att = nn.Linear(encoder_dim, attention_dim)
        self.decoder_att = nn.Linear(decoder_dim, attention_dim)
        self.full_att = nn.Linear(attention_dim, 1)
        self.relu = nn.ReLU()
        self.softmax = nn.Softmax(dim=1)

    def forward(
        self, encoder_out: torch.Tensor, decoder_hidden: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        att1 = self.encoder_att(encoder_out)
        att2 = self.decoder_att(decoder_hidden)
        att = self.full_att(self.relu(att1 + att2.unsqueeze(1))).squeeze(2)
        alpha = self.softmax(att)
        return (encoder_out * alpha.unsqueeze(2)).sum(dim=1), alpha


class DecoderWithAttention(nn.Module):
    """The same file's decoder, its first step (init_hidden_state, then one decode_step)."""

    def __init__(
        self,
        attention_dim: int = 512,
        embed_dim: int = 512,
        decoder_dim: int = 512,
        vocab_size: int = 10000,
        encoder_dim: int = 2048,
    ) -> None:
        super().__init__()
        self.attention = Attention(encoder_dim, decoder_dim, attention_dim)
        self.embedding = nn.Embedding(vocab_size, embed_dim)
        self.dropout = nn.Dropout(p=0.5)
        self.decode_step = nn.LSTMCell(embed_dim + encoder_dim, decoder_dim, bias=True)
        self.init_h = nn.Linear(encoder_dim, decoder_dim)
        self.init_c = nn.Linear(encoder_dim, decoder_dim)
        self.f_beta = nn.Linear(decoder_dim, encoder_dim)
        self.sigmoid = nn.Sigmoid()
        self.fc = nn.Linear(decoder_dim, vocab_size)

    def forward(self, encoder_out: torch.Tensor, previous_words: torch.Tensor) -> Tensors:
        mean_encoder_out = encoder_out.mean(dim=1)
        h, c = self.init_h(mean_encoder_out), self.init_c(mean_encoder_out)
        awe, alpha = self.attention(encoder_out, h)
        awe = self.sigmoid(self.f_beta(h)) * awe
        step_input = torch.cat([self.embedding(previous_words), awe], dim=1)
        h, c = self.decode_step(step_input, (h, c))
        return _shapes(
            **{
                "alpha.output": alpha,
                "step_input.output": step_input,
                "decode_step.h_1": h,
                "decode_step.c_1": c,
                "fc.output": self.fc(self.dropout(h)),
            }
        )


class SequenceWise(nn.Module):
    """deepspeech.pytorch, deepspeech_pytorch/model.py: a module applied to (T*N, H) rows."""

    def __init__(self, module: nn.Module) -> None:
        super().__init__()
        self.module = module

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        t, n = x.size(0), x.size(1)
        rows: torch.Tensor = self.module(x.view(t * n, -1))
        return rows.view(t, n, -1)


class MaskConv(nn.Module):
    """The same file's: each module, then every frame past a sequence's length zeroed."""

    def __init__(self, seq_module: nn.Sequential) -> None:
        super().__init__()
        self.seq_module = seq_module

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        for module in self.seq_module:
            x = module(x)
            mask = torch.BoolTensor(x.size()).fill_(0)
            for i, length in enumerate(lengths):
                if (mask[i].size(2) - int(length)) > 0:
                    mask[i].narrow(2, int(length), mask[i].size(2) - int(length)).fill_(1)
            x = x.masked_fill(mask, 0)
        return x


class BatchRNN(nn.Module):
    """The same file's, with a bidirectional LSTM; it also returns the states it drops."""

    def __init__(self, input_size: int, hidden_size: int, batch_norm: bool = True) -> None:
        super().__init__()
        self.batch_norm = SequenceWise(nn.BatchNorm1d(input_size)) if batch_norm else None
        self.rnn = nn.LSTM(input_size, hidden_size, bidirectional=True, bias=True)

    def forward(
        self, x: torch.Tensor, output_lengths: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        if self.batch_norm is not None:
            x = self.batch_norm(x)
        packed = nn.utils.rnn.pack_padded_sequence(x, output_lengths)
        packed, (h_n, c_n) = self.rnn(packed)
        x, _ = nn.utils.rnn.pad_packed_sequence(packed)
        x = x.view(x.size(0), x.size(1), 2, -1).sum(2).view(x.size(0), x.size(1), -1)
        return x, h_n, c_n


class DeepSpeech(nn.Module):
    """The same file's DeepSpeech with BiDirectionalConfig and SpectConfig's defaults (an LSTM
    of 1,024 units, 5 layers; 16 kHz in 20 ms windows) and the 29 labels of labels.json."""

    def __init__(self, hidden_size: int = 1024, hidden_layers: int = 5, labels: int = 29) -> None:
        super().__init__()
        self.conv = MaskConv(
            nn.Sequential(
                nn.Conv2d(1, 32, kernel_size=(41, 11), stride=(2, 2), padding=(20, 5)),
                nn.BatchNorm2d(32),
                nn.Hardtanh(0, 20, inplace=True),
                nn.Conv2d(32, 32, kernel_size=(21, 11), stride=(2, 1), padding=(10, 5)),
                nn.BatchNorm2d(32),
                nn.Hardtanh(0, 20, inplace=True),
            )
        )
        rnn_input_size = int(math.floor((16000 * 0.02) / 2) + 1)
        rnn_input_size = int(math.floor(rnn_input_size + 2 * 20 - 41) / 2 + 1)
        rnn_input_size = int(math.floor(rnn_input_size + 2 * 10 - 21) / 2 + 1)
        rnn_input_size *= 32
        self.rnns = nn.Sequential(
            BatchRNN(rnn_input_size, hidden_size, batch_norm=False),
            *(BatchRNN(hidden_size, hidden_size) for _ in range(hidden_layers - 1)),
        )
        self.fc = nn.Sequential(
            SequenceWise(
                nn.Sequential(
                    nn.BatchNorm1d(hidden_size), nn.Linear(hidden_size, labels, bias=False)
                )
            )
        )

    def get_seq_lens(self, input_length: torch.Tensor) -> torch.Tensor:
        seq_len = input_length
        for m in self.conv.modules():
            if type(m) is nn.Conv2d:
                assert isinstance(m.padding, tuple)  # numbers, not 'same' or 'valid'
                padding, dilation = m.padding[1], m.dilation[1]
                kernel, stride = m.kernel_size[1], m.stride[1]
                seq_len = (seq_len + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1
        return seq_len.int()

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> Tensors:
        output_lengths = self.get_seq_lens(lengths.cpu().int())
        x = self.conv(x, output_lengths)
        convolved = x
        sizes = x.size()
        x = x.view(sizes[0], sizes[1] * sizes[2], sizes[3])
        x = x.transpose(1, 2).transpose(0, 1).contiguous()
        features = x
        states = []
        for rnn in self.rnns:
            x, h_n, c_n = rnn(x, output_lengths)
            states.append((h_n, c_n))
        recurrent = x
        x = self.fc(x).transpose(0, 1)
        output = F.softmax(x, dim=-1)  # InferenceBatchSoftmax in eval mode
        return _shapes(
            **{
                "output_lengths.output": output_lengths,
                "hardtanh5.output": convolved,
                "features.output": features,
                "rnn0.h_n": states[0][0],
                "rnn0.c_n": states[0][1],
                "rnn4.h_n": states[-1][0],
                "rnn_output4.output": recurrent,
                "batch_first.output": x,
                "inference_softmax.output": output,
            }
        )
