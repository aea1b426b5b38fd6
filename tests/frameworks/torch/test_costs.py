"""Every torch type's FLOPs against torch's own counter, FlopCounterMode on the meta device.

lstmshape's ``flops`` is FlopCounterMode's convention (2 per multiply-accumulate
of a matrix multiply or convolution); each declared example is run by torch on
the meta device at two sets of values of its symbols, and the counts must be
equal there.  What FlopCounterMode does not count is lstmshape's extension,
checked against closed forms here.  Skipped without torch.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
import yaml

from lstmshape.costs import LayerCosts
from lstmshape.frameworks import FRAMEWORKS
from lstmshape.frameworks.docs import example_spec
from lstmshape.frameworks.layer_type import Example, LayerType
from lstmshape.runner import check_text
from tests.oracle.cases import symbol_values

pytest.importorskip("torch")

from tests.oracle.torch_runner import count_flops

COSTED = [
    pytest.param(declared, example, id=f"{declared.name}-{index}")
    for declared in FRAMEWORKS["torch"].types.values()
    if declared.cost is not None
    for index, example in enumerate(declared.examples)
]


def layer_costs(text: str) -> list[LayerCosts | None]:
    (report,) = check_text(text, "spec.yaml")
    assert [d.code for d in report.diagnostics if d.severity.value == "error"] == []
    return [layer.costs for layer in report.layers]


@pytest.mark.parametrize(("declared", "example"), COSTED)
def test_flops_are_what_flop_counter_mode_counts(
    declared: LayerType[Any], example: Example
) -> None:
    text = example_spec(declared, example)
    costs = layer_costs(text)[-1]  # after the layers that make its input, if any
    assert costs is not None, "a type with a cost rule has costs for its examples"
    spec = yaml.safe_load(text)
    spec["layers"][-1].pop("expect", None)
    for values in symbol_values(random.Random(0)):
        run = count_flops(spec, values)
        assert run.error is None
        assert costs.flops.evaluate(values) == run.layers[-1].flops, values


ISSUE_SPEC = """\
framework: torch
inputs:
  x: [8, 50, 32]
layers:
  - type: nn.LSTM
    input_size: 32
    hidden_size: 128
    num_layers: 2
    bidirectional: true
    batch_first: true
"""


def test_the_bidirectional_stack_costs_its_closed_form() -> None:
    (costs,) = layer_costs(ISSUE_SPEC)
    assert costs is not None
    steps = 8 * 50
    # per direction: 4 gates of 128 units over the layer's input and 128 states
    first = 2 * steps * 4 * 128 * (32 + 128)
    second = 2 * steps * 4 * 128 * (256 + 128)
    assert costs.macs.as_int() == first + second == 222_822_400
    assert costs.flops.as_int() == 445_644_800
    # torchinfo's 224,460,800 mult-adds count b_ih and b_hh as one each
    bias, nonlinearity, elementwise, normalization, softmax = costs.extra
    assert costs.macs.as_int() + bias.as_int() == 224_460_800  # type: ignore[operator]
    assert nonlinearity.as_int() == 4 * steps * 5 * 128
    assert (elementwise.as_int(), normalization.as_int(), softmax.as_int()) == (
        4 * steps * 8 * 128,
        0,
        0,
    )
    run = count_flops(yaml.safe_load(ISSUE_SPEC), {})
    assert run.layers[0].flops == 445_644_800


def test_symbols_stay_exact_products() -> None:
    (costs,) = layer_costs(ISSUE_SPEC.replace("[8, 50, 32]", "[B, T, 32]"))
    assert costs is not None
    assert str(costs.macs) == "557056*B*T"
    assert costs.macs.evaluate({"B": 8, "T": 50}) == 222_822_400


TORCHINFO_CASES = [
    (
        "LSTM",
        {
            "input_size": 32,
            "hidden_size": 128,
            "num_layers": 2,
            "bidirectional": True,
            "batch_first": True,
        },
        [8, 50, 32],
    ),
    ("GRU", {"input_size": 8, "hidden_size": 16, "batch_first": True}, [2, 10, 8]),
    ("RNN", {"input_size": 8, "hidden_size": 4, "bias": False}, [5, 3, 8]),
    ("Linear", {"in_features": 64, "out_features": 10}, [8, 64]),
    ("Conv1d", {"in_channels": 8, "out_channels": 4, "kernel_size": 3}, [2, 8, 10]),
]


@pytest.mark.parametrize(("kind", "arguments", "shape"), TORCHINFO_CASES)
def test_torchinfo_mult_adds_are_the_macs_plus_the_biases(
    kind: str, arguments: dict[str, Any], shape: list[int]
) -> None:
    """torchinfo counts a bias add as a mult-add: its figure is macs + extra_flops.bias."""
    torchinfo = pytest.importorskip("torchinfo")
    from torch import nn

    spec = {"framework": "torch", "inputs": {"x": shape}, "layers": [{"type": kind, **arguments}]}
    (costs,) = layer_costs(yaml.safe_dump(spec))
    assert costs is not None
    module = getattr(nn, kind)(**arguments)
    summary = torchinfo.summary(module, input_size=tuple(shape), verbose=0)
    assert (costs.macs + costs.extra[0]).as_int() == summary.total_mult_adds
