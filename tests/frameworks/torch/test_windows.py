"""Convolution and pooling lengths against torch on random configurations (skipped without torch).

Each configuration is checked by lstmshape on a symbolic length ``T + 20``
and on a known length; the symbolic result, evaluated at several values of
T, and the known one must be torch's output length, and a known length
torch rejects must be an error.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
import yaml

from lstmshape.runner import check_text
from lstmshape.shapes import evaluate_dim

torch = pytest.importorskip("torch")

KINDS = ("Conv1d", "MaxPool1d", "AvgPool1d", "Conv2d", "MaxPool2d", "AvgPool2d")


def _config(rng: random.Random, kind: str) -> dict[str, Any]:
    kernel = rng.randint(1, 5)
    args: dict[str, Any] = {"kernel_size": kernel}
    if rng.random() < 0.7:
        args["stride"] = rng.randint(1, 4)
    if kind.startswith("Conv"):
        args |= {"in_channels": 2, "out_channels": 3}
        args["padding"] = rng.choice((0, 1, 2, 3, "valid", "same"))
        if args["padding"] == "same":
            args.pop("stride", None)
        args["dilation"] = rng.randint(1, 3)
        args["padding_mode"] = rng.choice(("zeros", "reflect", "replicate", "circular"))
    else:
        args["padding"] = rng.randint(0, kernel // 2)
        args["ceil_mode"] = rng.random() < 0.6
        if kind.startswith("Max"):
            args["dilation"] = rng.randint(1, 3)
    return args


def _lstmshape(kind: str, args: dict[str, Any], shape: list[Any]) -> tuple[list[str], Any]:
    spec = {"framework": "torch", "inputs": {"x": shape}, "layers": [{"type": kind, **args}]}
    (report,) = check_text(yaml.safe_dump(spec, sort_keys=False), "w.yaml")
    errors = [d.code for d in report.diagnostics if d.severity.value == "error"]
    return errors, report.layers[0].tensors.get("output")


def _torch(kind: str, args: dict[str, Any], shape: list[int]) -> tuple[int, ...] | None:
    try:
        module = getattr(torch.nn, kind)(**args)
        return tuple(module(torch.zeros(*shape)).shape)
    except (RuntimeError, ValueError):
        return None


@pytest.mark.filterwarnings("ignore:Using padding=.same. with even kernel")
@pytest.mark.parametrize("kind", KINDS)
def test_lengths_are_torchs(kind: str) -> None:
    rng = random.Random(kind)
    spatial = 2 if kind.endswith("2d") else 1
    for _ in range(60):
        args = _config(rng, kind)
        lead = [2, 2]
        errors, symbolic = _lstmshape(kind, args, [*lead, *["T + 20"] * spatial])
        for t in (1, 2, 3, 7, 10):
            actual = _torch(kind, args, [*lead, *[t + 20] * spatial])
            if actual is None:
                assert errors, (args, t)
                continue
            assert not errors, (args, errors)
            assert tuple(evaluate_dim(d, {"T": t}) for d in symbolic) == actual, (args, t)
        length = rng.randint(1, 9)
        errors, known = _lstmshape(kind, args, [*lead, *[length] * spatial])
        actual = _torch(kind, args, [*lead, *[length] * spatial])
        assert (actual is None) == bool(errors), (args, length, errors)
        if actual is not None:
            assert tuple(known) == actual, (args, length)


ADAPTIVE = ("AdaptiveAvgPool1d", "AdaptiveMaxPool1d", "AdaptiveAvgPool2d", "AdaptiveMaxPool2d")


@pytest.mark.parametrize("kind", ADAPTIVE)
def test_adaptive_sizes_are_torchs(kind: str) -> None:
    rng = random.Random(kind)
    spatial = 2 if kind.endswith("2d") else 1
    for _ in range(20):
        size: Any = rng.randint(1, 6)
        if spatial == 2 and rng.random() < 0.6:
            size = [rng.choice((None, 1, 4)), rng.choice((None, 2, 7))]
        args: dict[str, Any] = {"output_size": size}
        if "Max" in kind:
            args["return_indices"] = rng.random() < 0.5
        lead = [3] if rng.random() < 0.5 else [2, 3]
        errors, symbolic = _lstmshape(kind, args, [*lead, *["T"] * spatial])
        assert not errors
        for t in (1, 4, 9):
            actual = _torch(
                kind,
                {**args, "return_indices": False} if "Max" in kind else args,
                [*lead, *[t] * spatial],
            )
            assert tuple(evaluate_dim(d, {"T": t}) for d in symbolic) == actual, (args, t)


def test_grouped_convolutions_count_torchs_parameters() -> None:
    rng = random.Random(0)
    for _ in range(40):
        groups = rng.choice((1, 2, 3))
        kind = rng.choice(("Conv1d", "Conv2d"))
        args = {
            "in_channels": groups * rng.randint(1, 3),
            "out_channels": groups * rng.randint(1, 3),
            "kernel_size": rng.randint(1, 3) if kind == "Conv1d" else [rng.randint(1, 3), 2],
            "groups": groups,
            "bias": rng.random() < 0.5,
        }
        spec = {
            "framework": "torch",
            "inputs": {"x": [args["in_channels"], *[8] * (2 if kind == "Conv2d" else 1)]},
            "layers": [{"type": kind, **args}],
        }
        (report,) = check_text(yaml.safe_dump(spec), "g.yaml")
        module = getattr(torch.nn, kind)(**args)
        assert report.layers[0].params == sum(p.numel() for p in module.parameters()), args
