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


@pytest.mark.parametrize("seed", range(200))
def test_the_runs_tell_an_expression_from_a_symbol_or_a_number(seed: int) -> None:
    """``expect:`` names a dim by the symbol, or the number, it equals in both runs.

    ``T + 1`` must not equal ``B`` in both (a padded length taken for the batch),
    nor ``(T + 8) // 9`` be 1 in both (two poolings by 3 taken for a constant).
    """
    from tests.oracle.cases import SYMBOLS, symbol_values

    runs = symbol_values(random.Random(seed))
    for length in ("T", "S"):
        pooled = [-(-values[length] // 9) for values in runs]
        assert pooled[0] != pooled[1]
    for first in SYMBOLS:
        for second in SYMBOLS:
            if first != second:
                offsets = {values[first] - values[second] for values in runs}
                assert len(offsets) == 2, (first, second, runs)
