"""The Keras dialect without Keras: shapes and parameters derived by hand.

Parameter formulas (Keras 3 keeps one bias row per gate block, two for GRU
with reset_after): LSTM 4*u*(F+u+1), GRU 3*u*(F+u+2) (reset_after) or
3*u*(F+u+1), SimpleRNN u*(F+u+1), Dense F*u+u, Embedding input_dim*output_dim.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from lstmshape.cli import cli
from tests.keras_support import check, found, layers_of, spec_text

SEED = """\
framework: keras
layers:
  - type: LSTM
    units: 64
    input_shape: [10, 8]
    return_sequences: true
  - type: Dense
    units: 1
"""


def _one(layer: dict[str, Any], shape: list[Any]) -> tuple[dict[str, Any], int | None]:
    result = layers_of(spec_text([{"name": "it", **layer}], {"x": shape}))["it"]
    return result.tensors, result.params


def test_the_seed_example_reports_keras_shapes_and_params() -> None:
    layers = layers_of(SEED)
    assert layers["lstm"].tensors == {"output": (None, 10, 64)}
    assert layers["lstm"].params == 4 * 64 * (8 + 64 + 1) == 18_688
    assert layers["dense"].tensors == {"output": (None, 10, 1)}
    assert layers["dense"].params == 64 * 1 + 1 == 65


def test_the_seed_example_with_inputs_has_batch_32() -> None:
    text = SEED.replace("layers:", "inputs: {x: [32, 10, 8]}\nlayers:").replace(
        "    input_shape: [10, 8]\n", ""
    )
    layers = layers_of(text)
    assert layers["lstm"].tensors["output"] == (32, 10, 64)
    assert layers["dense"].tensors["output"] == (32, 10, 1)


def test_the_seed_example_in_json_has_null_batch() -> None:
    result = CliRunner().invoke(
        cli, ["check", "--format", "json", "specs/keras-tutorial.yaml"], catch_exceptions=False
    )
    assert result.exit_code == 0
    [report] = json.loads(result.output)["files"]
    assert report["framework"] == "keras"
    assert [layer["tensors"] for layer in report["layers"]] == [
        {"output": [None, 10, 64]},
        {"output": [None, 10, 1]},
    ]
    assert report["params"] == 18_753


@pytest.mark.parametrize(
    ("layer", "params"),
    [
        ({"type": "LSTM", "units": 64}, 4 * 64 * (8 + 64 + 1)),
        ({"type": "LSTM", "units": 64, "use_bias": False}, 4 * 64 * (8 + 64)),
        ({"type": "GRU", "units": 64}, 3 * 64 * (8 + 64 + 2)),  # 14,208
        ({"type": "GRU", "units": 64, "reset_after": False}, 3 * 64 * (8 + 64 + 1)),  # 14,016
        ({"type": "SimpleRNN", "units": 64}, 64 * (8 + 64 + 1)),
        ({"type": "Dense", "units": 16}, 8 * 16 + 16),
        ({"type": "TimeDistributed", "layer": {"type": "Dense", "units": 16}}, 8 * 16 + 16),
        ({"type": "Bidirectional", "layer": {"type": "LSTM", "units": 64}}, 2 * 4 * 64 * 73),
    ],
)
def test_parameter_counts(layer: dict[str, Any], params: int) -> None:
    assert _one(layer, [None, 10, 8])[1] == params


def test_gru_counts_of_the_issue() -> None:
    assert _one({"type": "GRU", "units": 64}, [None, 10, 8])[1] == 14_208
    assert _one({"type": "GRU", "units": 64, "reset_after": False}, [None, 10, 8])[1] == 14_016


def test_recurrent_state_names_and_shapes() -> None:
    lstm = {"type": "LSTM", "units": 4, "return_state": True}
    assert _one(lstm, [2, 10, 8])[0] == {
        "output": (2, 4),
        "state_h": (2, 4),
        "state_c": (2, 4),
    }
    gru = {"type": "GRU", "units": 4, "return_state": True, "return_sequences": True}
    assert _one(gru, [2, 10, 8])[0] == {"output": (2, 10, 4), "state_h": (2, 4)}


@pytest.mark.parametrize(
    ("merge_mode", "tensors"),
    [
        ("concat", {"output": ("B", 10, 8)}),
        ("sum", {"output": ("B", 10, 4)}),
        ("mul", {"output": ("B", 10, 4)}),
        ("ave", {"output": ("B", 10, 4)}),
        (None, {"forward_output": ("B", 10, 4), "backward_output": ("B", 10, 4)}),
    ],
)
def test_bidirectional_merge_modes(merge_mode: str | None, tensors: dict[str, Any]) -> None:
    layer = {
        "type": "Bidirectional",
        "layer": {"type": "LSTM", "units": 4, "return_sequences": True},
        "merge_mode": merge_mode,
    }
    assert _one(layer, ["B", 10, 8])[0] == tensors


def test_bidirectional_states_are_forward_then_backward() -> None:
    layer = {"type": "Bidirectional", "layer": {"type": "LSTM", "units": 4, "return_state": True}}
    tensors = _one(layer, [None, 10, 8])[0]
    assert list(tensors) == ["output", "forward_h", "forward_c", "backward_h", "backward_c"]
    assert tensors["output"] == (None, 8)
    assert tensors["backward_c"] == (None, 4)
    gru = {"type": "Bidirectional", "layer": {"type": "GRU", "units": 4, "return_state": True}}
    assert list(_one(gru, [None, 10, 8])[0]) == ["output", "forward_h", "backward_h"]


def test_other_layers() -> None:
    assert _one({"type": "RepeatVector", "n": 3}, [None, 8]) == ({"output": (None, 3, 8)}, 0)
    assert _one({"type": "Embedding", "input_dim": 1000, "output_dim": 64}, [None, 10]) == (
        {"output": (None, 10, 64)},
        64_000,
    )
    assert _one({"type": "Dropout", "rate": 0.2}, [None, 10, 8]) == ({"output": (None, 10, 8)}, 0)
    distributed = {"type": "TimeDistributed", "layer": {"type": "LSTM", "units": 4}}
    assert _one(distributed, [None, 5, 10, 8]) == ({"output": (None, 5, 4)}, 4 * 4 * (8 + 4 + 1))


def test_keras_type_prefixes_are_accepted() -> None:
    for written in ("LSTM", "layers.LSTM", "keras.layers.LSTM", "tf.keras.layers.LSTM"):
        assert _one({"type": written, "units": 4}, [None, 10, 8])[0] == {"output": (None, 4)}
    nested = {"type": "tf.keras.layers.Bidirectional", "layer": {"type": "layers.GRU", "units": 2}}
    assert _one(nested, [None, 10, 8])[0] == {"output": (None, 4)}


def test_a_nested_error_points_at_the_nested_value() -> None:
    text = """\
