"""Random Keras specs, valid and invalid, from one seed.

A spec is built as a Keras user would write one: an input (declared under
``inputs:`` or, Sequential style, as the first layer's ``input_shape``;
sometimes token ids read by an Embedding), then one of

* a classifier: a stack of LSTM/GRU/SimpleRNN or Bidirectional layers
  (every ``merge_mode``) and a Dense head, on the last output or on
  ``output[:, -1]``;
* a tagger: a stack that returns sequences and a TimeDistributed or Dense
  head on every step;
* an autoencoder: encoder, RepeatVector, decoder, TimeDistributed(Dense);
* an encoder-decoder: an encoder with ``return_state`` whose states start a
  decoder through ``initial_state`` (a Bidirectional encoder's states joined
  by Concatenate, or handed to a Bidirectional decoder).

Mistakes users make are mixed in at a low rate: a stacked layer without
``return_sequences``, RepeatVector after a sequence, TimeDistributed on a
2-D tensor, states of the wrong size or count, a merged Bidirectional read
where a layer expects one tensor, arguments Keras rejects.  Whether a mistake
breaks the model is for Keras to say, not for the generator.

Values lstmshape deliberately rejects by type (``units: true``, ``rate:
'0.5'``) are not generated: Keras accepts some of them, and lstmshape's
stricter types are documented.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from tests.oracle.keras_runner import needs_run

RECURRENT = ("LSTM", "GRU", "SimpleRNN")
PREFIXES = ("", "", "", "", "keras.layers.", "layers.", "tf.keras.layers.")
ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear", None)
BAD_ACTIVATIONS = ("foo", "Tanh", "leakyrelu")
MERGE_MODES = ("concat", "sum", "mul", "ave", None)


@dataclass
class _Rnn:
    """A recurrent layer as the generator tracks it (no shapes computed)."""

    name: str
    kind: str
    units: int
    bidirectional: bool
    merge_mode: str | None
    sequences: bool
    state: bool


@dataclass
class _Builder:
    rng: random.Random
    runs: bool
    """Whether the spec will be run (it has initial states): no unknown dimensions."""
    layers: list[dict[str, Any]] = field(default_factory=list)
    counter: int = 0

    def name(self, base: str) -> str:
        self.counter += 1
        return f"{base}{self.counter}"

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def type(self, kind: str) -> str:
        return self.rng.choice(PREFIXES) + kind

    def add(self, layer: dict[str, Any]) -> dict[str, Any]:
        self.layers.append(layer)
        return layer

    def dim(self, symbol: str, low: int, high: int) -> Any:
        """A symbol, a number, or (when the spec is only built) unknown."""
        if not self.runs and self.chance(0.25):
            return None
        return symbol if self.chance(0.7) else self.rng.randint(low, high)


def keras_spec(rng: random.Random) -> dict[str, Any]:
    shape = rng.choice(("classifier", "classifier", "tagger", "autoencoder", "seq2seq"))
    b = _Builder(rng, runs=shape == "seq2seq" or rng.random() < 0.15)
    inputs: dict[str, list[Any]] = {}
    sequential = not b.runs and shape != "seq2seq" and b.chance(0.3)
    batch = b.dim("B", 1, 4)
    time = b.dim("T", 1, 6)
    features = rng.randint(1, 8)
    tokens = b.chance(0.2)
    if sequential:
        first_shape: list[Any] = [time] if tokens else [time, features]
    else:
        inputs["x"] = [batch, time] if tokens else [batch, time, features]
        if not b.runs and b.chance(0.03):
            inputs["x"][-1] = None  # Keras cannot size weights on an unknown feature dim
    if tokens:
        _embedding(b)
    if shape == "seq2seq":
        _seq2seq(b, inputs, batch)
    elif shape == "autoencoder":
        _autoencoder(b)
    else:
        last = _stack(b, sequences=shape == "tagger")
        _head(b, last, shape == "tagger")
    if sequential:
        b.layers[0]["input_shape"] = first_shape
    if len(inputs) > 1 and "input" not in b.layers[0]:
        b.layers[0]["input"] = "x"
    _drop_unused_names(b)
    spec: dict[str, Any] = {"framework": "keras"}
    if inputs:
        spec["inputs"] = inputs
    spec["layers"] = b.layers
    assert needs_run(spec) <= b.runs, "a spec that must run was given unknown dimensions"
    return spec


def _embedding(b: _Builder) -> None:
    layer: dict[str, Any] = {
        "name": b.name("emb"),
        "type": b.type("Embedding"),
        "input_dim": b.rng.randint(1, 50),
        "output_dim": b.rng.randint(1, 8),
    }
    if b.chance(0.2):
        masked = b.chance(0.5)
        # A mask makes the spec run eagerly (keras_runner.needs_run), which a
        # spec with unknown dimensions cannot.
        layer["mask_zero"] = masked and b.runs
    if b.chance(0.05):
        layer["input_length"] = b.rng.randint(1, 6)
    if b.chance(0.03):
        layer[b.rng.choice(("input_dim", "output_dim"))] = b.rng.choice((0, -1))
    b.add(layer)


def _recurrent_args(b: _Builder, kind: str, units: int, sequences: bool, state: bool) -> dict:
    rng = b.rng
    layer: dict[str, Any] = {"type": b.type(kind), "units": units}
    if sequences or b.chance(0.15):
        layer["return_sequences"] = sequences
    if state or b.chance(0.1):
        layer["return_state"] = state
    if b.chance(0.15):
        layer["activation"] = rng.choice(ACTIVATIONS)
    if kind != "SimpleRNN" and b.chance(0.1):
        layer["recurrent_activation"] = rng.choice(("sigmoid", "hard_sigmoid", "relu"))
    if b.chance(0.2):
        layer["use_bias"] = b.chance(0.5)
    if kind != "SimpleRNN" and b.chance(0.05):
        layer["implementation"] = rng.choice((1, 2))
    if kind == "GRU" and b.chance(0.3):
        layer["reset_after"] = b.chance(0.5)
    for key in ("go_backwards", "unroll"):
        if b.chance(0.08):
            layer[key] = b.chance(0.6)
    for key in ("dropout", "recurrent_dropout"):
        if b.chance(0.1):
            layer[key] = rng.choice((0.0, 0.2, 0.5, 1, 1.0, 1.5, -0.1))
    if b.chance(0.04):
        layer["stateful"] = True
    _maybe_break(b, kind, layer)
    return layer


def _maybe_break(b: _Builder, kind: str, layer: dict[str, Any]) -> None:
    """Arguments Keras rejects when it constructs the layer, at a low rate."""
    if not b.chance(0.05):
        return
    breaks: list[tuple[str, Any]] = [
        ("units", b.rng.choice((0, -1))),
        ("activation", b.rng.choice(BAD_ACTIVATIONS)),
        ("time_major", True),
    ]
    if kind == "SimpleRNN":
        breaks += [("recurrent_activation", "sigmoid"), ("implementation", 2)]
    else:
        breaks.append(("recurrent_activation", b.rng.choice(BAD_ACTIVATIONS)))
    key, value = b.rng.choice(breaks)
    layer[key] = value


def _recurrent(
    b: _Builder,
    *,
    sequences: bool,
    state: bool = False,
    kind: str | None = None,
    units: int | None = None,
    bidirectional: bool | None = None,
) -> tuple[dict[str, Any], _Rnn]:
    kind = kind or b.rng.choice(RECURRENT)
    units = units or b.rng.randint(1, 8)
    if bidirectional is None:
        bidirectional = b.chance(0.35)
    inner = _recurrent_args(b, kind, units, sequences, state)
    if not bidirectional:
        layer = {"name": b.name(kind.lower()), **inner}
        return layer, _Rnn(layer["name"], kind, units, False, "concat", sequences, state)
    mode = b.rng.choice(MERGE_MODES)
    layer = {"name": b.name("bi"), "type": b.type("Bidirectional"), "layer": inner}
    if mode != "concat" or b.chance(0.2):
        layer["merge_mode"] = mode
    if b.chance(0.02):
        layer["merge_mode"] = b.rng.choice(("max", "Concat"))
    if b.runs and b.chance(0.25):
        layer["backward_layer"] = _backward(b, kind, inner)
    return layer, _Rnn(layer["name"], kind, units, True, mode, sequences, state)


def _backward(b: _Builder, kind: str, forward: dict[str, Any]) -> dict[str, Any]:
    other = kind if b.chance(0.7) else b.rng.choice(RECURRENT)
    layer: dict[str, Any] = {"type": other, "units": forward["units"], "go_backwards": True}
    if b.chance(0.3):
        layer["units"] += 1
    for key in ("return_sequences", "return_state"):
        if key in forward:
            layer[key] = forward[key]
    if b.chance(0.1):
        layer["go_backwards"] = False
    if b.chance(0.1):
        layer["return_sequences"] = not forward.get("return_sequences", False)
    return layer


def _stack(b: _Builder, sequences: bool) -> _Rnn:
    """One to three recurrent layers; all but the last return sequences, mostly."""
    count = b.rng.choice((1, 1, 2, 3))
    rnn: _Rnn | None = None
    for position in range(count):
        last = position == count - 1
        wanted = sequences if last else not b.chance(0.08)
        layer, new = _recurrent(b, sequences=wanted, state=b.chance(0.08))
        if rnn is not None:
            _read(b, layer, rnn)
        b.add(layer)
        rnn = new
        if not last and b.chance(0.12):
            b.add({"type": b.type("Dropout"), "rate": _rate(b)})
    assert rnn is not None
    return rnn


def _read(b: _Builder, layer: dict[str, Any], rnn: _Rnn) -> None:
    """How a layer reads the recurrent layer before it."""
    if rnn.bidirectional and rnn.merge_mode is None:
        if b.chance(0.9):  # else: the default input, which has two tensors
            layer["input"] = f"{rnn.name}.{b.rng.choice(('forward_output', 'backward_output'))}"
    elif b.chance(0.2):
        layer["input"] = b.rng.choice((rnn.name, f"{rnn.name}.output"))


def _rate(b: _Builder) -> Any:
    return b.rng.choice((0.0, 0.2, 0.5, 1, 1.0)) if b.chance(0.95) else b.rng.choice((1.5, -0.1))


def _dense(b: _Builder, units: int | None = None) -> dict[str, Any]:
    layer: dict[str, Any] = {"type": b.type("Dense"), "units": units or b.rng.randint(1, 8)}
    if b.chance(0.3):
        layer["activation"] = b.rng.choice(("softmax", "sigmoid", "relu", None))
    if b.chance(0.15):
        layer["use_bias"] = b.chance(0.5)
    if b.chance(0.02):
        if b.chance(0.5):
            layer["units"] = b.rng.choice((0, -2))
        else:
            layer["activation"] = "softmaxx"
    return layer


def _head(b: _Builder, rnn: _Rnn, tagger: bool) -> None:
    if b.chance(0.15):
        b.add({"type": b.type("Dropout"), "rate": _rate(b)})
    head: dict[str, Any]
    if (tagger and b.chance(0.6)) or (not rnn.sequences and b.chance(0.05)):
        head = {"name": b.name("td"), "type": b.type("TimeDistributed"), "layer": _dense(b)}
    else:
        head = {"name": b.name("dense"), **_dense(b)}
    if rnn.bidirectional and rnn.merge_mode is None:
        head["input"] = f"{rnn.name}.{b.rng.choice(('forward_output', 'backward_output'))}"
    elif rnn.sequences and not tagger and b.chance(0.5):
        head["input"] = b.rng.choice((f"{rnn.name}.output[:, -1]", f"{rnn.name}.output[:, -1, :]"))
    elif b.chance(0.15):
        head["input"] = rnn.name
    if rnn.state and "input" not in head and b.chance(0.5):
        head["input"] = f"{rnn.name}.{'forward_h' if rnn.bidirectional else 'state_h'}"
    b.add(head)
    if b.chance(0.25):
        b.add(_dense(b))


def _autoencoder(b: _Builder) -> None:
    encoder_sequences = b.chance(0.07)  # the mistake: RepeatVector after a sequence
    layer, encoder = _recurrent(b, sequences=encoder_sequences)
    b.add(layer)
    n = b.rng.randint(1, 6) if b.chance(0.97) else 0
    repeat: dict[str, Any] = {"name": b.name("repeat"), "type": b.type("RepeatVector"), "n": n}
    if encoder.bidirectional and encoder.merge_mode is None:
        repeat["input"] = f"{encoder.name}.forward_output"
    b.add(repeat)
    decoder_sequences = not b.chance(0.07)  # the mistake: TimeDistributed after one vector
    layer, decoder = _recurrent(b, sequences=decoder_sequences)
    b.add(layer)
    head = {"name": b.name("td"), "type": b.type("TimeDistributed"), "layer": _dense(b)}
    if decoder.bidirectional and decoder.merge_mode is None:
        head["input"] = f"{decoder.name}.backward_output"
    if b.chance(0.1):
        head["layer"] = {"type": "Dropout", "rate": _rate(b)}
    b.add(head)


def _state_names(rnn: _Rnn) -> list[str]:
    states = ["h", "c"] if rnn.kind == "LSTM" else ["h"]
    if rnn.bidirectional:
        return [f"{rnn.name}.{side}_{s}" for side in ("forward", "backward") for s in states]
    return [f"{rnn.name}.state_{s}" for s in states]


def _seq2seq(b: _Builder, inputs: dict[str, list[Any]], batch: Any) -> None:
    """An encoder with return_state whose final states start a decoder."""
    rng = b.rng
    layer, encoder = _recurrent(b, sequences=b.chance(0.2), state=True)
    layer["input"] = "x"
    b.add(layer)
    inputs["y"] = [batch, b.dim("S", 1, 6), rng.randint(1, 8)]
    states = _state_names(encoder)
    units = encoder.units
    decoder_bidirectional = encoder.bidirectional and b.chance(0.4)
    if encoder.bidirectional and not decoder_bidirectional:
        states, units = _join_states(b, encoder), 2 * encoder.units
    kind = encoder.kind if b.chance(0.8) else rng.choice(RECURRENT)
    if b.chance(0.15):
        units += rng.choice((-1, 1)) if units > 1 else 1
    if b.chance(0.1):
        states = states[: len(states) // 2] if len(states) > 1 else states * 2
    layer, decoder = _recurrent(
        b,
        sequences=b.chance(0.8),
        state=b.chance(0.2),
        kind=kind,
        units=units,
        bidirectional=decoder_bidirectional,
    )
    layer["input"] = "y"
    single = len(states) == 1 and not decoder_bidirectional and b.chance(0.3)
    layer["initial_state"] = states[0] if single else states  # Bidirectional: always a list
    b.add(layer)
    _head(b, decoder, tagger=decoder.sequences)


def _join_states(b: _Builder, encoder: _Rnn) -> list[str]:
    """A Bidirectional encoder's states, forward and backward joined per state."""
    joined = []
    for s in ["h", "c"] if encoder.kind == "LSTM" else ["h"]:
        name = b.name(f"state_{s}")
        layer: dict[str, Any] = {
            "name": name,
            "type": b.type("Concatenate"),
            "input": [f"{encoder.name}.forward_{s}", f"{encoder.name}.backward_{s}"],
        }
        if b.chance(0.3):
            # Not axis 0: two (B, u) states joined there are (2B, u), which a
            # shape of symbols cannot say (lstmshape writes the batch as unknown).
            layer["axis"] = b.rng.choice((-1, 1))
        b.add(layer)
        joined.append(name)
    return joined


def _drop_unused_names(b: _Builder) -> None:
    """Unreferenced layers sometimes go unnamed, as in real specs."""
    text = repr(b.layers)
    for layer in b.layers:
        name = layer.get("name")
        if name is None:
            continue
        uses = text.count(f"'{name}'") + text.count(f"'{name}.")
        if uses == 1 and b.chance(0.3):
            del layer["name"]
