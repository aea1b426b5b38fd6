"""keras.layers.MultiHeadAttention: the query (input) attends over value and key by heads.

``input:`` is the query, ``value:`` and an optional ``key:`` (the value by
default) are references, as is ``attention_mask:``.  Each is projected to
``num_heads`` heads of ``key_dim`` (the value's of ``value_dim``), and the
heads are mapped back to the query's features (or ``output_shape``).  Its
scores are ``(batch, num_heads, Tq, Tv)``, the attention axes' sizes in
place of Tq and Tv with more axes, as Keras computes them when it runs (when
it builds on ``keras.Input`` Keras gives ``(batch, num_heads, Tq, Tq)``
whatever the key: a bug of its symbolic shape, which lstmshape does not
copy).  It passes the query's mask on and uses the value's.
"""

from __future__ import annotations

from math import prod
from typing import Any, Literal

from lstmshape.costs import ZERO, Costs, CostShapes, known, rows, scale, size, times
from lstmshape.engine.tensors import LayerContext, LayerOutcome, Source, Tensor
from lstmshape.frameworks.keras.attention import CALL_ARGS, mask_fits, scores_named
from lstmshape.frameworks.keras.base import KerasLayer
from lstmshape.frameworks.keras.checks import check_positive, features_known
from lstmshape.frameworks.layer_type import (
    Draw,
    Example,
    Failing,
    Sample,
    Sampler,
    Shapes,
    layer_type,
)
from lstmshape.models.common import Reference
from lstmshape.shapes import Dim, Shape, dims_conflict, format_shape

_SELF: Shapes = {"x": ["B", "T", 8]}


class MultiHeadAttentionConfig(KerasLayer):
    type: Literal["MultiHeadAttention"]
    num_heads: int
    key_dim: int
    value_dim: int | None = None
    dropout: float = 0.0
    use_bias: bool = True
    output_shape: int | list[int] | None = None
    attention_axes: int | list[int] | None = None
    sliding_window: int | None = None
    flash_attention: bool | None = None
    use_gate: bool = False
    kernel_initializer: str = "glorot_uniform"
    bias_initializer: str = "zeros"
    kernel_regularizer: str | None = None
    bias_regularizer: str | None = None
    activity_regularizer: str | None = None
    kernel_constraint: str | None = None
    bias_constraint: str | None = None
    seed: int | None = None
    value: Reference
    key: Reference | None = None
    attention_mask: Reference | None = None
    return_attention_scores: bool = False
    use_causal_mask: bool = False

    @property
    def values_per_head(self) -> int:
        return self.value_dim or self.key_dim

    @property
    def output_dims(self) -> tuple[int, ...]:
        """output_shape as Keras reads it: an int is one dimension; 0 or [] none."""
        if not self.output_shape:
            return ()
        return (
            (self.output_shape,) if isinstance(self.output_shape, int) else tuple(self.output_shape)
        )


def _check_heads(config: MultiHeadAttentionConfig, ctx: LayerContext) -> bool:
    valid = check_positive(
        ctx, "num_heads", config.num_heads, "Received an invalid value for argument `num_heads`"
    )
    valid = (
        check_positive(
            ctx, "key_dim", config.key_dim, "Received an invalid value for argument `key_dim`"
        )
        and valid
    )
    optional = (
        ("value_dim", config.value_dim, "Received an invalid value for argument `value_dim`"),
        ("sliding_window", config.sliding_window, "`sliding_window` must be `None` or a positive"),
    )
    for key, value, keras in optional:
        if value is not None:
            valid = check_positive(ctx, key, value, keras) and valid
    if config.flash_attention and config.dropout > 0:
        ctx.report(
            "LS108",
            f"{ctx.name} has flash_attention: true and dropout {config.dropout} (Keras raises "
            "ValueError: Dropout is not supported when flash attention is enabled)",
            "flash_attention",
        )
        valid = False
    if config.flash_attention and config.return_attention_scores:
        ctx.report(
            "LS108",
            f"{ctx.name} has flash_attention: true and return_attention_scores: true (Keras "
            "raises ValueError: Returning attention scores is not supported when flash "
            "attention is enabled)",
            "return_attention_scores",
        )
        valid = False
    return valid


