"""torch.nn.MultiheadAttention: each query step attends over the key and value steps.

Called as torch calls it: ``input:`` is the query, ``key:`` and ``value:``
references (both required, as in torch's forward), ``key_padding_mask:`` and
``attn_mask:`` optional references, and the call's ``need_weights``,
``average_attn_weights`` and ``is_causal``.  With L query steps, S key steps,
N the batch and E = embed_dim:

* query (L, N, E), key (S, N, kdim), value (S, N, vdim); (N, L, E) ...
  with batch_first; unbatched (L, E), (S, kdim), (S, vdim) whatever batch_first;
* output as the query: (L, N, E), (N, L, E) with batch_first, (L, E) unbatched;
* attn_output_weights (N, L, S') averaged over the heads, (N, num_heads, L, S')
  with average_attn_weights: false; unbatched without the N; absent with
  need_weights: false.  S' is S, plus 1 with add_bias_kv, plus 1 with
  add_zero_attn (the steps torch appends to the keys);
* key_padding_mask (N, S), unbatched (S); attn_mask (L, S) or
  (N*num_heads, L, S), unbatched (num_heads, L, S).

Parameters: embed_dim*(embed_dim + kdim + vdim) input projections and
embed_dim*embed_dim output projection, plus 3*embed_dim + embed_dim biases with
bias, plus 2*embed_dim with add_bias_kv (kdim and vdim default to embed_dim).
"""

from __future__ import annotations

from typing import Any, Literal

from lstmshape import costs
from lstmshape.costs import ZERO, Costs, CostShapes, known, rows, scale
from lstmshape.engine.tensors import LayerContext, LayerOutcome, Source, Tensor
from lstmshape.frameworks.layer_type import Draw, Example, Failing, Sample, Sampler, layer_type
from lstmshape.frameworks.torch.base import TorchLayer, check_layout, check_non_negative
from lstmshape.models.common import Reference
from lstmshape.shapes import (
    Dim,
    Shape,
    add_dims,
    dims_conflict,
    format_shape,
    multiply_dims,
    shapes_conflict,
    size_hint,
)

MASKS = ("key_padding_mask", "attn_mask")


class MultiheadAttentionConfig(TorchLayer):
    type: Literal["MultiheadAttention"]
    embed_dim: int
    num_heads: int
    dropout: float = 0.0
    bias: bool = True
    add_bias_kv: bool = False
    add_zero_attn: bool = False
    kdim: int | None = None
    vdim: int | None = None
    batch_first: bool = False
    device: str | None = None
    dtype: str | None = None
    key: Reference
    value: Reference
    key_padding_mask: Reference | None = None
    need_weights: bool = True
    attn_mask: Reference | None = None
    average_attn_weights: bool = True
    is_causal: bool = False

    @property
    def key_features(self) -> int:
        return self.embed_dim if self.kdim is None else self.kdim

    @property
    def value_features(self) -> int:
        return self.embed_dim if self.vdim is None else self.vdim


def tensor_names(config: MultiheadAttentionConfig) -> tuple[str, ...]:
    return ("output", "attn_output_weights") if config.need_weights else ("output",)


def parameter_count(config: MultiheadAttentionConfig) -> int:
    e = config.embed_dim
    weights = e * (e + config.key_features + config.value_features) + e * e
    biases = 4 * e if config.bias else 0
    return weights + biases + (2 * e if config.add_bias_kv else 0)


def check_arguments(config: MultiheadAttentionConfig, ctx: LayerContext) -> bool:
    """What torch rejects when it builds the module, and the call arguments it rejects
    before it reads a shape (dropout above 1 in training mode, is_causal without a mask)."""
    valid = True
    for key, value in (("embed_dim", config.embed_dim), ("num_heads", config.num_heads)):
        if value <= 0:
            ctx.report(
                "LS108",
                f"{ctx.name}.{key} must be greater than 0, found {value} (torch raises "
                "ValueError: embed_dim and num_heads must be greater than 0)",
                key,
            )
            valid = False
    if valid and config.embed_dim % config.num_heads:
        divisors = [n for n in range(1, config.embed_dim + 1) if config.embed_dim % n == 0]
        ctx.report(
            "LS108",
            f"{ctx.name}.embed_dim {config.embed_dim} is not divisible by num_heads "
            f"{config.num_heads} (torch raises AssertionError: embed_dim must be divisible by "
            "num_heads)",
            "num_heads",
            hint=f"each head gets embed_dim // num_heads features: num_heads may be "
            f"{', '.join(map(str, divisors[:8]))}",
        )
        valid = False
    given = {key: size for key, size in (("kdim", config.kdim), ("vdim", config.vdim)) if size}
    valid = check_non_negative(ctx, given) and valid
    if config.dropout > 1:
        ctx.report(
            "LS108",
            f"{ctx.name}.dropout must be at most 1, found {config.dropout} (torch builds the "
            "module and raises when it runs in training mode: dropout probability has to be "
            "between 0 and 1)",
            "dropout",
        )
        valid = False
    if config.is_causal and config.attn_mask is None:
        ctx.report(
            "LS108",
            f"{ctx.name} has is_causal: true but no attn_mask (torch raises RuntimeError: Need "
            "attn_mask if specifying the is_causal hint)",
            "is_causal",
            hint="is_causal is only a hint about attn_mask: give the causal mask itself, "
            "attn_mask: a reference to an (L, S) mask",
        )
        valid = False
    return valid


