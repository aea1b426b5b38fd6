"""Keras's attention over a list: Attention and AdditiveAttention.

Both read ``input: [query, value]`` or ``[query, value, key]`` (the key
defaults to the value), and return ``(*query[:-1], value[-1])``;
``return_attention_scores: true`` adds ``attention_scores``,
``(*query[:-1], Tv)``.  Keras checks none of the shapes when it builds them
on ``keras.Input``: a mismatch fails only when the model runs, and lstmshape
reports it as the error it is.  Their leading (batch) dimensions broadcast;
lstmshape asks all three of one rank, at least 2.  Both pass the query's
mask on and use the value's; the call's ``mask: [query_mask, value_mask]``
replaces them.  With ``use_causal_mask`` on a 2-D query, Keras's (1, Tq, Tv)
causal mask adds a leading axis when the model runs (not when it builds).
MultiHeadAttention is in :mod:`.multi_head_attention`.
"""

from __future__ import annotations

from typing import Any, Literal

from lstmshape.costs import ZERO, Costs, CostShapes, known, rows, scale, size, times
from lstmshape.engine.tensors import LayerContext, LayerOutcome, Mask, Tensor
from lstmshape.frameworks.keras.base import READS_A_LIST, KerasLayer
from lstmshape.frameworks.keras.checks import features_known
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
from lstmshape.shapes import Dim, Shape, broadcast_dim, dims_conflict, format_shape

CALL_ARGS = ("return_attention_scores", "use_causal_mask")
_SELF: Shapes = {"x": ["B", "T", 8]}
_PAIR: Shapes = {"q": ["B", "T", 8], "v": ["B", "S", 8]}


class _ListAttentionConfig(KerasLayer):
    input: Reference | list[Reference] | None = None  # type: ignore[assignment]
    """Keras calls ``Attention()([query, value])``: a list of references."""
    use_scale: bool = False
    dropout: float = 0.0
    seed: int | None = None
    return_attention_scores: bool = False
    use_causal_mask: bool = False
    mask: list[Reference] | None = None
    """The call's ``mask=[query_mask, value_mask]`` (a third, the key's, Keras ignores)."""


class AttentionConfig(_ListAttentionConfig):
    type: Literal["Attention"]
    score_mode: str = "dot"


class AdditiveAttentionConfig(_ListAttentionConfig):
    type: Literal["AdditiveAttention"]
    use_scale: bool = True


def scores_named(config: Any) -> tuple[str, ...]:
    """An attention layer's tensors: its output, and its scores when the call returns them."""
    return ("output", "attention_scores") if config.return_attention_scores else ("output",)


def _check_attention(config: AttentionConfig, ctx: LayerContext) -> bool:
    if config.score_mode in ("dot", "concat"):
        return True
    ctx.report(
        "LS108",
        f"{ctx.name}.score_mode is {config.score_mode!r} (Keras raises ValueError: Invalid value "
        "for argument score_mode. Expected one of {'dot', 'concat'})",
        "score_mode",
        hint="dot scores query·key; concat scores tanh(query + key)",
    )
    return False


def _listed(config: _ListAttentionConfig, ctx: LayerContext) -> list[Shape] | None:
    """The shapes of query, value and key (the value when not given), or None (reported)."""
    kind = config.type
    if not isinstance(config.input, list) or not 2 <= len(ctx.inputs) <= 3:
        if isinstance(config.input, list):
            given = f"a list of {len(ctx.inputs)}"
        elif config.input:
            given = f"one tensor, input: {config.input}"
        else:
            given = "one tensor, the previous layer's output"
        ctx.report(
            "LS330",
            f"{ctx.name} ({kind}) is given {given}; it takes a list of 2 or 3, [query, value] or "
            f"[query, value, key] (Keras raises ValueError: {kind} layer accepts inputs list of "
            "length 2 or 3)",
            *(("input",) if config.input else ("type",)),
            hint="for self-attention over x write input: [x, x]",
        )
        return None
    shapes = [source.tensor.shape for source in ctx.inputs]
    known_shapes = [shape for shape in shapes if shape is not None]
    if len(known_shapes) != len(shapes):
        return None
    return [*known_shapes, known_shapes[1]] if len(known_shapes) == 2 else known_shapes


