"""Random Keras specs, valid and invalid, from one seed.

A spec is built as a Keras user would write one: an input (declared under
``inputs:`` or, Sequential style, as the first layer's ``input_shape``;
sometimes token ids read by an Embedding), then one of

* a classifier: a stack of LSTM/GRU/SimpleRNN or Bidirectional layers
  (every ``merge_mode``) and a Dense head, on the last output or on
  ``output[:, -1]``;
* a tagger: a stack that returns sequences and a TimeDistributed or Dense
  head on every step;
  (at times behind a Masking layer, when the spec runs);
* either, when the spec runs, with an attention layer over the stack's
  sequence (self-attention, or over a Dense branch of it) before the head;
* an autoencoder: encoder, RepeatVector, decoder, TimeDistributed(Dense);
* an encoder-decoder: an encoder with ``return_state`` whose states start a
  decoder through ``initial_state`` (a Bidirectional encoder's states joined
  by Concatenate, or handed to a Bidirectional decoder);
* an image-like input (batch, steps, rows, channels), pooled in 2-D, then
  reduced to a vector, flattened, or reshaped into a sequence for a stack
  (a CRNN, as in captcha OCR or speech models);
* a video (batch, frames, *1 to 3 spatial dims, channels): a stack of
  ConvLSTM layers (at times Bidirectional) and Conv3D, with
  BatchNormalization between, ending in a next-frame Conv3D or a flattened
  Dense, at times behind a call's mask or a Masking layer, or an encoder
  whose states start a decoder (:mod:`tests.oracle.keras_video_gen`).
* steps that are each frames, windows or sentences, each read by layers
  inside TimeDistributed and reduced to a vector, then a stack (keras-io's
  video classifier: Conv2D, MaxPooling2D, Flatten on every frame, then an LSTM).

A classifier or tagger may end in two branches joined by a merge layer
(the directions of an unmerged Bidirectional, or an output and a Dense
over it) before its head.

Mistakes users make are mixed in at a low rate: a stacked layer without
``return_sequences``, RepeatVector after a sequence, TimeDistributed on a
2-D tensor, states of the wrong size or count, a merged Bidirectional read
where a layer expects one tensor, arguments Keras rejects.  Whether a mistake
breaks the model is for Keras to say, not for the generator.

Values lstmshape deliberately rejects by type (``units: true``, ``rate:
'0.5'``) are not generated: Keras accepts some of them, and lstmshape's
stricter types are documented.

The story is told here; the layer types and their arguments come from the
registry: each place in the story takes the types whose sampler has the
role that fits (``recurrent``, ``sequence``, ``head``, ``tokens``,
``join``, ``repeat``, ``reduce``, ``merge``, ``image``, ``image_reduce``,
``flatten``, ``attention``), a wrapper holds the types that name it in their
``wrappers``, and the sampler draws the arguments, right or with a mistake.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from typing import Any

from lstmshape.frameworks import FRAMEWORKS
from lstmshape.frameworks.layer_type import Draw, LayerType, Sample
from tests.oracle.keras_runner import needs_run, state_suffixes

PREFIXES = ("", "", "", "", "keras.layers.", "layers.", "tf.keras.layers.")


def of_role(role: str, wrapper: str | None = None) -> list[LayerType[Any]]:
    """The Keras layer types whose sampler has ``role`` (and that ``wrapper`` can hold)."""
    return [
        declared
        for declared in FRAMEWORKS["keras"].types.values()
        if declared.sample is not None
        and declared.sample.role == role
        and (wrapper is None or wrapper in declared.wrappers)
    ]


def _type_named(name: str) -> LayerType[Any]:
    return FRAMEWORKS["keras"].types[name]


RECURRENT = tuple(declared.name for declared in of_role("recurrent"))
STATE_WIRED = tuple(kind for kind in RECURRENT if kind != "RNN")
"""The kinds the encoder-decoder wires by states (an RNN's cells take theirs nested
per cell, which its own examples and tests cover), and the only ones in a spec that
is not run: Keras's RNN builds on an input of any rank and fails only when run."""


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
    states: tuple[str, ...] = ("h",)
    """Its states' suffixes: h and c, or an RNN's per cell (0_h, 0_c, 1_h)."""


