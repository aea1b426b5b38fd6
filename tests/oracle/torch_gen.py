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

The story is told here; the layer types and their arguments come from the
registry: each place in the story takes the types whose sampler has the
role that fits (``recurrent``, ``sequence``, ``head``, ``tokens``,
``join``), and the sampler draws the arguments, right or with a mistake.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from lstmshape.frameworks import FRAMEWORKS
from lstmshape.frameworks.layer_type import Draw, LayerType, Sample

PREFIXES = ("", "", "", "nn.", "torch.nn.")


def of_role(role: str) -> list[LayerType[Any]]:
    """The torch layer types whose sampler has ``role``, in the registry's order."""
    return [
        declared
        for declared in FRAMEWORKS["torch"].types.values()
        if declared.sample is not None and declared.sample.role == role
    ]


RECURRENT = tuple(declared.name for declared in of_role("recurrent"))


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

    def pick(self, role: str) -> LayerType[Any]:
        """A type of the role; no draw when there is one, so a new type changes the stories
        only where its role is drawn."""
        types = of_role(role)
        return types[0] if len(types) == 1 else self.rng.choice(types)

    def sample(self, declared: LayerType[Any], draw: Draw) -> Sample:
        assert declared.sample is not None
        return declared.sample.draw(draw)

    def layer(self, base: str, declared: LayerType[Any], sample: Sample) -> dict[str, Any]:
        """A layer of the spec: its name, its type as a user might spell it, its arguments."""
        return {"name": self.name(base), "type": _type(self, declared), **sample.written}


WINDOW_SHARE = 0.2
"""The share of specs that are a convolution and pooling stack (:func:`_window_spec`)."""
ATTENTION_SHARE = 0.25
"""The share of recurrent specs with a MultiheadAttention over the encoder (:func:`_multihead`)."""
PACKED_SHARE = 0.1
"""The share of specs that pack a padded batch for their recurrent layers (:func:`_packed_spec`)."""


def torch_spec(rng: random.Random) -> dict[str, Any]:
    b = _Builder(rng)
    if b.chance(WINDOW_SHARE):
        return _window_spec(b)
    if b.chance(PACKED_SHARE):
        return _packed_spec(b)
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
    seq = _stack(b, features, batch_first, batched=layout != "unbatched")
    if b.chance(ATTENTION_SHARE):
        _multihead(b, seq, inputs, [batch, time] if layout != "unbatched" else [time])
    if b.chance(0.3):
        embedding = b.layers[0] if tokens else None
        seq = _decoder(b, seq, inputs, lead, layout, embedding)
    if b.chance(0.75):
        _head(b, seq, layout)
    if b.chance(0.2):
        _cells(b, seq, inputs, layout, None if tokens else features)
    if len(inputs) > 1 and "input" not in b.layers[0]:
        b.layers[0]["input"] = "x"  # with two inputs the first layer must name its own
    _drop_unused_names(b)
    return {"framework": "torch", "inputs": inputs, "layers": b.layers}


def _type(b: _Builder, declared: LayerType[Any]) -> str:
    if declared.prefixes is None:
        return b.rng.choice(PREFIXES) + declared.name
    return b.rng.choice(("", *declared.prefixes)) + declared.name  # torch.cat, F.softmax


def _embedding(b: _Builder, dim: int) -> int:
    declared = b.pick("tokens")
    sample = b.sample(declared, Draw(b.rng, given={"embedding_dim": dim}))
    b.add(b.layer("emb", declared, sample))
    return sample.features


def _recurrent(
    b: _Builder, kind: str, input_size: int, batch_first: bool, template: _Seq | None = None
) -> tuple[dict[str, Any], _Seq]:
    declared = FRAMEWORKS["torch"].types[kind]
    given: dict[str, Any] = {"batch_first": batch_first}
    if template is not None:
        given |= {
            "hidden_size": template.hidden,
            "proj_size": template.proj,
            "num_layers": template.layers,
            "bidirectional": template.bidirectional,
        }
    sample = b.sample(declared, Draw(b.rng, features=input_size, given=given))
    layer = b.layer(kind.lower(), declared, sample)
    args = sample.args
    seq = _Seq(
        layer["name"],
        kind,
        args["hidden_size"],
        args.get("proj_size", 0),
        args.get("num_layers", 1),
        args.get("bidirectional", False),
        batch_first,
    )
    return layer, seq


