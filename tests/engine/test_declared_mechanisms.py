"""Parts of a declaration no shipped type uses yet, through a throwaway type.

``tensor_args`` (tensor parameters beyond the input, as torch's ``mat2`` or
``other``) and a type's own ``foreign_keys``.  The type is declared here the
way a module of ``lstmshape/frameworks/torch/`` would declare it, and
withdrawn after each test.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

import pytest

from lstmshape.engine.tensors import LayerContext, LayerOutcome, Tensor
from lstmshape.frameworks import FRAMEWORKS
from lstmshape.frameworks.layer_type import LAYER_TYPES, Example, Failing, layer_type
from lstmshape.frameworks.torch.base import TorchLayer
from lstmshape.models.common import Reference
from tests.helpers import check_spec, codes, shapes


class PairConfig(TorchLayer):
    type: Literal["TestPair"]
    mat2: Reference
    extra: list[Reference] | None = None


def _pair(config: PairConfig, ctx: LayerContext) -> LayerOutcome:
    """Reports what it read: its output is its input with mat2's last dimension."""
    (mat2,) = ctx.tensor_args["mat2"]
    extra = ctx.tensor_args.get("extra", [])
    first, second = ctx.inputs[0].tensor.shape, mat2.tensor.shape
    if first is None or second is None:
        return LayerOutcome({"output": Tensor(None)}, len(extra))
    return LayerOutcome({"output": Tensor((*first[:-1], second[-1]))}, len(extra))


@pytest.fixture
def pair() -> Iterator[None]:
    torch = FRAMEWORKS["torch"]
    layer_type(
        "torch",
        "TestPair",
        PairConfig,
        tensor_args=("mat2", "extra"),
        foreign_keys={"units": "TestPair takes no size: it reads mat2"},
        examples=(Example({}, {}, {}, params=0),),
        failing=(Failing({}, {}, "LS202"),),
    )(_pair)
    torch.types["TestPair"] = LAYER_TYPES[("torch", "TestPair")]
    yield
    del torch.types["TestPair"], LAYER_TYPES[("torch", "TestPair")]


@pytest.mark.usefixtures("pair")
def test_the_rule_gets_every_tensor_argument_resolved() -> None:
    report = check_spec(
        {"q": ["B", 5, 8], "k": ["B", 8, 3]},
        {"name": "p", "type": "TestPair", "input": "q", "mat2": "k", "extra": ["q", "k"]},
    )
    assert codes(report) == []
    assert shapes(report, "p") == {"output": ("B", 5, 3)}
    assert report.layers[0].params == 2  # both extras read


@pytest.mark.usefixtures("pair")
def test_a_tensor_argument_is_a_reference_like_any_other() -> None:
    report = check_spec({"q": ["B", 5, 8]}, {"type": "TestPair", "input": "q", "mat2": "kk"})
    assert codes(report) == ["LS202"]
    assert report.diagnostics[0].message.startswith("'kk' refers to kk")
    bidirectional = {"type": "LSTM", "input_size": 8, "hidden_size": 4, "bidirectional": True}
    report = check_spec(
        {"q": ["B", 5, 8]},
        {"name": "enc", **bidirectional},
        {"type": "TestPair", "input": "q", "mat2": "enc.h_n[-1]"},
    )
    assert codes(report) == ["LS402"]  # the reference lints read tensor arguments too


@pytest.mark.usefixtures("pair")
def test_a_types_own_hint_for_a_foreign_key_wins_over_the_frameworks() -> None:
    report = check_spec({"q": ["B", 5, 8]}, {"type": "TestPair", "mat2": "q", "units": 4})
    assert codes(report) == ["LS101"]
    assert report.diagnostics[0].hint == "TestPair takes no size: it reads mat2"
    report = check_spec(
        {"q": ["B", 5, 8]}, {"type": "Linear", "in_features": 8, "out_features": 2, "units": 4}
    )
    assert codes(report) == ["LS101"]
    assert report.diagnostics[0].hint == "units is Keras's name; torch calls it hidden_size"
