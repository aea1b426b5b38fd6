"""The export oracle: each generated case that checks clean is exported, run, compared.

Cases are the differential oracle's (same seeds, same ``LSTMSHAPE_ORACLE_CASES``
and ``LSTMSHAPE_ORACLE_SEED``; 200 cases when the count is not set).  A case
lstmshape reports errors for is not exported (the command refuses it); every
other one is exported, the code is
run by the framework with each run's values of the symbols, and every tensor
and parameter count is compared with lstmshape's report by the oracle's own
comparison.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

from lstmshape.report import ModelReport
from lstmshape.reporters.json import report_to_json
from tests.oracle.cases import Case, Oracle, make_case
from tests.oracle.compare import disagreements
from tests.oracle.harness import SHOWN, format_failure, settings
from tests.oracle.outcome import Run

Export = Callable[[dict[str, Any]], tuple[ModelReport, Any]]
"""A spec to lstmshape's report and the export (None for a spec with errors)."""
RunExport = Callable[[Any, dict[str, Any], dict[str, int]], Run]


def check_export(
    oracle: Oracle, seed: int, export: Export, run: RunExport
) -> tuple[Case, list[str], bool]:
    """The case, the disagreements of its exported code with lstmshape, whether it was exported."""
    case = make_case(oracle, seed)
    try:
        report, exported = export(case.spec)
    except Exception as error:  # a crash is a finding of its own, with its seed, not the end
        return case, [f"lstmshape export raised {type(error).__name__}: {error}"], False
    if exported is None or any(d.code in oracle.failure_warnings for d in report.diagnostics):
        # A warned failure (LS319) makes the whole model fail where it runs, a place the
        # layer-by-layer oracle locates and the exported model's one run cannot.
        return case, [], False
    runs = [run(exported, case.spec, each.values) for each in case.runs]
    found = disagreements(
        Case(seed, case.spec, runs), report_to_json(report), framework_warnings=()
    )
    return case, found, True


DEFAULT_CASES = 200
"""Cases when ``LSTMSHAPE_ORACLE_CASES`` is not set: each case that checks clean is built
and run twice more than the framework oracle runs it, so the suite runs fewer."""


def run_export_oracle(oracle: Oracle, export: Export, run: RunExport) -> str:
    first, count = settings()
    if "LSTMSHAPE_ORACLE_CASES" not in os.environ:
        count = DEFAULT_CASES
    started = time.perf_counter()
    failing: list[str] = []
    exported = 0
    for seed in range(first, first + count):
        case, found, was_exported = check_export(oracle, seed, export, run)
        exported += was_exported
        if found:
            failing.append(format_failure(oracle, case, found) if len(failing) < SHOWN else "")
    elapsed = time.perf_counter() - started
    summary = (
        f"{oracle.key} export: {count} cases from seed {first}, {exported} exported and run "
        "(export refuses the others: they have errors, or code that cannot run as checked) "
        f"in {elapsed:.1f}s: {len(failing)} disagree"
    )
    print(summary)
    assert not failing, summary + "\n" + "\n".join(text for text in failing if text)
    return summary
