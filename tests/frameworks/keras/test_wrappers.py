"""Every Keras layer type in TimeDistributed and Bidirectional: held as Keras holds it, or
refused with LS104 and the reason its declaration gives, never passed through unchanged."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

from lstmshape.costs import LayerCosts
from lstmshape.frameworks import FRAMEWORKS
from lstmshape.frameworks.layer_type import Example, LayerType
from lstmshape.runner import check_text
from tests.frameworks.examples import check_passes, check_passes_in_framework
from tests.helpers import check, codes

os.environ.setdefault("KERAS_BACKEND", "torch")

KERAS = FRAMEWORKS["keras"]
TIME_DISTRIBUTED = KERAS.types["TimeDistributed"]
BIDIRECTIONAL = KERAS.types["Bidirectional"]


def _in_time_distributed(declared: LayerType[Any], example: Example) -> Example | None:
    """The example with a step axis after the batch, inside TimeDistributed: the step
    axis is kept, everything else is the wrapped layer's.  None for an example that is no
    single-input single-output layer."""
    if example.before or len(example.inputs) != 1 or set(example.tensors) != {"output"}:
        return None
    if {"input", "initial_state", "mask"} & set(example.layer):
        return None
    ((name, dims),) = example.inputs.items()
    output = example.tensors["output"]
    written = " ".join(str(dim) for dim in (*dims, *output))
    step = "S" if "S" not in written else 3  # a symbol of steps where the example has none
    return Example(
        {name: [dims[0], step, *dims[1:]]},
        {"layer": {"type": declared.name, **example.layer}},
        {"output": [output[0], step, *output[1:]]},
        params=example.params,
    )


def _wrapped_examples() -> list[Any]:
    return [
        pytest.param(wrapped, id=f"{declared.name}-{index}")
        for declared in KERAS.types.values()
        if "TimeDistributed" in declared.wrappers
        for index, example in enumerate(declared.examples)
        if (wrapped := _in_time_distributed(declared, example)) is not None
    ]


def _args(declared: LayerType[Any]) -> dict[str, Any]:
    """The arguments of the type's first example, without what it reads."""
    layer = declared.examples[0].layer
    return {key: value for key, value in layer.items() if key != "input"}


@pytest.mark.parametrize("declared", list(KERAS.types.values()), ids=lambda d: d.name)
def test_every_type_is_held_by_time_distributed_or_refused_with_a_reason(
    declared: LayerType[Any],
) -> None:
    held = "TimeDistributed" in declared.wrappers
    reason = declared.refusals.get("TimeDistributed")
    assert held != bool(reason)
    if held:
        assert any(_in_time_distributed(declared, example) for example in declared.examples)
        return
    assert reason is not None
    layer = {"type": declared.name, **_args(declared)}
    report = check(
        "framework: keras\ninputs: {x: [B, T, 8]}\nlayers:\n"
        f"  - {{type: TimeDistributed, layer: {json.dumps(layer)}}}\n"
    )
    assert codes(report) == ["LS104"]
    (diagnostic,) = report.diagnostics
    assert f"is {declared.name}, which TimeDistributed cannot wrap: {reason}" in diagnostic.message
    refused = [d.name for d in KERAS.types.values() if d.refusals.get("TimeDistributed")]
    assert {"Concatenate", "Add", "Dot", "MultiHeadAttention"} <= set(refused)
    assert diagnostic.hint == (
        f"TimeDistributed wraps every keras layer type but {', '.join(refused)}"
    )


@pytest.mark.parametrize("wrapped", _wrapped_examples())
def test_a_held_type_computes_its_example_on_every_step(wrapped: Example) -> None:
    check_passes(TIME_DISTRIBUTED, wrapped)


@pytest.mark.parametrize("wrapped", _wrapped_examples())
def test_keras_computes_the_held_example_on_every_step(wrapped: Example) -> None:
    pytest.importorskip("keras")
    from tests.oracle.keras_runner import run_keras

    check_passes_in_framework(TIME_DISTRIBUTED, wrapped, run_keras)