def _same_rank(ctx: LayerContext, shapes: list[Shape], least: int, what: str) -> bool:
    """Query, value and key of one rank, at least ``least``."""
    query = ctx.inputs[0]
    rank = len(shapes[0])
    if rank < least:
        ctx.report_on(
            query,
            "LS302",
            f"{ctx.name} takes a query of at least {least} dimensions {what}; "
            f"{query.describe()} is {rank}-D",
        )
        return False
    for source, shape in zip(ctx.inputs[1:], shapes[1:], strict=False):
        if len(shape) != rank:
            ctx.report_on(
                source,
                "LS302",
                f"{ctx.name}'s query {query.describe()} is {rank}-D but {source.describe()} is "
                f"{len(shape)}-D: query, value and key have one rank (Keras multiplies them as "
                "batches of matrices and mixes the batch, or fails when it runs)",
            )
            return False
    return True


def _listed_attention(config: _ListAttentionConfig, ctx: LayerContext) -> LayerOutcome:
    names = scores_named(config)
    unknown = LayerOutcome({name: Tensor(None) for name in names}, _list_params(config, None))
    shapes = _listed(config, ctx)
    if shapes is None or not _same_rank(ctx, shapes, 2, "(batch, ..., Tq, dim)"):
        return unknown
    query, value, key = shapes
    key_source = ctx.inputs[2] if len(ctx.inputs) == 3 else ctx.inputs[1]
    scaled = isinstance(config, AdditiveAttentionConfig) and config.use_scale
    if scaled and not features_known(ctx, ctx.inputs[0], query, f"{ctx.name} (scale)"):
        return unknown
    valid = _leading_broadcast(ctx, shapes)
    scored = _scored_steps(ctx, key, value)
    if dims_conflict(scored, value[-2]):
        ctx.report_on(
            key_source,
            "LS326",
            f"{ctx.name}'s key {key_source.describe()} has {key[-2]} steps but its value "
            f"{ctx.inputs[1].describe()} has {value[-2]}: each key step scores one value step "
            "(Keras fails when it runs)",
            hint="a key of 1 step is spread over the value's steps by a value mask of them",
        )
        valid = False
    dot = isinstance(config, AttentionConfig) and config.score_mode == "dot"
    fits = not dims_conflict(query[-1], key[-1]) if dot else broadcast_dim(query[-1], key[-1])[0]
    if not fits:
        what = "key" if len(ctx.inputs) == 3 else "value (the key, as no key is given)"
        ctx.report_on(
            key_source,
            "LS301",
            f"{ctx.name} scores its query {ctx.inputs[0].describe()} against its {what} "
            f"{key_source.describe()}, whose features differ ({query[-1]} and {key[-1]}; Keras "
            "fails when it runs)",
            hint="give query and key one feature size (a Dense on either), or use "
            "MultiHeadAttention, which projects them",
        )
        valid = False
    if not valid:
        return unknown
    mask = ctx.inputs[0].tensor.mask
    if "mask" in ctx.tensor_args:
        given = _call_masks(ctx, query, (*key[:-2], scored, key[-1]))
        if given is None:
            return unknown
        mask = given
    # Keras's causal mask is (1, Tq, Tv): on 2-D scores (no batch axis: the batch is the
    # steps) it adds an axis when the model runs, though Keras declares none (measured).
    broadcast = (1,) if config.use_causal_mask and len(query) == 2 else ()
    output = (*broadcast, *query[:-1], value[-1])
    if len(query) == 2:
        _lint_across_batch(config, ctx, output, (*query[:-1], value[-1]))
    tensors = {"output": Tensor(output, mask=mask)}
    if config.return_attention_scores:
        tensors["attention_scores"] = Tensor((*broadcast, *query[:-1], scored))
    return LayerOutcome(tensors, _list_params(config, query[-1]))


def _lint_across_batch(
    config: _ListAttentionConfig, ctx: LayerContext, output: Shape, declared: Shape
) -> None:
    """A 2-D query is (batch, features) in a model, but Keras scores it as (steps, features):
    every sample attends to the batch's other samples, a silent bug (LS414)."""
    query = ctx.inputs[0]
    ran = ""
    if tuple(output) != tuple(declared):
        ran = (
            f"; with use_causal_mask it returns {format_shape(output)} when it runs, though a "
            f"Keras model built on it takes {format_shape(declared)} and builds the layers "
            "after it for that"
        )
    ctx.report_on(
        query,
        "LS414",
        f"{ctx.name}'s query {query.describe()} is 2-D: Keras scores its first axis as the "
        f"steps, so each sample of the batch attends to the others{ran}",
        hint="attend over steps: give the query a steps axis (return_sequences: true on the "
        "recurrent layer before it, or a Reshape to [1, features])",
    )


