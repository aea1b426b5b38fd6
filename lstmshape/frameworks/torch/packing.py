"""torch.nn.utils.rnn.pack_padded_sequence and pad_packed_sequence: packed batches.

A packed sequence (torch's PackedSequence) is the steps of a padded batch
without the padding: ``(data, batch_sizes, sorted_indices,
unsorted_indices)``, whose data is ``(sum of lengths, *features)``.  A
recurrent layer runs on one and returns one as ``output``; every other layer
raises on it (LS315), and so does a tensor index (LS314): its data is ``[0]``
or ``.data``.  lstmshape reports a packed tensor by its data's shape.

The padded length pad_packed_sequence gives back is torch's
``max(lengths)``: known when the lengths are numbers, ``total_length`` when
given, and otherwise the length of the batch that was packed, as a batch
padded to its longest sequence (what pad_sequence makes) has it.
"""

from __future__ import annotations

from typing import Any, Literal

from lstmshape.engine.tensors import LayerContext, LayerOutcome, Origin, Packed, Padded, Tensor
from lstmshape.frameworks import cost_rules
from lstmshape.frameworks.layer_type import Draw, Example, Failing, Sample, Sampler, layer_type
from lstmshape.frameworks.torch.base import TorchLayer
from lstmshape.models.common import Reference
from lstmshape.shapes import Dim, Shape, dims_conflict, format_dim

RNN_UTILS = ("torch.nn.utils.rnn.", "nn.utils.rnn.")
"""Where torch has these functions (``torch.pack_padded_sequence`` does not exist)."""


class PackPaddedSequenceConfig(TorchLayer):
    type: Literal["pack_padded_sequence"]
    lengths: Reference | list[int]
    """Required, as in torch's signature: numbers, or a 1-D reference of one per sequence."""
    batch_first: bool = False
    enforce_sorted: bool = True


class PadPackedSequenceConfig(TorchLayer):
    type: Literal["pad_packed_sequence"]
    batch_first: bool = False
    padding_value: float = 0.0
    total_length: int | None = None


_UNKNOWN_PACKED = LayerOutcome({"output": Tensor(None)}, 0)


def _literal_lengths(config: PackPaddedSequenceConfig, ctx: LayerContext, batch: Dim) -> bool:
    """torch's checks of lengths written as numbers; False when it would raise."""
    lengths = config.lengths
    assert isinstance(lengths, list)
    if dims_conflict(len(lengths), batch):
        ctx.report(
            "LS317",
            f"{ctx.name}.lengths lists {len(lengths)} lengths but the batch has "
            f"{format_dim(batch)} sequences (torch raises: Expected `len(lengths)` to be equal "
            "to batch_size)",
            "lengths",
            hint="give one length per sequence of the batch; a symbolic batch stands for any "
            "size, so lengths written as numbers need the batch as a number",
        )
        return False
    for index, length in enumerate(lengths):
        if length <= 0:
            ctx.report(
                "LS317",
                f"{ctx.name}.lengths[{index}] is {length}: torch raises, the length of every "
                "sequence has to be greater than 0",
                "lengths",
                index,
            )
            return False
    if config.enforce_sorted and lengths != sorted(lengths, reverse=True):
        ctx.report(
            "LS317",
            f"{ctx.name}.lengths {lengths} are not in decreasing order, which "
            "enforce_sorted: true requires (torch raises)",
            "lengths",
            hint="sort the batch by decreasing length, or set enforce_sorted: false",
        )
        return False
    return True


def _reference_lengths(ctx: LayerContext, batch: Dim) -> bool:
    """The lengths tensor must be 1-D, one length per sequence of the batch."""
    source = ctx.tensor_args["lengths"][0]
    shape = source.tensor.shape
    if shape is None:
        return True
    if len(shape) != 1:
        ctx.report_on(
            source,
            "LS317",
            f"{ctx.name}'s lengths {source.describe()} are {len(shape)}-D: torch takes a 1-D "
            "tensor of lengths, one per sequence",
        )
        return False
    if dims_conflict(shape[0], batch):
        ctx.report_on(
            source,
            "LS317",
            f"{ctx.name}'s lengths {source.describe()} hold {format_dim(shape[0])} lengths but the "
            f"batch has {format_dim(batch)} sequences (torch raises: Expected `len(lengths)` to "
            "be equal to batch_size)",
        )
        return False
    return True


def _longer_than_batch(ctx: LayerContext, time: Dim, lengths: tuple[int, ...]) -> bool:
    """A length past the padded batch: torch packs without a word, and the recurrent layer or
    pad_packed_sequence that reads the packed sequence raises.  A symbolic length stands
    for a batch long enough, as with convolution windows."""
    if not isinstance(time, int) or max(lengths) <= time:
        return False
    ctx.report(
        "LS317",
        f"{ctx.name}.lengths has a sequence of {max(lengths)} steps but the padded batch "
        f"{ctx.inputs[0].describe()} has {time} (torch packs it, and the layer that reads the "
        "packed sequence raises)",
        "lengths",
        hint=f"a length is at most the padded length, {time}",
    )
    return True