def _next_input_size(b: _Builder, features: int, previous: _Seq | None) -> int:
    """The right size, or the mistakes people make with it."""
    if not b.chance(0.1):
        return features
    if previous is not None and previous.bidirectional:
        return previous.h_out  # forgot that bidirectional doubles the features
    return features + 1 if b.chance(0.5) or features == 1 else features - 1


def _stack(b: _Builder, features: int, batch_first: bool, batched: bool = True) -> _Seq:
    previous: _Seq | None = None
    seq: _Seq | None = None
    for _ in range(b.rng.choice((1, 1, 2, 3))):
        swapped = previous is not None and batched and b.chance(0.15)
        if swapped:  # permute or transpose between a batch-first and a time-first layer
            layout = b.pick("layout")
            b.add(b.layer("swap", layout, b.sample(layout, Draw(b.rng, features, rank=3))))
            batch_first = not batch_first
        kind = b.rng.choice(RECURRENT)
        layer_batch_first = batch_first if b.chance(0.9) else not batch_first
        layer, seq = _recurrent(b, kind, _next_input_size(b, features, previous), layer_batch_first)
        if previous is not None and not swapped and b.chance(0.3):
            layer["input"] = b.rng.choice((previous.name, f"{previous.name}.output"))
        b.add(layer)
        features, previous = seq.features, seq
        if b.chance(0.15):
            between = b.pick("sequence")
            b.add(b.layer("drop", between, b.sample(between, Draw(b.rng, features, rank=3))))
    assert seq is not None
    return seq


def _decoder(
    b: _Builder,
    encoder: _Seq,
    inputs: dict[str, list[Any]],
    lead: list[Any],
    layout: str,
    embedding: dict[str, Any] | None,
) -> _Seq:
    """A second recurrent layer whose initial state is the encoder's final state; when the
    encoder reads token ids, the decoder's may go through the same Embedding (``reuse:``)."""
    rng = b.rng
    features = rng.randint(1, 8)
    y_lead = ["S" if item == "T" else item for item in lead]
    if b.chance(0.1) and layout != "unbatched":
        y_lead = [*y_lead[:-1]]  # an unbatched decoder input under a batched state
    inputs["y"] = [*y_lead, features]
    decoder_input = "y"
    if embedding is not None and b.chance(0.6):
        inputs["y"] = y_lead
        decoder_input = _shared_embedding(b, embedding)
        features = embedding["embedding_dim"]
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
    layer["input"] = decoder_input
    layer["initial_state"] = _state_refs(b, encoder, kind)
    b.add(layer)
    return seq


def _shared_embedding(b: _Builder, embedding: dict[str, Any]) -> str:
    """The encoder's Embedding called on the decoder's ids; at times with an argument of its
    own, which a second call of one module cannot have."""
    shared: dict[str, Any] = {"name": b.name("shared"), "reuse": embedding["name"], "input": "y"}
    if b.chance(0.2):
        shared["type"] = embedding["type"]
    if b.chance(0.05):
        shared["embedding_dim"] = embedding["embedding_dim"]
    b.add(shared)
    return str(shared["name"])


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
    choice = rng.choice(("last_step", "last_step", "h_n", "both", "sequence", "attention"))
    if choice == "attention" and (unbatched or not seq.batch_first):
        choice = "sequence"
    if choice == "last_step":
        if seq.batch_first and not unbatched and b.chance(0.8):
            ref = rng.choice((f"{s}.output[:, -1, :]", f"{s}.output[:, -1]"))
        else:
            ref = f"{s}.output[-1]"
        features = seq.features
    elif choice == "h_n":
        ref, features = f"{s}.h_n[-1]", seq.h_out
    elif choice == "both":
        ref, features = _both_directions(b, seq, unbatched)
    elif choice == "attention":
        ref, features = _attention(b, seq)
    else:
        ref, features = s, seq.features
    head_type = b.pick("head")
    head = b.sample(head_type, Draw(rng, features))
    b.add({**b.layer("fc", head_type, head), "input": ref})
    if b.chance(0.3):
        b.add(b.layer("fc", head_type, b.sample(head_type, Draw(rng, head.features))))


