"""torch.nn.Linear, Embedding, Dropout and torch.cat: shapes and parameters."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import check_spec, codes, layer, shapes


def linear(in_features: int, out_features: int, **extra: Any) -> dict[str, Any]:
    return {
        "name": "l",
        "type": "Linear",
        "input": "x",
        "in_features": in_features,
        "out_features": out_features,
        **extra,
    }


# Linear acts on the last dim of any rank >= 1: (*, in) -> (*, out);
# params in*out + out (bias), in*out without.
@pytest.mark.parametrize(
    ("shape", "output"),
    [([8], (4,)), ([3, 8], (3, 4)), ([2, 3, 8], (2, 3, 4)), (["B", 2, 3, 8], ("B", 2, 3, 4))],
)
def test_linear_maps_the_last_dimension(shape: list[Any], output: tuple[Any, ...]) -> None:
    report = check_spec({"x": shape}, linear(8, 4))
    assert codes(report) == []
    assert shapes(report, "l") == {"output": output}
    assert layer(report, "l").params == 8 * 4 + 4


def test_linear_without_bias() -> None:
    report = check_spec({"x": [3, 8]}, linear(8, 4, bias=False))
    assert layer(report, "l").params == 32


def test_linear_feature_mismatch() -> None:
    report = check_spec({"x": [2, 3, 7]}, linear(8, 4))
    assert codes(report) == ["LS301"]
    assert "in_features is 8" in report.diagnostics[0].message
    assert report.diagnostics[0].hint == "set in_features: 7"


def test_linear_on_a_scalar_is_ls302() -> None:
    report = check_spec({"x": []}, linear(8, 4))
    assert codes(report) == ["LS302"]


@pytest.mark.parametrize("key", ["in_features", "out_features"])
def test_linear_negative_size_is_ls108(key: str) -> None:
    arguments = {"in_features": 8, "out_features": 4} | {key: -1}
    report = check_spec({"x": [3, 8]}, linear(**arguments))
    assert codes(report) == ["LS108"]


# Embedding appends embedding_dim: (*) -> (*, dim); params num*dim.
@pytest.mark.parametrize(
    ("shape", "output"),
    [([], (4,)), ([5], (5, 4)), (["B", 5], ("B", 5, 4)), ([2, 5, 3], (2, 5, 3, 4))],
)
def test_embedding_appends_a_dimension(shape: list[Any], output: tuple[Any, ...]) -> None:
    report = check_spec(
        {"x": shape}, {"name": "e", "type": "Embedding", "num_embeddings": 10, "embedding_dim": 4}
    )
    assert codes(report) == []
    assert shapes(report, "e") == {"output": output}
    assert layer(report, "e").params == 40


@pytest.mark.parametrize(
    ("padding_idx", "valid"), [(0, True), (9, True), (-10, True), (10, False), (-11, False)]
)
def test_embedding_padding_idx_range(padding_idx: int, valid: bool) -> None:
    # torch: padding_idx must be in [-num_embeddings, num_embeddings - 1]
    report = check_spec(
        {"x": [5]},
        {"type": "Embedding", "num_embeddings": 10, "embedding_dim": 4, "padding_idx": padding_idx},
    )
    assert codes(report) == ([] if valid else ["LS108"])


@pytest.mark.parametrize(
    ("p", "valid"), [(0, True), (1, True), (0.5, True), (-0.1, False), (1.5, False)]
)
def test_dropout_keeps_the_shape(p: float, valid: bool) -> None:
    report = check_spec({"x": ["B", 3, 4]}, {"name": "d", "type": "Dropout", "p": p})
    assert codes(report) == ([] if valid else ["LS108"])
    assert shapes(report, "d") == {"output": ("B", 3, 4) if valid else None}
    assert layer(report, "d").params == (0 if valid else None)


def cat(*tensors: str, dim: int = 0) -> dict[str, Any]:
    return {"name": "c", "type": "cat", "tensors": list(tensors), "dim": dim}


@pytest.mark.parametrize(
    ("a", "b", "dim", "output"),
    [
        ([2, 3], [2, 4], 1, (2, 7)),
        ([2, 3], [2, 4], -1, (2, 7)),
        ([2, 3], [5, 3], 0, (7, 3)),
        ([3], [4], 0, (7,)),
        (["B", 3], ["B", 4], 1, ("B", 7)),
        (["B", 3], ["B", 3], 0, ("2*B", 3)),  # a symbolic size stays exact
        (["T", 3], [2, 3], 0, ("T + 2", 3)),
        (["T", 3], [None, 3], 0, (None, 3)),
    ],
)
def test_cat_joins_along_dim(a: list[Any], b: list[Any], dim: int, output: tuple[Any, ...]) -> None:
    report = check_spec({"a": a, "b": b}, cat("a", "b", dim=dim))
    assert codes(report) == []
    assert shapes(report, "c") == {"output": output}
    assert layer(report, "c").params == 0


@pytest.mark.parametrize(
    ("a", "b", "dim", "words"),
    [
        ([2, 3], [2, 3, 4], 1, "different ranks"),
        ([2, 3], [2, 3], 2, "dim must be in -2 to 1"),
        ([2, 3], [2, 3], -3, "dim must be in -2 to 1"),
        ([2, 3], [2, 4], 0, "dim 1 is 3"),
        ([], [], 0, "0-D scalar"),
        (["B", 3], ["N", 3], 1, "dim 0 is B"),
    ],
)
def test_cat_mismatches_are_ls305(a: list[Any], b: list[Any], dim: int, words: str) -> None:
    report = check_spec({"a": a, "b": b}, cat("a", "b", dim=dim))
    assert codes(report) == ["LS305"]
    assert words in report.diagnostics[0].message


def test_cat_of_nothing_is_ls305() -> None:
    report = check_spec({"a": [2]}, cat())
    assert codes(report) == ["LS305"]


# -- the real torch ---------------------------------------------------------------
@pytest.mark.parametrize("shape", [[8], [3, 8], [2, 3, 8], [2, 2, 3, 8]])
@pytest.mark.parametrize("bias", [True, False])
def test_linear_matches_torch(shape: list[int], bias: bool) -> None:
    torch = pytest.importorskip("torch")
    module = torch.nn.Linear(8, 4, bias=bias)
    report = check_spec({"x": shape}, linear(8, 4, bias=bias))
    assert shapes(report, "l")["output"] == tuple(module(torch.zeros(*shape)).shape)
    assert layer(report, "l").params == sum(p.numel() for p in module.parameters())


@pytest.mark.parametrize("shape", [[], [5], [2, 5], [2, 5, 3]])
def test_embedding_matches_torch(shape: list[int]) -> None:
    torch = pytest.importorskip("torch")
    module = torch.nn.Embedding(10, 4, padding_idx=0)
    report = check_spec(
        {"x": shape},
        {
            "name": "e",
            "type": "Embedding",
            "num_embeddings": 10,
            "embedding_dim": 4,
            "padding_idx": 0,
        },
    )
    output = module(torch.zeros(tuple(shape), dtype=torch.long))
    assert shapes(report, "e")["output"] == tuple(output.shape)
    assert layer(report, "e").params == sum(p.numel() for p in module.parameters())


@pytest.mark.parametrize(
    ("a", "b", "dim"),
    [
        ([2, 3], [2, 4], 1),
        ([2, 3], [5, 3], 0),
        ([2, 3, 4], [2, 3, 1], -1),
        ([2, 3], [2, 4], 0),
        ([2, 3], [2, 3, 1], 1),
        ([2, 3], [2, 3], 2),
    ],
)
def test_cat_matches_torch(a: list[int], b: list[int], dim: int) -> None:
    torch = pytest.importorskip("torch")
    report = check_spec({"a": a, "b": b}, cat("a", "b", dim=dim))
    try:
        expected = tuple(torch.cat([torch.zeros(*a), torch.zeros(*b)], dim=dim).shape)
    except (RuntimeError, IndexError):
        assert codes(report) == ["LS305"]
    else:
        assert codes(report) == []
        assert shapes(report, "c")["output"] == expected
