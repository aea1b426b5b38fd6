"""The Keras oracle's video story: frames through ConvLSTM layers, plain or Bidirectional.

(batch, frames, *1 to 3 spatial dims, channels), channels last or first,
through a stack of ConvLSTM layers and Conv3D with BatchNormalization
between, ending in a next-frame Conv3D or a flattened Dense, at times behind
a call's mask or a Masking layer (one mask entry per pixel, which must fit
the frames), or an encoder whose states start a decoder.  A ConvLSTM is at
times wrapped in Bidirectional, drawn by its sampler: every merge_mode (the
layers after one of merge_mode null read one direction, mostly), at times a
backward_layer of other filters or window, and states handed on per
direction.  Mistakes: the samplers' own, a wrong count of states.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lstmshape.frameworks.layer_type import Draw
from tests.oracle import keras_gen as story

if TYPE_CHECKING:
    from tests.oracle.keras_gen import _Builder


def video_spec(b: _Builder) -> dict[str, Any]:
    """(batch, frames, *spatial, channels) through ConvLSTM layers (and Conv3D after a
    ConvLSTM2D), as in next-frame prediction or video classification."""
    rng = b.rng
    b.runs = b.runs or b.chance(0.3)
    rank = rng.choice((1, 2, 2, 2, 3))
    batch, time = b.dim("B", 1, 3), b.dim("T", 1, 4)
    b.symbolic_time = isinstance(time, str)
    sizes: list[Any] = [rng.randint(2, 7) for _ in range(rank)]
    if not b.runs and b.chance(0.05):
        sizes[rng.randrange(rank)] = None  # Keras needs every spatial size
    channels = rng.randint(1, 3)
    data_format = "channels_first" if b.chance(0.15) else None
    inputs = {"x": _video_shape(batch, time, sizes, channels, data_format)}
    if b.runs and b.chance(0.25):
        inputs["m"] = [batch, time]
    elif b.runs and b.chance(0.2) and (data_format is None or channels == 1):
        # One mask entry per pixel, which must fit the frames.  Over channels_first frames
        # the entries run over the channels: a ConvLSTM of 1 filter would widen its output
        # to them, which Keras runs and lstmshape reports (LS318, the README's choice; seed
        # 822897).
        b.add({"type": b.type("Masking")})
    masked = bool(b.layers)
    if b.runs and "m" not in inputs and b.chance(0.3):
        _video_states(b, inputs, rank, sizes, channels, data_format, masked)
    else:
        _video_stack(b, rank, sizes, channels, data_format, masked)
    if "m" in inputs and b.layers:
        b.layers[0]["mask"] = "m"
    if len(inputs) > 1 and "input" not in b.layers[0]:
        b.layers[0]["input"] = "x"
    story._drop_unused_names(b)
    return {"framework": "keras", "inputs": inputs, "layers": b.layers}


def _video_shape(
    batch: Any, time: Any, sizes: list[Any], channels: int, data_format: str | None
) -> list[Any]:
    if data_format == "channels_first":
        return [batch, time, channels, *sizes]
    return [batch, time, *sizes, channels]


def _convlstm(
    b: _Builder, rank: int, sizes: list[Any], data_format: str | None, **given: Any
) -> tuple[dict[str, Any], list[Any]]:
    """A ConvLSTM layer over ``sizes`` and the spatial sizes it leaves (None: a symbol or
    unknown, after which no window is drawn that a small size would not fit)."""
    declared = story._type_named(f"ConvLSTM{rank}D")
    given = {**given, "sized": all(isinstance(n, int) for n in sizes), "data_format": data_format}
    sample = b.sample(declared, Draw(b.rng, rank=rank + 3, given=given))
    return b.args(declared, sample), _windowed(sample.args, sizes)


def _windowed(args: dict[str, Any], sizes: list[Any]) -> list[Any]:
    """The spatial sizes a window leaves, as Keras computes them (None stays None)."""

    def each(key: str, default: int) -> list[int]:
        value = args.get(key, default)
        return value if isinstance(value, list) else [value] * len(sizes)

    windows = zip(  # a mistaken kernel_size may have too few entries: Keras rejects it
        sizes, each("kernel_size", 1), each("strides", 1), each("dilation_rate", 1), strict=False
    )
    left: list[Any] = []
    for length, kernel, stride, rate in windows:
        if not isinstance(length, int) or kernel < 1 or stride < 1 or rate < 1:
            left.append(None)
        elif args.get("padding", "valid") == "same":
            left.append(-(-length // stride))
        else:
            left.append((length - rate * (kernel - 1) - 1) // stride + 1)
    return left


def _video_stack(
    b: _Builder,
    rank: int,
    sizes: list[Any],
    channels: int,
    data_format: str | None,
    masked: bool,
) -> None:
    count = b.rng.choice((1, 2, 2, 3))
    sequences = True
    reads: str | None = None  # one direction of a Bidirectional with merge_mode null
    for position in range(count):
        last = position == count - 1
        if rank == 2 and position and not data_format and b.chance(0.3):
            layer, sizes, channels = _conv3d(b, sizes, channels)
        else:
            wanted = b.chance(0.5) if last else not b.chance(0.05)
            layer, sizes = _convlstm(
                b, rank, sizes, data_format, return_sequences=wanted, masked=masked
            )
            channels, sequences = layer["filters"], wanted
            if b.chance(0.35):
                layer, sizes, channels, reads = _bidirectional(b, layer, rank, sizes, channels)
        b.add(layer)
        if not last and b.chance(0.3):  # of the channels, which follow the timesteps or end
            norm = {"type": b.type("BatchNormalization")}
            reads = _read(b, {**norm, "axis": 2} if data_format else norm, reads)
    if rank == 2 and sequences and not data_format and b.chance(0.6):  # the next frame
        layer, _, _ = _conv3d(b, sizes, channels)
        _read(b, layer, reads)
    elif not sequences and all(isinstance(n, int) for n in sizes) and b.chance(0.5):
        _read(b, {"type": b.type("Flatten")}, reads)
        b.add({"name": b.name("dense"), **story._dense(b)})


def _read(b: _Builder, layer: dict[str, Any], reads: str | None) -> None:
    """Add ``layer``, reading ``reads`` if a Bidirectional left one direction to read."""
    b.add({**layer, "input": reads} if reads else layer)


def _bidirectional(
    b: _Builder, inner: dict[str, Any], rank: int, sizes: list[Any], channels: int
) -> tuple[dict[str, Any], list[Any], int, str | None]:
    """``inner`` wrapped in Bidirectional (its sampler draws the merge and at times a
    backward_layer), with the sizes and channels the merge leaves, as the forward layer's,
    and the direction the next layer reads after merge_mode null (mostly: else its
    default input, both directions, which Keras's layers reject)."""
    wrapper = story._type_named("Bidirectional")
    given = {"layer": inner, "kind": f"ConvLSTM{rank}D", "runs": b.runs}
    sample = b.sample(wrapper, Draw(b.rng, given=given))
    layer = {"name": b.name("bi"), **b.args(wrapper, sample)}
    mode = sample.args.get("merge_mode", "concat")
    reads = None
    if mode is None and b.chance(0.9):
        reads = f"{layer['name']}.{b.rng.choice(('forward_output', 'backward_output'))}"
    if mode == "concat" and inner.get("data_format") == "channels_first":
        sizes = [*sizes[:-1], 2 * sizes[-1] if isinstance(sizes[-1], int) else None]
    return layer, sizes, sample.features if mode == "concat" else channels, reads


def _conv3d(b: _Builder, sizes: list[Any], channels: int) -> tuple[dict[str, Any], list[Any], int]:
    """A Conv3D over (frames, rows, cols): the frames (a symbol at times) are not tracked.

    Only on channels last: over a ConvLSTM2D's channels-first frames, (batch, timesteps,
    filters, rows, cols), Keras's Conv3D would take the timesteps for the channels."""
    declared = story._type_named("Conv3D")
    sample = b.sample(declared, Draw(b.rng, channels, rank=5, given={"runs": b.runs}))
    layer = b.args(declared, sample)
    args = sample.args
    frames = [None, *sizes]  # the frames' window is drawn over all three dimensions
    return layer, _windowed(args, frames)[1:], sample.features


def _video_states(
    b: _Builder,
    inputs: dict[str, list[Any]],
    rank: int,
    sizes: list[Any],
    channels: int,
    data_format: str | None,
    masked: bool,
) -> None:
    """An encoder's final states start a decoder of the same window over frames ``y``:
    [h, c], or a Bidirectional's four, [forward_h, forward_c, backward_h, backward_c],
    which a Bidirectional decoder takes all of and a ConvLSTM one direction of (a
    Bidirectional decoder of a plain encoder takes its [h, c] twice)."""
    inner, _ = _convlstm(b, rank, sizes, data_format, return_state=True, masked=masked)
    name = b.name("encoder")
    states = [f"{name}.state_h", f"{name}.state_c"]
    encoder = {"name": name, **inner}
    if b.chance(0.4):
        encoder, *_ = _bidirectional(b, inner, rank, sizes, channels)
        encoder["name"] = name
        states = [f"{name}.{side}_{s}" for side in ("forward", "backward") for s in "hc"]
    b.add(encoder)
    inputs["y"] = _video_shape(inputs["x"][0], b.dim("S", 1, 4), sizes, channels, data_format)
    window = ("filters", "kernel_size", "strides", "padding", "dilation_rate", "data_format")
    decoder = {key: inner[key] for key in ("type", *window) if key in inner}
    decoder["return_sequences"] = b.chance(0.7)
    if b.chance(0.4):
        if len(states) == 2:
            states = states * 2
        wrapped, *_ = _bidirectional(b, decoder, rank, sizes, channels)
        decoder = {key: value for key, value in wrapped.items() if key != "name"}
    elif len(states) == 4:
        states = states[:2] if b.chance(0.5) else states[2:]
    if b.chance(0.1):  # a state too few, or (on a Bidirectional) a pair too many
        states = states[:-1] if len(states) == 2 or b.chance(0.5) else states + states[:2]
    decoder |= {"input": "y", "initial_state": states}
    b.add(decoder)
