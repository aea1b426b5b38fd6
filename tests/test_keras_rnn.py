"""keras.layers.RNN with a cell or a list of cells: lstmshape against Keras 3 itself.

Each spec is checked by lstmshape and built (or, where Keras checks only when
the model runs, run on zeros) by the oracle's Keras runner; the two must
agree on every tensor, every parameter count and the layer that fails.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.keras_support import check, spec_text

os.environ.setdefault("KERAS_BACKEND", "torch")

VALUES = {"B": 2, "T": 5}
CELLS_LG = [{"type": "LSTMCell", "units": 16}, {"type": "GRUCell", "units": 4}]
STATE_INPUTS = {"x": ["B", "T", 8], "h": ["B", 16], "c": ["B", 16], "g": ["B", 4]}


def _keras(spec: dict[str, Any]) -> Any:
    pytest.importorskip("keras")
    from tests.oracle.keras_runner import run_keras

    return run_keras(spec, VALUES)


def _spec(layers: list[dict[str, Any]], inputs: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"framework": "keras", "inputs": inputs or {"x": ["B", "T", 8]}, "layers": layers}


def _lstmshape(spec: dict[str, Any]) -> tuple[list[str], dict[str, dict[str, Any]], list[Any]]:
    import yaml

    report = check(yaml.safe_dump(spec, sort_keys=False))
    codes = [d.code for d in report.diagnostics]
    tensors = {
        layer.name: {
            name: tuple(VALUES.get(d, d) for d in shape) if shape is not None else None
            for name, shape in layer.tensors.items()
        }
        for layer in report.layers
    }
    return codes, tensors, [layer.params for layer in report.layers]


def _agree(spec: dict[str, Any]) -> list[str]:
    """Assert lstmshape and Keras agree on a spec that Keras runs; lstmshape's codes."""
    codes, tensors, params = _lstmshape(spec)
    run = _keras(spec)
    assert run.error is None, run.error
    errors = [code for code in codes if code not in ("LS409",)]
    assert not errors, codes
    for layer, ran, counted in zip(spec["layers"], run.layers, params, strict=True):
        assert tensors[layer["name"]] == ran.tensors
        assert counted == ran.params
    return codes


@pytest.mark.parametrize(
    "layer",
    [
        {"type": "RNN", "cell": {"type": "LSTMCell", "units": 16}, "return_state": True},
        {"type": "RNN", "cell": {"type": "GRUCell", "units": 3, "reset_after": False}},
        {"type": "RNN", "cell": {"type": "SimpleRNNCell", "units": 3}, "return_state": True},
        {"type": "RNN", "cell": [*CELLS_LG, {"type": "SimpleRNNCell", "units": 2}]},
        {
            "type": "keras.layers.RNN",
            "cell": [{"type": "GRUCell", "units": 3}, {"type": "LSTMCell", "units": 5}],
            "return_sequences": True,
            "return_state": True,
            "go_backwards": True,
        },
        {"type": "RNN", "cell": [{"type": "LSTMCell", "units": 4}], "return_state": True},
        {
            "type": "Bidirectional",
            "layer": {"type": "RNN", "cell": CELLS_LG, "return_state": True},
        },
        {
            "type": "Bidirectional",
            "layer": {"type": "RNN", "cell": {"type": "LSTMCell", "units": 4}},
            "backward_layer": {
                "type": "RNN",
                "cell": {"type": "GRUCell", "units": 4},
                "go_backwards": True,
            },
            "merge_mode": "sum",
        },
    ],
)
def test_tensors_and_parameters_match_keras(layer: dict[str, Any]) -> None:
    _agree(_spec([{"name": "r", **layer}]))


def test_time_distributed_runs_the_rnn_on_every_step() -> None:
    layer = {"type": "TimeDistributed", "layer": {"type": "RNN", "cell": CELLS_LG}}
    _agree(_spec([{"name": "td", **layer}], {"x": ["B", 3, "T", 8]}))


def test_nested_initial_states_per_cell_run() -> None:
    layer = {"type": "RNN", "cell": CELLS_LG, "input": "x", "initial_state": [["h", "c"], "g"]}
    _agree(_spec([{"name": "r", **layer}], STATE_INPUTS))


def test_single_cell_states_run_flat() -> None:
    layer = {
        "type": "RNN",
        "cell": {"type": "LSTMCell", "units": 16},
        "input": "x",
        "initial_state": ["h", "c"],
    }
    _agree(_spec([{"name": "r", **layer}], STATE_INPUTS))