def test_keras_time_distributed_cannot_hold_a_layer_that_reads_a_list() -> None:
    keras = pytest.importorskip("keras")
    layer = keras.layers.TimeDistributed(keras.layers.Add())
    x, y = keras.Input((4, 8)), keras.Input((4, 8))
    with pytest.raises(ValueError, match="should be passed an `input_shape` with at least 3"):
        layer([x, y])


@pytest.mark.parametrize(
    "declared",
    [d for d in KERAS.types.values() if "Bidirectional" not in d.wrappers],
    ids=lambda d: d.name,
)
def test_bidirectional_refuses_what_keras_cannot_copy_backwards(
    declared: LayerType[Any],
) -> None:
    """LS104 with the reason Keras's own error gives."""
    layer = {"type": declared.name, **_args(declared)}
    report = check(
        "framework: keras\ninputs: {x: [B, T, 8]}\nlayers:\n"
        f"  - {{type: Bidirectional, layer: {json.dumps(layer)}}}\n"
    )
    assert codes(report) == ["LS104"]
    (diagnostic,) = report.diagnostics
    reason = declared.refusals.get("Bidirectional", BIDIRECTIONAL.refuses)
    assert f"which Bidirectional cannot wrap: {reason}" in diagnostic.message
    assert diagnostic.hint == (
        "Bidirectional wraps LSTM, GRU, SimpleRNN, RNN, ConvLSTM1D, ConvLSTM2D, ConvLSTM3D"
    )
    keras = pytest.importorskip("keras")
    from tests.oracle.keras_runner import construct

    inner = construct(declared.name, _args(declared))
    with pytest.raises((TypeError, ValueError), match=r"deserialized properly|go_backwards"):
        keras.layers.Bidirectional(inner)


def _in_bidirectional(declared: LayerType[Any], example: Example) -> Example | None:
    """The example inside Bidirectional (merge_mode concat): the output's last axis twice
    as long (the features; a ConvLSTM's last spatial axis with channels_first), each state
    once a direction, twice the parameters.  None for an example that reads more than its
    input."""
    if example.before or len(example.inputs) != 1:
        return None
    if {"input", "initial_state", "mask"} & set(example.layer):
        return None
    output = example.tensors["output"]
    last = output[-1]
    assert isinstance(last, int)
    tensors: dict[str, list[Any]] = {"output": [*output[:-1], 2 * last]}
    for side in ("forward", "backward"):
        for name, dims in example.tensors.items():
            if name.startswith("state_"):
                tensors[f"{side}_{name.removeprefix('state_')}"] = dims
    return Example(
        example.inputs,
        {"layer": {"type": declared.name, **example.layer}},
        tensors,
        params=2 * example.params,
    )


def _bidirectional_examples() -> list[Any]:
    return [
        pytest.param(wrapped, id=f"{declared.name}-{index}")
        for declared in KERAS.types.values()
        if "Bidirectional" in declared.wrappers
        for index, example in enumerate(declared.examples)
        if (wrapped := _in_bidirectional(declared, example)) is not None
    ]


@pytest.mark.parametrize(
    "declared",
    [d for d in KERAS.types.values() if "Bidirectional" in d.wrappers],
    ids=lambda d: d.name,
)
def test_every_type_bidirectional_holds_has_an_example_it_runs_both_ways(
    declared: LayerType[Any],
) -> None:
    assert any(_in_bidirectional(declared, example) for example in declared.examples)
    assert "Bidirectional" not in declared.refusals


@pytest.mark.parametrize("wrapped", _bidirectional_examples())
def test_a_held_type_computes_its_example_in_both_directions(wrapped: Example) -> None:
    check_passes(BIDIRECTIONAL, wrapped)


@pytest.mark.parametrize("wrapped", _bidirectional_examples())
def test_keras_computes_the_held_example_in_both_directions(wrapped: Example) -> None:
    pytest.importorskip("keras")
    from tests.oracle.keras_runner import run_keras

    check_passes_in_framework(BIDIRECTIONAL, wrapped, run_keras)


def _costs(spec: dict[str, Any]) -> LayerCosts:
    (report,) = check_text(json.dumps(spec), "spec.yaml")
    assert [d.code for d in report.diagnostics] == []
    (layer,) = report.layers
    assert layer.costs is not None
    return layer.costs


