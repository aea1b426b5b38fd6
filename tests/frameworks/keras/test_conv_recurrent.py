"""ConvLSTM1D/2D/3D and Conv3D: the rules the declared examples do not show.

Masks, initial states and costs, each as lstmshape reports it and, where
Keras is installed, as Keras (3.15.1, torch backend) runs it.
"""

from __future__ import annotations

import os

import pytest

from lstmshape.runner import check_text

os.environ.setdefault("KERAS_BACKEND", "torch")


def codes(text: str) -> list[str]:
    (report,) = check_text(text, "spec.yaml")
    return [d.code for d in report.diagnostics]


def _masked(layer: str, states: str = "") -> str:
    inputs = "  x: [2, 3, 6, 5, 2]\n"
    if states:
        inputs += "  h: [2, 6, 5, 4]\n  c: [2, 6, 5, 4]\n"
    return (
        f"framework: keras\ninputs:\n{inputs}layers:\n  - {{type: Masking, input: x}}\n"
        f"  - {layer}\n"
    )


MASKED = [
    ("{type: ConvLSTM2D, filters: 4, kernel_size: 3, padding: same}", []),
    ("{type: ConvLSTM2D, filters: 4, kernel_size: 1}", []),
    ("{type: ConvLSTM2D, filters: 4, kernel_size: 3}", ["LS318"]),  # 6 x 5 -> 4 x 3
    ("{type: ConvLSTM2D, filters: 4, kernel_size: 1, strides: 2}", ["LS318"]),
    ("{type: ConvLSTM2D, filters: 4, kernel_size: 3, padding: same, unroll: true}", ["LS318"]),
]


@pytest.mark.parametrize(("layer", "expected"), MASKED)
def test_a_masking_layers_mask_must_fit_the_frames(layer: str, expected: list[str]) -> None:
    assert codes(_masked(layer)) == expected


def test_with_initial_states_keras_does_not_hand_the_loop_the_mask() -> None:
    layer = "{type: ConvLSTM2D, filters: 4, kernel_size: 1, strides: 2, initial_state: [h, c]}"
    assert codes(_masked(layer.replace("strides: 2, ", ""), states="yes")) == []


def test_keras_runs_masked_frames_as_lstmshape_says() -> None:
    pytest.importorskip("keras")
    from tests.oracle.keras_runner import run_keras

    for layer, expected in MASKED:
        import yaml

        spec = yaml.safe_load(_masked(layer))
        run = run_keras(spec, {})
        assert (run.failed_at is not None) == bool(expected), (layer, run.error)


BATCH_NORM_AFTER_A_CALL_MASK = """\
framework: keras
inputs:
  x: [B, T, 6, 5, 2]
  m: [B, T]
layers:
  - {type: ConvLSTM2D, input: x, mask: m, filters: 4, kernel_size: 3, return_sequences: true}
  - {type: BatchNormalization}
"""


def test_batch_normalization_rejects_a_timestep_mask_on_frames() -> None:
    """Keras's BatchNormalization asks for a mask of one dimension less than its input."""
    assert codes(BATCH_NORM_AFTER_A_CALL_MASK) == ["LS318"]
    pytest.importorskip("keras")
    import yaml

    from tests.oracle.keras_runner import run_keras

    run = run_keras(yaml.safe_load(BATCH_NORM_AFTER_A_CALL_MASK), {"B": 2, "T": 3})
    assert run.failed_at == 1, run.error


def test_batch_normalization_keeps_a_sequences_mask() -> None:
    text = (
        "framework: keras\ninputs:\n  x: [B, T]\nlayers:\n"
        "  - {type: Embedding, input_dim: 20, output_dim: 8, mask_zero: true}\n"
        "  - {type: BatchNormalization}\n  - {type: LSTM, units: 4}\n"
    )
    assert codes(text) == []


STATES = "framework: keras\ninputs:\n  x: [B, T, 6, 5, 2]\n  h: [B, 4, 3, 4]\n  c: [B, 4, 3, 4]\n"


@pytest.mark.parametrize(
    ("extra", "expected"),
    [("", ["LS304"]), ("unroll: true, ", ["LS409"])],
)
def test_extra_initial_states_fail_unless_unrolled(extra: str, expected: list[str]) -> None:
    layer = (
        f"  - {{type: ConvLSTM2D, input: x, filters: 4, kernel_size: 3, {extra}"
        "initial_state: [h, c, h]}\n"
    )
    assert codes(STATES + "layers:\n" + layer) == expected


