"""lstmshape: static shape checking for PyTorch and Keras recurrent models."""

__version__ = "0.1.0"