def _sample(draw: Draw) -> Sample:
    """An attention of a query of ``draw.features`` over keys and values of
    ``given["kdim"]`` and ``given["vdim"]`` features (absent: the query's), in the layout
    ``given["batch_first"]``.  Mistakes: num_heads that does not divide embed_dim,
    embed_dim or kdim off by one, kdim left out, a dropout above 1."""
    rng = draw.rng
    features = draw.features
    heads = [n for n in range(1, features + 1) if features % n == 0]
    args: dict[str, Any] = {"embed_dim": features, "num_heads": rng.choice(heads)}
    if "batch_first" in draw.given:
        args["batch_first"] = draw.given["batch_first"]
    for key in ("kdim", "vdim"):
        size = draw.given.get(key)
        if size is not None and (size != features or draw.chance(0.2)):
            args[key] = size
    if draw.chance(0.15):
        args["bias"] = draw.chance(0.5)
    for key in ("add_bias_kv", "add_zero_attn", "average_attn_weights", "need_weights"):
        if draw.chance(0.2):
            args[key] = key.startswith("add")  # the defaults' opposites
    if draw.chance(0.15):
        args["dropout"] = rng.choice((0.0, 0.1, 0.5))
    mistake: dict[str, Any] = {}
    if draw.chance(0.05) and features > 2:
        mistake["num_heads"] = next(n for n in range(2, features + 1) if features % n)
    elif draw.chance(0.05):
        mistake["embed_dim"] = features + 1
    elif draw.chance(0.05) and "kdim" in args:
        mistake["kdim"] = None if draw.chance(0.5) else args["kdim"] + 1
    elif draw.chance(0.02):
        mistake["dropout"] = 1.5
    return Sample(args, features, mistake)


def _cost(config: MultiheadAttentionConfig, shapes: CostShapes) -> Costs:
    """The four projections and the two batched products, as FlopCounterMode counts them.

    With L query and S key steps (S' = S + add_bias_kv + add_zero_attn) over N
    sequences: N*L*E*E MACs to project the query and as many for the output,
    N*S*E*kdim and N*S*E*vdim for key and value, and N*L*S'*E for each of the
    scores and the weighted sum (whichever the heads).  Apart: the biases, the
    query's scaling, the softmax over S' and the heads' average of the weights.
    """
    embed = config.embed_dim
    queries = rows(shapes.input)  # N*L (L unbatched)
    key = known(shapes.tensor_args["key"][0])
    keys = rows(key)  # N*S
    steps = key[1 if config.batch_first else 0] if len(key) == 3 else key[0]
    scores = queries * (costs.size(steps) + int(config.add_bias_kv) + int(config.add_zero_attn))
    projections = scale(queries, 2 * embed * embed) + scale(
        keys, embed * (config.key_features + config.value_features)
    )
    bias = scale(queries, 2 * embed) + scale(keys, 2 * embed) if config.bias else ZERO
    averaged = config.need_weights and config.average_attn_weights
    return Costs(
        projections + scale(scores, 2 * embed),
        bias=bias,
        elementwise=scale(queries, embed) + (scale(scores, config.num_heads) if averaged else ZERO),
        softmax=scale(scores, 3 * config.num_heads),
    )


