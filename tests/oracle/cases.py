"""One generated case: a spec, the framework's runs, and ``expect:`` from them.

Every case is run twice, with two different sets of concrete values for the
symbols (``B``, ``T``, ``S``).  A dimension that is the same in both runs is
a number; one that follows a symbol in both is that symbol.  Comparing
lstmshape's symbolic shapes against both runs is what makes ``B`` in a
report mean "the batch size", not "whatever 3 happened to be".

The declared ``expect:`` shapes are made from those runs, right or with one
dimension, the rank or the tensor's name wrong, so the generator never
computes a shape itself.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

from tests.oracle.outcome import Concrete, Run

SYMBOLS = ("B", "T", "S")
Generate = Callable[[random.Random], dict[str, Any]]
Execute = Callable[[dict[str, Any], dict[str, int]], Run]


@dataclass(frozen=True)
class Oracle:
    """A framework as the differential test sees it: how to make specs and run them."""

    key: str
    generate: Generate
    execute: Execute
    foreign_names: tuple[str, ...] = ("c_n", "state", "output")
    """Tensor names to try in a wrong ``expect:``."""
    framework_warnings: tuple[str, ...] = ("LS401",)
    """lstmshape codes that stand for a warning the framework itself gives."""
    failure_warnings: tuple[str, ...] = ()
    """lstmshape warnings that predict a failure on the backend the oracle runs."""
    count_flops: Execute | None = None
    """Runs a case with each layer's FLOPs counted, where the framework counts them."""


@dataclass
class Case:
    seed: int
    spec: dict[str, Any]
    runs: list[Run]

    @property
    def yaml(self) -> str:
        return yaml.safe_dump(self.spec, sort_keys=False, default_flow_style=None, width=100)


GROWTH = {"B": 23, "T": 11, "S": 17}
"""How much each symbol grows from the first run to the second.

A dimension the two runs agree on is named by that symbol (or number) in
``expect:``, so no size the stories make may grow like another symbol, or not
at all.  Not a common shift, which keeps the symbols' differences (``T + 1``
would follow ``S`` whenever S is T + 1 in the first run), nor ``2*v + 5``,
under which two poolings by 3 of T = 2 and of 9 are both 1.  With these, no
``T + c``, ``2*T``, ``3*T``, ``ceil(T / s)`` for strides 2 to 9, or double
or triple of one, made from T or S grows by 0 or like another symbol; an even
T becomes odd, so ``2*ceil(T / 2)`` is not T in both runs; and the second
run's values (13 to 17, 19 to 23, 25 to 29) differ as the first run's do
(tests/oracle/test_sampling.py checks every first run)."""


def symbol_values(rng: random.Random) -> list[dict[str, int]]:
    """Two assignments; every symbol differs between them and within each."""
    first = rng.sample(range(2, 7), len(SYMBOLS))
    second = [value + GROWTH[symbol] for value, symbol in zip(first, SYMBOLS, strict=True)]
    return [dict(zip(SYMBOLS, first, strict=True)), dict(zip(SYMBOLS, second, strict=True))]


def make_case(oracle: Oracle, seed: int) -> Case:
    rng = random.Random(seed)
    spec = oracle.generate(rng)
    runs = [oracle.execute(spec, values) for values in symbol_values(rng)]
    _add_expects(rng, spec, runs, oracle.foreign_names)
    return Case(seed, spec, runs)


def first_failure(runs: list[Run]) -> int | None:
    failures = [run.failed_at for run in runs if run.failed_at is not None]
    return min(failures) if failures else None


def symbolic(runs: list[Run], shapes: list[Concrete]) -> list[int | str | None]:
    """A shape seen in every run, with the dims that follow a symbol written as it.

    A 1 in every run is left open (null): poolings stacked past the strides
    :data:`GROWTH` separates (3 * 2 * 3 = 18 steps to one) make 1 of both runs'
    T, which ``expect:`` would then claim for every T (seed 1048122).
    """
    dims: list[int | str | None] = []
    for sizes in zip(*shapes, strict=True):
        if len(set(sizes)) == 1:
            dims.append(None if sizes[0] == 1 else sizes[0])
            continue
        names = [
            s
            for s in SYMBOLS
            if all(run.values[s] == n for run, n in zip(runs, sizes, strict=True))
        ]
        dims.append(names[0] if names else None)
    return dims


def _add_expects(
    rng: random.Random, spec: dict[str, Any], runs: list[Run], foreign: tuple[str, ...]
) -> None:
    failed = first_failure(runs)
    ran = len(spec["layers"]) if failed is None else failed
    for index in range(ran):
        if rng.random() >= 0.3:
            continue
        produced = runs[0].layers[index].tensors
        expect: dict[str, Any] = {}
        for name in produced:
            if rng.random() < 0.6:
                expect[name] = symbolic(runs, [run.layers[index].tensors[name] for run in runs])
                if name in runs[0].layers[index].packed and expect[name]:
                    # a packed sequence's data is as long as the lengths' values make it,
                    # which a spec gives as numbers or not at all: left open
                    expect[name][0] = None
        if expect and rng.random() < 0.25:
            _break(rng, expect, produced, foreign)
        if expect:
            spec["layers"][index]["expect"] = expect


def _break(
    rng: random.Random, expect: dict[str, Any], produced: dict[str, Any], foreign: tuple[str, ...]
) -> None:
    name = rng.choice(list(expect))
    dims = expect[name]
    how = rng.choice(("dim", "dim", "dim", "rank", "name"))
    if how == "name":
        other = [n for n in foreign if n not in produced]
        if other:
            expect[rng.choice(other)] = expect.pop(name)
        return
    if how == "rank" or not dims:
        expect[name] = [*dims, 1] if rng.random() < 0.5 or not dims else dims[:-1]
        return
    axis = rng.randrange(len(dims))
    dim = dims[axis]
    if isinstance(dim, int):
        dims[axis] = dim + 1
    elif isinstance(dim, str):
        dims[axis] = rng.choice([s for s in SYMBOLS if s != dim])
