"""torch.nn.LSTM, GRU and RNN: every returned tensor, initial states, parameters.

Hand derivations follow torch's documentation (D = 2 if bidirectional else 1,
H_out = proj_size or hidden_size); the oracle at the end checks the same
configurations against the real torch where it is installed.
"""

from __future__ import annotations

import warnings
from typing import Any

import pytest

from tests.helpers import check_spec, codes, layer, shapes


def rnn(kind: str, **arguments: Any) -> dict[str, Any]:
    return {"name": "r", "type": kind, "input": "x", **arguments}


# -- parameters, derived by hand -------------------------------------------------
# per layer and direction: G*H*(in + H_out) + 2*G*H (two bias vectors) + P*H
# (projection), G = 4/3/1 for LSTM/GRU/RNN, in = input_size for layer 0 else D*H_out.
PARAMS = [
    # 4*64*(8+64) + 2*4*64 = 18432 + 512
    ("LSTM", {"input_size": 8, "hidden_size": 64}, 18944),
    # 3*64*(8+64) + 2*3*64 = 13824 + 384
    ("GRU", {"input_size": 8, "hidden_size": 64}, 14208),
    # 64*(8+64) + 2*64 = 4608 + 128
    ("RNN", {"input_size": 8, "hidden_size": 64}, 4736),
    # no bias: 4*64*72
    ("LSTM", {"input_size": 8, "hidden_size": 64, "bias": False}, 18432),
    # layer 0: 4*16*(8+16)+128 = 1664; layer 1: 4*16*(16+16)+128 = 2176
    ("LSTM", {"input_size": 8, "hidden_size": 16, "num_layers": 2}, 3840),
    # bidirectional, 2 layers: 2*1664 + 2*(4*16*(32+16)+128) = 3328 + 2*3200
    ("LSTM", {"input_size": 8, "hidden_size": 16, "num_layers": 2, "bidirectional": True}, 9728),
    # proj: 4*6*(8+2) + 2*24 + 2*6 = 240 + 48 + 12
    ("LSTM", {"input_size": 8, "hidden_size": 6, "proj_size": 2}, 300),
    # proj, bidirectional, 2 layers: layer 0 per dir 300; layer 1 in = 2*2 = 4:
    # 4*6*(4+2) + 48 + 12 = 204 per dir -> 2*300 + 2*204
    (
        "LSTM",
        {"input_size": 8, "hidden_size": 6, "proj_size": 2, "num_layers": 2, "bidirectional": True},
        1008,
    ),
    # GRU 3 layers: 3*20*(10+20)+120 = 1920; then 2 * (3*20*40+120 = 2520)
    ("GRU", {"input_size": 10, "hidden_size": 20, "num_layers": 3}, 6960),
    # RNN relu, no bias: 6*(20+6) = 156
    ("RNN", {"input_size": 20, "hidden_size": 6, "nonlinearity": "relu", "bias": False}, 156),
]


@pytest.mark.parametrize(("kind", "arguments", "params"), PARAMS)
def test_parameter_count(kind: str, arguments: dict[str, Any], params: int) -> None:
    report = check_spec({"x": [5, 3, arguments["input_size"]]}, rnn(kind, **arguments))
    assert codes(report) == []
    assert layer(report, "r").params == params


# -- shapes, derived by hand --------------------------------------------------
def test_pytorch_tutorial_lstm() -> None:
    """nn.LSTM(8, 64, batch_first=True) on (32, 10, 8), head on output[:, -1, :]."""
    report = check_spec(
        {"x": [32, 10, 8]},
        rnn("LSTM", input_size=8, hidden_size=64, batch_first=True),
        {
            "name": "head",
            "type": "Linear",
            "input": "r.output[:, -1, :]",
            "in_features": 64,
            "out_features": 1,
        },
    )
    assert codes(report) == []
    assert shapes(report, "r") == {
        "output": (32, 10, 64),
        "h_n": (1, 32, 64),
        "c_n": (1, 32, 64),
    }
    assert shapes(report, "head") == {"output": (32, 1)}
    assert report.layers[1].input == "r.output[:, -1, :]"


