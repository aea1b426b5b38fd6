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