def test_symbolic_timesteps_stay_exact() -> None:
    text = (
        "framework: keras\ninputs:\n  x: [B, T, 9, 12, 3]\nlayers:\n"
        "  - {type: ConvLSTM2D, filters: 4, kernel_size: 3, padding: same, strides: 2, "
        "return_sequences: true}\n"
        "  - {type: Conv3D, filters: 1, kernel_size: 3}\n"
    )
    (report,) = check_text(text, "spec.yaml")
    assert report.diagnostics == []
    shapes = [layer.tensors["output"] for layer in report.layers]
    assert [str(d) for d in shapes[0]] == ["B", "T", "5", "6", "4"]
    assert [str(d) for d in shapes[1]] == ["B", "T - 2", "3", "4", "1"]


def test_a_symbolic_frame_size_is_an_open_size_keras_cannot_build_on() -> None:
    text = (
        "framework: keras\ninputs:\n  x: [B, T, S, 12, 3]\nlayers:\n"
        "  - {type: ConvLSTM2D, filters: 4, kernel_size: 3, padding: same}\n"
    )
    assert codes(text) == ["LS308"]
    pytest.importorskip("keras")
    from tests.oracle.keras_runner import L

    with pytest.raises(ValueError, match="static input shapes for the spatial dimension"):
        L.ConvLSTM2D(4, 3, padding="same")(L.Input((None, None, 12, 3)))


def _costs(layer: str, shape: str) -> tuple[int, list[int]]:
    text = f"framework: keras\ninputs:\n  x: {shape}\nlayers:\n  - {layer}\n"
    (report,) = check_text(text, "spec.yaml")
    assert report.diagnostics == []
    found = report.layers[0].costs
    assert found is not None
    return int(str(found.macs)), [int(str(extra)) for extra in found.extra]


CONV_LSTM = [
    "{type: ConvLSTM2D, filters: 4, kernel_size: 3}",
    "{type: ConvLSTM2D, filters: 4, kernel_size: 3, padding: same, strides: 2}",
    "{type: ConvLSTM2D, filters: 2, kernel_size: [3, 1], use_bias: false, return_sequences: true}",
]


@pytest.mark.parametrize("layer", CONV_LSTM)
def test_conv_lstm_costs_the_convolutions_keras_runs(layer: str) -> None:
    """Keras's torch backend runs the first step once more to learn the output's shape: its
    FLOPs are those of T + 1 steps, twice the MACs of each (torch counts a product and its
    sum)."""
    macs, _ = _costs(layer, "[2, 5, 8, 6, 3]")
    keras = pytest.importorskip("keras")
    torch = pytest.importorskip("torch")
    import yaml
    from torch.utils.flop_counter import FlopCounterMode

    args = {k: v for k, v in yaml.safe_load(layer).items() if k != "type"}
    built = keras.layers.ConvLSTM2D(**args)
    frames = torch.zeros(2, 5, 8, 6, 3)
    built(frames)
    with FlopCounterMode(display=False) as counter:
        built(frames)
    assert counter.get_total_flops() == 2 * macs * 6 // 5


def test_conv_lstm_cost_closed_form() -> None:
    macs, (bias, nonlinearity, elementwise, *_) = _costs(CONV_LSTM[0], "[2, 5, 8, 6, 3]")
    positions = 2 * 5 * 6 * 4  # batch, steps, 6 x 4 output pixels
    assert macs == positions * 4 * 4 * 9 * (3 + 4)  # 4 gates of 4 filters, 3x3 over x and h
    assert bias == positions * 4 * 4
    assert nonlinearity == positions * 5 * 4  # three sigmoid gates, two tanh
    assert elementwise == positions * 8 * 4


def test_conv3d_costs_what_torch_counts() -> None:
    macs, _ = _costs("{type: Conv3D, filters: 4, kernel_size: 3}", "[2, 5, 8, 6, 3]")
    assert macs == 2 * 3 * 6 * 4 * 4 * 27 * 3
    keras = pytest.importorskip("keras")
    torch = pytest.importorskip("torch")
    from torch.utils.flop_counter import FlopCounterMode

    built = keras.layers.Conv3D(4, 3)
    frames = torch.zeros(2, 5, 8, 6, 3)
    with FlopCounterMode(display=False) as counter:
        built(frames)
    assert counter.get_total_flops() == 2 * macs


