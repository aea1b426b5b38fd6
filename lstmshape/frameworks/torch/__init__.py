"""PyTorch: its layer types, one module per type or family, and its spellings.

Names, arguments and defaults are torch's own.  Types are checked by each
config model; the values torch rejects when it builds a layer (``hidden_size:
0``) by the layer type's ``check``, which knows which argument to blame and
how torch words it.
"""

from __future__ import annotations

from lstmshape.frameworks import Framework

LAYER_MODULES = (
    "recurrent",
    "linear",
    "embedding",
    "dropout",
    "cat",
    "normalization",
    "activation",
    "reshaping",
    "conv",
    "pooling",
    "shape_ops",
    "arithmetic",
    "reductions",
    "cells",
    "attention",
    "packing",
)
"""The modules that declare torch's layer types, in the order types are listed to
users (in hints, the README and the schema): a new one goes at the end."""

FRAMEWORK = Framework(
    "torch",
    layer_modules=LAYER_MODULES,
    prefixes=("torch.nn.", "nn.", "torch."),
    shape_neutral=("device", "dtype"),
    shared_modules=True,
    foreign_keys={
        "units": "units is Keras's name; torch calls it hidden_size",
        "input_shape": "torch layers take no input_shape; declare the tensor under inputs: "
        "and write input_size",
        "input_dim": "input_dim is Keras's name; torch calls it input_size",
        "return_sequences": "torch always returns the whole sequence as output; "
        "take the last step with input: LAYER.output[:, -1, :]",
        "return_state": "torch always returns the states: refer to LAYER.h_n (and LAYER.c_n)",
        "activation": "torch's RNN takes nonlinearity: tanh or relu",
        "inputs": "a layer reads one tensor with input:; torch.cat takes tensors:",
        "proj_size": "only LSTM has proj_size (torch raises ValueError for GRU and RNN)",
        "nonlinearity": "only RNN takes nonlinearity; LSTM and GRU have fixed activations",
    },
)