def _mha_params(config: MultiHeadAttentionConfig, features: tuple[Dim, Dim, Dim]) -> int | None:
    """Kernels (features, heads, key_dim) for query and key, (features, heads, value_dim)
    for value (and gate), (heads, value_dim, *output) out; a bias of each's output shape."""
    if not all(isinstance(f, int) for f in features):
        return None
    query, value, key = (int(f or 0) for f in features)
    heads, per_key, per_value = config.num_heads, config.key_dim, config.values_per_head
    out = prod(config.output_dims) if config.output_dims else query
    bias = int(config.use_bias)
    total = (query + bias) * heads * per_key + (key + bias) * heads * per_key
    total += (value + bias) * heads * per_value + heads * per_value * out + bias * out
    if config.use_gate:
        total += (query + bias) * heads * per_value
    return total


def _normalized_axes(config: MultiHeadAttentionConfig, rank: int) -> tuple[int, ...] | None:
    """The attention axes as Keras normalizes them, or None where Keras would attend over
    the heads or fail: by default every axis between the batch and the features; a
    negative axis counts from the heads' axis of the projected (rank + 1)-D tensor."""
    if config.attention_axes is None or _fused(config, rank):
        return tuple(range(1, rank - 1))
    written = config.attention_axes
    axes = [written] if isinstance(written, int) else list(written)
    normalized = tuple(a if a >= 0 else rank + a for a in axes)
    if (
        axes
        and len(set(normalized)) == len(normalized)
        and all(1 <= a <= rank - 2 for a in normalized)
    ):
        return normalized
    return None


def _fused(config: MultiHeadAttentionConfig, rank: int) -> bool:
    """Whether Keras runs its fused dot-product attention, which reads no attention_axes:
    on a 3-D query, without dropout and without returning the scores."""
    return rank == 3 and not config.dropout and not config.return_attention_scores


def _attention_axes(
    config: MultiHeadAttentionConfig, ctx: LayerContext, rank: int
) -> tuple[int, ...] | None:
    """The attention axes (see :func:`_normalized_axes`), or None (reported)."""
    normalized = _normalized_axes(config, rank)
    if normalized is not None:
        return normalized
    written = config.attention_axes
    ctx.report(
        "LS108",
        f"{ctx.name}.attention_axes is {written}, but its query is {rank}-D: attention axes are "
        f"distinct axes between the batch and the features, 1 to {rank - 2} (Keras fails when it "
        "runs, or attends over its heads)",
        "attention_axes",
    )
    return None


def _mha_sources(ctx: LayerContext) -> tuple[Source, Source, Source] | None:
    """Query, value and key (the value when not given), or None if one is unknown."""
    value = ctx.tensor_args["value"][0]
    key = ctx.tensor_args["key"][0] if "key" in ctx.tensor_args else value
    sources = (ctx.inputs[0], value, key)
    if any(source.tensor.shape is None for source in sources):
        return None
    return sources


def _shape(source: Source) -> Shape:
    assert source.tensor.shape is not None  # unknown shapes are returned before
    return source.tensor.shape


def _sample_mha(draw: Draw) -> Sample:
    """Self-attention over ``given["inputs"][0]`` (or over a second tensor as value), of
    ``draw.features`` features.  Mistakes: num_heads 0, a key a step short."""
    rng = draw.rng
    inputs = list(draw.given["inputs"])
    args: dict[str, Any] = {
        "num_heads": rng.randint(1, 3),
        "key_dim": rng.randint(1, 6),
        "input": inputs[0],
        "value": inputs[-1],
    }
    if draw.chance(0.2):
        args["value_dim"] = rng.randint(1, 5)
    if draw.chance(0.2):
        args["output_shape"] = rng.randint(1, 8)
    if draw.chance(0.15):
        args["use_bias"] = False
    if draw.chance(0.1):
        args["use_gate"] = True
    if draw.chance(0.3):
        args["return_attention_scores"] = True
    if draw.chance(0.15):
        args["use_causal_mask"] = True
    if draw.chance(0.1):
        args["dropout"] = 0.1
    mistake: dict[str, Any] = {}
    if draw.chance(0.03):
        mistake["num_heads"] = 0
    elif not draw.given.get("symbolic_time") and draw.chance(0.05):
        mistake["key"] = f"{inputs[0]}[:, 1:]"  # a step shorter than the value
    features = args.get("output_shape", draw.features)
    return Sample(args, features, mistake)