@pytest.mark.parametrize("wrapped", _wrapped_examples())
def test_time_distributed_costs_its_layer_once_a_step(wrapped: Example) -> None:
    """MACs, the other FLOPs and activations: the wrapped layer's on one step, times the
    steps; the parameters' bytes once."""
    from lstmshape.shapes import evaluate_dim

    ((name, dims),) = wrapped.inputs.items()
    step = dims[1]
    plain = {"framework": "keras", "inputs": {name: [dims[0], *dims[2:]]}}
    one = _costs({**plain, "layers": [wrapped.layer["layer"]]})
    distributed = {"type": "TimeDistributed", **wrapped.layer}
    every = _costs({**plain, "inputs": wrapped.inputs, "layers": [distributed]})
    values = {"B": 2, "T": 7, "S": 5}
    steps = values["S"] if step == "S" else int(step)

    def size(expr: Any) -> int | None:
        return evaluate_dim(str(expr), values)

    for mine, theirs in zip(
        (every.macs, *every.extra, every.activation_bytes),
        (one.macs, *one.extra, one.activation_bytes),
        strict=True,
    ):
        assert size(mine) == steps * (size(theirs) or 0)
    assert every.param_bytes == one.param_bytes


MASKS = [
    # the input's mask passes through TimeDistributed, unused and unwarned inside it
    ([{"type": "Masking"}, {"type": "TimeDistributed", "layer": {"type": "Flatten"}}], [2]),
    # a mask made inside it stays inside: TimeDistributed returns its input's mask
    ([{"type": "TimeDistributed", "layer": {"type": "Masking"}}], []),
    (
        [
            {
                "type": "TimeDistributed",
                "layer": {"type": "Embedding", "input_dim": 9, "output_dim": 4, "mask_zero": True},
            }
        ],
        [],
    ),
]


@pytest.mark.parametrize(("layers", "dropped"), MASKS)
def test_masks_pass_through_time_distributed_as_in_keras(
    layers: list[dict[str, Any]], dropped: list[int]
) -> None:
    """A Reshape after the layers warns (LS325) exactly where Keras's mask reaches it."""
    spec = {
        "framework": "keras",
        "inputs": {"x": [2, 5, 4, 3]},
        "layers": [*layers, {"type": "Reshape", "target_shape": [-1]}],
    }
    (report,) = check_text(json.dumps(spec), "spec.yaml")
    warned = [
        report.layers.index(layer)
        for layer in report.layers
        for d in report.diagnostics
        if d.layer == layer.name
    ]
    assert [d.code for d in report.diagnostics] == ["LS325"] * len(dropped)
    assert warned == dropped
    pytest.importorskip("keras")
    from tests.oracle.keras_runner import run_keras

    run = run_keras(spec, {})
    assert run.error is None
    assert [index for index, layer in enumerate(run.layers) if "LS325" in layer.warnings] == dropped


def test_bidirectional_directions_of_other_units_warn_where_keras_models_fail() -> None:
    """Keras runs the layer with both sizes (16 + 8), but a model gives its output twice the
    forward layer's (32) and the Dense after it fails when the model runs: LS350."""
    report = check(
        "framework: keras\ninputs: {x: [2, 5, 3]}\nlayers:\n"
        "  - name: bi\n    type: Bidirectional\n    layer: {type: GRU, units: 16}\n"
        "    backward_layer: {type: GRU, units: 8, go_backwards: true}\n"
        "  - {type: Dense, units: 4}\n"
    )
    assert codes(report) == ["LS350"]
    assert report.layers[0].tensors["output"] == (2, 24)
    assert (
        codes(
            check(
                "framework: keras\ninputs: {x: [2, 5, 3]}\nlayers:\n"
                "  - {type: Bidirectional, merge_mode: sum, layer: {type: GRU, units: 16},\n"
                "     backward_layer: {type: GRU, units: 1, go_backwards: true}}\n"
            )
        )
        == []
    )
    keras = pytest.importorskip("keras")
    torch = pytest.importorskip("torch")
    layers = keras.layers

    def bidirectional() -> Any:
        backward = layers.GRU(8, go_backwards=True)
        return layers.Bidirectional(layers.GRU(16), backward_layer=backward)

    assert tuple(bidirectional()(torch.zeros(2, 5, 3)).shape) == (2, 24)
    x = keras.Input(batch_shape=(2, 5, 3))
    built = bidirectional()(x)
    assert tuple(built.shape) == (2, 32)
    model = keras.Model(x, layers.Dense(4)(built))
    with pytest.raises(ValueError, match="incompatible with the layer"):
        model(torch.zeros(2, 5, 3))