framework: keras
inputs: {x: [null, 10, 8]}
layers:
  - type: Bidirectional
    layer:
      type: LSTM
      units: four
"""
    assert found(text) == [("LS103", 7, 14)]
    [diagnostic] = check(text).diagnostics
    assert "bidirectional.layer.units should be an integer" in diagnostic.message


def test_stacked_lstm_hint_names_return_sequences() -> None:
    text = spec_text(
        [{"type": "LSTM", "units": 64}, {"type": "LSTM", "units": 32}], {"x": [None, 10, 8]}
    )
    [diagnostic] = check(text).diagnostics
    assert diagnostic.code == "LS302"
    assert "return_sequences: true" in (diagnostic.hint or "")


def test_initial_state_message_says_which_state_and_size() -> None:
    text = spec_text(
        [
            {"name": "enc", "type": "GRU", "units": 16, "return_state": True},
            {"type": "GRU", "input": "x", "units": 32, "initial_state": ["enc.state_h"]},
        ],
        {"x": [None, 10, 8]},
    )
    [diagnostic] = check(text).diagnostics
    assert diagnostic.code == "LS303"
    assert "state_h" in diagnostic.message
    assert "[?, 32]" in diagnostic.message
    assert "enc.state_h is [?, 16]" in diagnostic.message


def test_removed_arguments_say_what_replaces_them() -> None:
    text = spec_text(
        [{"type": "LSTM", "units": 4, "batch_input_shape": [32, 10, 8]}], {"x": [32, 10, 8]}
    )
    [diagnostic] = check(text).diagnostics
    assert diagnostic.code == "LS109"
    assert "removed in Keras 3" in diagnostic.message
    assert "inputs:" in (diagnostic.hint or "")


def test_a_first_layer_without_input_points_to_input_shape() -> None:
    [diagnostic] = check(spec_text([{"type": "LSTM", "units": 4}])).diagnostics
    assert diagnostic.code == "LS204"
    assert "input_shape" in (diagnostic.hint or "")


def test_stateful_with_a_known_batch_is_fine() -> None:
    tensors, _ = _one({"type": "LSTM", "units": 4, "stateful": True}, [32, 10, 8])
    assert tensors == {"output": (32, 4)}


def test_the_text_report_shows_state_columns() -> None:
    result = CliRunner().invoke(
        cli, ["check", "--no-color", "specs/keras-seq2seq.yaml"], catch_exceptions=False
    )
    header = next(line for line in result.output.splitlines() if line.startswith("layer"))
    assert header.split()[:6] == ["layer", "type", "input", "output", "state_h", "state_c"]
