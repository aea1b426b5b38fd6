"""crnn: the model of torch-crnn.yaml, exported by lstmshape.

Each tensor's shape is lstmshape's, as a comment on the line that makes it.
"""

import torch
from torch import nn


class Crnn(nn.Module):
    """crnn: 8,331,301 parameters."""

    def __init__(self) -> None:
        super().__init__()
        # 640 parameters
        self.conv0 = nn.Conv2d(in_channels=1, out_channels=64, kernel_size=3, padding=1)
        self.relu0 = nn.ReLU(inplace=True)
        self.pooling0 = nn.MaxPool2d(kernel_size=2, stride=2)
        # 73,856 parameters
        self.conv1 = nn.Conv2d(
            in_channels=64,
            out_channels=128,
            kernel_size=3,
            padding=1,
        )
        self.relu1 = nn.ReLU(inplace=True)
        self.pooling1 = nn.MaxPool2d(kernel_size=2, stride=2)
        # 295,168 parameters
        self.conv2 = nn.Conv2d(
            in_channels=128,
            out_channels=256,
            kernel_size=3,
            padding=1,
        )
        self.batchnorm2 = nn.BatchNorm2d(num_features=256)  # 512 parameters
        self.relu2 = nn.ReLU(inplace=True)
        # 590,080 parameters
        self.conv3 = nn.Conv2d(
            in_channels=256,
            out_channels=256,
            kernel_size=3,
            padding=1,
        )
        self.relu3 = nn.ReLU(inplace=True)
        self.pooling2 = nn.MaxPool2d(kernel_size=[2, 2], stride=[2, 1], padding=[0, 1])
        # 1,180,160 parameters
        self.conv4 = nn.Conv2d(
            in_channels=256,
            out_channels=512,
            kernel_size=3,
            padding=1,
        )
        self.batchnorm4 = nn.BatchNorm2d(num_features=512)  # 1,024 parameters
        self.relu4 = nn.ReLU(inplace=True)
        # 2,359,808 parameters
        self.conv5 = nn.Conv2d(
            in_channels=512,
            out_channels=512,
            kernel_size=3,
            padding=1,
        )
        self.relu5 = nn.ReLU(inplace=True)
        self.pooling3 = nn.MaxPool2d(kernel_size=[2, 2], stride=[2, 1], padding=[0, 1])
        # 1,049,088 parameters
        self.conv6 = nn.Conv2d(in_channels=512, out_channels=512, kernel_size=2)
        self.batchnorm6 = nn.BatchNorm2d(num_features=512)  # 1,024 parameters
        self.relu6 = nn.ReLU(inplace=True)
        # 1,576,960 parameters
        self.rnn1 = nn.LSTM(input_size=512, hidden_size=256, bidirectional=True)
        # 131,328 parameters
        self.embedding1 = nn.Linear(in_features=512, out_features=256)
        # 1,052,672 parameters
        self.rnn2 = nn.LSTM(input_size=256, hidden_size=256, bidirectional=True)
        # 18,981 parameters
        self.embedding2 = nn.Linear(in_features=512, out_features=37)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        """Inputs: image: [B, 1, 32, W]."""
        B = image.size(0)
        W = image.size(3)
        conv0 = self.conv0(image)  # [B, 64, 32, W]
        relu0 = self.relu0(conv0)  # [B, 64, 32, W]
        pooling0 = self.pooling0(relu0)  # [B, 64, 16, W // 2]
        conv1 = self.conv1(pooling0)  # [B, 128, 16, W // 2]
        relu1 = self.relu1(conv1)  # [B, 128, 16, W // 2]
        pooling1 = self.pooling1(relu1)  # [B, 128, 8, W // 4]
        conv2 = self.conv2(pooling1)  # [B, 256, 8, W // 4]
        batchnorm2 = self.batchnorm2(conv2)  # [B, 256, 8, W // 4]
        relu2 = self.relu2(batchnorm2)  # [B, 256, 8, W // 4]
        conv3 = self.conv3(relu2)  # [B, 256, 8, W // 4]
        relu3 = self.relu3(conv3)  # [B, 256, 8, W // 4]
        pooling2 = self.pooling2(relu3)  # [B, 256, 4, (W + 4) // 4]
        conv4 = self.conv4(pooling2)  # [B, 512, 4, (W + 4) // 4]
        batchnorm4 = self.batchnorm4(conv4)  # [B, 512, 4, (W + 4) // 4]
        relu4 = self.relu4(batchnorm4)  # [B, 512, 4, (W + 4) // 4]
        conv5 = self.conv5(relu4)  # [B, 512, 4, (W + 4) // 4]
        relu5 = self.relu5(conv5)  # [B, 512, 4, (W + 4) // 4]
        pooling3 = self.pooling3(relu5)  # [B, 512, 2, (W + 8) // 4]
        conv6 = self.conv6(pooling3)  # [B, 512, 1, (W + 4) // 4]
        batchnorm6 = self.batchnorm6(conv6)  # [B, 512, 1, (W + 4) // 4]
        relu6 = self.relu6(batchnorm6)  # [B, 512, 1, (W + 4) // 4]
        squeeze = torch.squeeze(relu6, dim=2)  # [B, 512, (W + 4) // 4]
        features = torch.permute(squeeze, dims=[2, 0, 1])  # [(W + 4) // 4, B, 512]
        # rnn1 [(W + 4) // 4, B, 512], rnn1_h_n [2, B, 256], rnn1_c_n [2, B, 256]
        rnn1, (rnn1_h_n, rnn1_c_n) = self.rnn1(features)
        rows1 = rnn1.view([B * (W // 4) + B, 512])  # [B*(W // 4) + B, 512]
        embedding1 = self.embedding1(rows1)  # [B*(W // 4) + B, 256]
        steps1 = embedding1.view([(W + 4) // 4, B, -1])  # [(W + 4) // 4, B, 256]
        # rnn2 [(W + 4) // 4, B, 512], rnn2_h_n [2, B, 256], rnn2_c_n [2, B, 256]
        rnn2, (rnn2_h_n, rnn2_c_n) = self.rnn2(steps1)
        rows2 = rnn2.view([B * (W // 4) + B, 512])  # [B*(W // 4) + B, 512]
        embedding2 = self.embedding2(rows2)  # [B*(W // 4) + B, 37]
        steps2 = embedding2.view([(W + 4) // 4, B, -1])  # [(W + 4) // 4, B, 37]
        return steps2
