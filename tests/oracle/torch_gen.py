"""Random torch specs, valid and invalid, from one seed.

A spec is built as a user would write one: an input (batch-first,
sequence-first or unbatched, sometimes token ids read by an Embedding), a
stack of LSTM/GRU/RNN layers with random arguments, sometimes a decoder whose
initial state is the encoder's final state, and a head on ``output[:, -1, :]``,
``output[-1]``, ``h_n[-1]`` or both directions of ``h_n``.  Mistakes users
make are mixed in at a low rate: the next input_size off (often the forgotten
bidirectional doubling), state wiring that does not fit, arguments torch
rejects.  Whether a mistake breaks the model is for torch to say, not for the
generator: it does not predict outcomes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

RECURRENT = ("LSTM", "GRU", "RNN")
PREFIXES = ("", "", "", "nn.", "torch.nn.")


@dataclass
class _Seq:
    """A recurrent layer's output as the generator tracks it (no shapes computed)."""

    name: str
    kind: str
    hidden: int
    proj: int
    layers: int
    bidirectional: bool
    batch_first: bool

    @property
    def h_out(self) -> int:
        return self.proj or self.hidden

    @property
    def features(self) -> int:
        return (2 if self.bidirectional else 1) * self.h_out


@dataclass
class _Builder:
    rng: random.Random
    layers: list[dict[str, Any]] = field(default_factory=list)
    counter: int = 0

    def name(self, base: str) -> str:
        self.counter += 1
        return f"{base}{self.counter}"

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def add(self, layer: dict[str, Any]) -> dict[str, Any]:
        self.layers.append(layer)
        return layer


def torch_spec(rng: random.Random) -> dict[str, Any]:
    b = _Builder(rng)
    layout = rng.choice(("batch_first", "batch_first", "seq_first", "unbatched"))
    # Symbols or numbers, not a mix: a symbol may be any number, so ``T`` where
    # torch needs 1 is something lstmshape rightly cannot call an error.
    symbolic = b.chance(0.8)
    batch = "B" if symbolic else rng.randint(1, 4)
    time = "T" if symbolic else rng.randint(1, 5)
    tokens = b.chance(0.2)
    features = rng.randint(1, 8)
    lead: list[Any]
    if layout == "unbatched":
        lead = [time]
    elif layout == "batch_first":
        lead = [batch, time]
    else:
        lead = [time, batch]
    inputs: dict[str, list[Any]] = {"x": lead if tokens else [*lead, features]}
    batch_first = layout == "batch_first"
    if tokens:
        features = _embedding(b, features)
    seq = _stack(b, features, batch_first)
    if b.chance(0.3):
        seq = _decoder(b, seq, inputs, lead, layout)
    if b.chance(0.75):
        _head(b, seq, layout)
    if len(inputs) > 1 and "input" not in b.layers[0]:
        b.layers[0]["input"] = "x"  # with two inputs the first layer must name its own
    _drop_unused_names(b)
    return {"framework": "torch", "inputs": inputs, "layers": b.layers}


def _type(b: _Builder, kind: str) -> str:
    return b.rng.choice(PREFIXES) + kind


def _embedding(b: _Builder, dim: int) -> int:
    layer: dict[str, Any] = {
        "name": b.name("emb"),
        "type": _type(b, "Embedding"),
        "num_embeddings": b.rng.randint(1, 10),
        "embedding_dim": dim,
    }
    if b.chance(0.3):
        n = layer["num_embeddings"]
        layer["padding_idx"] = b.rng.randint(-n - 1, n)  # one past either end is invalid
    if b.chance(0.03):
        layer[b.rng.choice(("num_embeddings", "embedding_dim"))] = -1
    b.add(layer)
    return dim


