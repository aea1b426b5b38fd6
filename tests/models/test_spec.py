"""Spec validation: header keys, layer types, did-you-mean hints, names."""

from __future__ import annotations

from typing import Any

import pytest

from lstmshape.models.errors import did_you_mean
from lstmshape.models.spec import parse_spec


def problems(data: Any) -> list[tuple[str, tuple[Any, ...], str | None]]:
    return [(p.code, p.at, p.hint) for p in parse_spec(data, "model")[1]]


LSTM = {"type": "LSTM", "input_size": 8, "hidden_size": 4}


def spec(*layers: dict[str, Any], **header: Any) -> dict[str, Any]:
    return {"framework": "torch", "inputs": {"x": [5, 3, 8]}, "layers": list(layers), **header}


def test_hiden_size_suggests_hidden_size_and_is_reported_once() -> None:
    layer = {"type": "LSTM", "input_size": 8, "hiden_size": 4}
    assert problems(spec(layer)) == [
        ("LS101", ("layers", 0, "hiden_size"), "did you mean hidden_size?")
    ]


@pytest.mark.parametrize("key", ["batch-first", "list", "a[0]"])
def test_an_unknown_key_that_looks_like_a_pydantic_tag_is_still_an_unknown_key(key: str) -> None:
    # pydantic names a union's members ("list[str]", "function-after[...]") in an error's
    # path; a key written so was taken for one, and the message was pydantic's own words.
    ((code, at, _),) = problems(spec({**LSTM, key: True}))
    assert (code, at) == ("LS101", ("layers", 0, key))
    ((code, at, _),) = problems({**spec(LSTM), key: 1})
    assert (code, at) == ("LS101", (key,))


def test_batch_first_written_with_a_dash_suggests_the_key() -> None:
    assert problems(spec({**LSTM, "batch-first": True}))[0][2] == "did you mean batch_first?"


def test_ltsm_suggests_lstm() -> None:
    ((code, at, hint),) = problems(spec({**LSTM, "type": "LTSM"}))
    assert (code, at, hint) == ("LS104", ("layers", 0, "type"), "did you mean LSTM?")


@pytest.mark.parametrize("written", ["lstm", "nn.LTSM", "Lstm"])
def test_type_typos_and_case(written: str) -> None:
    ((_, _, hint),) = problems(spec({**LSTM, "type": written}))
    assert hint == "did you mean LSTM?"


@pytest.mark.parametrize("written", ["nn.LSTM", "torch.nn.LSTM", "LSTM"])
def test_prefixes_are_accepted(written: str) -> None:
    assert problems(spec({**LSTM, "type": written})) == []


def test_units_hint_names_hidden_size() -> None:
    layer = {"type": "LSTM", "input_size": 8, "units": 4}
    ((code, _, hint),) = problems(spec(layer))
    assert code == "LS101"
    assert hint is not None
    assert "hidden_size" in hint


def test_unrelated_unknown_key_still_reports_the_missing_one() -> None:
    layer = {"type": "LSTM", "input_size": 8, "colour": "red"}
    found = problems(spec(layer))
    assert sorted(code for code, _, _ in found) == ["LS101", "LS102"]
    (hint,) = [hint for code, _, hint in found if code == "LS101"]
    assert hint is not None
    assert "takes:" in hint


def test_header_problems() -> None:
    assert [c for c, _, _ in problems({"framework": "jax", "layers": [LSTM]})] == ["LS105"]
    assert [c for c, _, _ in problems({"framework": "torch", "layers": []})] == ["LS103"]
    assert [c for c, _, _ in problems({"layers": [LSTM]})] == ["LS102"]
    assert problems(spec(LSTM, layer_count=1))[0][:2] == ("LS101", ("layer_count",))
    assert [c for c, _, _ in problems([1, 2])] == ["LS005"]
    assert [c for c, _, _ in problems("text")] == ["LS005"]


def test_invalid_dimensions_are_ls107() -> None:
    for dim in (0, -1, 1.5, "2x", True):
        data = spec(LSTM) | {"inputs": {"x": [5, dim, 8]}}
        assert [(c, at) for c, at, _ in problems(data)] == [("LS107", ("inputs", "x", 1))], dim


def test_default_names_follow_keras_and_skip_taken_ones() -> None:
    parsed, _ = parse_spec(spec(LSTM, {**LSTM, "name": "lstm_1"}, LSTM, LSTM), "model")
    assert parsed is not None
    assert [layer.name for layer in parsed.layers] == ["lstm", "lstm_1", "lstm_2", "lstm_3"]


def test_duplicate_names() -> None:
    found = problems(spec({**LSTM, "name": "x"}))
    assert [(c, at) for c, at, _ in found] == [("LS106", ("layers", 0, "name"))]


def test_did_you_mean() -> None:
    assert did_you_mean("hiden_size", ["input_size", "hidden_size"]) == "hidden_size"
    assert did_you_mean("LTSM", ["LSTM", "GRU"]) == "LSTM"
    assert did_you_mean("gru", ["LSTM", "GRU"]) == "GRU"
    assert did_you_mean("zzz", ["LSTM", "GRU"]) is None