def _mha_cost(config: MultiHeadAttentionConfig, shapes: CostShapes) -> Costs:
    """The projections (query, key, value, output, and the gate) as a Dense each, then per
    head the scores and the weighted sum: key_dim and value_dim MACs for each query step
    and attended key step.  Apart: the biases, the query's scaling by 1/sqrt(key_dim) and
    the softmax over the scores."""
    query = known(shapes.inputs[0])
    value = known(shapes.tensor_args["value"][0])
    key = known(shapes.tensor_args["key"][0]) if "key" in shapes.tensor_args else value
    heads, per_key, per_value = config.num_heads, config.key_dim, config.values_per_head
    queries, keys, values = rows(query), rows(key), rows(value)
    out = size(query[-1]) if not config.output_dims else ZERO + prod(config.output_dims)
    projected = {
        "query": (scale(queries, heads * per_key), query[-1]),
        "key": (scale(keys, heads * per_key), key[-1]),
        "value": (scale(values, heads * per_value), value[-1]),
    }
    if config.use_gate:
        projected["gate"] = (scale(queries, heads * per_value), query[-1])
    macs = times(scale(queries, heads * per_value), out)
    bias = times(queries, out)
    for outputs, features in projected.values():
        macs = macs + times(outputs, size(features))
        bias = bias + outputs
    attended = ZERO + 1
    for axis in _normalized_axes(config, len(query)) or ():
        attended = times(attended, size(key[axis]))
    # the non-attended axes are shared: each query row meets the attended key steps
    scores = times(scale(queries, heads), attended)
    return Costs(
        macs + scale(scores, per_key + per_value),
        bias=bias if config.use_bias else ZERO,
        elementwise=scale(queries, heads * per_key),
        softmax=scale(scores, 3),
    )