def _both_directions(b: _Builder, seq: _Seq, unbatched: bool) -> tuple[str, int]:
    """The last layer's two directions joined (cat, stack) or combined (add, mul...)."""
    s = seq.name
    if b.chance(0.3):
        pair = b.pick("pair")
        other = f"{s}.h_n[-1]" if b.chance(0.8) else 2
        given = {"other": other, "wrong": f"{s}.output"}
        layer = b.layer("sum", pair, b.sample(pair, Draw(b.rng, seq.h_out, given=given)))
        b.add({**layer, "input": f"{s}.h_n[-2]"})
        return layer["name"], seq.h_out
    join = b.pick("join")
    joined = b.sample(join, Draw(b.rng, seq.h_out, rank=1 if unbatched else 2))
    layer = b.layer("cat", join, joined)
    layer[join.input_field] = [f"{s}.h_n[-2]", f"{s}.h_n[-1]"]
    b.add(layer)
    return layer["name"], 2 * seq.h_out if join.name == "cat" else joined.features


def _attention(b: _Builder, seq: _Seq) -> tuple[str, int]:
    """Dot attention of a batch-first output on itself: scores, softmax, weighted sum."""
    types = FRAMEWORKS["torch"].types
    s = seq.name
    keys = b.layer("keys", types["transpose"], Sample({"dim0": 1, "dim1": 2}, 0))
    b.add({**keys, "input": s})
    product = b.pick("scores")
    given = {"mat2": keys["name"], "wrong": s}
    scores = b.layer("scores", product, b.sample(product, Draw(b.rng, given=given)))
    b.add({**scores, "input": s})
    softmax = types["softmax"]
    b.add(b.layer("weights", softmax, b.sample(softmax, Draw(b.rng, 0, rank=3))))
    again = b.sample(product, Draw(b.rng, given={"mat2": s}))
    context = b.layer("context", product, again)
    b.add(context)
    return context["name"], seq.features


def _cells(
    b: _Builder, seq: _Seq, inputs: dict[str, list[Any]], layout: str, features: int | None
) -> None:
    """A cell stepped on one time step of the input (of the stack's output when the input
    is token ids), sometimes a second cell of the same kind from the first one's states,
    sometimes a head on the last cell.  Mistakes: the whole sequence read as a step, the
    recurrent layer's 3-D states given to a cell, the wrong number of states."""
    rng = b.rng
    source, size = ("x", features) if features is not None else (seq.name, seq.features)
    step = f"{source}[:, 0]" if layout == "batch_first" else f"{source}[0]"
    if b.chance(0.03):
        step = source
    declared = b.pick("cell")
    first = b.sample(declared, Draw(rng, size))
    layer = {**b.layer("cell", declared, first), "input": step}
    b.add(layer)
    lstm = declared.name == "LSTMCell"
    if b.chance(0.5):
        hidden = first.args["hidden_size"]
        second = b.sample(declared, Draw(rng, size, given={"hidden_size": hidden}))
        name = layer["name"]
        states: Any = [f"{name}.h_1", f"{name}.c_1"] if lstm else f"{name}.h_1"
        if b.chance(0.1):
            states = [f"{seq.name}.h_n", f"{seq.name}.h_n"] if lstm else f"{seq.name}.h_n"
        if b.chance(0.05):
            states = [f"{name}.h_1"] * (1 if lstm else 2)
        b.add({**b.layer("cell", declared, second), "input": step, "initial_state": states})
    if b.chance(0.3):
        head_type = b.pick("head")
        b.add(b.layer("fc", head_type, b.sample(head_type, Draw(rng, first.features))))


