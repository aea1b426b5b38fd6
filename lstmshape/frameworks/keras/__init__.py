"""Keras 3: its layer types, one module per type or family, and its spellings.

Names, arguments and defaults are Keras's own (as ``tf.keras`` is on
TensorFlow >= 2.16).  Types are checked by each config model; values Keras
rejects when it constructs a layer (``units: 0``, an unknown activation) by
the layer type's ``check``.
"""

from __future__ import annotations

from lstmshape.frameworks import Framework
from lstmshape.frameworks.keras.base import KERAS_PREFIXES
from lstmshape.frameworks.keras.cells import CELL_TYPES
from lstmshape.frameworks.keras.sequential import declared_input, input_layer

LAYER_MODULES = (
    "recurrent",
    "bidirectional",
    "time_distributed",
    "dense",
    "dropout",
    "repeat_vector",
    "embedding",
    "concatenate",
    "conv",
    "pooling",
    "normalization",
    "activation",
    "noise",
    "masking",
    "rnn",
    "merge",
    "reshaping",
    "steps",
    "attention",
    "multi_head_attention",
    "conv_recurrent",
)
"""The modules that declare Keras's layer types, in the order types are listed to
users (in hints, the README and the schema): a new one goes at the end."""

_STACK_HINT = "stack layers instead, with return_sequences: true on every one but the last"

FRAMEWORK = Framework(
    "keras",
    layer_modules=LAYER_MODULES,
    # RNN's cells are nested like wrapped layers but are no layer types of their own:
    # their keys, for the hints about a key a cell does not take.
    nested_keys={name: tuple(cell.model_fields) for name, cell in CELL_TYPES.items()},
    prefixes=KERAS_PREFIXES,
    shape_neutral=(
        "kernel_initializer",
        "recurrent_initializer",
        "bias_initializer",
        "embeddings_initializer",
        "kernel_regularizer",
        "recurrent_regularizer",
        "bias_regularizer",
        "activity_regularizer",
        "embeddings_regularizer",
        "embeddings_constraint",
        "beta_initializer",
        "gamma_initializer",
        "moving_mean_initializer",
        "moving_variance_initializer",
        "beta_regularizer",
        "gamma_regularizer",
        "beta_constraint",
        "gamma_constraint",
        "alpha_initializer",
        "alpha_regularizer",
        "alpha_constraint",
        "seed",
        "trainable",
        "dtype",
    ),
    no_inputs_hint="give the first layer input_shape: [timesteps, features], or declare the "
    "tensor under inputs: (e.g. x: [32, 10, 8])",
    declared_input=declared_input,
    not_a_layer=input_layer,
    foreign_keys={
        "reuse": "reuse: (a second call of a module) is for torch specs; lstmshape does not "
        "model a Keras layer called twice",
        "hidden_size": "hidden_size is torch's name; Keras calls it units",
        "input_size": "Keras layers take no input_size: they read the feature count from their "
        "input (give the first layer input_shape: [timesteps, features])",
        "batch_first": "Keras is always batch first: (batch, timesteps, features)",
        "num_layers": f"Keras layers have no num_layers: {_STACK_HINT}",
        "bidirectional": "wrap the layer in Bidirectional: type: Bidirectional, "
        "layer: {type: LSTM, units: ...}",
        "bias": "bias is torch's name; Keras calls it use_bias",
        "nonlinearity": "nonlinearity is torch's name; Keras calls it activation",
        "proj_size": "Keras's LSTM has no projection; add a Dense layer after it",
        "in_features": "Keras's Dense reads its input size from its input; write only units",
        "out_features": "out_features is torch's name; Keras calls it units",
        "num_embeddings": "num_embeddings is torch's name; Keras calls it input_dim",
        "embedding_dim": "embedding_dim is torch's name; Keras calls it output_dim",
        "p": "p is torch's name; Keras's Dropout calls it rate",
        "dim": "dim is torch's name; Keras calls it axis",
        "tensors": "Keras's Concatenate reads a list under input: (input: [a, b])",
        "inputs": "a Keras layer reads input: (a list of references for Concatenate)",
    },
    removed_keys={
        "time_major": "Keras 3 layers are always batch-major, (batch, timesteps, features); "
        "transpose the input instead (Keras 3 raises: Unrecognized keyword arguments)",
        "batch_input_shape": "write input_shape: without the batch, or declare the input with "
        "its batch size under inputs: (e.g. x: [32, 10, 8]), which stateful layers need "
        "(Keras 3 raises: Unrecognized keyword arguments)",
        "input_length": "only Embedding still accepts input_length, as deprecated; give the "
        "timesteps in input_shape: instead (Keras 3 raises: Unrecognized keyword arguments)",
    },
)