SHAPES = [
    # (L, N, H_in) -> output (L, N, D*H_out), states (D*layers, N, H)
    ("LSTM", [5, 3, 8], {}, {"output": (5, 3, 4), "h_n": (1, 3, 4), "c_n": (1, 3, 4)}),
    # batch_first moves batch in output only; states stay (D*layers, N, H)
    (
        "LSTM",
        [3, 5, 8],
        {"batch_first": True},
        {"output": (3, 5, 4), "h_n": (1, 3, 4), "c_n": (1, 3, 4)},
    ),
    # bidirectional doubles output features and the state stack
    (
        "GRU",
        [5, 3, 8],
        {"bidirectional": True, "num_layers": 3},
        {"output": (5, 3, 8), "h_n": (6, 3, 4)},
    ),
    # proj_size: output and h_n use proj_size, c_n keeps hidden_size
    (
        "LSTM",
        [5, 3, 8],
        {"proj_size": 2, "bidirectional": True},
        {"output": (5, 3, 4), "h_n": (2, 3, 2), "c_n": (2, 3, 4)},
    ),
    # unbatched (L, H_in): output (L, D*H_out), states (D*layers, H); batch_first ignored
    (
        "RNN",
        [5, 8],
        {"batch_first": True, "num_layers": 2},
        {"output": (5, 4), "h_n": (2, 4)},
    ),
    (
        "LSTM",
        [5, 8],
        {"proj_size": 3},
        {"output": (5, 3), "h_n": (1, 3), "c_n": (1, 4)},
    ),
    # symbols flow through
    (
        "LSTM",
        ["B", "T", 8],
        {"batch_first": True},
        {"output": ("B", "T", 4), "h_n": (1, "B", 4), "c_n": (1, "B", 4)},
    ),
]


@pytest.mark.parametrize(("kind", "shape", "arguments", "expected"), SHAPES)
def test_shapes(
    kind: str, shape: list[Any], arguments: dict[str, Any], expected: dict[str, Any]
) -> None:
    report = check_spec({"x": shape}, rnn(kind, input_size=8, hidden_size=4, **arguments))
    assert set(codes(report)) <= {"LS404"}  # unbatched input is a warning
    assert shapes(report, "r") == expected


@pytest.mark.parametrize("shape", [[8], [2, 5, 3, 8]])
@pytest.mark.parametrize("kind", ["LSTM", "GRU", "RNN"])
def test_input_rank_other_than_2_or_3_is_ls302(kind: str, shape: list[int]) -> None:
    report = check_spec({"x": shape}, rnn(kind, input_size=8, hidden_size=4))
    assert codes(report) == ["LS302"]
    assert f"is {len(shape)}-D" in report.diagnostics[0].message
    assert shapes(report, "r")["output"] is None


@pytest.mark.parametrize("shape", [[5, 3, 7], [5, 7]])
def test_feature_mismatch_names_both_sizes(shape: list[int]) -> None:
    report = check_spec({"x": shape}, rnn("GRU", input_size=8, hidden_size=4))
    errors = [d for d in report.diagnostics if d.code == "LS301"]
    assert len(errors) == 1
    assert "input_size is 8" in errors[0].message
    assert "has 7 features" in errors[0].message
    assert errors[0].hint == "set input_size: 7"


# -- initial states -------------------------------------------------------------
def states_report(kind: str, shape: list[Any], states: list[list[Any]], **arguments: Any) -> Any:
    inputs = {"x": shape} | {f"s{index}": dims for index, dims in enumerate(states)}
    written: str | list[str] = [f"s{index}" for index in range(len(states))]
    if len(states) == 1:
        written = "s0"
    return check_spec(
        inputs,
        rnn(kind, **({"input_size": 8, "hidden_size": 6} | arguments), initial_state=written),
    )


