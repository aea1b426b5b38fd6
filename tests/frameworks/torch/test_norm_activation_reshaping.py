"""Rules of the normalization, activation, reshaping and channel-dropout types
that their declared examples do not cover: symbolic sizes, and the cases where
torch's behaviour turns on an argument (each stated as torch 2.13.0 does it).
"""

from __future__ import annotations

from typing import Any

import pytest

from lstmshape.reporters.json import report_to_json
from lstmshape.runner import check_text


def _layer(shape: list[Any], layer: str) -> dict[str, Any]:
    text = f"framework: torch\ninputs:\n  x: {shape}\nlayers:\n  - {{{layer}}}\n"
    report = report_to_json(check_text(text, "rule.yaml")[0])
    (only,) = report["layers"]
    return {
        "codes": sorted(d["code"] for d in report["diagnostics"]),
        "output": only["tensors"]["output"],
        "params": only["params"],
    }


def test_flatten_multiplies_symbolic_dims_exactly() -> None:
    assert _layer(["B", 32, 4, "T"], "type: Flatten")["output"] == ["B", "128*T"]
    assert _layer(["B", "T", "H"], "type: Flatten, start_dim: 0, end_dim: 1")["output"] == [
        "B*T",
        "H",
    ]


def test_flatten_of_a_scalar_from_dim_0_is_one_element() -> None:
    assert _layer([], "type: Flatten, start_dim: 0")["output"] == [1]


def test_flatten_with_start_after_end_is_an_error() -> None:
    assert _layer(["B", 3, 4], "type: Flatten, start_dim: -1, end_dim: 1")["codes"] == ["LS108"]


def test_unflatten_infers_the_minus_one_where_it_is_provably_whole() -> None:
    result = _layer(["B", "2*T"], "type: Unflatten, dim: 1, unflattened_size: [2, -1]")
    assert result == {"codes": [], "output": ["B", 2, "T"], "params": 0}


def test_unflatten_of_a_symbol_that_may_be_odd_is_an_error() -> None:
    # torch raises for any odd T: the spec's T stands for every size
    result = _layer(["B", "T"], "type: Unflatten, dim: 1, unflattened_size: [2, -1]")
    assert result["codes"] == ["LS301"]


@pytest.mark.parametrize("sizes", ["[-1, -1]", "[]", "[-3, 2]"])
def test_unflatten_sizes_torch_rejects(sizes: str) -> None:
    assert _layer(["B", 6], f"type: Unflatten, dim: 1, unflattened_size: {sizes}")["codes"] == [
        "LS108"
    ]


def test_batch_norm_without_weights_or_stats_ignores_num_features() -> None:
    # torch has no tensor of num_features to compare, so (B, 5) runs with 4
    layer = "type: BatchNorm1d, num_features: 4, affine: false, track_running_stats: false"
    assert _layer(["B", 5], layer) == {"codes": [], "output": ["B", 5], "params": 0}


def test_batch_norm_counts_no_bias_with_bias_false() -> None:
    assert _layer(["B", 4], "type: BatchNorm1d, num_features: 4, bias: false")["params"] == 4


def test_batch_norm_with_spatial_values_takes_a_batch_of_one() -> None:
    assert _layer([1, 4, 2], "type: BatchNorm1d, num_features: 4")["codes"] == []
    assert _layer([1, 4, 1], "type: BatchNorm1d, num_features: 4")["codes"] == ["LS323"]


def test_prelu_channels_are_one_below_two_dims() -> None:
    assert _layer([5], "type: PReLU, num_parameters: 5")["codes"] == ["LS301"]
    assert _layer([], "type: PReLU")["codes"] == []
    assert _layer([], "type: PReLU, num_parameters: 3")["codes"] == ["LS302"]


def test_softmax_takes_dim_0_of_a_scalar() -> None:
    assert _layer([], "type: Softmax, dim: 0")["codes"] == []
    assert _layer([], "type: Softmax, dim: 1")["codes"] == ["LS302"]


def test_dropout2d_below_two_dims_warns_and_raises() -> None:
    assert _layer(["T"], "type: Dropout2d")["codes"] == ["LS302", "LS322"]
    assert _layer([3, "T"], "type: Dropout2d")["codes"] == ["LS322"]


def test_layer_norm_needs_the_trailing_dims() -> None:
    assert _layer(["B", 3, 4], "type: LayerNorm, normalized_shape: [3, 4]")["params"] == 24
    assert _layer([3, 4], "type: LayerNorm, normalized_shape: [2, 3, 4]")["codes"] == ["LS301"]
    assert _layer(["B", 4], "type: LayerNorm, normalized_shape: []")["codes"] == ["LS108"]
