"""PyTorch: its layer types, one module per type or family, and its spellings.

Names, arguments and defaults are torch's own.  Types are checked by each
config model; the values torch rejects when it builds a layer (``hidden_size:
0``) by the layer type's ``check``, which knows which argument to blame and
how torch words it.
"""

from __future__ import annotations

from importlib import import_module

from lstmshape.models.light import type_modules

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

# A check with the stored schemas imports a module when a spec first uses one of its types
# (its index is stored with them); anything else imports them all, here.
_MODULES = type_modules("torch")
if _MODULES is None:
    for _module in LAYER_MODULES:
        import_module(f"{__name__}.{_module}")

from lstmshape.frameworks import Framework  # noqa: E402  (after the types it collects)

FRAMEWORK = Framework(
    "torch",
    modules=_MODULES,
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