STATE_CASES = [
    # kind, input, states, arguments, expected codes
    ("LSTM", [5, 3, 8], [[1, 3, 6], [1, 3, 6]], {}, []),
    ("LSTM", [5, 3, 8], [[2, 3, 6], [1, 3, 6]], {}, ["LS303"]),  # torch: hidden[0]
    ("LSTM", [5, 3, 8], [[1, 3, 6], [1, 3, 5]], {}, ["LS303"]),  # torch: hidden[1]
    ("LSTM", [5, 3, 8], [[1, 3, 6]], {}, ["LS304"]),  # one state for an LSTM
    ("LSTM", [5, 3, 8], [[1, 3, 6], [1, 3, 6], [1, 3, 6]], {}, ["LS304"]),
    ("GRU", [5, 3, 8], [[1, 3, 6], [1, 3, 6]], {}, ["LS304"]),  # two states for a GRU
    ("GRU", [5, 3, 8], [[1, 3, 6]], {}, []),
    ("RNN", [5, 3, 8], [[2, 3, 6]], {}, ["LS303"]),
    # batch_first does not change the state layout
    ("GRU", [3, 5, 8], [[1, 3, 6]], {"batch_first": True}, []),
    ("GRU", [3, 5, 8], [[3, 1, 6]], {"batch_first": True}, ["LS303"]),
    # bidirectional, 2 layers: 4 stacked states
    ("RNN", [5, 3, 8], [[4, 3, 6]], {"bidirectional": True, "num_layers": 2}, []),
    ("RNN", [5, 3, 8], [[2, 3, 6]], {"bidirectional": True, "num_layers": 2}, ["LS303"]),
    # proj_size: h_0 uses proj_size, c_0 hidden_size
    ("LSTM", [5, 3, 8], [[1, 3, 2], [1, 3, 6]], {"proj_size": 2}, []),
    ("LSTM", [5, 3, 8], [[1, 3, 6], [1, 3, 6]], {"proj_size": 2}, ["LS303"]),
    ("LSTM", [5, 3, 8], [[1, 3, 2], [1, 3, 2]], {"proj_size": 2}, ["LS303"]),
    # unbatched input takes 2-D states (and warns LS404 about the input)
    ("GRU", [5, 8], [[1, 6]], {}, ["LS404"]),
    ("GRU", [5, 8], [[1, 1, 6]], {}, ["LS303", "LS404"]),
    ("LSTM", [5, 8], [[1, 6], [1, 6]], {}, ["LS404"]),
    # batched input with 2-D states
    ("LSTM", [5, 3, 8], [[1, 6], [1, 6]], {}, ["LS303", "LS303"]),
]


@pytest.mark.parametrize(("kind", "shape", "states", "arguments", "expected"), STATE_CASES)
def test_initial_states(
    kind: str,
    shape: list[Any],
    states: list[list[Any]],
    arguments: dict[str, Any],
    expected: list[str],
) -> None:
    report = states_report(kind, shape, states, **arguments)
    assert sorted(codes(report)) == expected


def test_initial_state_message_names_the_layout() -> None:
    report = states_report("LSTM", [5, 3, 8], [[1, 3, 2], [1, 3, 2]], proj_size=2)
    (diagnostic,) = report.diagnostics
    assert "c_0 must be [1, 3, 6]" in diagnostic.message
    assert "hidden_size" in diagnostic.message
    assert "initial_state[1]" in diagnostic.message
    report = states_report("LSTM", [5, 3, 8], [[1, 3, 6], [1, 3, 6]], proj_size=2)
    assert "h_0 must be [1, 3, 2]" in report.diagnostics[0].message
    assert "proj_size" in report.diagnostics[0].message


# -- constructor arguments --------------------------------------------------------
ARGUMENT_ERRORS = [
    ("LSTM", {"input_size": 0}, "input_size"),
    ("GRU", {"hidden_size": -1}, "hidden_size"),
    ("RNN", {"num_layers": 0}, "num_layers"),
    ("LSTM", {"dropout": 1.5}, "dropout"),
    ("LSTM", {"dropout": -0.1}, "dropout"),
    ("LSTM", {"proj_size": -1}, "proj_size"),
    ("LSTM", {"proj_size": 6}, "proj_size"),  # equal to hidden_size
    ("RNN", {"nonlinearity": "sigmoid"}, "nonlinearity"),
]