def _declared_otherwise(
    config: _ListAttentionConfig, inputs: tuple[Shape | None, ...]
) -> str | None:
    """With use_causal_mask on a 2-D query the layer returns a 3-D output when it runs, but
    Keras's functional model takes it to be 2-D and builds the layers after it for that."""
    query = inputs[0] if inputs else None
    if not config.use_causal_mask or query is None or len(query) != 2:
        return None
    return (
        f"an {config.type} with use_causal_mask over a 2-D query {format_shape(query)}: it "
        f"returns [1, {', '.join(map(str, query[:-1]))}, ...] when it runs, but Keras's "
        "functional model takes its output to be 2-D and builds the layers after it for "
        "that (LS414)"
    )


def _scored_steps(ctx: LayerContext, key: Shape, value: Shape) -> Dim:
    """The steps each query step's scores have once the value's mask is applied: the key's,
    but a key of 1 step broadcasts to a value mask's steps (Keras adds the mask, as
    (batch, 1, Tv), to the scores; measured)."""
    if key[-2] != 1 or not dims_conflict(key[-2], value[-2]):
        return key[-2]
    masks = ctx.tensor_args.get("mask")
    if masks is not None:
        given = masks[1].tensor.shape if len(masks) >= 2 else None
    else:
        implicit = ctx.inputs[1].tensor.mask
        given = None if implicit is None else (implicit.shape or value[:-1])
    if not given or given[-1] == 1 or given[-1] is None:
        return key[-2]
    return given[-1]


def mask_fits(mask: Shape, wanted: Shape) -> bool:
    """Whether Keras applies ``mask`` to ``wanted`` (measured): aligned from the right, each
    dimension is the one it masks, or 1.  A dimension of 1 where the mask has more fails
    (or, for a query mask, broadcasts the output to the mask's steps)."""
    return len(mask) <= len(wanted) and all(
        mine == 1 or not dims_conflict(mine, theirs)
        for mine, theirs in zip(reversed(mask), reversed(wanted), strict=False)
    )


def _call_masks(ctx: LayerContext, query: Shape, key: Shape) -> Mask | None:
    """The query's mask from the call's ``mask: [query_mask, value_mask]``, or None
    (reported): Keras takes a list of 2 or 3, and fails when it runs on a query mask that
    does not fit the query's steps or a value mask the key's (see :func:`mask_fits`)."""
    masks = ctx.tensor_args["mask"]
    if not 2 <= len(masks) <= 3:
        ctx.report(
            "LS318",
            f"{ctx.name}'s mask: is a list of {len(masks)}; Keras takes [query_mask, "
            f"value_mask] (Keras raises ValueError: {ctx.name} layer accepts mask list of "
            "length 2 or 3)",
            "mask",
        )
        return None
    wanted = (("query", query[:-1]), ("value", (*query[:-2], key[-2])))
    for source, (what, steps) in zip(masks, wanted, strict=False):
        shape = source.tensor.shape
        if shape is None:
            return None
        if mask_fits(shape, steps):
            continue
        ctx.report_on(
            source,
            "LS318",
            f"{ctx.name}'s {what} mask {source.describe()} must be (batch, steps) = "
            f"{format_shape(steps)} for its {what} (Keras fails when it runs)",
            hint="mask: [query_mask, value_mask], one entry per sample and step of each",
        )
        return None
    first = masks[0]
    # A query mask of 1 step broadcasts; the output keeps it as given, and a layer
    # that checks its mask's steps (TimeDistributed) fails on it.
    given = first.tensor.shape
    return Mask(
        first.text,
        f"the mask: given to {ctx.name}",
        f"mask: from {ctx.name}",
        explicit=True,
        shape=given if given is not None and tuple(given) != tuple(query[:-1]) else None,
    )


def _list_params(config: _ListAttentionConfig, features: Dim) -> int | None:
    """Attention: a scalar scale with use_scale, a scalar with score_mode concat;
    AdditiveAttention: a scale per query feature with use_scale."""
    if isinstance(config, AttentionConfig):
        return int(config.use_scale) + int(config.score_mode == "concat")
    if not config.use_scale:
        return 0
    return features if isinstance(features, int) else None