@dataclass
class _Builder:
    rng: random.Random
    runs: bool
    """Whether the spec will be run (it has initial states): no unknown dimensions."""
    layers: list[dict[str, Any]] = field(default_factory=list)
    counter: int = 0
    symbolic_time: bool = False
    """Whether a sequence's timesteps are a symbol, which sizes no weights exactly."""

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

    def pick(self, role: str, wrapper: str | None = None) -> LayerType[Any]:
        """A type of the role; no draw when there is one."""
        types = of_role(role, wrapper)
        return types[0] if len(types) == 1 else self.rng.choice(types)

    def sample(self, declared: LayerType[Any], draw: Draw) -> Sample:
        assert declared.sample is not None
        return declared.sample.draw(draw)

    def args(self, declared: LayerType[Any], sample: Sample) -> dict[str, Any]:
        """A layer's mapping without a name: its type as a user might spell it, its arguments."""
        return {"type": self.type(declared.name), **sample.written}

    def dim(self, symbol: str, low: int, high: int) -> Any:
        """A symbol, a number, or (when the spec is only built) unknown."""
        if not self.runs and self.chance(0.25):
            return None
        return symbol if self.chance(0.7) else self.rng.randint(low, high)


def keras_spec(rng: random.Random) -> dict[str, Any]:
    shape = rng.choice(
        ("classifier", "classifier", "tagger", "autoencoder", "seq2seq", "image", "video", "steps")
    )
    b = _Builder(rng, runs=shape == "seq2seq" or rng.random() < 0.15)
    if shape in ("image", "video", "steps"):
        return _own_story(shape, b)
    inputs: dict[str, list[Any]] = {}
    sequential = not b.runs and shape != "seq2seq" and b.chance(0.3)
    batch = b.dim("B", 1, 4)
    time = b.dim("T", 1, 6)
    b.symbolic_time = isinstance(time, str)
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
    elif b.runs and shape != "seq2seq" and b.chance(0.4):
        _masking(b)
    if shape == "seq2seq":
        _seq2seq(b, inputs, batch)
    elif shape == "autoencoder":
        _autoencoder(b)
    else:
        if b.chance(0.2):
            b.add(_between(b, units=features))
        attends = b.runs and b.chance(0.6)  # attention checks shapes only when run
        reduced = shape == "classifier" and b.chance(0.15)
        last = _stack(b, sequences=shape == "tagger" or reduced or (attends and not b.chance(0.05)))
        if attends:
            last = _attended(b, last, inputs, (batch, time))
        if reduced:  # GlobalMaxPooling1D over the steps of the last recurrent layer
            _reduce(b)
            last = replace(last, sequences=False)
        # A merge reads the recurrent layer by name, so not after its reduction: the
        # head would read the merged steps as one vector a sample (seed 606956).
        if not reduced and b.chance(0.15):
            _merged(b, last)
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


def _own_story(shape: str, b: _Builder) -> dict[str, Any]:
    """The stories whose input is not a plain sequence: images, videos, steps of frames."""
    if shape == "image":
        return _image_spec(b)
    if shape == "video":
        from tests.oracle.keras_video_gen import video_spec  # its story builds on this one's

        return video_spec(b)
    from tests.oracle.keras_steps_gen import steps_spec

    return steps_spec(b)


def _embedding(b: _Builder) -> None:
    declared = b.pick("tokens")
    sample = b.sample(declared, Draw(b.rng, given={"runs": b.runs}))
    b.add({"name": b.name("emb"), **b.args(declared, sample)})


def _masking(b: _Builder) -> None:
    """A mask made from the input, which the layers after it pass on, use or drop."""
    declared = b.pick("mask")
    b.add({"name": b.name("mask"), **b.args(declared, b.sample(declared, Draw(b.rng)))})


def _recurrent_args(b: _Builder, kind: str, units: int, sequences: bool, state: bool) -> dict:
    declared = _type_named(kind)
    given = {"units": units, "return_sequences": sequences, "return_state": state}
    return b.args(declared, b.sample(declared, Draw(b.rng, given=given)))