@layer_type(
    "keras",
    "MultiHeadAttention",
    MultiHeadAttentionConfig,
    refusals={
        "TimeDistributed": "it reads a query and a value, and TimeDistributed passes it one "
        "tensor (Keras raises TypeError: MultiHeadAttention.build() missing 1 required "
        "positional argument: 'value_shape')"
    },
    check=_check_heads,
    tensors=scores_named,
    tensor_args=("value", "key", "attention_mask"),
    call_args=CALL_ARGS,
    cost=_mha_cost,
    tensors_doc="`output`, `attention_scores` (with `return_attention_scores: true`)",
    note="(`input:` is the query; `value`, `key` and `attention_mask` are references; "
    "`return_attention_scores` and `use_causal_mask` are the call's)",
    examples=(
        Example(
            _SELF,
            {"num_heads": 2, "key_dim": 4, "value": "x", "return_attention_scores": True},
            {"output": ["B", "T", 8], "attention_scores": ["B", 2, "T", "T"]},
            params=288,
        ),
        Example(
            {"q": ["B", "T", 8], "v": ["B", "S", 6], "k": ["B", "S", 5], "m": ["B", "T", "S"]},
            {
                "input": "q",
                "num_heads": 2,
                "key_dim": 4,
                "value_dim": 3,
                "output_shape": 10,
                "value": "v",
                "key": "k",
                "attention_mask": "m",
                "return_attention_scores": True,
            },
            {"output": ["B", "T", 10], "attention_scores": ["B", 2, "T", "S"]},
            params=232,
        ),
        Example(
            {"q": ["B", 3, "T", 8], "v": ["B", 4, "S", 6]},
            {
                "input": "q",
                "num_heads": 2,
                "key_dim": 4,
                "use_bias": False,
                "value": "v",
                "return_attention_scores": True,
            },
            {"output": ["B", 3, "T", 8], "attention_scores": ["B", 2, 3, "T", 4, "S"]},
            params=224,
        ),
        Example(
            {"q": ["B", 3, "T", 8], "v": ["B", 3, "S", 6]},
            {
                "input": "q",
                "num_heads": 2,
                "key_dim": 4,
                "attention_axes": 2,
                "value": "v",
                "return_attention_scores": True,
            },
            {"output": ["B", 3, "T", 8], "attention_scores": ["B", 3, 2, "T", "S"]},
            params=256,
        ),
    ),
    failing=(
        Failing(_SELF, {"num_heads": 0, "key_dim": 4, "value": "x"}, "LS108"),
        Failing(
            {"q": ["B", "T", 8], "v": ["B", "S", 6], "k": ["B", "T", 6]},
            {"input": "q", "num_heads": 2, "key_dim": 4, "value": "v", "key": "k"},
            "LS326",
        ),
        Failing(
            {"q": ["B", "T", 8], "v": [3, "S", 6]},
            {"input": "q", "num_heads": 2, "key_dim": 4, "value": "v"},
            "LS326",
        ),
        Failing(
            {"x": ["B", "T", 8], "m": ["B", "S", "T"]},
            {"input": "x", "num_heads": 2, "key_dim": 4, "value": "x", "attention_mask": "m"},
            "LS326",
        ),
        Failing({"x": ["B", 8]}, {"num_heads": 2, "key_dim": 4, "value": "x"}, "LS302"),
    ),
    foreign_types={
        "MultiheadAttention": "MultiheadAttention is torch's; Keras's is MultiHeadAttention "
        "(num_heads, key_dim)",
    },
    foreign_keys={
        "embed_dim": "Keras's MultiHeadAttention takes key_dim, the size per head (torch's "
        "embed_dim // num_heads); the output has the query's features",
        "kdim": "Keras reads the key's features from the key; key_dim is the size per head",
        "vdim": "Keras reads the value's features from the value; value_dim is the size per head",
        "query": "Keras's query is the layer's input: write input:",
        "batch_first": "Keras is always batch first",
        "need_weights": "write return_attention_scores: true for Keras's attention scores",
        "attn_mask": "Keras takes attention_mask, (B, Tq, Tv)",
        "key_padding_mask": "Keras uses the value's mask (a Masking layer or Embedding "
        "mask_zero), or attention_mask (B, Tq, Tv)",
    },
    sample=Sampler("attention", _sample_mha),
)
def multi_head_attention(config: MultiHeadAttentionConfig, ctx: LayerContext) -> LayerOutcome:
    """Multi-head attention of the query (input) over value and key: (B, Tq, dim) -> (B, Tq, dim).

    value (B, Tv, dv) and key (B, Tv, dk), the value by default, may have
    any features: each is projected to num_heads heads of key_dim (value_dim
    for the value, key_dim by default).  The output has the query's shape,
    its last dimension output_shape when given (an int or a list).
    attention_scores (B, num_heads, Tq, Tv) with return_attention_scores;
    with more axes between batch and features, the attention axes (all of
    them, or attention_axes) of query then key after the other axes and the
    heads.  attention_mask fits (B, Tq, Tv), each dim equal or 1.  Parameters: query and
    key kernels dim*num_heads*key_dim, value kernel dv*num_heads*value_dim,
    output kernel num_heads*value_dim*out, a bias of each's output (none
    without use_bias); use_gate adds a gate like the value's on the query.
    """
    names = scores_named(config)
    sources = _mha_sources(ctx)
    unknown = LayerOutcome({name: Tensor(None) for name in names}, None)
    if sources is None:
        return unknown
    shapes = [_shape(source) for source in sources]
    query, value, key = shapes
    if len(query) < 3:
        ctx.report_on(
            sources[0],
            "LS302",
            f"MultiHeadAttention takes a query of at least 3 dimensions (batch, Tq, dim); "
            f"{ctx.name}'s input {sources[0].describe()} is {len(query)}-D (Keras builds it and "
            "fails when it runs)",
        )
        return unknown
    for source, shape in zip(sources, shapes, strict=True):
        if not features_known(ctx, source, shape, f"{ctx.name} (MultiHeadAttention)"):
            return unknown
    params = _mha_params(config, (query[-1], value[-1], key[-1]))
    unknown = LayerOutcome(unknown.tensors, params)
    if not _key_fits_value(ctx, sources, shapes):
        return unknown
    if len(value) != len(query):
        ctx.report_on(
            sources[1],
            "LS302",
            f"{ctx.name}'s query {sources[0].describe()} is {len(query)}-D but its value "
            f"{sources[1].describe()} is {len(value)}-D: they have one rank (Keras fails when "
            "it runs)",
        )
        return unknown
    axes = _attention_axes(config, ctx, len(query))
    if axes is None:
        return unknown
    if not _batches_agree(ctx, sources, shapes, axes):
        return unknown
    projected = (*query[:-1], config.num_heads)  # (..., heads) of the query, key_dim apart
    keys = (*key[:-1], config.num_heads)
    others = [i for i in range(len(projected)) if i not in axes]
    scores: Shape = (
        *(projected[i] for i in others),
        *(projected[a] for a in axes),
        *(keys[a] for a in axes),
    )
    if not _mask_fits(ctx, scores, config.num_heads, len(axes)):
        return unknown
    output = (*query[:-1], *config.output_dims) if config.output_dims else query
    tensors = {"output": Tensor(output, mask=sources[0].tensor.mask)}
    if config.return_attention_scores:
        tensors["attention_scores"] = Tensor(scores)
    return LayerOutcome(tensors, params)


