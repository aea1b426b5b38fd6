"""Which layer types each framework has, and how its users spell them."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from lstmshape.models.common import LayerBase
from lstmshape.models.torch import TORCH_LAYERS, TORCH_PREFIXES


@dataclass(frozen=True)
class Framework:
    key: str
    layers: dict[str, type[LayerBase]]
    prefixes: tuple[str, ...]
    foreign_types: dict[str, str] = field(default_factory=dict)
    """Type names of the other framework, with what to write instead."""
    foreign_keys: dict[str, str] = field(default_factory=dict)
    """Argument names of the other framework, with what to write instead."""
    removed_keys: dict[str, str] = field(default_factory=dict)
    """Arguments the framework has removed, with what replaces them."""
    nested_fields: tuple[str, ...] = ()
    """Arguments that hold a wrapped layer's config."""
    wrapped_fields: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """The keys each layer type takes when it is wrapped."""

    def normalize_type(self, written: str) -> str:
        """``nn.LSTM`` and ``torch.nn.LSTM`` are ``LSTM``."""
        for prefix in self.prefixes:
            if written.startswith(prefix):
                return written[len(prefix) :]
        return written

    @property
    def type_hint(self) -> str:
        return f"{self.key} layer types: {', '.join(self.layers)}"


TORCH = Framework(
    key="torch",
    layers=TORCH_LAYERS,
    prefixes=TORCH_PREFIXES,
    foreign_types={
        "Dense": "Dense is Keras's; torch's is Linear (in_features, out_features)",
        "SimpleRNN": "SimpleRNN is Keras's; torch's is RNN",
        "Concatenate": "Concatenate is Keras's; in torch write type: cat with tensors: and dim:",
        "Bidirectional": "torch has no Bidirectional wrapper; set bidirectional: true on the layer",
    },
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

_STACK_HINT = "stack layers instead, with return_sequences: true on every one but the last"


def _keras() -> Framework:
    from lstmshape.models.keras import (
        KERAS_LAYERS,
        KERAS_PREFIXES,
        NESTED_FIELDS,
        WRAPPED_FIELDS,
    )

    return Framework(
        key="keras",
        layers=KERAS_LAYERS,
        prefixes=KERAS_PREFIXES,
        foreign_types={
            "Linear": "Linear is torch's; Keras's is Dense (units)",
            "RNN": "RNN is torch's name; Keras's plain recurrent layer is SimpleRNN (units)",
            "cat": "cat is torch's; in Keras write type: Concatenate with input: [a, b] and axis:",
        },
        foreign_keys={
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
        nested_fields=NESTED_FIELDS,
        wrapped_fields=WRAPPED_FIELDS,
    )


class _Frameworks(Mapping[str, Framework]):
    """The frameworks by key; each one's layer models are imported on first use.

    Defining Keras's pydantic models takes about 20 ms, a tenth of start-up,
    which a run that checks torch specs alone does not pay.
    """

    def __init__(self, loaders: dict[str, Callable[[], Framework]]) -> None:
        self._loaders = loaders
        self._loaded: dict[str, Framework] = {}

    def __getitem__(self, key: str) -> Framework:
        found = self._loaded.get(key)
        if found is None:
            found = self._loaded[key] = self._loaders[key]()
        return found

    def __contains__(self, key: object) -> bool:
        return key in self._loaders  # without importing the framework

    def __iter__(self) -> Iterator[str]:
        return iter(self._loaders)

    def __len__(self) -> int:
        return len(self._loaders)


FRAMEWORKS: Mapping[str, Framework] = _Frameworks({"torch": lambda: TORCH, "keras": _keras})
