"""Which layer types each framework has, and how its users spell them."""

from __future__ import annotations

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

FRAMEWORKS: dict[str, Framework] = {"torch": TORCH}