@pytest.mark.parametrize(
    "inner",
    [
        {"type": "Bidirectional", "merge_mode": None, "layer": {"type": "GRU", "units": 4}},
        {"type": "Bidirectional", "layer": {"type": "LSTM", "units": 4, "return_state": True}},
        {"type": "GRU", "units": 4, "return_state": True},
    ],
)
def test_time_distributed_takes_a_layer_with_one_output(inner: dict[str, Any]) -> None:
    spec = {
        "framework": "keras",
        "inputs": {"x": [2, 5, 6, 3]},
        "layers": [{"type": "TimeDistributed", "layer": inner}],
    }
    (report,) = check_text(json.dumps(spec), "spec.yaml")
    assert [d.code for d in report.diagnostics] == ["LS108"]
    assert "TimeDistributed takes a layer with one output" in report.diagnostics[0].message
    keras = pytest.importorskip("keras")
    from tests.oracle.keras_runner import construct

    layer = construct("TimeDistributed", {"layer": inner})
    with pytest.raises(ValueError, match="Cannot convert"):
        layer(keras.Input(batch_shape=(2, 5, 6, 3)))


@pytest.mark.parametrize(
    ("wrapper", "written", "hint"),
    [
        ("Bidirectional", "LSTMcell", "did you mean LSTM?"),
        ("TimeDistributed", "Lstm", "did you mean LSTM?"),
        ("TimeDistributed", "Linear", "Linear is torch's; Keras's is Dense (units)"),
        (
            "Bidirectional",
            "Unheard",
            "Bidirectional wraps LSTM, GRU, SimpleRNN, RNN, ConvLSTM1D, ConvLSTM2D, ConvLSTM3D",
        ),
    ],
)
def test_a_wrapped_type_keras_does_not_have_is_named_so_not_refused_for_a_reason(
    wrapper: str, written: str, hint: str
) -> None:
    """A typo or torch's name is no type: the wrapper's reason for the types it refuses
    (Bidirectional's go_backwards) would send the user the wrong way."""
    report = check(
        "framework: keras\ninputs: {x: [B, T, 8]}\nlayers:\n"
        f"  - name: w\n    type: {wrapper}\n    layer: {{type: {written}, units: 4}}\n"
    )
    (diagnostic,) = report.diagnostics
    assert (diagnostic.code, diagnostic.line, diagnostic.column) == ("LS104", 6, 19)
    assert diagnostic.message == f"w.layer is {written}, which is no keras layer type"
    assert diagnostic.hint == hint


def test_a_one_unit_forward_layer_broadcast_by_sum_warns_where_keras_models_fail() -> None:
    """Keras sums (2, 1) and (2, 16) into (2, 16) when it runs, but its model takes the
    output to be the forward layer's (2, 1): LS350, as for concat."""
    report = check(
        "framework: keras\ninputs: {x: [2, 5, 3]}\nlayers:\n"
        "  - {type: Bidirectional, merge_mode: sum, layer: {type: GRU, units: 1},\n"
        "     backward_layer: {type: GRU, units: 16, go_backwards: true}}\n"
    )
    assert codes(report) == ["LS350"]
    assert report.layers[0].tensors["output"] == (2, 16)
    keras = pytest.importorskip("keras")
    torch = pytest.importorskip("torch")
    layers = keras.layers

    def bidirectional() -> Any:
        backward = layers.GRU(16, go_backwards=True)
        return layers.Bidirectional(layers.GRU(1), backward_layer=backward, merge_mode="sum")

    assert tuple(bidirectional()(torch.zeros(2, 5, 3)).shape) == (2, 16)
    assert tuple(bidirectional()(keras.Input(batch_shape=(2, 5, 3))).shape) == (2, 1)