def _recurrent(
    b: _Builder,
    *,
    sequences: bool,
    state: bool = False,
    kind: str | None = None,
    units: int | None = None,
    bidirectional: bool | None = None,
) -> tuple[dict[str, Any], _Rnn]:
    kind = kind or b.rng.choice(RECURRENT if b.runs else STATE_WIRED)
    units = units or b.rng.randint(1, 8)
    if bidirectional is None:
        bidirectional = b.chance(0.35)
    inner = _recurrent_args(b, kind, units, sequences, state)
    suffixes = tuple(state_suffixes({**inner, "type": kind}))
    if not bidirectional:
        layer = {"name": b.name(kind.lower()), **inner}
        rnn = _Rnn(layer["name"], kind, units, False, "concat", sequences, state, suffixes)
        return layer, rnn
    wrapper = _type_named("Bidirectional")
    given = {"layer": inner, "kind": kind, "runs": b.runs}
    sample = b.sample(wrapper, Draw(b.rng, given=given))
    layer = {"name": b.name("bi"), **b.args(wrapper, sample)}
    mode = sample.args.get("merge_mode", "concat")
    return layer, _Rnn(layer["name"], kind, units, True, mode, sequences, state, suffixes)


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
            between = _between(b, units=new.units, sequence=new.sequences)
            b.add(_one_direction(between, new, b))
    assert rnn is not None
    return rnn


def _read(b: _Builder, layer: dict[str, Any], rnn: _Rnn) -> None:
    """How a layer reads the recurrent layer before it."""
    if rnn.bidirectional and rnn.merge_mode is None:
        if b.chance(0.9):  # else: the default input, which has two tensors
            layer["input"] = f"{rnn.name}.{b.rng.choice(('forward_output', 'backward_output'))}"
    elif b.chance(0.2):
        layer["input"] = b.rng.choice((rnn.name, f"{rnn.name}.output"))


def _one_direction(layer: dict[str, Any], rnn: _Rnn, b: _Builder) -> dict[str, Any]:
    """A layer after an unmerged Bidirectional reads one of its directions.

    Keras's elementwise layers take the list of both and apply themselves
    to each; lstmshape asks for one tensor (LS202), as the README says.
    """
    if rnn.bidirectional and rnn.merge_mode is None:
        layer["input"] = f"{rnn.name}.{b.rng.choice(('forward_output', 'backward_output'))}"
    return layer


def _between(
    b: _Builder, units: int, wrapper: str | None = None, sequence: bool = True
) -> dict[str, Any]:
    """A layer that keeps the layout, between recurrent layers or inside a wrapper.

    Its axes are drawn over the rank it reads: 3 for a sequence, 2 for one
    vector a sample (a recurrent layer's last step, or one step inside
    TimeDistributed), where axis -2 is the batch.
    """
    if wrapper == "TimeDistributed":  # one vector a step: no type that reads a sequence
        from tests.oracle.keras_steps_gen import READ_SEQUENCES

        held = of_role("sequence", wrapper)
        declared = b.rng.choice([t for t in held if t.name not in READ_SEQUENCES])
    else:
        declared = b.pick("sequence", wrapper)
    given = {"runs": b.runs, "symbolic_time": b.symbolic_time}
    rank = 3 if sequence and wrapper != "TimeDistributed" else 2
    draw = Draw(b.rng, units, rank=rank, given=given)
    return b.args(declared, b.sample(declared, draw))


def _dense(b: _Builder, units: int | None = None, wrapper: str | None = None) -> dict[str, Any]:
    declared = b.pick("head", wrapper)
    return b.args(declared, b.sample(declared, Draw(b.rng, given={"units": units})))


def _time_distributed(b: _Builder, layer: dict[str, Any]) -> dict[str, Any]:
    wrapper = _type_named("TimeDistributed")
    given = {"layer": layer}
    return {"name": b.name("td"), **b.args(wrapper, b.sample(wrapper, Draw(b.rng, given=given)))}


def _head(b: _Builder, rnn: _Rnn, tagger: bool) -> None:
    if b.chance(0.15):
        b.add(_one_direction(_between(b, rnn.units, sequence=rnn.sequences), rnn, b))
    head: dict[str, Any]
    if (tagger and b.chance(0.6)) or (not rnn.sequences and b.chance(0.05)):
        head = _time_distributed(b, _dense(b, wrapper="TimeDistributed"))
    else:
        head = {"name": b.name("dense"), **_dense(b)}
    if rnn.bidirectional and rnn.merge_mode is None:
        head["input"] = f"{rnn.name}.{b.rng.choice(('forward_output', 'backward_output'))}"
    elif rnn.sequences and not tagger and b.chance(0.5):
        head["input"] = b.rng.choice((f"{rnn.name}.output[:, -1]", f"{rnn.name}.output[:, -1, :]"))
    elif b.chance(0.15):
        head["input"] = rnn.name
    if rnn.state and "input" not in head and b.chance(0.5):
        side = "forward" if rnn.bidirectional else "state"
        head["input"] = f"{rnn.name}.{side}_{rnn.states[0]}"
    b.add(head)
    if b.chance(0.25):
        b.add(_dense(b))