def _leading_broadcast(ctx: LayerContext, shapes: list[Shape]) -> bool:
    """The dimensions before the last two (the batch) broadcast across query, value, key."""
    first = ctx.inputs[0]
    for source, shape in zip(ctx.inputs[1:], shapes[1:], strict=False):
        for mine, theirs in zip(shapes[0][:-2], shape[:-2], strict=True):
            if not broadcast_dim(mine, theirs)[0]:
                ctx.report_on(
                    source,
                    "LS326",
                    f"{ctx.name}'s query {first.describe()} and {source.describe()} have "
                    f"different batches ({mine} and {theirs}): each sequence attends over its "
                    "own values (Keras fails when it runs)",
                )
                return False
    return True


def _sample_attention(draw: Draw) -> Sample:
    """As :func:`_sample_additive`, with a score_mode (at times one Keras rejects)."""
    sample = _sample_additive(draw)
    if draw.chance(0.3):
        sample.args["score_mode"] = draw.rng.choice(("dot", "concat"))
    if not sample.mistake and draw.chance(0.02):
        sample.mistake["score_mode"] = "add"
    return sample


def _sample_additive(draw: Draw) -> Sample:
    """Self-attention over ``given["inputs"]`` (query and value: [x, x], or [x, y]), at
    times with the value as key too; ``features`` the value's (``given["value_features"]``).
    Mistakes: one tensor instead of the list, a key a step short."""
    rng = draw.rng
    inputs = list(draw.given["inputs"])
    if len(inputs) == 2 and draw.chance(0.2):
        inputs.append(inputs[1])
    args: dict[str, Any] = {"input": inputs}
    for key, value in (("use_scale", rng.random() < 0.5), ("return_attention_scores", True)):
        if draw.chance(0.3):
            args[key] = value
    if draw.chance(0.15):
        args["use_causal_mask"] = True
    if draw.chance(0.1):
        args["dropout"] = rng.choice((0.1, 0.5))
    mistake: dict[str, Any] = {}
    if draw.chance(0.04):
        mistake["input"] = inputs[0]
    elif not draw.given.get("symbolic_time") and draw.chance(0.04):  # a key a step short
        mistake["input"] = [*inputs[:2], f"{inputs[0]}[:, 1:]"]
    return Sample(args, draw.given.get("value_features", draw.features), mistake)


def _list_cost(config: _ListAttentionConfig, shapes: CostShapes) -> Costs:
    """Scores and weighted sum: Tq*Tv*dim MACs each (dot), per batch; concat and additive
    score with elementwise sums and tanh instead.  Softmax over the scores apart."""
    query = known(shapes.inputs[0])
    value = known(shapes.inputs[1])
    key = known(shapes.inputs[2]) if len(shapes.inputs) == 3 else value
    scores = times(rows(query), size(key[-2]))  # one score per query step and key step
    weighted = times(scores, size(value[-1]))
    if isinstance(config, AttentionConfig) and config.score_mode == "dot":
        macs = times(scores, size(query[-1])) + weighted
        elementwise = scores if config.use_scale else ZERO
        return Costs(macs, elementwise=elementwise, softmax=scale(scores, 3))
    summed = times(scores, size(query[-1]))  # q + k, tanh, then a sum over the features
    elementwise = scale(summed, 2) + (summed if config.use_scale else ZERO)
    if isinstance(config, AttentionConfig):
        elementwise = elementwise + scores  # the concat_score_weight
    return Costs(weighted, nonlinearity=summed, elementwise=elementwise, softmax=scale(scores, 3))


_LIST_NOTE = (
    "(reads a list: `input: [query, value]` or `[query, value, key]`; "
    "`mask: [query_mask, value_mask]`, `return_attention_scores` and `use_causal_mask` "
    "are the call's)"
)


