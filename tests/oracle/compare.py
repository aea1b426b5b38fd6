"""lstmshape's JSON report against what the framework did, as a list of disagreements.

* Where the framework ran every layer, lstmshape reports no error, and every
  tensor's shape (its symbols replaced by each run's values) and every
  layer's parameter count are the framework's (a packed sequence's shape is
  its data's; lstmshape leaves the length of that data unknown when the
  lengths are not numbers).
* Where a layer raised (or its ``expect:`` does not hold), lstmshape's first
  error is on that same layer, and every layer before it agrees as above.
* The framework's warnings about a layer are lstmshape's warnings there:
  torch's dropout warning is LS401, Keras's deprecated ``input_length``
  LS408.  lstmshape's other lints (LS402-LS407, LS409) are about silent
  bugs no framework reports, so they are not compared.
"""

from __future__ import annotations

from typing import Any

import yaml

from lstmshape.reporters.json import report_to_json
from lstmshape.runner import check_text
from lstmshape.shapes import evaluate_dim
from tests.oracle.cases import Case, first_failure
from tests.oracle.outcome import Run

FRAMEWORK_WARNINGS = ("LS401",)
"""lstmshape codes that stand for a warning torch itself gives (the default)."""


def lstmshape_report(spec: dict[str, Any]) -> dict[str, Any]:
    text = yaml.safe_dump(spec, sort_keys=False)
    reports = check_text(text, "oracle.yaml")
    assert len(reports) == 1
    return report_to_json(reports[0])


def _substitute(dims: list[Any], values: dict[str, int]) -> tuple[Any, ...]:
    """The dims for one run's values of the symbols; ``"T?"`` where one has none."""
    return tuple(_size(d, values) if isinstance(d, str) else d for d in dims)


def _size(dim: str, values: dict[str, int]) -> int | str:
    size = evaluate_dim(dim, values)  # a symbol, or an expression such as "(T - 2) // 2"
    return f"{dim}?" if size is None else size


def expect_failure(spec: dict[str, Any], runs: list[Run], upto: int) -> tuple[int, str] | None:
    """The first layer before ``upto`` whose ``expect:`` does not hold in some run."""
    for index in range(upto):
        for name, dims in (spec["layers"][index].get("expect") or {}).items():
            for run in runs:
                if not run.layers[index].observed:
                    continue
                actual = run.layers[index].tensors.get(name)
                if actual is None:
                    return index, f"expect: names {name!r}, which the layer does not return"
                declared = _substitute(dims, run.values)
                same = len(declared) == len(actual) and all(
                    d is None or d == a for d, a in zip(declared, actual, strict=True)
                )
                if not same:
                    return index, f"{name} is {list(actual)}, expect: declares {dims}"
    return None


def failure(case: Case) -> tuple[int, str] | None:
    """Where the model breaks for the framework: a layer that raised or a false expect."""
    failed = first_failure(case.runs)
    upto = len(case.spec["layers"]) if failed is None else failed
    declared = expect_failure(case.spec, case.runs, upto)
    if declared is not None:
        return declared
    if failed is None:
        return None
    run = next(run for run in case.runs if run.failed_at == failed)
    return failed, str(run.error)


def disagreements(
    case: Case,
    report: dict[str, Any],
    framework_warnings: tuple[str, ...] = FRAMEWORK_WARNINGS,
    failure_warnings: tuple[str, ...] = (),
) -> list[str]:
    found: list[str] = []
    layers = report["layers"]
    names = [layer["name"] for layer in layers]
    if len(layers) != len(case.spec["layers"]):
        return [f"lstmshape reports {len(layers)} layers for {len(case.spec['layers'])}"]
    errors = [
        d
        for d in report["diagnostics"]
        if d["severity"] == "error" or d["code"] in failure_warnings
    ]
    broken = failure(case)
    for run in case.runs:
        found += [f"unclassified framework warning: {w}" for w in run.unexpected_warnings]
        if run.failed_at is None and run.error is not None:
            found.append(f"the framework could not start: {run.error}")
    if broken is None:
        found += [f"framework runs, lstmshape errs: {_describe(d)}" for d in errors]
        upto = len(layers)
    else:
        at, why = broken
        upto = at
        on = sorted({names.index(d["layer"]) if d["layer"] in names else -1 for d in errors})
        if not on:
            found.append(f"framework fails on {names[at]} ({why}); lstmshape reports no error")
        elif on[0] != at:
            first = next(
                d
                for d in errors
                if (names.index(d["layer"]) if d["layer"] in names else -1) == on[0]
            )
            found.append(
                f"framework fails on {names[at]} ({why}); lstmshape's first error is "
                f"on {first['layer']}: {_describe(first)}"
            )
    for index in range(upto):
        found += _layer_disagreements(case, index, layers[index])
    last = upto + 1 if broken is not None else upto
    for index in range(min(last, len(case.runs[0].layers))):
        found += _warning_disagreements(case, index, report, framework_warnings)
    return found


def _describe(diagnostic: dict[str, Any]) -> str:
    return f"{diagnostic['code']} {diagnostic['message']} (layer {diagnostic['layer']})"


def _layer_disagreements(case: Case, index: int, layer: dict[str, Any]) -> list[str]:
    found = []
    name = layer["name"]
    for run in case.runs:
        real = run.layers[index]
        if not real.observed:
            continue
        if real.params != layer["params"]:
            found.append(f"{name}: params {layer['params']} vs framework {real.params}")
        if set(real.tensors) != set(layer["tensors"]):
            found.append(f"{name}: tensors {sorted(layer['tensors'])} vs {sorted(real.tensors)}")
            continue
        for tensor, shape in real.tensors.items():
            dims = layer["tensors"][tensor]
            mine = None if dims is None else _substitute(dims, run.values)
            if mine and mine[0] is None and tensor in real.packed:
                # the sum of lengths the spec does not give as numbers: unknown by design
                mine = (shape[0], *mine[1:])
            if mine != shape:
                found.append(
                    f"{name}.{tensor}: lstmshape {dims} = {mine} with {run.values}, "
                    f"framework {list(shape)}"
                )
        if found:
            break  # the second run would repeat the same finding
    return found


def _warning_disagreements(
    case: Case, index: int, report: dict[str, Any], framework_warnings: tuple[str, ...]
) -> list[str]:
    name = report["layers"][index]["name"]
    mine = sorted(
        d["code"]
        for d in report["diagnostics"]
        if d["layer"] == name and d["code"] in framework_warnings
    )
    theirs = sorted(case.runs[0].layers[index].warnings)
    if mine != theirs:
        return [f"{name}: warnings {mine} vs framework {theirs}"]
    return []