def _multihead(b: _Builder, encoder: _Seq, inputs: dict[str, list[Any]], lead: list[Any]) -> None:
    """Self-attention over the encoder's output (query, key and value the same tensor), or
    cross-attention of a new input ``q`` over it (kdim and vdim its features), sometimes
    with masks, sometimes with a head on its output.  ``lead`` is the spec's ``[batch,
    time]`` (``[time]`` unbatched), which the encoder's output has in its layout.
    Mistakes besides the sampler's: the other batch_first, a value of other steps, a key of
    the wrong rank, is_causal without a mask, masks transposed or sized by the batch alone."""
    rng = b.rng
    declared = b.pick("attention")
    unbatched = len(lead) == 1
    batch, time = (None, lead[0]) if unbatched else lead
    batch_first = encoder.batch_first if b.chance(0.9) else not encoder.batch_first
    e = encoder.name
    given: dict[str, Any] = {"batch_first": batch_first}
    query, length, features = e, time, encoder.features
    if b.chance(0.4):
        length = "S" if isinstance(time, str) else rng.randint(1, 5)
        features = rng.randint(1, 8)
        steps = [length] if unbatched else _in_layout(encoder, batch, length)
        inputs["q"] = [*steps, features]
        query = "q"
        given |= {"kdim": encoder.features, "vdim": encoder.features}
    sample = b.sample(declared, Draw(rng, features, rank=len(lead) + 1, given=given))
    layer = {**b.layer("att", declared, sample), "input": query, "key": e, "value": e}
    if query == "q" and b.chance(0.05):
        layer["value"] = "q"
    elif b.chance(0.03):
        layer["key"] = layer["value"] = f"{e}.output[-1]"
    if b.chance(0.25):
        inputs["pad"] = [time] if unbatched else [batch, time]
        if b.chance(0.1):
            inputs["pad"] = [1, time] if unbatched else [time, batch]
        layer["key_padding_mask"] = "pad"
    if b.chance(0.3):
        inputs["am"] = _attention_mask(b, sample.written["num_heads"], batch, length, time)
        layer["attn_mask"] = "am"
        layer["is_causal"] = b.chance(0.2)
    elif b.chance(0.03):
        layer["is_causal"] = True
    b.add(layer)
    if b.chance(0.3):
        head = b.pick("head")
        b.add(b.layer("fc", head, b.sample(head, Draw(rng, sample.features))))


def _in_layout(seq: _Seq, batch: Any, steps: Any) -> list[Any]:
    return [batch, steps] if seq.batch_first else [steps, batch]


def _attention_mask(b: _Builder, heads: Any, batch: Any, length: Any, time: Any) -> list[Any]:
    """(L, S), or (N*num_heads, L, S) (unbatched (num_heads, L, S)); at times transposed,
    or 3-D with the batch alone."""
    if b.chance(0.08):
        return [time, length]
    if b.chance(0.6):
        return [length, time]
    if batch is None:
        return [heads, length, time]
    if b.chance(0.1) or not isinstance(heads, int) or heads < 1:
        return [batch, length, time]
    stacked = batch * heads if isinstance(batch, int) else f"{heads}*{batch}"
    return [stacked, length, time]


def _drop_unused_names(b: _Builder) -> None:
    """Unreferenced layers sometimes go unnamed, as in real specs."""
    text = repr(b.layers)
    for layer in b.layers:
        name = layer["name"]
        uses = text.count(f"'{name}'") + text.count(f"'{name}.") + text.count(f"'{name}[")
        if uses == 1 and b.chance(0.3):
            del layer["name"]


def _window_spec(b: _Builder) -> dict[str, Any]:
    """Channels-first ``(N, C, *spatial)`` through convolutions and poolings (role ``window``),
    then, after an adaptive pooling that fixes the last dimension, a Linear on it.

    A symbolic length is ``36*T + 24``: long enough for the two layers drawn
    then whatever the runs make T, since a symbol stands for any size and
    lstmshape rightly reports no window as too large for it; and a multiple
    of every product of two strides (at most 3 each), so that each output
    length changes with T between the two runs, which is how the expected
    shapes tell a number from a size that follows T.  Known lengths are
    short, and windows too large for them are the mistakes torch rejects.
    """
    rng = b.rng
    spatial = rng.choice((1, 1, 2))
    symbolic = b.chance(0.7)
    lengths: list[Any] = [rng.randint(1, 12) for _ in range(spatial)]
    if symbolic:
        lengths = [rng.randint(16, 24) for _ in range(spatial - 1)] + ["36*T + 24"]
    batch: list[Any] = [] if b.chance(0.2) else ["B" if symbolic else rng.randint(1, 4)]
    channels = rng.randint(1, 6)
    shape = [*batch, channels, *lengths]
    types = [t for t in of_role("window") if t.name.endswith(f"{spatial}d")]
    features = channels
    for _ in range(rng.choice((1, 2)) if symbolic else rng.choice((1, 2, 3))):
        declared = rng.choice(types)
        given = {"spatial": spatial, "type": declared.name}
        sample = b.sample(declared, Draw(rng, features, rank=len(shape), given=given))
        b.add(b.layer("win", declared, sample))
        features = sample.features
    size = b.layers[-1].get("output_size")
    width = size[-1] if isinstance(size, list) else size
    if isinstance(width, int) and width > 0 and b.chance(0.7):
        head = b.pick("head")
        b.add(b.layer("fc", head, b.sample(head, Draw(rng, width))))
    _drop_unused_names(b)
    return {"framework": "torch", "inputs": {"x": shape}, "layers": b.layers}