@pytest.mark.parametrize(("kind", "override", "key"), ARGUMENT_ERRORS)
def test_arguments_torch_rejects_are_ls108(kind: str, override: dict[str, Any], key: str) -> None:
    arguments = {"input_size": 8, "hidden_size": 6} | override
    report = check_spec({"x": [5, 3, 8]}, rnn(kind, **arguments))
    assert codes(report) == ["LS108"]
    assert f"r.{key}" in report.diagnostics[0].message
    assert layer(report, "r").params is None


@pytest.mark.parametrize("dropout", [0, 1, 0.0, 1.0])
def test_dropout_bounds_are_inclusive(dropout: float) -> None:
    report = check_spec(
        {"x": [5, 3, 8]}, rnn("GRU", input_size=8, hidden_size=6, num_layers=2, dropout=dropout)
    )
    assert codes(report) == []


def test_dropout_with_one_layer_warns_like_torch() -> None:
    report = check_spec({"x": [5, 3, 8]}, rnn("LSTM", input_size=8, hidden_size=6, dropout=0.5))
    assert codes(report) == ["LS401"]
    report = check_spec(
        {"x": [5, 3, 8]}, rnn("LSTM", input_size=8, hidden_size=6, dropout=0.5, num_layers=2)
    )
    assert codes(report) == []


@pytest.mark.parametrize(
    ("kind", "key", "value"),
    [("GRU", "proj_size", 0), ("LSTM", "nonlinearity", "tanh"), ("GRU", "nonlinearity", "relu")],
)
def test_arguments_a_class_does_not_take_are_unknown_keys(kind: str, key: str, value: Any) -> None:
    # torch: GRU(proj_size=0) -> ValueError; LSTM(nonlinearity=...) -> TypeError
    report = check_spec({"x": [5, 3, 8]}, rnn(kind, input_size=8, hidden_size=6, **{key: value}))
    assert codes(report) == ["LS101"]


@pytest.mark.parametrize(
    ("key", "value"),
    [("bias", 1), ("batch_first", "yes"), ("hidden_size", 6.0), ("input_size", "8")],
)
def test_loose_types_are_ls103(key: str, value: Any) -> None:
    # torch: bias/batch_first must be bool; sizes must be int (TypeError)
    arguments = {"input_size": 8, "hidden_size": 6} | {key: value}
    report = check_spec({"x": [5, 3, 8]}, rnn("LSTM", **arguments))
    assert codes(report) == ["LS103"]


# -- the real torch ---------------------------------------------------------------
ORACLE = [
    (kind, shape, arguments)
    for kind, shape, arguments in [
        ("LSTM", [5, 3, 8], {}),
        ("LSTM", [3, 5, 8], {"batch_first": True}),
        ("LSTM", [5, 3, 8], {"bidirectional": True}),
        ("LSTM", [5, 3, 8], {"num_layers": 3, "dropout": 0.2}),
        ("LSTM", [5, 3, 8], {"num_layers": 2, "bidirectional": True, "bias": False}),
        ("LSTM", [5, 3, 8], {"proj_size": 2}),
        ("LSTM", [3, 5, 8], {"proj_size": 3, "bidirectional": True, "batch_first": True}),
        ("LSTM", [5, 3, 8], {"proj_size": 1, "num_layers": 3, "bidirectional": True}),
        ("LSTM", [5, 8], {}),
        ("LSTM", [5, 8], {"bidirectional": True, "num_layers": 2}),
        ("LSTM", [5, 8], {"proj_size": 2, "batch_first": True}),
        ("LSTM", [1, 1, 8], {"hidden_size": 1}),
        ("GRU", [5, 3, 8], {}),
        ("GRU", [3, 5, 8], {"batch_first": True, "num_layers": 2}),
        ("GRU", [5, 3, 8], {"bidirectional": True}),
        ("GRU", [5, 3, 8], {"bidirectional": True, "num_layers": 3, "bias": False}),
        ("GRU", [5, 8], {}),
        ("GRU", [5, 8], {"bidirectional": True, "batch_first": True}),
        ("GRU", [7, 2, 8], {"hidden_size": 32, "num_layers": 2, "dropout": 0.5}),
        ("RNN", [5, 3, 8], {}),
        ("RNN", [5, 3, 8], {"nonlinearity": "relu"}),
        ("RNN", [3, 5, 8], {"batch_first": True, "bidirectional": True}),
        ("RNN", [5, 3, 8], {"num_layers": 4, "bias": False}),
        ("RNN", [5, 8], {}),
        ("RNN", [5, 8], {"num_layers": 2, "bidirectional": True, "nonlinearity": "relu"}),
        ("RNN", [2, 1, 8], {"hidden_size": 1, "bidirectional": True}),
        ("LSTM", [4, 2, 8], {"hidden_size": 20, "proj_size": 19}),
        ("GRU", [4, 2, 8], {"hidden_size": 1, "num_layers": 2}),
        ("LSTM", [5, 3, 8], {"num_layers": 2, "proj_size": 3, "batch_first": True}),
        ("RNN", [5, 3, 8], {"hidden_size": 9, "num_layers": 2, "batch_first": True}),
    ]
]


