"""``reuse: LAYER``: a second call of an earlier torch module, its parameters counted once.

Each spec is also built in torch where it is installed (the oracle's runner
calls the owner's module again), so that shapes and counts are torch's.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from lstmshape.schema import build_schema
from tests.helpers import check_spec, codes, layer, shapes

_TOKENS = {"src": ["B", "T"], "tgt": ["B", "S"]}
_EMBEDDING = {"name": "emb", "type": "Embedding", "num_embeddings": 100, "embedding_dim": 8,
              "input": "src"}  # fmt: skip


def _torch_run(inputs: dict[str, list[Any]], *layers: dict[str, Any]) -> Any:
    pytest.importorskip("torch")
    from tests.oracle.cases import symbol_values
    from tests.oracle.torch_runner import run_torch

    spec = {"framework": "torch", "inputs": inputs, "layers": list(layers)}
    return run_torch(spec, symbol_values(random.Random(0))[0])


def test_an_embedding_shared_by_encoder_and_decoder_counts_its_weights_once() -> None:
    layers = [
        _EMBEDDING,
        {"name": "dec_emb", "reuse": "emb", "input": "tgt", "expect": {"output": ["B", "S", 8]}},
        {"name": "dec", "type": "GRU", "input_size": 8, "hidden_size": 4, "batch_first": True},
    ]
    report = check_spec(_TOKENS, *layers)
    assert codes(report) == []
    assert shapes(report, "dec_emb") == {"output": ("B", "S", 8)}
    assert layer(report, "dec_emb").type == "Embedding"
    assert layer(report, "dec_emb").params == 0
    assert report.params == 800 + 3 * 4 * (8 + 4) + 2 * 12
    run = _torch_run(_TOKENS, *layers)
    assert run.error is None
    assert [step.params for step in run.layers] == [800, 0, 168]


def test_a_reuse_of_a_reuse_is_the_first_module() -> None:
    layers = [
        _EMBEDDING,
        {"name": "again", "reuse": "emb", "input": "tgt"},
        {"name": "third", "type": "nn.Embedding", "reuse": "again", "input": "src"},
    ]
    report = check_spec(_TOKENS, *layers)
    assert codes(report) == []
    assert report.params == 800


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ({"reuse": "emb", "embedding_dim": 8}, "LS101"),  # an argument of its own
        ({"reuse": "emb", "type": "LSTM"}, "LS101"),  # another type
        ({"reuse": "embb"}, "LS202"),
        ({"reuse": "later"}, "LS202"),
        ({"reuse": 3}, "LS103"),
    ],
)
def test_a_wrong_reuse_is_an_error(written: dict[str, Any], code: str) -> None:
    layers = [
        _EMBEDDING,
        {"name": "shared", "input": "tgt", **written},
        {"name": "later", "type": "Linear", "in_features": 8, "out_features": 2},
    ]
    report = check_spec(_TOKENS, *layers)
    assert codes(report) == [code]
    assert report.diagnostics[0].layer == "shared"
    assert _torch_run(_TOKENS, *layers).failed_at == 1


def test_a_reused_linear_on_other_features_is_what_torch_rejects() -> None:
    inputs = {"x": ["B", 8], "y": ["B", 4]}
    layers = [
        {"name": "fc", "type": "Linear", "in_features": 8, "out_features": 3, "input": "x"},
        {"name": "again", "reuse": "fc", "input": "y"},
    ]
    assert codes(check_spec(inputs, *layers)) == ["LS301"]
    assert _torch_run(inputs, *layers).failed_at == 1


def test_a_module_torch_cannot_build_is_reported_once_and_its_reuse_is_unchecked() -> None:
    inputs = {"x": ["B", 8]}
    layers = [
        {"name": "fc", "type": "Linear", "in_features": -8, "out_features": 3},
        {"name": "again", "reuse": "fc", "input": "x"},
    ]
    report = check_spec(inputs, *layers)
    assert codes(report) == ["LS108"]
    assert not layer(report, "again").checked


def test_keras_specs_do_not_take_reuse() -> None:
    from tests.helpers import check

    text = (
        '{"framework": "keras", "inputs": {"x": ["B", 8]}, "layers": '
        '[{"name": "d", "type": "Dense", "units": 2}, {"type": "Dense", "units": 2, "reuse": "d"}]}'
    )
    report = check(text)
    assert codes(report) == ["LS101"]
    assert "torch" in (report.diagnostics[0].hint or "")


def test_the_schema_takes_a_reused_layer_and_rejects_its_own_arguments() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(build_schema())
    spec = {"framework": "torch", "inputs": _TOKENS, "layers": [_EMBEDDING, {"reuse": "emb"}]}
    assert list(validator.iter_errors(spec)) == []
    spec["layers"][1] = {"reuse": "emb", "embedding_dim": 8}
    assert list(validator.iter_errors(spec)) != []