@layer_type(
    "torch",
    "MultiheadAttention",
    MultiheadAttentionConfig,
    check=check_arguments,
    tensors=tensor_names,
    tensor_args=("key", "value", *MASKS),
    call_args=("need_weights", "average_attn_weights", "is_causal"),
    returns="output, attn_output_weights",  # (attn_output, None) with need_weights: false
    cost=_cost,
    tensors_doc="`output`, `attn_output_weights` (none with `need_weights: false`)",
    note="(`input:` is the query; `key`, `value` and the masks are references; "
    "`need_weights`, `average_attn_weights` and `is_causal` are the call's)",
    examples=(
        Example(
            {"x": ["T", "B", 8]},
            {"embed_dim": 8, "num_heads": 2, "key": "x", "value": "x"},
            {"output": ["T", "B", 8], "attn_output_weights": ["B", "T", "T"]},
            params=288,
        ),
        Example(
            {"q": ["B", "S", 8], "k": ["B", "T", 4], "v": ["B", "T", 6], "pad": ["B", "T"]},
            {
                "input": "q",
                "embed_dim": 8,
                "num_heads": 2,
                "kdim": 4,
                "vdim": 6,
                "batch_first": True,
                "key": "k",
                "value": "v",
                "key_padding_mask": "pad",
                "average_attn_weights": False,
            },
            {"output": ["B", "S", 8], "attn_output_weights": ["B", 2, "S", "T"]},
            params=240,
        ),
        Example(
            {"x": ["T", 8], "mask": ["T", "T"]},
            {
                "input": "x",
                "embed_dim": 8,
                "num_heads": 2,
                "add_bias_kv": True,
                "add_zero_attn": True,
                "key": "x",
                "value": "x",
                "attn_mask": "mask",
            },
            {"output": ["T", 8], "attn_output_weights": ["T", "T + 2"]},
            params=304,
        ),
        Example(
            {"x": ["B", "T", 8]},
            {
                "embed_dim": 8,
                "num_heads": 2,
                "bias": False,
                "batch_first": True,
                "key": "x",
                "value": "x",
                "need_weights": False,
            },
            {"output": ["B", "T", 8]},
            params=256,
        ),
    ),
    failing=(
        Failing(
            {"x": ["T", "B", 8]},
            {"embed_dim": 8, "num_heads": 3, "key": "x", "value": "x"},
            "LS108",
        ),
        Failing(
            {"x": ["T", "B", 6]},
            {"embed_dim": 8, "num_heads": 2, "key": "x", "value": "x"},
            "LS301",
        ),
        Failing(
            {"q": ["S", "B", 8], "k": ["T", "B", 8], "v": ["S", "B", 8]},
            {"input": "q", "embed_dim": 8, "num_heads": 2, "key": "k", "value": "v"},
            "LS326",
        ),
        Failing(
            {"x": ["T", "B", 8], "pad": ["T", "B"]},
            {
                "input": "x",
                "embed_dim": 8,
                "num_heads": 2,
                "key": "x",
                "value": "x",
                "key_padding_mask": "pad",
            },
            "LS326",
        ),
        Failing(
            {"x": ["B", "T", 8]},
            {"embed_dim": 8, "num_heads": 2, "key": "x[0]", "value": "x[0]"},
            "LS302",
        ),
    ),
    foreign_keys={
        "key_dim": "key_dim is Keras's size per head; torch's embed_dim is the total, "
        "num_heads * key_dim",
        "value_dim": "value_dim is Keras's; torch's vdim is the value's features",
        "use_bias": "use_bias is Keras's name; torch calls it bias",
        "query": "torch's query is the layer's input: write input:",
        "attention_mask": "torch takes attn_mask (L, S) and key_padding_mask (N, S)",
        "return_attention_scores": "torch returns attn_output_weights unless need_weights: false",
    },
    sample=Sampler("attention", _sample),
)
def multihead_attention(config: MultiheadAttentionConfig, ctx: LayerContext) -> LayerOutcome:
    """Attention of the query (input) over key and value: (L, N, E) -> (L, N, E).

    Batch first (N, L, E) with batch_first, unbatched (L, E).  key (S, N, kdim)
    and value (S, N, vdim) have the query's layout and the same S and N.
    attn_output_weights is (N, L, S), (N, num_heads, L, S) with
    average_attn_weights: false, S one longer with add_bias_kv and with
    add_zero_attn each.  key_padding_mask is (N, S); attn_mask (L, S) or
    (N*num_heads, L, S).  Parameters embed_dim*(embed_dim + kdim + vdim) +
    embed_dim*embed_dim weights, 4*embed_dim biases (none with bias: false) and
    2*embed_dim with add_bias_kv.
    """
    names = tensor_names(config)
    params = parameter_count(config)
    unknown = LayerOutcome({name: Tensor(None) for name in names}, params)
    query = ctx.inputs[0]
    key, value = ctx.tensor_args["key"][0], ctx.tensor_args["value"][0]
    masks = {name: ctx.tensor_args[name][0] for name in MASKS if name in ctx.tensor_args}
    if any(source.tensor.shape is None for source in (query, key, value, *masks.values())):
        return unknown
    if not _ranks_fit(config, ctx, query, key, value, masks):
        return unknown
    batched = len(_shape(query)) == 3
    if batched:
        for source in _distinct((query, key, value)):
            check_layout(ctx, source, config.batch_first)
    sources = (query, key, value)
    layouts = tuple(_layout(config, _shape(source)) for source in sources)
    _check_features(config, ctx, sources, layouts)
    _check_pairs(ctx, sources, layouts)
    length, batch, _ = layouts[0]
    steps = layouts[1][0]
    _check_masks(config, ctx, masks, layouts[0], steps)
    output: Shape = (length, config.embed_dim)
    if batch is not None:
        output = (batch, *output) if config.batch_first else (length, batch, config.embed_dim)
    tensors = {"output": Tensor(output, batch_first=config.batch_first if batched else None)}
    if config.need_weights:
        appended = int(config.add_bias_kv) + int(config.add_zero_attn)
        weights: Shape = (length, add_dims([steps, appended]))
        if not config.average_attn_weights:
            weights = (config.num_heads, *weights)
        tensors["attn_output_weights"] = Tensor(weights if batch is None else (batch, *weights))
    return LayerOutcome(tensors, params)