def _reduce(b: _Builder) -> None:
    """A layer that reduces the steps of the sequence before it (GlobalMaxPooling1D)."""
    declared = b.pick("reduce")
    b.add(b.args(declared, b.sample(declared, Draw(b.rng, rank=3))))


def _attended(
    b: _Builder, rnn: _Rnn, declared_inputs: dict[str, list[Any]], batch_time: tuple[Any, Any]
) -> _Rnn:
    """Attention over the last recurrent layer's sequence: self-attention, or its output
    attending over a Dense branch of it (of another size at times, which Attention's dot
    product cannot score), at times with masks the spec declares as inputs (the call's
    ``mask: [m, m]``, or MultiHeadAttention's ``attention_mask``), of the input's steps,
    which the layers between may have changed.  Returns the attention as the layer the
    head reads."""
    query = rnn.name
    if rnn.bidirectional and rnn.merge_mode is None:
        query = f"{rnn.name}.{b.rng.choice(('forward_output', 'backward_output'))}"
    features = rnn.units * (2 if rnn.bidirectional and rnn.merge_mode == "concat" else 1)
    inputs, value_features = [query, query], features
    if b.chance(0.3):
        value_features = features if b.chance(0.6) else b.rng.randint(1, 8)
        branch = {"name": b.name("branch"), "input": query, **_dense(b, units=value_features)}
        b.add(branch)
        inputs = [query, branch["name"]]
    declared = b.pick("attention")
    given = {"inputs": inputs, "value_features": value_features, "symbolic_time": b.symbolic_time}
    sample = b.sample(declared, Draw(b.rng, features, rank=3, given=given))
    layer = b.add({"name": b.name("attention"), **b.args(declared, sample)})
    if b.chance(0.3):
        _attention_masks(b, layer, declared.name, declared_inputs, batch_time)
    return _Rnn(layer["name"], declared.name, sample.features, False, "concat", True, False)


def _attention_masks(
    b: _Builder,
    layer: dict[str, Any],
    kind: str,
    inputs: dict[str, list[Any]],
    batch_time: tuple[Any, Any],
) -> None:
    """Masks of (batch, steps) as inputs; at times (over known steps) one step too many."""
    batch, time = batch_time
    steps = time + 1 if isinstance(time, int) and b.chance(0.1) else time
    if kind == "MultiHeadAttention":
        inputs["attention_mask"] = [batch, time, steps]
        layer["attention_mask"] = "attention_mask"
    else:
        inputs["mask"] = [batch, steps]
        layer["mask"] = ["mask", "mask"] if b.chance(0.95) else ["mask"]


def _autoencoder(b: _Builder) -> None:
    encoder_sequences = b.chance(0.07)  # the mistake: RepeatVector after a sequence
    layer, encoder = _recurrent(b, sequences=encoder_sequences)
    b.add(layer)
    repeater = b.pick("repeat")
    repeat = {"name": b.name("repeat"), **b.args(repeater, b.sample(repeater, Draw(b.rng)))}
    if encoder.bidirectional and encoder.merge_mode is None:
        repeat["input"] = f"{encoder.name}.forward_output"
    b.add(repeat)
    decoder_sequences = not b.chance(0.07)  # the mistake: TimeDistributed after one vector
    layer, decoder = _recurrent(b, sequences=decoder_sequences)
    b.add(layer)
    inner = _dense(b, wrapper="TimeDistributed")
    if b.chance(0.1):
        inner = _between(b, decoder.units, wrapper="TimeDistributed")
    head = _time_distributed(b, inner)
    if decoder.bidirectional and decoder.merge_mode is None:
        head["input"] = f"{decoder.name}.backward_output"
    b.add(head)


def _state_names(rnn: _Rnn) -> list[str]:
    states = ["h", "c"] if rnn.kind == "LSTM" else ["h"]
    if rnn.bidirectional:
        return [f"{rnn.name}.{side}_{s}" for side in ("forward", "backward") for s in states]
    return [f"{rnn.name}.state_{s}" for s in states]