def _recurrent(
    b: _Builder, kind: str, input_size: int, batch_first: bool, template: _Seq | None = None
) -> tuple[dict[str, Any], _Seq]:
    rng = b.rng
    if template is None:
        hidden = rng.randint(1, 8)
        proj = rng.randint(1, hidden - 1) if kind == "LSTM" and hidden > 1 and b.chance(0.3) else 0
        num_layers = rng.choice((1, 1, 2, 3))
        bidirectional = b.chance(0.4)
    else:
        hidden, proj = template.hidden, template.proj
        num_layers, bidirectional = template.layers, template.bidirectional
    layer: dict[str, Any] = {
        "name": b.name(kind.lower()),
        "type": _type(b, kind),
        "input_size": input_size,
        "hidden_size": hidden,
    }
    if num_layers != 1 or b.chance(0.2):
        layer["num_layers"] = num_layers
    if bidirectional or b.chance(0.2):
        layer["bidirectional"] = bidirectional
    if batch_first or b.chance(0.2):
        layer["batch_first"] = batch_first
    if b.chance(0.2):
        layer["bias"] = b.chance(0.5)
    if b.chance(0.25):
        layer["dropout"] = rng.choice((0.0, 0.1, 0.5, 1, 1.0))
    if proj or (kind == "LSTM" and b.chance(0.05)):
        layer["proj_size"] = proj
    if kind == "RNN" and b.chance(0.5):
        layer["nonlinearity"] = rng.choice(("tanh", "relu"))
    _maybe_break(b, kind, layer)
    seq = _Seq(layer["name"], kind, hidden, proj, num_layers, bidirectional, batch_first)
    return layer, seq


def _maybe_break(b: _Builder, kind: str, layer: dict[str, Any]) -> None:
    """Arguments torch rejects when it builds the layer, at a low rate."""
    if not b.chance(0.08):
        return
    hidden = layer["hidden_size"]
    breaks: list[tuple[str, Any]] = [
        ("hidden_size", b.rng.choice((0, -1))),
        ("input_size", 0),
        ("num_layers", 0),
        ("dropout", b.rng.choice((-0.1, 1.5, "0.5"))),
        ("hidden_size", 2.5),
        ("batch_first", 1),
        ("bias", "yes"),
    ]
    if kind == "LSTM":
        breaks += [("proj_size", hidden), ("proj_size", hidden + 1), ("proj_size", -1)]
        breaks += [("nonlinearity", "tanh")]
    else:
        breaks += [("proj_size", b.rng.choice((0, 1)))]
    if kind == "RNN":
        breaks += [("nonlinearity", b.rng.choice(("sigmoid", "Tanh")))]
    key, value = b.rng.choice(breaks)
    layer[key] = value


def _next_input_size(b: _Builder, features: int, previous: _Seq | None) -> int:
    """The right size, or the mistakes people make with it."""
    if not b.chance(0.1):
        return features
    if previous is not None and previous.bidirectional:
        return previous.h_out  # forgot that bidirectional doubles the features
    return features + 1 if b.chance(0.5) or features == 1 else features - 1


def _stack(b: _Builder, features: int, batch_first: bool) -> _Seq:
    previous: _Seq | None = None
    seq: _Seq | None = None
    for _ in range(b.rng.choice((1, 1, 2, 3))):
        kind = b.rng.choice(RECURRENT)
        layer_batch_first = batch_first if b.chance(0.9) else not batch_first
        layer, seq = _recurrent(b, kind, _next_input_size(b, features, previous), layer_batch_first)
        if previous is not None and b.chance(0.3):
            layer["input"] = b.rng.choice((previous.name, f"{previous.name}.output"))
        b.add(layer)
        features, previous = seq.features, seq
        if b.chance(0.15):
            p = b.rng.choice((0.0, 0.2, 0.5, 1)) if b.chance(0.9) else b.rng.choice((1.5, -0.5))
            b.add({"name": b.name("drop"), "type": _type(b, "Dropout"), "p": p})
    assert seq is not None
    return seq