@layer_type(
    "keras",
    "Attention",
    AttentionConfig,
    refusals=READS_A_LIST,
    check=_check_attention,
    tensors=scores_named,
    tensor_args=("mask",),
    call_args=CALL_ARGS,
    cost=_list_cost,
    export_refusal=_declared_otherwise,
    tensors_doc="`output`, `attention_scores` (with `return_attention_scores: true`)",
    note=_LIST_NOTE,
    examples=(
        Example(_PAIR, {"input": ["q", "v"]}, {"output": ["B", "T", 8]}, params=0),
        Example(
            {"q": ["B", "T", 8], "v": ["B", "S", 4], "k": ["B", "S", 8]},
            {
                "input": ["q", "v", "k"],
                "use_scale": True,
                "score_mode": "concat",
                "return_attention_scores": True,
            },
            {"output": ["B", "T", 4], "attention_scores": ["B", "T", "S"]},
            params=2,
        ),
        Example(
            {"q": ["B", "T", 8], "v": ["B", "S", 8], "qm": ["B", "T"], "vm": ["B", "S"]},
            {"input": ["q", "v"], "mask": ["qm", "vm"], "use_causal_mask": True},
            {"output": ["B", "T", 8]},
            params=0,
        ),
    ),
    failing=(
        Failing({"q": ["B", "T", 8], "v": ["B", "S", 4]}, {"input": ["q", "v"]}, "LS301"),
        Failing(
            {"q": ["B", "T", 8], "v": ["B", 4, 4], "k": ["B", 3, 8]},
            {"input": ["q", "v", "k"]},
            "LS326",
        ),
        Failing(_SELF, {"input": "x"}, "LS330"),
        Failing(
            {"q": ["B", "T", 8], "v": ["B", 3, 8], "qm": ["B", "T"], "vm": ["B", 4]},
            {"input": ["q", "v"], "mask": ["qm", "vm"]},
            "LS318",
        ),
        Failing(_SELF, {"input": ["x", "x"], "score_mode": "add"}, "LS108"),
    ),
    foreign_keys={"other": "Keras's Attention reads a list under input: [query, value]"},
    sample=Sampler("attention", _sample_attention),
)
def attention(config: AttentionConfig, ctx: LayerContext) -> LayerOutcome:
    """Dot-product attention: [query (B, Tq, dim), value (B, Tv, dv)] -> (B, Tq, dv).

    The key, (B, Tv, dim), defaults to the value.  score_mode dot multiplies
    query and key (their features must be equal), concat sums them under a
    tanh (equal, or one of them 1).  attention_scores (B, Tq, Tv) with
    return_attention_scores: true.  Query, value and key have one rank, at
    least 2 (the dimensions before the last two broadcast).  Parameters: 1
    with use_scale, 1 more with score_mode concat.  Keras checks no shape
    until it runs.
    """
    return _listed_attention(config, ctx)


@layer_type(
    "keras",
    "AdditiveAttention",
    AdditiveAttentionConfig,
    refusals=READS_A_LIST,
    tensors=scores_named,
    tensor_args=("mask",),
    call_args=CALL_ARGS,
    cost=_list_cost,
    export_refusal=_declared_otherwise,
    tensors_doc="`output`, `attention_scores` (with `return_attention_scores: true`)",
    note=_LIST_NOTE,
    examples=(
        Example(
            _PAIR,
            {"input": ["q", "v"], "return_attention_scores": True},
            {"output": ["B", "T", 8], "attention_scores": ["B", "T", "S"]},
            params=8,
        ),
        Example(
            {"q": ["B", "T", 8], "v": ["B", "S", 4], "k": ["B", "S", 8]},
            {"input": ["q", "v", "k"], "use_scale": False},
            {"output": ["B", "T", 4]},
            params=0,
        ),
    ),
    failing=(
        Failing({"q": ["B", "T", 8], "v": ["B", "S", 4]}, {"input": ["q", "v"]}, "LS301"),
        Failing({"q": ["B", "T", 8], "v": [3, "S", 8]}, {"input": ["q", "v"]}, "LS326"),
    ),
    foreign_keys={
        "score_mode": "AdditiveAttention always scores tanh(query + key); score_mode is Attention's"
    },
    sample=Sampler("attention", _sample_additive),
)
def additive_attention(config: AdditiveAttentionConfig, ctx: LayerContext) -> LayerOutcome:
    """Additive attention: [query (B, Tq, dim), value (B, Tv, dv)] -> (B, Tq, dv).

    Scores sum tanh(query + key) over the features (query and key features
    equal, or one of them 1).  The key, (B, Tv, dim), defaults to the value;
    attention_scores (B, Tq, Tv) with return_attention_scores: true.
    Parameters: a scale per query feature with use_scale (the default).
    Keras checks no shape until it runs.
    """
    return _listed_attention(config, ctx)
