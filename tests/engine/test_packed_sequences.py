"""Packed sequences: pack_padded_sequence, recurrent layers on one, pad_packed_sequence
(LS314-LS317), each case as torch 2.13 does it (the torch tests at the end run it)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import check, check_spec, codes, shapes

PACK = {"name": "packed", "type": "pack_padded_sequence", "batch_first": True}
LSTM = {"name": "enc", "type": "LSTM", "input_size": 8, "hidden_size": 16, "batch_first": True}
PAD = {"name": "pad", "type": "pad_packed_sequence", "input": "enc", "batch_first": True}


def packed(lengths: Any = (5, 3, 2), **changes: Any) -> dict[str, Any]:
    layer = PACK | changes
    if lengths is not None:
        layer["lengths"] = list(lengths) if isinstance(lengths, tuple) else lengths
    return layer


def test_literal_lengths_give_the_data_length_and_the_longest_sequence() -> None:
    report = check_spec(
        {"x": [3, 7, 8]}, packed(), LSTM | {"num_layers": 2, "bidirectional": True}, PAD
    )
    assert codes(report) == []
    assert shapes(report, "packed") == {"output": (10, 8)}
    assert shapes(report, "enc") == {"output": (10, 32), "h_n": (4, 3, 16), "c_n": (4, 3, 16)}
    assert shapes(report, "pad") == {"output": (3, 5, 32), "lengths": (3,)}


def test_reference_lengths_leave_the_data_length_unknown_and_pad_to_the_batch() -> None:
    inputs = {"x": ["T", "B", 8], "n": ["B"]}
    pack = packed("n", batch_first=False, input="x")
    pad = PAD | {"batch_first": False}
    report = check_spec(inputs, pack, LSTM | {"batch_first": False}, pad)
    assert codes(report) == []
    assert shapes(report, "packed") == {"output": (None, 8)}
    assert shapes(report, "enc")["h_n"] == (1, "B", 16)
    assert shapes(report, "pad") == {"output": ("T", "B", 16), "lengths": ("B",)}


def test_total_length_sets_the_padded_length() -> None:
    report = check_spec({"x": [3, 7, 8]}, packed(), LSTM, PAD | {"total_length": 9})
    assert shapes(report, "pad")["output"] == (3, 9, 16)


@pytest.mark.parametrize(
    ("inputs", "expected"),
    [({"x": ["B", 1, 8], "n": ["B"]}, ("B", 8)), ({"x": [1, "T", 8], "n": [1]}, ("T", 8))],
)
def test_one_step_or_one_sequence_gives_the_data_length(
    inputs: dict[str, Any], expected: tuple[Any, ...]
) -> None:
    report = check_spec(inputs, packed("n", input="x"))
    assert shapes(report, "packed") == {"output": expected}


def test_lengths_are_required_as_torch_requires_them() -> None:
    text = "framework: torch\ninputs:\n  x: [B, T, 8]\nlayers:\n  - name: packed\n"
    text += "    type: pack_padded_sequence\n    batch_first: true\n"
    (diagnostic,) = check(text).diagnostics
    assert (diagnostic.code, diagnostic.line, diagnostic.column) == ("LS102", 5, 5)
    assert "missing lengths: torch requires it" in diagnostic.message
    assert diagnostic.hint is not None
    assert "lengths: [5, 3, 2]" in diagnostic.hint and "[B] input" in diagnostic.hint


@pytest.mark.parametrize(
    ("reference", "code", "expected"),
    [
        ("packed[0]", None, (10, 8)),
        ("packed.data", None, (10, 8)),
        ("packed[0][:, :4]", None, (10, 4)),
        ("packed[1]", None, (5,)),
        ("packed[:, -1]", "LS314", None),
        ("packed[0:2]", "LS314", None),
        ("packed[4]", "LS314", None),
        ("packed[2]", "LS314", None),  # sorted_indices is None with enforce_sorted
    ],
)
def test_a_packed_sequence_is_a_tuple_of_fields(
    reference: str, code: str | None, expected: tuple[Any, ...] | None
) -> None:
    report = check_spec(
        {"x": [3, 7, 8]}, packed(), {"name": "i", "type": "relu", "input": reference}
    )
    assert codes(report) == ([code] if code else [])
    assert shapes(report, "i")["output"] == expected


def test_unsorted_packing_has_its_indices() -> None:
    layer = packed((2, 5, 3), enforce_sorted=False)
    report = check_spec(
        {"x": [3, 7, 8]}, layer, {"name": "i", "type": "relu", "input": "packed[3]"}
    )
    assert codes(report) == []
    assert shapes(report, "i")["output"] == (3,)


@pytest.mark.parametrize(
    "reader",
    [
        {"name": "r", "type": "Linear", "in_features": 8, "out_features": 2},
        {"name": "r", "type": "Dropout"},
        {"name": "r", "type": "cat", "tensors": ["x", "packed"]},
        {"name": "r", "type": "LSTMCell", "input_size": 8, "hidden_size": 2},
        {"name": "r", "type": "add", "input": "x", "other": "packed"},
    ],
)
def test_only_recurrent_layers_read_a_packed_sequence(reader: dict[str, Any]) -> None:
    report = check_spec({"x": [3, 7, 8]}, packed(), reader)
    assert codes(report) == ["LS315"]
    assert shapes(report, "r")["output"] is None


def test_a_packed_sequence_is_no_initial_state() -> None:
    state = {"name": "h", "type": "pack_padded_sequence", "input": "s", "lengths": [1, 1, 1]}
    rnn = LSTM | {"type": "GRU", "input": "packed", "initial_state": "h"}
    report = check_spec({"x": [3, 7, 8], "s": [1, 3, 16]}, packed(input="x"), state, rnn)
    assert codes(report) == ["LS315"]


def test_identity_passes_a_packed_sequence_on() -> None:
    report = check_spec({"x": [3, 7, 8]}, packed(), {"type": "Identity"}, LSTM)
    assert codes(report) == []
    assert shapes(report, "enc")["h_n"] == (1, 3, 16)


def test_the_states_of_a_packed_run_have_the_batch_of_sequences() -> None:
    states = {"initial_state": ["h", "h"]}
    fits = check_spec({"x": [3, 7, 8], "h": [1, 3, 16]}, packed(input="x"), LSTM | states)
    wrong = check_spec({"x": [3, 7, 8], "h": [1, 7, 16]}, packed(input="x"), LSTM | states)
    assert codes(fits) == []
    assert codes(wrong) == ["LS303", "LS303"]


@pytest.mark.parametrize(("shape", "lengths"), [([5, 3], (5, 3, 2)), ([3, 7, 2, 8], (5, 3, 2))])
def test_a_recurrent_layer_takes_packed_data_of_2_dims(
    shape: list[int], lengths: tuple[int, ...]
) -> None:
    layer = packed(lengths, batch_first=False) if len(shape) == 2 else packed(lengths)
    report = check_spec({"x": shape}, layer, LSTM)
    assert codes(report) == ["LS302"]


def test_pad_packed_sequence_takes_a_packed_sequence() -> None:
    report = check_spec({"x": [3, 7, 8]}, LSTM | {"input": "x"}, PAD)
    assert codes(report) == ["LS316"]


@pytest.mark.parametrize(
    ("inputs", "layer"),
    [
        ({"x": [3, 7, 8]}, packed((5, 3))),  # one length too few
        ({"x": ["B", 7, 8]}, packed()),  # numbers for a batch of any size
        ({"x": [3, 7, 8]}, packed((5, 3, 0))),
        ({"x": [3, 7, 8]}, packed((2, 5, 3))),  # unsorted with enforce_sorted
        ({"x": [3, 4, 8]}, packed()),  # 5 steps of a batch padded to 4
        ({"x": [3, 7, 8], "n": [3, 1]}, packed("n", input="x")),
        ({"x": [3, 7, 8], "n": [2]}, packed("n", input="x")),
    ],
)
def test_lengths_that_do_not_fit_the_batch(inputs: dict[str, Any], layer: dict[str, Any]) -> None:
    assert codes(check_spec(inputs, layer)) == ["LS317"]


def test_lengths_fit_a_symbolic_padded_length_and_unsorted_without_enforce_sorted() -> None:
    assert codes(check_spec({"x": [3, "T", 8]}, packed((9, 3, 2)))) == []
    assert codes(check_spec({"x": [3, 7, 8]}, packed((2, 5, 3), enforce_sorted=False))) == []


def test_total_length_below_the_longest_sequence() -> None:
    report = check_spec({"x": [3, 7, 8]}, packed(), LSTM, PAD | {"total_length": 4})
    assert codes(report) == ["LS317"]


def test_type_spellings_are_torch_nn_utils_rnn() -> None:
    inputs = {"x": [3, 7, 8]}
    for written in ("torch.nn.utils.rnn.pack_padded_sequence", "nn.utils.rnn.pack_padded_sequence"):
        assert codes(check_spec(inputs, packed() | {"type": written})) == []
    for written in ("torch.pack_padded_sequence", "nn.pack_padded_sequence"):
        assert codes(check_spec(inputs, packed() | {"type": written})) == ["LS104"]


class TestTorch:
    """The cases above whose outcome is not obvious, as torch 2.13 runs them."""

    @pytest.fixture(autouse=True)
    def _torch(self) -> None:
        pytest.importorskip("torch")

    def test_a_length_past_the_batch_packs_and_the_reader_raises(self) -> None:
        import torch
        from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

        sequence = pack_padded_sequence(torch.zeros(3, 4, 8), [5, 3, 2], batch_first=True)
        with pytest.raises(RuntimeError):
            torch.nn.LSTM(8, 16)(sequence)
        with pytest.raises(RuntimeError):
            pad_packed_sequence(sequence)

    def test_pad_gives_the_longest_sequence_and_identity_passes_packing(self) -> None:
        import torch
        from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence, pad_packed_sequence

        sequence = pack_padded_sequence(torch.zeros(3, 7, 8), [5, 3, 2], batch_first=True)
        assert tuple(pad_packed_sequence(sequence, batch_first=True)[0].shape) == (3, 5, 8)
        assert isinstance(torch.nn.Identity()(sequence), PackedSequence)
        with pytest.raises(TypeError):
            sequence[:, -1]  # type: ignore[call-overload]
        assert sequence[2] is None

    def test_torch_lstm_skips_its_input_check_on_a_packed_sequence(self) -> None:
        # GRU and RNN check input_size on a packed sequence; LSTM's kernel raises only for
        # several sequences, so lstmshape reports the mismatch for one sequence too
        import torch
        from torch.nn.utils.rnn import pack_padded_sequence

        one = pack_padded_sequence(torch.zeros(3, 1, 7), [3])
        torch.nn.LSTM(8, 5)(one)
        with pytest.raises(RuntimeError, match="input_size"):
            torch.nn.GRU(8, 5)(one)
        several = pack_padded_sequence(torch.zeros(3, 2, 7), [3, 2])
        with pytest.raises(RuntimeError):
            torch.nn.LSTM(8, 5)(several)
        lstm = LSTM | {"input_size": 8, "batch_first": False}
        assert codes(check_spec({"x": [3, 1, 7]}, packed((3,), batch_first=False), lstm)) == [
            "LS301"
        ]