def _sample_pack(draw: Draw) -> Sample:
    """Numbers for ``given["batch"]`` sequences of at most ``given["time"]`` steps, else the
    reference ``given["lengths"]`` (an input of the spec).  Mistakes: unsorted lengths, one
    length too many, a zero length.  (A length past the batch is not drawn: torch packs it
    and fails in the layer that reads it, where lstmshape reports it at the lengths.)"""
    rng, given = draw.rng, draw.given
    args: dict[str, Any] = {}
    if given.get("batch_first") or draw.chance(0.2):
        args["batch_first"] = bool(given.get("batch_first"))
    if "batch" not in given:
        args["lengths"] = given["lengths"]
        return Sample(args, draw.features)
    batch, time = given["batch"], given["time"]
    lengths = sorted((rng.randint(1, time) for _ in range(batch)), reverse=True)
    sorted_lengths = draw.chance(0.8)
    if not sorted_lengths:
        rng.shuffle(lengths)
    if not sorted_lengths or draw.chance(0.1):
        args["enforce_sorted"] = sorted_lengths or draw.chance(0.1)
    args["lengths"] = lengths
    mistake: dict[str, Any] = {}
    if draw.chance(0.1):
        wrong = list(lengths)
        kind = rng.choice(("unsorted", "count", "zero"))
        if kind == "unsorted" and len(set(wrong)) > 1:
            wrong = sorted(wrong)
        elif kind == "count":
            wrong.append(1)
        else:
            wrong[-1] = 0
        mistake["lengths"] = wrong
    return Sample(args, draw.features, mistake)


@layer_type(
    "torch",
    "pack_padded_sequence",
    PackPaddedSequenceConfig,
    prefixes=RNN_UTILS,
    cost=cost_rules.copy,
    tensor_args=("lengths",),
    tensors_doc="`output` (packed: its data's shape)",
    note="(`torch.nn.utils.rnn.pack_padded_sequence(input, lengths)`; `lengths`, required: "
    "numbers, or a 1-D reference of one per sequence)",
    examples=(
        Example(
            {"x": [3, 6, 8]},
            {"lengths": [5, 3, 2], "batch_first": True},
            {"output": [10, 8]},
            params=0,
        ),
        Example(
            {"x": ["T", 1, 8], "n": [1]},
            {"input": "x", "lengths": "n"},
            {"output": ["T", 8]},
            params=0,
        ),
    ),
    failing=(
        Failing({"x": [3, 5, 8]}, {"lengths": [2, 5, 3], "batch_first": True}, "LS317"),
        Failing({"x": [3, 5, 8]}, {"lengths": [5, 3], "batch_first": True}, "LS317"),
        Failing({"x": [3, 5, 8]}, {"batch_first": True}, "LS102"),
    ),
    foreign_keys={"input_lengths": "torch calls the lengths lengths:"},
    missing_keys={
        "lengths": (
            "torch requires it (pack_padded_sequence(input, lengths, batch_first=False, "
            "enforce_sorted=True) raises TypeError without it)",
            "give one length per sequence as numbers (lengths: [5, 3, 2]), or name a 1-D "
            "[B] input that holds them (inputs: {lengths: [B]}, then lengths: lengths)",
        )
    },
    sample=Sampler("pack", _sample_pack),
)
def pack_padded_sequence(config: PackPaddedSequenceConfig, ctx: LayerContext) -> LayerOutcome:
    """Packs a padded batch: (T, B, *) or (B, T, *) with batch_first -> data (sum(lengths), *).

    lengths are required, as numbers or a 1-D reference.  The first dimension
    is the sum of the lengths when they are numbers, else unknown.  lengths are
    one per sequence, each in 1..T, in decreasing order unless enforce_sorted is
    false.  The result is read by a recurrent layer,
    by pad_packed_sequence or as data with `[0]`; no parameters.
    """
    source = ctx.inputs[0]
    shape = source.tensor.shape
    if shape is None:
        return _UNKNOWN_PACKED
    if len(shape) < 2:
        ctx.report_on(
            source,
            "LS302",
            f"pack_padded_sequence takes a padded batch of at least 2 dimensions, (T, B, *) "
            f"or (B, T, *) with batch_first; {ctx.name}'s input {source.describe()} is "
            f"{len(shape)}-D",
        )
        return _UNKNOWN_PACKED
    batch, time = (shape[0], shape[1]) if config.batch_first else (shape[1], shape[0])
    lengths: tuple[int, ...] | None = None
    if isinstance(config.lengths, list):
        if not _literal_lengths(config, ctx, batch):
            return _UNKNOWN_PACKED
        lengths = tuple(config.lengths)
        if _longer_than_batch(ctx, time, lengths):
            return _UNKNOWN_PACKED
    elif not _reference_lengths(ctx, batch):
        return _UNKNOWN_PACKED
    total: Dim = sum(lengths) if lengths else None
    if lengths is None and time == 1:
        total = batch  # one step each
    elif lengths is None and batch == 1:
        total = time  # one sequence, as long as the batch it is padded to
    packed = Packed(batch, time, lengths, config.enforce_sorted)
    return LayerOutcome({"output": Tensor((total, *shape[2:]), packed=packed)}, 0)


