"""torch's elementwise arithmetic and matrix products: add, sub, rsub, mul, div,
matmul, bmm.

Written as layers: ``input:`` is the first operand (the previous layer's
output by default), ``other:`` (``mat2:`` for bmm) a reference to the second
or, for the elementwise ones, a number.  Elementwise results broadcast as
torch does (:mod:`lstmshape.frameworks.torch.op_dims`): sizes aligned from
the right must be equal or 1, and a symbol against another symbol or a
number other than 1 is an error (LS313), since torch raises for every
value where they differ.  No parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, TypeVar

from lstmshape.costs import Costs, CostShapes, known, numel, size
from lstmshape.engine.tensors import LayerContext, LayerOutcome, Source, Tensor
from lstmshape.frameworks import cost_rules
from lstmshape.frameworks.layer_type import (
    Draw,
    Example,
    Failing,
    Infer,
    Sample,
    Sampler,
    Shapes,
    layer_type,
)
from lstmshape.frameworks.torch.base import TorchLayer
from lstmshape.frameworks.torch.op_dims import broadcast
from lstmshape.models.common import Reference
from lstmshape.shapes import Dim, dims_conflict

FUNCTION = ("torch.",)
UNKNOWN = LayerOutcome({"output": Tensor(None)}, 0)
Number = int | float


class _Elementwise(TorchLayer):
    other: Reference | Number


class AddConfig(_Elementwise):
    type: Literal["add"]
    alpha: Number = 1


class SubConfig(_Elementwise):
    type: Literal["sub"]
    alpha: Number = 1


class RsubConfig(_Elementwise):
    type: Literal["rsub"]
    alpha: Number = 1


class MulConfig(_Elementwise):
    type: Literal["mul"]


class DivConfig(_Elementwise):
    type: Literal["div"]
    rounding_mode: Literal["trunc", "floor"] | None = None


def _sample_pair(draw: Draw) -> Sample:
    """Combines two tensors of one shape (``given["other"]``); at times with a number."""
    other = draw.given.get("other", 2)
    mistake = {"other": draw.given["wrong"]} if "wrong" in draw.given and draw.chance(0.1) else {}
    return Sample({"other": other}, draw.features, mistake)


def _elementwise(ctx: LayerContext, other: Reference | Number) -> LayerOutcome:
    source = ctx.inputs[0]
    second: Source | tuple[Dim, ...] = () if isinstance(other, int | float) else _other(ctx)
    shape = broadcast(ctx, source, second, "other")
    return LayerOutcome({"output": Tensor(shape)}, 0)


def _other(ctx: LayerContext, key: str = "other") -> Source:
    return ctx.tensor_args[key][0]


_TWO: Shapes = {"x": ["B", "T", 8], "y": ["B", "T", 8]}
_ROW: Shapes = {"x": ["B", "T", 8], "y": [8]}
_WRONG: Shapes = {"x": ["B", "T", 8], "y": ["T", "B", 8]}


E = TypeVar("E", bound=_Elementwise)


def _declare(name: str, config: type[E], extra: str) -> Callable[[Infer[E]], Infer[E]]:
    """The declaration the elementwise types share, with the note on their own arguments."""
    return layer_type(
        "torch",
        name,
        config,
        prefixes=FUNCTION,
        tensor_args=("other",),
        cost=cost_rules.elementwise,
        note=f"(`other`: a reference or a number{extra})",
        examples=(
            Example(_TWO, {"input": "x", "other": "y"}, {"output": ["B", "T", 8]}, params=0),
            Example(_ROW, {"input": "x", "other": "y"}, {"output": ["B", "T", 8]}, params=0),
            Example({"x": ["B", 8]}, {"other": 2}, {"output": ["B", 8]}, params=0),
        ),
        failing=(Failing(_WRONG, {"input": "x", "other": "y"}, "LS313"),),
        sample=Sampler("pair", _sample_pair),
    )


@_declare("add", AddConfig, "; `alpha` scales `other`")
def add(config: AddConfig, ctx: LayerContext) -> LayerOutcome:
    """input + alpha * other, broadcast: sizes aligned from the right equal or 1."""
    return _elementwise(ctx, config.other)


@_declare("sub", SubConfig, "; `alpha` scales `other`")
def sub(config: SubConfig, ctx: LayerContext) -> LayerOutcome:
    """input - alpha * other, broadcast as add."""
    return _elementwise(ctx, config.other)


@_declare("rsub", RsubConfig, "; `torch.rsub`, no Tensor method")
def rsub(config: RsubConfig, ctx: LayerContext) -> LayerOutcome:
    """other - alpha * input, broadcast as add."""
    return _elementwise(ctx, config.other)


@_declare("mul", MulConfig, "")
def mul(config: MulConfig, ctx: LayerContext) -> LayerOutcome:
    """input * other, broadcast as add."""
    return _elementwise(ctx, config.other)


@_declare("div", DivConfig, "; `rounding_mode` null, `trunc` or `floor`")
def div(config: DivConfig, ctx: LayerContext) -> LayerOutcome:
    """input / other, broadcast as add."""
    return _elementwise(ctx, config.other)


class MatmulConfig(TorchLayer):
    type: Literal["matmul"]
    other: Reference


class BmmConfig(TorchLayer):
    type: Literal["bmm"]
    mat2: Reference


def _sample_scores(draw: Draw) -> Sample:
    """Attention scores: a batch-first sequence times ``given["mat2"]``, its transpose."""
    mistake = {"mat2": draw.given["wrong"]} if "wrong" in draw.given and draw.chance(0.1) else {}
    return Sample({"mat2": draw.given["mat2"]}, 0, mistake)


def _sample_matmul(draw: Draw) -> Sample:
    sample = _sample_scores(draw)
    mistake = {"other": sample.mistake["mat2"]} if sample.mistake else {}
    return Sample({"other": sample.args["mat2"]}, 0, mistake)


_Q: Shapes = {"q": ["B", "T", 8], "k": ["B", 8, "S"]}


def _inner(ctx: LayerContext, first: Source, second: Source, m: Dim, n: Dim, key: str) -> bool:
    if dims_conflict(m, n):
        ctx.report(
            "LS301",
            f"{ctx.name} multiplies {first.describe()} by {second.describe()}: the first's "
            f"last dim ({m}) must equal the second's {'only' if key == '1-D' else 'second-last'} "
            f"dim ({n})",
            "mat2" if key == "mat2" else "other",
        )
        return False
    return True


def _products(shapes: CostShapes, key: str) -> tuple[Costs, bool]:
    """Each output element sums input[-1] products; whether the second operand is 1-D."""
    products = numel(shapes.output) * size(shapes.input[-1])
    (second,) = shapes.tensor_args[key]
    return Costs(macs=products), len(known(second)) == 1


def _matmul_cost(config: MatmulConfig, shapes: CostShapes) -> Costs:
    """A matrix product; times a 1-D operand torch runs a matrix-vector product or a dot
    (aten.mv, aten.dot), which FlopCounterMode does not count: 2 elementwise FLOPs a
    product instead."""
    costs, by_vector = _products(shapes, "other")
    return Costs(elementwise=costs.macs * 2) if by_vector else costs


def _bmm_cost(config: BmmConfig, shapes: CostShapes) -> Costs:
    return _products(shapes, "mat2")[0]


@layer_type(
    "torch",
    "matmul",
    MatmulConfig,
    cost=_matmul_cost,
    prefixes=FUNCTION,
    tensor_args=("other",),
    note="(`other`: a reference)",
    examples=(
        Example(_Q, {"input": "q", "other": "k"}, {"output": ["B", "T", "S"]}, params=0),
        Example(
            {"x": ["B", "T", 8], "w": [8]},
            {"input": "x", "other": "w"},
            {"output": ["B", "T"]},
            params=0,
        ),
        Example({"x": [8], "w": [8]}, {"input": "x", "other": "w"}, {"output": []}, params=0),
        Example(
            {"x": ["B", 1, "T", 8], "w": ["S", 8, 4]},
            {"input": "x", "other": "w"},
            {"output": ["B", "S", "T", 4]},
            params=0,
        ),
    ),
    failing=(
        Failing({"q": ["B", "T", 8], "k": ["B", "S", 8]}, {"input": "q", "other": "k"}, "LS301"),
        Failing({"q": ["B", "T", 8], "k": ["S", 8, 4]}, {"input": "q", "other": "k"}, "LS313"),
    ),
    sample=Sampler("scores", _sample_matmul),
)
def matmul(config: MatmulConfig, ctx: LayerContext) -> LayerOutcome:
    """The matrix product, by rank: 1-D·1-D a scalar, 2-D (n, m)·(m, p) (n, p).

    A 1-D first operand is a row (1, m), a 1-D second a column (m, 1), and that
    dim is removed from the result; beyond 2-D, the leading (batch) dims
    broadcast: (j, 1, n, m)·(k, m, p) is (j, k, n, p).
    """
    first, second = ctx.inputs[0], _other(ctx)
    a, b = first.tensor.shape, second.tensor.shape
    if a is None or b is None:
        return UNKNOWN
    if not a or not b:
        scalar = first if not a else second
        ctx.report_on(
            scalar,
            "LS302",
            f"{ctx.name} multiplies {first.describe()} by {second.describe()}: both must be at "
            "least 1-D (torch raises)",
        )
        return UNKNOWN
    if len(a) == 1 and len(b) == 1:
        ok = _inner(ctx, first, second, a[0], b[0], "1-D")
        return LayerOutcome({"output": Tensor(() if ok else None)}, 0)
    left = (1, *a) if len(a) == 1 else a
    right = (*b, 1) if len(b) == 1 else b
    if not _inner(ctx, first, second, left[-1], right[-2], "other"):
        return UNKNOWN
    batch = broadcast(
        ctx,
        Source(first.text, Tensor(left[:-2]), first.at),
        Source(second.text, Tensor(right[:-2]), second.at),
        "other",
    )
    if batch is None:
        return UNKNOWN
    rows = () if len(a) == 1 else (left[-2],)
    columns = () if len(b) == 1 else (right[-1],)
    return LayerOutcome({"output": Tensor((*batch, *rows, *columns))}, 0)


@layer_type(
    "torch",
    "bmm",
    BmmConfig,
    cost=_bmm_cost,
    prefixes=FUNCTION,
    tensor_args=("mat2",),
    note="(`mat2`: a reference)",
    examples=(Example(_Q, {"input": "q", "mat2": "k"}, {"output": ["B", "T", "S"]}, params=0),),
    failing=(
        Failing({"q": ["B", "T", 8], "k": ["B", "S", 8]}, {"input": "q", "mat2": "k"}, "LS301"),
        Failing({"q": ["B", "T", 8], "k": [8, "S"]}, {"input": "q", "mat2": "k"}, "LS302"),
        Failing({"q": ["B", "T", 8], "k": [1, 8, "S"]}, {"input": "q", "mat2": "k"}, "LS313"),
    ),
    sample=Sampler("scores", _sample_scores),
)
def bmm(config: BmmConfig, ctx: LayerContext) -> LayerOutcome:
    """Batched matrix product of 3-D tensors: (b, n, m)·(b, m, p) is (b, n, p).

    No broadcasting: both are 3-D and their batch sizes are equal.
    """
    first, second = ctx.inputs[0], _other(ctx, "mat2")
    for source in (first, second):
        shape = source.tensor.shape
        if shape is not None and len(shape) != 3:
            ctx.report_on(
                source,
                "LS302",
                f"{ctx.name} takes two 3-D tensors (torch.bmm); {source.describe()} is "
                f"{len(shape)}-D",
            )
            return UNKNOWN
    a, b = first.tensor.shape, second.tensor.shape
    if a is None or b is None:
        return UNKNOWN
    if not _inner(ctx, first, second, a[2], b[1], "mat2"):
        return UNKNOWN
    if dims_conflict(a[0], b[0]):
        ctx.report(
            "LS313",
            f"{ctx.name} multiplies batches of {a[0]} and {b[0]} matrices "
            f"({first.describe()}, {second.describe()}); bmm does not broadcast: they must be "
            "equal",
            "mat2",
        )
        return UNKNOWN
    return LayerOutcome({"output": Tensor((a[0], a[1], b[2]))}, 0)