@pytest.mark.parametrize(
    ("cell", "states"),
    [
        (CELLS_LG, ["h", "c", "g"]),  # flat: the LSTMCell gets one state
        (CELLS_LG, [["h", "c"], "g", "g"]),  # an entry more than cells
        (CELLS_LG, [["h"], "g"]),  # the LSTMCell's list too short
        ({"type": "LSTMCell", "units": 16}, ["h", "c", "c"]),  # the LSTM layer ignores these
        ({"type": "SimpleRNNCell", "units": 4}, ["g", "g"]),
    ],
)
def test_initial_states_keras_fails_on_when_it_runs_are_ls304(cell: Any, states: Any) -> None:
    spec = _spec(
        [{"name": "r", "type": "RNN", "cell": cell, "input": "x", "initial_state": states}],
        STATE_INPUTS,
    )
    assert _lstmshape(spec)[0] == ["LS304"]
    assert _keras(spec).failed_at == 0


def test_fewer_entries_than_cells_are_ls304_although_keras_runs_the_first_cells() -> None:
    spec = _spec(
        [
            {
                "name": "r",
                "type": "RNN",
                "cell": CELLS_LG,
                "input": "x",
                "initial_state": [["h", "c"]],
            }
        ],
        STATE_INPUTS,
    )
    assert _lstmshape(spec)[0] == ["LS304"]
    run = _keras(spec)
    assert run.error is None
    assert run.layers[0].tensors["output"] == (2, 16)  # the GRUCell(4) never ran


def test_a_wrong_state_size_is_ls303_at_the_nested_reference() -> None:
    layer = {"type": "RNN", "cell": CELLS_LG, "input": "x", "initial_state": [["h", "g"], "g"]}
    spec = _spec([{"name": "r", **layer}], STATE_INPUTS)
    report = check(spec_text(spec["layers"], spec["inputs"]))
    # initial_state[0][1], the second line of the nested list
    assert [(d.code, d.line) for d in report.diagnostics] == [("LS303", 27)]
    assert "state_0_c" in report.diagnostics[0].message
    assert _keras(spec).failed_at == 0


@pytest.mark.parametrize("unroll", [False, True])
def test_a_list_of_one_lstm_cell_over_a_mask_fails_unless_unrolled(unroll: bool) -> None:
    layers = [
        {"name": "m", "type": "Masking"},
        {"name": "r", "type": "RNN", "cell": [{"type": "LSTMCell", "units": 4}], "unroll": unroll},
    ]
    spec = _spec(layers)
    run = _keras(spec)
    if unroll:
        _agree(spec)
    else:
        assert _lstmshape(spec)[0] == ["LS335"]
        assert run.failed_at == 1


def test_the_cell_itself_over_a_mask_runs() -> None:
    layers = [
        {"name": "m", "type": "Masking"},
        {"name": "r", "type": "RNN", "cell": {"type": "LSTMCell", "units": 4}},
    ]
    _agree(_spec(layers))


def test_a_two_d_input_is_ls302_and_keras_fails_when_it_runs() -> None:
    spec = _spec([{"name": "r", "type": "RNN", "cell": {"type": "GRUCell", "units": 4}}])
    spec["inputs"] = {"x": ["B", 8]}
    codes, _, _ = _lstmshape(spec)
    assert codes == ["LS302"]
    assert _keras(spec).failed_at == 0


def test_mistakes_in_cells_point_into_the_cell() -> None:
    text = """\
framework: keras
inputs:
  x: [B, T, 8]
layers:
  - name: a
    type: RNN
    cell: {type: LSTMCell, units: 0}
  - name: b
    type: RNN
    cell: [{type: LSTM, units: 3}]
  - name: c
    type: RNN
    units: 4
  - name: d
    type: Bidirectional
    layer: {type: RNN, cell: [{type: GRUCell, units: 3, foo: 1}]}
  - name: e
    type: RNN
    cell: []
"""
    found = [(d.code, d.line, d.column) for d in check(text).diagnostics]
    assert found == [
        ("LS108", 7, 35),
        ("LS104", 10, 19),
        ("LS102", 11, 5),
        ("LS101", 13, 5),
        ("LS101", 16, 57),
        ("LS103", 19, 11),
    ]
    messages = {d.code + str(d.line): d for d in check(text).diagnostics}
    assert "GRUCell" in messages["LS10116"].message
    assert "reset_after" in (messages["LS10116"].hint or "")
    assert "SimpleRNN" in (messages["LS10113"].hint or "")


