"""Every declared example of a framework's layer types, run through lstmshape and the framework.

A passing example is a spec of one layer whose ``expect:`` holds the tensors
its declaration states, so lstmshape checking it clean proves them; the
framework then runs the same spec (each symbol given two sets of values, as
in the differential oracle) and must give those tensors and the declared
parameter count.  A failing example must get its code from lstmshape and,
for an error, raise in the framework at that layer; a framework warning
(LS401, LS408) must be the framework's warning.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
import yaml

from lstmshape.diagnostics import RULES, Severity
from lstmshape.frameworks import FRAMEWORKS
from lstmshape.frameworks.docs import example_spec
from lstmshape.frameworks.layer_type import Example, Failing, LayerType
from lstmshape.runner import check_text
from lstmshape.shapes import evaluate_dim
from tests.oracle.cases import Execute, symbol_values
from tests.oracle.outcome import Run


def examples(framework: str) -> list[Any]:
    """Each passing example as a test parameter (declared, example), named TYPE-N."""
    return [
        pytest.param(declared, example, id=f"{declared.name}-{index}")
        for declared in FRAMEWORKS[framework].types.values()
        for index, example in enumerate(declared.examples)
    ]


def failing(framework: str) -> list[Any]:
    """Each mistake as a test parameter (declared, mistake), named TYPE-CODE."""
    return [
        pytest.param(declared, example, id=f"{declared.name}-{example.code}")
        for declared in FRAMEWORKS[framework].types.values()
        for example in declared.failing
    ]


def check_passes(declared: LayerType[Any], example: Example) -> None:
    text = example_spec(declared, example)
    (report,) = check_text(text, "example.yaml")
    assert [(d.code, d.message) for d in report.diagnostics] == []
    assert len(report.layers) == len(example.before) + 1
    layer = report.layers[-1]
    assert {name: list(shape or []) for name, shape in layer.tensors.items()} == example.tensors
    assert layer.params == example.params


def check_fails(declared: LayerType[Any], example: Failing) -> None:
    (report,) = check_text(example_spec(declared, example), "mistake.yaml")
    assert example.code in [d.code for d in report.diagnostics]


def framework_runs(declared: LayerType[Any], example: Example | Failing, run: Execute) -> list[Run]:
    spec = yaml.safe_load(example_spec(declared, example))
    spec["layers"][-1].pop("expect", None)
    return [run(spec, values) for values in symbol_values(random.Random(0))]


def check_passes_in_framework(declared: LayerType[Any], example: Example, run: Execute) -> None:
    runs = framework_runs(declared, example, run)
    assert [r.error for r in runs] == [None, None]
    real = runs[0].layers[-1]
    assert set(real.tensors) == set(example.tensors)
    for each in runs:  # a declared dim may be an expression, "T - 2": evaluated per run
        for name, dims in example.tensors.items():
            shape = each.layers[-1].tensors[name]
            assert len(dims) == len(shape), (name, each.values)
            for dim, size in zip(dims, shape, strict=True):
                # a null dim is one the example declares unknown to lstmshape: any size
                assert dim is None or evaluate_dim(dim, each.values) == size, (name, each.values)
    assert real.params == example.params


def check_fails_in_framework(
    declared: LayerType[Any], example: Failing, run: Execute, warnings: tuple[str, ...]
) -> None:
    runs = framework_runs(declared, example, run)
    if RULES[example.code].severity is Severity.ERROR:
        at = len(example.before)
        assert [r.failed_at for r in runs] == [at, at], [r.error for r in runs]
    elif example.code in warnings:
        assert example.code in runs[0].layers[-1].warnings
    else:
        pytest.skip(f"{example.code} is about what {declared.framework} does without a word")