def _sample_pad(draw: Draw) -> Sample:
    """Back to a padded batch in ``given["batch_first"]``'s layout; at times with a total_length
    of ``given["time"]`` (or, a mistake, one step short of the longest sequence)."""
    given = draw.given
    args: dict[str, Any] = {}
    if given.get("batch_first") or draw.chance(0.2):
        args["batch_first"] = bool(given.get("batch_first"))
    if draw.chance(0.2):
        args["padding_value"] = draw.rng.choice((0.0, -1.0, 1))
    mistake: dict[str, Any] = {}
    if isinstance(given.get("time"), int) and draw.chance(0.3):
        args["total_length"] = given["time"] + draw.rng.choice((0, 0, 2))
        if draw.chance(0.1):
            mistake["total_length"] = given["longest"] - 1
    return Sample(args, draw.features, mistake)


@layer_type(
    "torch",
    "pad_packed_sequence",
    PadPackedSequenceConfig,
    prefixes=RNN_UTILS,
    cost=cost_rules.copy,
    reads_packed=True,
    tensors=lambda _config: ("output", "lengths"),
    tensors_doc="`output`, `lengths`",
    note="(`torch.nn.utils.rnn.pad_packed_sequence(sequence)`: the sequence is `input`)",
    examples=(
        Example(
            {"x": [3, 5, 8]},
            {"batch_first": True},
            {"output": [3, 4, 8], "lengths": [3]},
            params=0,
            before=({"type": "pack_padded_sequence", "lengths": [4, 3, 2], "batch_first": True},),
        ),
        Example(
            {"x": ["T", 1, 8], "n": [1]},
            {"total_length": 20},
            {"output": [20, 1, 8], "lengths": [1]},
            params=0,
            before=({"type": "pack_padded_sequence", "input": "x", "lengths": "n"},),
        ),
    ),
    failing=(
        Failing({"x": ["B", "T", 8]}, {"batch_first": True}, "LS316"),
        Failing(
            {"x": [3, 5, 8]},
            {"total_length": 3},
            "LS317",
            before=({"type": "pack_padded_sequence", "lengths": [4, 3, 2], "batch_first": True},),
        ),
    ),
    foreign_keys={"sequence": "pad_packed_sequence reads its packed sequence with input:"},
    sample=Sampler("pad", _sample_pad),
)
def pad_packed_sequence(config: PadPackedSequenceConfig, ctx: LayerContext) -> LayerOutcome:
    """Pads a packed sequence back: (T, B, *), or (B, T, *) with batch_first, and `lengths` (B).

    T is total_length when given (at least the longest sequence), else the
    longest sequence: max(lengths) when they are numbers, else the length of
    the batch that was packed.  No parameters.
    """
    source = ctx.inputs[0]
    unknown = LayerOutcome({"output": Tensor(None), "lengths": Tensor(None)}, 0)
    packed = source.tensor.packed
    if source.tensor.shape is None:
        return unknown
    if packed is None:
        ctx.report_on(
            source,
            "LS316",
            f"pad_packed_sequence takes a packed sequence, but {ctx.name}'s input "
            f"{source.describe()} is a tensor (torch raises AttributeError: 'Tensor' object has "
            "no attribute 'batch_sizes')",
            hint="pack the batch first with pack_padded_sequence, or read the tensor as it is",
        )
        return unknown
    longest = packed.longest
    time: Dim = longest
    if config.total_length is not None:
        if isinstance(longest, int) and config.total_length < longest:
            ctx.report(
                "LS317",
                f"{ctx.name}.total_length is {config.total_length} but the longest sequence "
                f"of {source.text} has {longest} steps (torch raises ValueError: Expected "
                "total_length to be at least the length of the longest sequence)",
                "total_length",
                hint=f"set total_length: {longest} or more",
            )
            return unknown
        time = config.total_length
    features = (source.tensor.shape or ())[1:]
    shape: Shape = (
        (packed.batch, time, *features) if config.batch_first else (time, packed.batch, *features)
    )
    padded = Padded(ctx.name, packed.recurrent, packed.bidirectional)
    origin = Origin(ctx.name, "output", time_axis=1 if config.batch_first else 0, padded=padded)
    output = Tensor(shape, origin, batch_first=config.batch_first)
    return LayerOutcome({"output": output, "lengths": Tensor((packed.batch,))}, 0)