def _decoder(
    b: _Builder, encoder: _Seq, inputs: dict[str, list[Any]], lead: list[Any], layout: str
) -> _Seq:
    """A second recurrent layer whose initial state is the encoder's final state."""
    rng = b.rng
    features = rng.randint(1, 8)
    y_lead = ["S" if item == "T" else item for item in lead]
    if b.chance(0.1) and layout != "unbatched":
        y_lead = [*y_lead[:-1]]  # an unbatched decoder input under a batched state
    inputs["y"] = [*y_lead, features]
    kind = encoder.kind if encoder.kind == "LSTM" else rng.choice(("GRU", "RNN"))
    if b.chance(0.1):
        kind = rng.choice(RECURRENT)
    template = _Seq(
        "",
        kind,
        encoder.hidden,
        encoder.proj if kind == "LSTM" else 0,
        encoder.layers,
        encoder.bidirectional,
        encoder.batch_first,
    )
    if kind != "LSTM" and encoder.proj:
        template.hidden = encoder.proj  # a GRU reads h_n, which has proj_size features
    if b.chance(0.2):
        _perturb(b, template)
    layer, seq = _recurrent(b, kind, features, layout == "batch_first", template)
    layer["input"] = "y"
    layer["initial_state"] = _state_refs(b, encoder, kind)
    b.add(layer)
    return seq


def _perturb(b: _Builder, template: _Seq) -> None:
    what = b.rng.choice(("hidden", "layers", "bidirectional", "proj"))
    if what == "hidden":
        template.hidden += 1
        if template.proj and b.chance(0.5):
            template.proj = 0
    elif what == "layers":
        template.layers = template.layers + 1 if template.layers == 1 else template.layers - 1
    elif what == "bidirectional":
        template.bidirectional = not template.bidirectional
    elif template.kind == "LSTM" and template.hidden > 2:
        template.proj = 1 if template.proj != 1 else 0


def _state_refs(b: _Builder, encoder: _Seq, kind: str) -> Any:
    e = encoder.name
    states = [f"{e}.h_n", f"{e}.c_n"] if encoder.kind == "LSTM" else [f"{e}.h_n", f"{e}.h_n"]
    if b.chance(0.1):
        states = [f"{e}.c_n", f"{e}.h_n"] if encoder.kind == "LSTM" else states
    if b.chance(0.1):
        states = [f"{s}[-1:]" for s in states]
    if kind != "LSTM":
        states = states[:1]
    if b.chance(0.08):
        states = states[:1] if kind == "LSTM" else [states[0], states[0]]
    if len(states) == 1 and b.chance(0.5):
        return states[0]
    return states


def _head(b: _Builder, seq: _Seq, layout: str) -> None:
    rng = b.rng
    unbatched = layout == "unbatched"
    s = seq.name
    choice = rng.choice(("last_step", "last_step", "h_n", "both", "sequence"))
    if choice == "last_step":
        if seq.batch_first and not unbatched and b.chance(0.8):
            ref = rng.choice((f"{s}.output[:, -1, :]", f"{s}.output[:, -1]"))
        else:
            ref = f"{s}.output[-1]"
        features = seq.features
    elif choice == "h_n":
        ref, features = f"{s}.h_n[-1]", seq.h_out
    elif choice == "both":
        dim = rng.choice((1, -1)) if not unbatched else rng.choice((0, -1))
        b.add(
            {
                "name": b.name("cat"),
                "type": "cat",
                "tensors": [f"{s}.h_n[-2]", f"{s}.h_n[-1]"],
                "dim": dim,
            }
        )
        ref, features = b.layers[-1]["name"], 2 * seq.h_out
    else:
        ref, features = s, seq.features
    in_features = features if b.chance(0.9) else features + rng.choice((-1, 1)) or 2
    head: dict[str, Any] = {
        "name": b.name("fc"),
        "type": _type(b, "Linear"),
        "input": ref,
        "in_features": in_features,
        "out_features": rng.randint(1, 8),
    }
    if b.chance(0.2):
        head["bias"] = b.chance(0.5)
    if b.chance(0.02):
        head["out_features"] = -1
    b.add(head)
    if b.chance(0.3):
        out = head["out_features"]
        b.add(
            {
                "name": b.name("fc"),
                "type": "Linear",
                "in_features": out if b.chance(0.9) else out + 1,
                "out_features": rng.randint(1, 8),
            }
        )


def _drop_unused_names(b: _Builder) -> None:
    """Unreferenced layers sometimes go unnamed, as in real specs."""
    text = repr(b.layers)
    for layer in b.layers:
        name = layer["name"]
        uses = text.count(f"'{name}'") + text.count(f"'{name}.") + text.count(f"'{name}[")
        if uses == 1 and b.chance(0.3):
            del layer["name"]
