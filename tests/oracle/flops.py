"""lstmshape's FLOPs against torch's FlopCounterMode, layer by layer, on a generated case.

A case torch runs to the end at every set of values is run again on the meta device with each
layer's forward pass under FlopCounterMode (at the first run's values of the
symbols).  Every layer lstmshape reports no error on must have FLOPs, and
they must be what FlopCounterMode counted: lstmshape's ``flops`` is that
convention, and what it does not count is in ``extra_flops``, never here.
A layer whose tensors have a dimension lstmshape leaves unknown may have
none.  A packed sequence whose lengths are not numbers is priced at its
padded batch, ``"bound": "padded"``: that must be at least what torch counts.
"""

from __future__ import annotations

from typing import Any

from lstmshape.shapes import evaluate_dim
from tests.oracle.cases import Case, Execute, first_failure


def flop_disagreements(case: Case, report: dict[str, Any], count: Execute) -> list[str]:
    if first_failure(case.runs) is not None:
        return []  # some values of the symbols make torch raise: lstmshape reports an error
    run = case.runs[0]
    counted = count(case.spec, run.values)
    if counted.error is not None:
        return [f"torch ran the case but not on the meta device: {counted.error}"]
    failing = {d["layer"] for d in report["diagnostics"] if d["severity"] == "error"}
    found = []
    for layer, real in zip(report["layers"], counted.layers, strict=True):
        if layer["name"] in failing:
            continue
        if layer["flops"] is None and _all_known(layer):
            found.append(f"{layer['name']}: lstmshape has no FLOPs; torch counts {real.flops:,}")
            continue
        if layer["flops"] is None:
            continue
        flops = evaluate_dim(layer["flops"], run.values)
        if layer["bound"] == "padded" and flops is not None and flops >= real.flops:
            continue
        if flops != real.flops:
            found.append(
                f"{layer['name']}: lstmshape counts {layer['flops']} FLOPs = {flops:,} at "
                f"{run.values}; FlopCounterMode {real.flops:,}"
            )
    return found


def _all_known(layer: dict[str, Any]) -> bool:
    return all(shape is not None and None not in shape for shape in layer["tensors"].values())