def _packed_spec(b: _Builder) -> dict[str, Any]:
    """A padded batch packed (role ``pack``), recurrent layers on the packed sequence, at
    times padded back (role ``pad``), and a head on the padded batch, on h_n or on the
    packed data.  Lengths are numbers (with a known batch and length), or an input the
    runner fills (the batch padded to its longest sequence): torch requires them.  Mistakes: what
    the samplers make, a tensor index or a Linear on a packed sequence, a padded batch
    padded again."""
    rng = b.rng
    batch_first = b.chance(0.5)
    literal = b.chance(0.5)
    symbolic = not literal and b.chance(0.7)
    batch: Any = "B" if symbolic else rng.randint(1, 4)
    time: Any = "T" if symbolic else rng.randint(1, 6)
    features = rng.randint(1, 8)
    inputs: dict[str, list[Any]] = {
        "x": [batch, time, features] if batch_first else [time, batch, features]
    }
    given: dict[str, Any] = {"batch_first": batch_first}
    if literal:
        given |= {"batch": batch, "time": time}
    else:
        inputs["n"] = [batch] if b.chance(0.95) else [batch, 1]
        given["lengths"] = "n"
    pack = b.pick("pack")
    sample = b.sample(pack, Draw(rng, features, rank=3, given=given))
    packed = b.add({**b.layer("pack", pack, sample), "input": "x"})
    lengths = sample.written.get("lengths")
    longest = max(lengths) if isinstance(lengths, list) and lengths else time
    source, seq = packed["name"], None
    for _ in range(rng.choice((1, 1, 2))):
        if b.chance(0.05):
            between = FRAMEWORKS["torch"].types["Identity"]
            source = b.add(b.layer("same", between, Sample({}, features)) | {"input": source})[
                "name"
            ]
        kind = rng.choice(RECURRENT)
        layer, seq = _recurrent(b, kind, _next_input_size(b, features, seq), b.chance(0.5))
        source = b.add(layer | {"input": source})["name"]
        features = seq.features
    assert seq is not None
    if b.chance(0.7):
        pad = b.pick("pad")
        pad_given = {"batch_first": batch_first, "time": time, "longest": longest}
        padded = b.sample(pad, Draw(rng, features, rank=3, given=pad_given))
        reads = seq.name if b.chance(0.95) else "x"  # a tensor, not a packed sequence
        name = b.add(b.layer("pad", pad, padded) | {"input": reads})["name"]
        step = f"{name}.output[:, -1]" if batch_first else f"{name}.output[-1]"
        ref = rng.choice((step, f"{seq.name}.h_n[-1]", name))
        width = seq.h_out if ".h_n" in ref else features
    else:
        ref, width = f"{seq.name}.h_n[-1]", seq.h_out
        if literal and b.chance(0.5):
            ref, width = rng.choice((f"{seq.name}.output[0]", f"{seq.name}.data")), features
        elif b.chance(0.1):
            ref, width = rng.choice((f"{seq.name}.output[:, -1]", seq.name)), features
    if b.chance(0.8):
        head = b.pick("head")
        b.add({**b.layer("fc", head, b.sample(head, Draw(rng, width))), "input": ref})
    _drop_unused_names(b)
    return {"framework": "torch", "inputs": inputs, "layers": b.layers}