def _shape(source: Source) -> Shape:
    assert source.tensor.shape is not None  # unknown shapes are returned before
    return source.tensor.shape


def _same(first: Source, second: Source) -> bool:
    """Whether two references read one tensor (``enc`` and ``enc.output``)."""
    origin = first.tensor.origin
    return first.text == second.text or (origin is not None and origin == second.tensor.origin)


def _distinct(sources: tuple[Source, ...]) -> list[Source]:
    """The sources once each: self-attention reads one tensor three times."""
    distinct: list[Source] = []
    for source in sources:
        if not any(_same(source, seen) for seen in distinct):
            distinct.append(source)
    return distinct


def _layout(config: MultiheadAttentionConfig, shape: Shape) -> tuple[Dim, Dim, Dim]:
    """(steps, batch, features) whatever the layout; batch None when unbatched."""
    if len(shape) == 2:
        return shape[0], None, shape[1]
    if config.batch_first:
        return shape[1], shape[0], shape[2]
    return shape[0], shape[1], shape[2]


def _ranks_fit(
    config: MultiheadAttentionConfig,
    ctx: LayerContext,
    query: Source,
    key: Source,
    value: Source,
    masks: dict[str, Source],
) -> bool:
    """torch's first check: a 3-D (batched) or 2-D (unbatched) query, key and value of its
    rank, a key_padding_mask of one dim less, an attn_mask of 2 or 3 dims."""
    rank = len(_shape(query))
    if rank not in (2, 3):
        layout = "(N, L, E)" if config.batch_first else "(L, N, E)"
        ctx.report_on(
            query,
            "LS302",
            f"MultiheadAttention takes a 3-D query {layout} or an unbatched 2-D one (L, E); "
            f"{ctx.name}'s input {query.describe()} is {rank}-D",
        )
        return False
    wanted: dict[str, tuple[int, ...]] = {"key": (rank,), "value": (rank,)}
    wanted["key_padding_mask"] = (rank - 1,)
    wanted["attn_mask"] = (2, 3)
    fits = True
    shared = _same(key, value)
    for name, source in (("key", key), ("value", value), *masks.items()):
        found = len(_shape(source))
        if found in wanted[name] or (shared and name == "value"):
            continue
        ranks = " or ".join(f"{n}-D" for n in wanted[name])
        what = "key and value" if shared and name == "key" else name
        kind = "batched (3-D)" if rank == 3 else "unbatched (2-D)"
        ctx.report_on(
            source,
            "LS302",
            f"{ctx.name}'s query {query.describe()} is {kind}, so its {what} must be {ranks}; "
            f"{source.describe()} is {found}-D",
            hint=f"torch reads the query as {kind}: give key and value its rank"
            if name in ("key", "value")
            else None,
        )
        fits = False
    return fits