WRAPPED = [
    ("[B, T, 16, 12, 3]", "{type: ConvLSTM1D, filters: 4, kernel_size: 3, return_sequences: true}"),
    ("[B, 2, T, 8, 6, 3]", "{type: ConvLSTM2D, filters: 2, kernel_size: 3, padding: same}"),
    ("[B, T, 5, 8, 6, 4]", "{type: Conv3D, filters: 2, kernel_size: [3, 1, 2], groups: 2}"),
]


@pytest.mark.parametrize(("shape", "layer"), WRAPPED)
def test_time_distributed_runs_them_on_each_step_as_keras(shape: str, layer: str) -> None:
    """TimeDistributed hands the layer one step (of frames) at a time and keeps only its
    output."""
    import yaml

    text = (
        f"framework: keras\ninputs:\n  x: {shape}\nlayers:\n"
        f"  - {{type: TimeDistributed, layer: {layer}}}\n"
    )
    (report,) = check_text(text, "spec.yaml")
    assert report.diagnostics == []
    (found,) = report.layers
    pytest.importorskip("keras")
    from lstmshape.shapes import evaluate_dim
    from tests.oracle.keras_runner import run_keras

    values = {"B": 2, "T": 5}
    run = run_keras(yaml.safe_load(text), values)
    assert run.error is None
    (real,) = run.layers
    mine = found.tensors["output"]
    assert (
        tuple(evaluate_dim(d, values) if isinstance(d, str) else d for d in mine)
        == (real.tensors["output"])
    )
    assert found.params == real.params


def test_an_unrolled_loop_takes_a_pixel_mask_of_one_entry_a_step() -> None:
    # A Masking layer over channels_first frames of one row masks (batch, timesteps, 1):
    # Keras's unrolled loop broadcasts it (oracle seed 820287); more entries fail.
    layers = "- {type: Masking}\n- {type: ConvLSTM1D, filters: 2, kernel_size: 1, unroll: true, "
    layers += "data_format: channels_first, return_sequences: true}\n"
    one_row = f"framework: keras\ninputs: {{x: [2, T, 1, 3]}}\nlayers:\n{layers}"
    assert [d.code for d in check_text(one_row, "s.yaml")[0].diagnostics] == []
    two_rows = one_row.replace("[2, T, 1, 3]", "[2, T, 2, 3]")
    assert [d.code for d in check_text(two_rows, "s.yaml")[0].diagnostics] == ["LS318"]


BIDIRECTIONAL = [
    ("{type: ConvLSTM2D, filters: 4, kernel_size: 3}", "[2, 5, 8, 6, 3]", None),
    # channels_first: concat doubles the last column, which must not size the steps
    (
        "{type: ConvLSTM2D, filters: 4, kernel_size: 3, data_format: channels_first}",
        "[2, 5, 3, 8, 6]",
        None,
    ),
    (
        "{type: ConvLSTM2D, filters: 2, kernel_size: 3, return_sequences: true}",
        "[2, 5, 8, 6, 3]",
        "sum",
    ),
]


@pytest.mark.parametrize(("layer", "shape", "mode"), BIDIRECTIONAL)
def test_bidirectional_conv_lstm_costs_both_directions(
    layer: str, shape: str, mode: str | None
) -> None:
    """Twice the layer's MACs and FLOPs (and a sum's one addition an element); torch counts
    the convolutions of T + 1 steps in each direction."""
    merge = f", merge_mode: {mode}" if mode else ""
    one, (bias, *_) = _costs(layer, shape)
    both, (both_bias, *_) = _costs(f"{{type: Bidirectional, layer: {layer}{merge}}}", shape)
    assert (both, both_bias) == (2 * one, 2 * bias)
    keras = pytest.importorskip("keras")
    torch = pytest.importorskip("torch")
    import yaml
    from torch.utils.flop_counter import FlopCounterMode

    args = {k: v for k, v in yaml.safe_load(layer).items() if k != "type"}
    built = keras.layers.Bidirectional(keras.layers.ConvLSTM2D(**args), merge_mode=mode or "concat")
    frames = torch.zeros(*yaml.safe_load(shape))
    built(frames)
    with FlopCounterMode(display=False) as counter:
        built(frames)
    assert counter.get_total_flops() == 2 * both * 6 // 5