def _seq2seq(b: _Builder, inputs: dict[str, list[Any]], batch: Any) -> None:
    """An encoder with return_state whose final states start a decoder."""
    rng = b.rng
    layer, encoder = _recurrent(
        b, sequences=b.chance(0.2), state=True, kind=rng.choice(STATE_WIRED)
    )
    layer["input"] = "x"
    b.add(layer)
    inputs["y"] = [batch, b.dim("S", 1, 6), rng.randint(1, 8)]
    b.symbolic_time = b.symbolic_time or isinstance(inputs["y"][1], str)
    states = _state_names(encoder)
    units = encoder.units
    decoder_bidirectional = encoder.bidirectional and b.chance(0.4)
    if encoder.bidirectional and not decoder_bidirectional:
        states, units = _join_states(b, encoder), 2 * encoder.units
    kind = encoder.kind if b.chance(0.8) else rng.choice(STATE_WIRED)
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
    join = b.pick("join")
    for s in ["h", "c"] if encoder.kind == "LSTM" else ["h"]:
        # Not axis 0 (the sampler's rank - 1 or -1): two (B, u) states joined there are
        # (2B, u), which a shape of symbols cannot say (lstmshape writes the batch unknown).
        sample = b.sample(join, Draw(b.rng, encoder.units, rank=2))
        name = b.name(f"state_{s}")
        layer = {"name": name, **b.args(join, sample)}
        layer[join.input_field] = [f"{encoder.name}.forward_{s}", f"{encoder.name}.backward_{s}"]
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


def _merged(b: _Builder, rnn: _Rnn) -> None:
    """Two branches of the last recurrent layer joined by a merge layer.

    The branches are the two directions of an unmerged Bidirectional, or the
    layer's output and a Dense of its size over it (at times of another
    size: a mistake).  The head after it reads the merged tensor.
    """
    if rnn.bidirectional and rnn.merge_mode is None:
        inputs = [f"{rnn.name}.forward_output", f"{rnn.name}.backward_output"]
    else:
        units = rnn.units * (2 if rnn.bidirectional and rnn.merge_mode == "concat" else 1)
        if b.chance(0.05):
            units += 1
        branch = {"name": b.name("branch"), "input": rnn.name, **_dense(b, units=units)}
        b.add(branch)
        inputs = [rnn.name, branch["name"]]
    declared = b.pick("merge")
    given = {"inputs": inputs, "symbolic_time": b.symbolic_time}
    draw = Draw(b.rng, rnn.units, rank=3 if rnn.sequences else 2, given=given)
    b.add({"name": b.name("merge"), **b.args(declared, b.sample(declared, draw))})


def _image_spec(b: _Builder) -> dict[str, Any]:
    """(batch, steps, rows, channels), pooled, then a vector or a sequence for a stack."""
    rng = b.rng
    time = b.dim("T", 1, 6)
    b.symbolic_time = isinstance(time, str)
    rows, channels = rng.randint(1, 6), rng.randint(1, 4)
    shape = [b.dim("B", 1, 4), time, rows, channels]
    sequential = not b.runs and b.chance(0.3)
    for _ in range(rng.choice((1, 1, 2))):
        declared = b.pick("image")
        given = {"runs": b.runs, "symbolic_time": b.symbolic_time}
        sample = b.sample(declared, Draw(rng, channels, rank=4, given=given))
        b.add(b.args(declared, sample))
        channels = sample.features  # a Conv2D's filters
    if b.chance(0.3):
        declared = b.pick("image_reduce")
        b.add(b.args(declared, b.sample(declared, Draw(rng, channels, rank=4))))
        b.add({"name": b.name("dense"), **_dense(b)})
    elif not b.symbolic_time and b.chance(0.3):  # a symbol of steps sizes no Dense exactly
        declared = b.pick("flatten")
        b.add(b.args(declared, b.sample(declared, Draw(rng, channels, rank=4))))
        b.add({"name": b.name("dense"), **_dense(b)})
    else:  # the steps, each row's channels side by side: (batch, steps * rows', channels)
        reshape = _type_named("Reshape")
        given = {"features_exact": True}
        b.add(b.args(reshape, b.sample(reshape, Draw(rng, channels, rank=4, given=given))))
        tagger = b.chance(0.4)
        _head(b, _stack(b, sequences=tagger), tagger)
    if sequential:
        b.layers[0]["input_shape"] = shape[1:]
    _drop_unused_names(b)
    spec: dict[str, Any] = {"framework": "keras"}
    if not sequential:
        spec["inputs"] = {"x": shape}
    spec["layers"] = b.layers
    return spec