@pytest.mark.parametrize(
    ("cell", "line", "column", "hint"),
    [
        ("{type: LSTM, units: 4}", 7, 18, "write type: LSTMCell for RNN's cell"),
        ("{type: keras.layers.GRU, units: 4}", 7, 18, "write type: GRUCell for RNN's cell"),
        ("{type: LSTMcell, units: 4}", 7, 18, "did you mean LSTMCell?"),
        ("{type: RNNCell, units: 4}", 7, 18, "Keras's is SimpleRNNCell"),
        ("{type: Dense, units: 4}", 7, 18, "cell: {type: LSTMCell, units: 64}"),
        ("[{type: GRUCell, units: 4}, {type: SimpleRNN, units: 4}]", 7, 46, "SimpleRNNCell"),
    ],
)
def test_a_cell_of_a_wrong_type_is_ls104_at_its_type_with_the_cells_rnn_takes(
    cell: str, line: int, column: int, hint: str
) -> None:
    text = "framework: keras\ninputs:\n  x: [B, T, 8]\nlayers:\n  - name: r\n"
    text += f"    type: RNN\n    cell: {cell}\n"
    (diagnostic,) = check(text).diagnostics
    assert (diagnostic.code, diagnostic.line, diagnostic.column) == ("LS104", line, column)
    assert "but RNN's cell is an LSTMCell, GRUCell or SimpleRNNCell, or a list of them" in (
        diagnostic.message
    )
    assert hint in (diagnostic.hint or "")
    assert "tag" not in diagnostic.message  # none of pydantic's words


@pytest.mark.parametrize(
    ("layer", "where"),
    [
        ("type: RNN, cell: {type: 3, units: 4}", "r.cell"),
        ("type: Bidirectional, layer: {type: 3}", "r.layer"),
    ],
)
def test_a_nested_type_that_is_no_string_is_ls103_at_it(layer: str, where: str) -> None:
    text = f"framework: keras\ninputs:\n  x: [B, T, 8]\nlayers:\n  - {{name: r, {layer}}}\n"
    (diagnostic,) = check(text).diagnostics
    assert (diagnostic.code, diagnostic.line) == ("LS103", 5)
    assert diagnostic.message == f"{where}.type should be a string, found the number 3"


@pytest.mark.parametrize(
    ("layer", "hint"),
    [
        ("type: RNN, cell: LSTMCell", "cell: {type: LSTMCell, ...}"),
        ("type: Bidirectional, layer: LSTM", "layer: {type: LSTM, ...}"),
    ],
)
def test_a_nested_layer_written_as_its_type_alone_is_shown_as_a_mapping(
    layer: str, hint: str
) -> None:
    text = f"framework: keras\ninputs:\n  x: [B, T, 8]\nlayers:\n  - {{name: r, {layer}}}\n"
    (diagnostic,) = check(text).diagnostics
    assert diagnostic.code == "LS103"
    assert diagnostic.hint == f"write it as a mapping with its arguments: {hint}"


def test_a_wrapped_layer_gets_its_own_types_hint_for_a_foreign_key() -> None:
    # units on a ConvLSTM2D says to write filters, whether or not Bidirectional wraps it.
    layer = "{type: ConvLSTM2D, units: 4, kernel_size: 3}"
    text = "framework: keras\ninputs:\n  x: [B, T, 8, 8, 3]\nlayers:\n"
    text += f"  - {{name: r, type: Bidirectional, layer: {layer}}}\n"
    (unknown,) = [d for d in check(text).diagnostics if d.code == "LS101"]
    assert unknown.hint == (
        "a ConvLSTM's state has filters channels, each from a kernel_size window: write filters"
    )


def test_units_on_a_convlstm_is_one_problem_whose_hint_names_filters() -> None:
    # The missing filters is the unknown units' own problem: said once, not twice.
    text = "framework: keras\ninputs:\n  x: [B, T, 8, 8, 3]\nlayers:\n"
    (unknown,) = check(text + "  - {type: ConvLSTM2D, units: 4, kernel_size: 3}\n").diagnostics
    assert unknown.code == "LS101"
    assert unknown.hint is not None and unknown.hint.endswith("write filters")
    # a key missing besides is still its own problem
    codes = [d.code for d in check(text + "  - {type: ConvLSTM2D, units: 4}\n").diagnostics]
    assert sorted(codes) == ["LS101", "LS102"]


def test_rnn_is_keras_rnn_in_keras_specs_and_torch_rnn_in_torch_specs() -> None:
    keras_spec = "framework: keras\ninputs:\n  x: [B, T, 8]\nlayers:\n  - type: RNN\n"
    keras_spec += "    cell: {type: SimpleRNNCell, units: 4}\n"
    assert check(keras_spec).diagnostics == []
    torch_spec = "framework: torch\ninputs:\n  x: [T, B, 8]\nlayers:\n  - type: RNN\n"
    torch_spec += "    input_size: 8\n    hidden_size: 4\n"
    assert check(torch_spec).diagnostics == []


def test_a_list_of_one_lstm_cell_over_a_mask_of_one_timestep_runs() -> None:
    """Found by the oracle (seed 4865): Keras's masked loop fails from the second step on."""
    layers = [
        {"name": "m", "type": "Masking"},
        {"name": "r", "type": "RNN", "cell": [{"type": "LSTMCell", "units": 4}]},
    ]
    _agree(_spec(layers, {"x": ["B", 1, 8]}))