def _key_fits_value(
    ctx: LayerContext, sources: tuple[Source, Source, Source], shapes: list[Shape]
) -> bool:
    """Keras's first check: every dimension of value and key but the last (and the batch)
    equal, a size against an unknown one included."""
    _, value, key = shapes
    middle_value, middle_key = value[1:-1], key[1:-1]
    if len(middle_value) == len(middle_key) and not any(
        (a is None) != (b is None) or dims_conflict(a, b)
        for a, b in zip(middle_value, middle_key, strict=True)
    ):
        return True
    ctx.report_on(
        sources[2],
        "LS326",
        f"{ctx.name}'s value {sources[1].describe()} and key {sources[2].describe()} differ in a "
        "dimension other than the last (Keras raises ValueError: All dimensions of `value` and "
        "`key`, except the last one, must be equal)",
        hint="each key step scores one value step: key and value have the same steps",
    )
    return False


def _batches_agree(
    ctx: LayerContext,
    sources: tuple[Source, Source, Source],
    shapes: list[Shape],
    axes: tuple[int, ...],
) -> bool:
    """The axes that are not attended over (the batch first) are the same in query and key."""
    query, _, key = shapes
    for axis in range(len(query) - 1):
        if axis in axes or not dims_conflict(query[axis], key[axis]):
            continue
        what = "batch sizes" if axis == 0 else f"sizes of axis {axis}, which is not attended over"
        ctx.report_on(
            sources[1],
            "LS326",
            f"{ctx.name}'s query {sources[0].describe()} and value {sources[1].describe()} have "
            f"different {what} ({query[axis]} and {key[axis]}; Keras fails when it runs)",
        )
        return False
    return True


def _mask_fits(ctx: LayerContext, scores: Shape, heads: int, attended: int) -> bool:
    """attention_mask fits the scores without their heads' axis, (B, Tq, Tv): ``attended``
    is the number of attention axes, each of the query and of the key."""
    if "attention_mask" not in ctx.tensor_args:
        return True
    mask = ctx.tensor_args["attention_mask"][0]
    shape = mask.tensor.shape
    if shape is None:
        return False
    heads_axis = len(scores) - 2 * attended - 1  # Keras expands the mask there
    wanted = (*scores[:heads_axis], *scores[heads_axis + 1 :])
    if mask_fits(shape, wanted):
        return True
    ctx.report_on(
        mask,
        "LS326",
        f"{ctx.name}'s attention_mask {mask.describe()} does not fit "
        f"{format_shape(wanted)}, (batch, Tq, Tv) for its query and value (Keras fails when it "
        "runs)",
        hint=f"one row per query step and a column per value step, for the {heads} heads alike",
    )
    return False
