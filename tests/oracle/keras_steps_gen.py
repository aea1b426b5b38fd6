"""The Keras oracle's story of steps that are each a whole input: TimeDistributed.

Each step of (batch, steps, ...) is a frame (rows, cols, channels), a window
(length, features) or a sentence of token ids (words,), read by layers inside
TimeDistributed, each drawn by its own sampler for the step it reads, and
reduced to one vector a step (Flatten, global pooling, a recurrent layer);
a stack of recurrent layers and a head follow, as in keras-io's video
classifier (Conv2D, MaxPooling2D, Flatten on every frame, then an LSTM).

Keras's TimeDistributed skips the wrapped layer's input checks when it
builds, so a step of the wrong rank shows only when the model runs: every
spec of this story is run.  Mistakes: a layer for a step of another rank,
a layer that reads a list (Add), and the samplers' own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lstmshape.frameworks.layer_type import Draw, LayerType
from tests.oracle import keras_gen as story

if TYPE_CHECKING:
    from tests.oracle.keras_gen import _Builder

READ_SEQUENCES = (
    "MaxPooling1D",
    "AveragePooling1D",
    "SpatialDropout1D",
    "ZeroPadding1D",
    "Cropping1D",
    "UpSampling1D",
)
"""Types that read a sequence, (batch, steps, features), which Keras's TimeDistributed
builds on a step of another rank (failing, or not, only when it runs)."""

SILENT_ON_MORE = ("SpatialDropout1D", "Cropping1D", "UpSampling1D")
"""Of those, the ones Keras runs (at inference) on a step of a higher rank: lstmshape
reports the rank the layer takes (LS302), the README says so, the oracle does not draw it."""

KEEP_NO_RANK = (*READ_SEQUENCES, "Reshape", "Conv1D", "SeparableConv1D")
"""Types of the role ``sequence`` that do not keep a frame a frame."""

_STEP_RANK = {"frames": 4, "windows": 3, "sentences": 3}


def steps_spec(b: _Builder) -> dict[str, Any]:
    """(batch, steps, ...) -> TimeDistributed layers -> a vector a step -> stack -> head."""
    rng = b.rng
    b.runs = True
    kind = rng.choice(("frames", "frames", "windows", "sentences"))
    time = b.dim("T", 1, 6)
    b.symbolic_time = isinstance(time, str)
    batch = b.dim("B", 1, 4)
    features = rng.randint(1, 4)
    if kind == "frames":
        step: list[Any] = [rng.randint(1, 6), rng.randint(1, 6), features]
    elif kind == "windows":
        step = [rng.randint(1, 6), features]
    else:
        step = [rng.randint(1, 6)]
        embedding = story.of_role("tokens", "TimeDistributed")[0]
        sample = b.sample(embedding, Draw(rng, given={"runs": True}))
        _distributed(b, b.args(embedding, sample))
        features = sample.features
    rank = _STEP_RANK[kind]
    for _ in range(rng.choice((0, 1, 1, 2, 3))):
        features, rank = _per_step(b, rank, features)
        if rank not in (3, 4):
            break  # a Reshape made each step a vector, or a step of no role's rank
    if b.chance(0.02):  # the mistake: a layer that reads a list of tensors
        _distributed(b, {"type": b.type(rng.choice(("Add", "Concatenate")))})
    if rank in (3, 4):
        _to_vector(b, rank)
    tagger = b.chance(0.4)
    story._head(b, story._stack(b, sequences=tagger), tagger)
    story._drop_unused_names(b)
    spec = {"framework": "keras", "inputs": {"x": [batch, time, *step]}, "layers": b.layers}
    assert story.needs_run(spec) <= b.runs
    return spec


def _distributed(b: _Builder, layer: dict[str, Any]) -> None:
    b.add({"type": b.type("TimeDistributed"), "layer": layer})


def _held(role: str, rank: int) -> list[LayerType[Any]]:
    """Types of the role TimeDistributed holds, for steps of ``rank``: none that Keras
    runs on a step of a higher rank than it takes, where lstmshape reports the rank."""
    types = story.of_role(role, "TimeDistributed")
    return [t for t in types if rank == 3 or t.name not in SILENT_ON_MORE]


def _per_step(b: _Builder, rank: int, features: int) -> tuple[int, int]:
    """One layer on every step; at times one made for steps of the other rank.  The
    step's features and rank after it: a Reshape gives its target's rank (seed 868232)."""
    roles = {4: "image", 3: "sequence"}
    made_for = 7 - rank if b.chance(0.04) else rank  # the mistake: a window's layer on a frame
    types = _held(roles[made_for], rank)
    if made_for != rank:  # Reshape takes a step of any rank: no mistake, a step of another
        types = [t for t in types if t.name != "Reshape"]  # rank (seeds 601839, 611658)
    if rank == 4 and made_for == 4 and b.chance(0.3):  # normalization, activation...
        types = [t for t in _held("sequence", 4) if t.name not in KEEP_NO_RANK]
    declared = b.rng.choice(types)
    given = {"runs": True, "symbolic_time": False}
    sample = b.sample(declared, Draw(b.rng, features, rank=made_for, given=given))
    args = b.args(declared, sample)
    _distributed(b, args)
    if declared.name == "Reshape":
        rank = 1 + len(args["target_shape"])
    return sample.features or features, rank


def _to_vector(b: _Builder, rank: int) -> None:
    """One vector a step: Flatten, a global pooling, or (on a window) a recurrent layer."""
    choice = b.rng.choice(("flatten", "pool", "recurrent"))
    if choice == "flatten":
        declared = story.of_role("flatten", "TimeDistributed")[0]
    elif choice == "pool" or rank == 4:
        declared = b.rng.choice(_held("image_reduce" if rank == 4 else "reduce", rank))
    else:
        kind = b.rng.choice(story.RECURRENT)
        layer = story._recurrent_args(b, kind, b.rng.randint(1, 8), False, False)
        if b.chance(0.4):  # a sentence encoder: Bidirectional, its directions merged
            wrapper = story._type_named("Bidirectional")
            given = {"layer": layer, "kind": kind, "runs": False}
            layer = b.args(wrapper, b.sample(wrapper, Draw(b.rng, given=given)))
            if layer.get("merge_mode", "concat") is None:
                layer["merge_mode"] = "concat"  # two outputs: LS108, as for return_state
        _distributed(b, layer)
        return
    args = b.args(declared, b.sample(declared, Draw(b.rng, rank=rank)))
    # Not keepdims: a step of (1, 1, channels) makes a 5-D input for the stack, which
    # Keras's RNN of a SimpleRNNCell runs (broadcasting) where lstmshape reports LS302.
    args.pop("keepdims", None)
    _distributed(b, args)
