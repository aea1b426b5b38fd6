"""The generators draw every layer type that declares a sampler (skipped without torch/keras).

A type whose sampler's role no story places would never be compared with its
framework: this fails until a story places it.
"""

from __future__ import annotations

import os
import random
from typing import Any

import pytest

from lstmshape.frameworks import FRAMEWORKS


def _types(spec: dict[str, Any]) -> set[str]:
    framework = FRAMEWORKS[spec["framework"]]
    found = set()
    for layer in spec["layers"]:
        if "type" in layer:  # a reuse: layer has its owner's
            found.add(framework.normalize_type(layer["type"]))
        for key in framework.nested_fields:
            if isinstance(layer.get(key), dict):
                found.add(framework.normalize_type(layer[key]["type"]))
    return found


def _generator(framework: str) -> Any:
    if framework == "torch":
        pytest.importorskip("torch")
        from tests.oracle.torch_gen import torch_spec

        return torch_spec
    os.environ.setdefault("KERAS_BACKEND", "torch")
    pytest.importorskip("keras")
    from tests.oracle.keras_gen import keras_spec

    return keras_spec


@pytest.mark.parametrize("framework", list(FRAMEWORKS))
def test_the_stories_draw_every_type_with_a_sampler(framework: str) -> None:
    generate = _generator(framework)
    drawn: set[str] = set()
    for seed in range(2000):  # enough for the rarest role of ~50 types to come up
        drawn |= _types(generate(random.Random(seed)))
    sampled = {name for name, t in FRAMEWORKS[framework].types.items() if t.sample is not None}
    assert sampled <= drawn, f"no story places {sorted(sampled - drawn)}"


def _lengths(steps: int) -> dict[str, int]:
    """The lengths the Keras stories make from a number of steps (padding, upsampling,
    strided windows, and reshapes of their products)."""
    made = {f"T + {c}": steps + c for c in range(-3, 4) if c}
    made |= {f"{k}*T": k * steps for k in (2, 3)}
    for stride in range(2, 10):
        pooled = -(-steps // stride)
        made |= {f"ceil(T / {stride})": pooled, f"2*ceil(T / {stride})": 2 * pooled}
        made[f"3*ceil(T / {stride})"] = 3 * pooled
    return made


@pytest.mark.parametrize("seed", range(200))
def test_the_runs_tell_a_length_from_a_symbol_or_a_number(seed: int) -> None:
    """``expect:`` names a dim by the symbol, or the number, it equals in both runs.

    So no length made from T or S may equal another symbol, itself or a number
    in both runs: ``T + 1`` taken for ``B``, ``(T + 8) // 9`` for 1 or
    ``2*((T + 1) // 2)`` for ``T`` (all seen with every symbol grown by 5).
    """
    from tests.oracle.cases import SYMBOLS, symbol_values

    runs = symbol_values(random.Random(seed))
    assert all(len(set(values.values())) == len(SYMBOLS) for values in runs)
    for length in ("T", "S"):
        made = [_lengths(values[length]) for values in runs]
        for text in made[0]:
            first, second = made[0][text], made[1][text]
            assert first != second, (text, runs)
            for symbol in SYMBOLS:
                assert (first, second) != (runs[0][symbol], runs[1][symbol]), (text, symbol)