def _torch_run(
    kind: str, shape: list[int], arguments: dict[str, Any], states: list[list[int]] | None
) -> tuple[dict[str, tuple[int, ...]], int]:
    torch = pytest.importorskip("torch")
    module = getattr(torch.nn, kind)(**arguments)
    hx: Any = None
    if states is not None:
        tensors = [torch.zeros(*dims) for dims in states]
        hx = tuple(tensors) if kind == "LSTM" else tensors[0]
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        output, hidden = module(torch.zeros(*shape), hx)
    names = ("output", "h_n", "c_n") if kind == "LSTM" else ("output", "h_n")
    returned = (output, *hidden) if kind == "LSTM" else (output, hidden)
    params = sum(parameter.numel() for parameter in module.parameters())
    return {name: tuple(t.shape) for name, t in zip(names, returned, strict=True)}, params


@pytest.mark.parametrize(("kind", "shape", "arguments"), ORACLE)
def test_matches_torch(kind: str, shape: list[int], arguments: dict[str, Any]) -> None:
    pytest.importorskip("torch")
    arguments = {"input_size": 8, "hidden_size": 4} | arguments
    report = check_spec({"x": shape}, rnn(kind, **arguments))
    assert not [d for d in report.diagnostics if d.is_error]
    ours = shapes(report, "r")
    theirs, params = _torch_run(kind, shape, arguments, None)
    assert ours == theirs
    assert layer(report, "r").params == params
    # the states lstmshape computes are exactly the initial states torch accepts
    states = [list(ours[name] or ()) for name in ("h_n", "c_n") if name in ours]
    assert _torch_run(kind, shape, arguments, states)[0] == theirs


@pytest.mark.parametrize(("kind", "shape", "arguments"), ORACLE[:12] + ORACLE[12:24:2])
def test_wrong_initial_state_is_rejected_by_both(
    kind: str, shape: list[int], arguments: dict[str, Any]
) -> None:
    torch = pytest.importorskip("torch")
    arguments = {"input_size": 8, "hidden_size": 4} | arguments
    report = check_spec({"x": shape}, rnn(kind, **arguments))
    good = [list(dims or ()) for name, dims in shapes(report, "r").items() if name != "output"]
    for index in range(len(good)):
        bad = [list(dims) for dims in good]
        bad[index][-1] += 1
        ours = states_report(kind, shape, bad, **arguments)
        assert "LS303" in codes(ours)
        with pytest.raises(RuntimeError, match="Expected hidden"):
            module = getattr(torch.nn, kind)(**arguments)
            tensors = [torch.zeros(*dims) for dims in bad]
            module(torch.zeros(*shape), tuple(tensors) if kind == "LSTM" else tensors[0])


@pytest.mark.parametrize(
    ("kind", "states", "hint"),
    [
        ("LSTM", [[1, 3, 6]], "initial_state: [ENC.h_n, ENC.c_n]"),
        ("GRU", [[1, 3, 6], [1, 3, 6]], "a GRU has one state: initial_state: ENC.h_n"),
    ],
)
def test_wrong_state_count_hints_at_the_layers_states(
    kind: str, states: list[list[Any]], hint: str
) -> None:
    (diagnostic,) = states_report(kind, [5, 3, 8], states).diagnostics
    assert diagnostic.code == "LS304"
    assert diagnostic.hint is not None and hint in diagnostic.hint
