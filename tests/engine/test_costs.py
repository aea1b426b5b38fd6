"""Costs through the engine: model totals, reuse:, dtypes, unknown sizes and missing rules."""

from __future__ import annotations

import pytest

from lstmshape.frameworks import FRAMEWORKS
from lstmshape.report import ModelReport
from lstmshape.runner import check_text

SPEC = """\
framework: torch
inputs:
  x: [B, T, 8]
layers:
  - name: enc
    type: LSTM
    input_size: 8
    hidden_size: 16
    batch_first: true
  - name: head
    type: Linear
    in_features: 16
    out_features: 4
"""

ENC_MACS = 4 * 16 * (8 + 16)  # a step: 4 gates of 16 units over 8 inputs and 16 states
HEAD_MACS = 16 * 4


def report(text: str) -> ModelReport:
    (found,) = check_text(text, "spec.yaml")
    return found


def test_the_model_costs_are_the_sum_of_its_layers() -> None:
    found = report(SPEC)
    enc, head = (layer.costs for layer in found.layers)
    assert enc is not None and head is not None
    assert str(enc.macs) == f"{ENC_MACS}*B*T"
    assert str(head.macs) == f"{HEAD_MACS}*B*T"
    costs = found.costs
    assert costs is not None
    assert str(costs.macs) == f"{ENC_MACS + HEAD_MACS}*B*T"
    assert str(costs.flops) == f"{2 * (ENC_MACS + HEAD_MACS)}*B*T"
    assert costs.param_bytes is not None
    assert costs.param_bytes.as_int() == 4 * found.params


def test_a_reused_module_counts_its_params_once_and_its_macs_per_call() -> None:
    text = SPEC + "  - name: again\n    reuse: head\n    input: enc\n"
    found = report(text)
    assert [d.code for d in found.diagnostics] == []
    head, again = found.layers[1].costs, found.layers[2].costs
    assert head is not None and again is not None
    assert again.macs == head.macs
    assert again.param_bytes is not None and again.param_bytes.as_int() == 0
    costs = found.costs
    assert costs is not None
    assert str(costs.macs) == f"{ENC_MACS + 2 * HEAD_MACS}*B*T"
    assert costs.param_bytes is not None and costs.param_bytes.as_int() == 4 * found.params


@pytest.mark.parametrize(
    ("dtype", "width"),
    [(None, 4), ("float16", 2), ("torch.bfloat16", 2), ("float64", 8), ("double", 8)],
)
def test_memory_is_in_the_layer_dtype(dtype: str | None, width: int) -> None:
    text = SPEC if dtype is None else SPEC + f"    dtype: {dtype}\n"
    head = report(text).layers[1]
    assert head.costs is not None and head.params is not None
    assert head.costs.param_bytes is not None and head.costs.activation_bytes is not None
    assert head.costs.param_bytes.as_int() == width * head.params
    assert str(head.costs.activation_bytes) == f"{width * 4}*B*T"


def test_an_unknown_dtype_leaves_the_bytes_unknown_but_not_the_macs() -> None:
    found = report(SPEC + "    dtype: quaternion\n")
    head = found.layers[1].costs
    assert head is not None
    assert head.param_bytes is None and head.activation_bytes is None
    assert str(head.macs) == f"{HEAD_MACS}*B*T"
    costs = found.costs
    assert costs is not None and costs.param_bytes is None


def test_an_unknown_dimension_leaves_the_costs_unknown() -> None:
    found = report(SPEC.replace("[B, T, 8]", "[B, null, 8]"))
    assert [layer.costs for layer in found.layers] == [None, None]
    assert found.costs is None


def test_a_layer_with_an_error_has_no_costs() -> None:
    found = report(SPEC.replace("in_features: 16", "in_features: 12"))
    assert [d.code for d in found.diagnostics] == ["LS301"]
    assert found.layers[0].costs is not None
    assert found.layers[1].costs is None
    assert found.costs is None


def test_a_type_without_a_cost_rule_is_unknown_and_nothing_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(FRAMEWORKS["torch"].types["Linear"], "cost", None)
    found = report(SPEC)
    assert [d.code for d in found.diagnostics] == []
    assert found.layers[0].costs is not None
    assert found.layers[1].costs is None
    assert found.costs is None


def test_views_write_nothing_and_copies_write_their_output() -> None:
    text = SPEC.replace(
        "  - name: head",
        "  - type: permute\n    dims: [0, 2, 1]\n  - type: contiguous\n"
        "  - type: transpose\n    dim0: 1\n    dim1: 2\n  - name: head",
    )
    found = report(text)
    assert [d.code for d in found.diagnostics] == []
    permute, contiguous = found.layers[1].costs, found.layers[2].costs
    assert permute is not None and contiguous is not None
    assert permute.activation_bytes is not None and permute.activation_bytes.as_int() == 0
    assert str(contiguous.activation_bytes) == "64*B*T"


def test_formulas_print_with_their_numbers_grouped_but_not_their_symbols() -> None:
    from lstmshape.costs import format_cost

    assert format_cost("4456448*B*T1000 + 12*x2000") == "4,456,448*B*T1000 + 12*x2000"
    assert format_cost(1234567) == "1,234,567"
    assert format_cost(None) == "?"


def test_layers_priced_alike_share_their_costs_and_the_model_counts_each() -> None:
    # A deep model repeats its blocks: each distinct layer is priced once and the
    # model's total adds it times its count (the 10,000-layer benchmark relies on it).
    text = SPEC + "".join(
        f"  - name: head{index}\n    type: Linear\n    in_features: 4\n    out_features: 4\n"
        for index in range(3)
    )
    found = report(text)
    first, *others = (layer.costs for layer in found.layers[2:])
    assert all(costs is first for costs in others)
    costs = found.costs
    assert first is not None and costs is not None
    assert str(costs.macs) == f"{ENC_MACS + HEAD_MACS + 3 * 16}*B*T"
    assert costs.param_bytes is not None
    assert costs.param_bytes.as_int() == 4 * found.params


def test_an_argument_that_changes_only_the_costs_is_not_priced_alike() -> None:
    # Same shapes, same parameters: only the activation tells these Dense layers apart.
    found = report(
        "framework: keras\ninputs:\n  x: [B, 8]\nlayers:\n"
        "  - {name: plain, type: Dense, units: 8, input: x}\n"
        "  - {name: relu, type: Dense, units: 8, input: x, activation: relu}\n"
    )
    plain, relu = (layer.costs for layer in found.layers)
    assert plain is not None and relu is not None
    assert plain.extra != relu.extra


def test_layers_with_list_arguments_are_priced_alike_only_when_written_alike() -> None:
    # A list is not hashable: such a layer is keyed by its arguments made comparable.
    layer = "{{name: {name}, type: Conv2D, filters: 4, kernel_size: [3, 3], input: x{more}}}"
    found = report(
        "framework: keras\ninputs:\n  x: [B, 16, 16, 3]\nlayers:\n"
        + "".join(
            f"  - {layer.format(name=name, more=more)}\n"
            for name, more in (("a", ""), ("b", ""), ("relu", ", activation: relu"))
        )
    )
    first, second, relu = (layer.costs for layer in found.layers)
    assert first is not None and relu is not None
    assert second is first
    assert relu.extra != first.extra