def _check_features(
    config: MultiheadAttentionConfig,
    ctx: LayerContext,
    sources: tuple[Source, Source, Source],
    layouts: tuple[tuple[Dim, Dim, Dim], ...],
) -> None:
    """The query has embed_dim features, the key kdim and the value vdim."""
    query, key, value = sources
    found = layouts[0][2]
    if dims_conflict(config.embed_dim, found):
        ctx.report(
            "LS301",
            f"{ctx.name}.embed_dim is {config.embed_dim} but its query {query.text} has "
            f"{found} features (last dim of {format_shape(_shape(query))})",
            "embed_dim",
            hint=size_hint("embed_dim", found),
        )
    # Attention over one tensor: one report for its key and value, not two.
    shared = _same(key, value) and config.kdim is None and config.vdim is None
    sizes = (
        ("kdim", config.kdim, config.key_features),
        ("vdim", config.vdim, config.value_features),
    )
    for (argument, written, size), source, layout in zip(
        sizes, (key, value), layouts[1:], strict=True
    ):
        found = layout[2]
        if not dims_conflict(size, found) or (shared and argument == "vdim"):
            continue
        name = "key and value" if shared else "key" if argument == "kdim" else "value"
        message = (
            f"{ctx.name}'s {name} {source.text} {'have' if shared else 'has'} {found} features "
            f"(last dim of {format_shape(_shape(source))}), but {ctx.name}."
        )
        hint = size_hint(argument, found)
        if shared and isinstance(found, int):
            hint = f"set kdim: {found} and vdim: {found}"
        if written is None:
            unset = (
                "kdim and vdim are not set, so they are"
                if shared
                else f"{argument} is not set, so it is"
            )
            ctx.report_on(source, "LS301", message + f"{unset} embed_dim = {size}", hint=hint)
        else:
            ctx.report("LS301", message + f"{argument} is {size}", argument, hint=hint)


def _check_pairs(
    ctx: LayerContext,
    sources: tuple[Source, Source, Source],
    layouts: tuple[tuple[Dim, Dim, Dim], ...],
) -> None:
    """Each key step has its value (equal S), and query, key and value one batch (equal N)."""
    query, key, value = sources
    q, k, v = layouts
    for index, what in ((0, "steps"), (1, "sequences in the batch")):
        if dims_conflict(k[index], v[index]):
            ctx.report_on(
                value,
                "LS326",
                f"{ctx.name}'s key {key.describe()} has {k[index]} {what} but its value "
                f"{value.describe()} has {v[index]}: each key step is paired with a value step "
                "(torch raises AssertionError: key shape does not match value shape)",
            )
    if dims_conflict(q[1], k[1]):
        ctx.report_on(
            key,
            "LS326",
            f"{ctx.name}'s query {query.describe()} has a batch of {q[1]} but its key "
            f"{key.describe()} has {k[1]}: each sequence attends over its own keys (torch "
            "raises RuntimeError: shape is invalid for input of size)",
        )


def _check_masks(
    config: MultiheadAttentionConfig,
    ctx: LayerContext,
    masks: dict[str, Source],
    query: tuple[Dim, Dim, Dim],
    steps: Dim,
) -> None:
    """key_padding_mask (N, S); attn_mask (L, S) or (N*num_heads, L, S).

    torch drops attn_mask unread when is_causal is true, need_weights false and there is
    no key_padding_mask, after checking only its rank (and an unbatched 3-D one's shape).
    """
    length, batch = query[0], query[1]
    batched = batch is not None
    padding = masks.get("key_padding_mask")
    if padding is not None:
        want: Shape = (batch, steps) if batched else (steps,)
        _check_mask(ctx, "key_padding_mask", padding, want, "(N, S)" if batched else "(S)")
    attention = masks.get("attn_mask")
    if attention is None:
        return
    dropped = config.is_causal and padding is None and not config.need_weights
    if len(_shape(attention)) == 2:
        if not dropped:
            _check_mask(ctx, "attn_mask", attention, (length, steps), "(L, S)")
    elif not batched:
        want = (config.num_heads, length, steps)
        _check_mask(ctx, "attn_mask", attention, want, "(num_heads, L, S)")
    elif not dropped:
        want = (multiply_dims([batch, config.num_heads]), length, steps)
        _check_mask(ctx, "attn_mask", attention, want, "(N*num_heads, L, S)")


def _check_mask(ctx: LayerContext, name: str, mask: Source, want: Shape, layout: str) -> None:
    if shapes_conflict(want, _shape(mask)):
        ctx.report_on(
            mask,
            "LS326",
            f"{ctx.name}'s {name} must be {layout} = {format_shape(want)} for its query and "
            f"key, but {mask.describe()} is not (torch raises)",
            hint="N is the batch, L the query's steps and S the key's"
            if name == "attn_mask"
            else "N is the batch and S the key's steps: one row per sequence",
        )
