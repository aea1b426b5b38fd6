"""Run many generated cases against one framework and report every disagreement.

``LSTMSHAPE_ORACLE_CASES`` (default 1000) sets how many cases run and
``LSTMSHAPE_ORACLE_SEED`` (default 0) the first seed; case ``i`` uses seed
``SEED + i``, so one failing case replays alone with its seed and
``LSTMSHAPE_ORACLE_CASES=1``.  All cases run; the failure message lists the
first few disagreements, each with its seed and the spec as YAML to paste
into a regression test.
"""

from __future__ import annotations

import os
import time

from tests.oracle.cases import Case, Oracle, make_case
from tests.oracle.compare import disagreements, lstmshape_report
from tests.oracle.flops import flop_disagreements

SHOWN = 8
"""How many failing cases the message prints in full; all are counted."""


def settings() -> tuple[int, int]:
    cases = int(os.environ.get("LSTMSHAPE_ORACLE_CASES", "1000"))
    seed = int(os.environ.get("LSTMSHAPE_ORACLE_SEED", "0"))
    return seed, cases


def check_case(oracle: Oracle, seed: int) -> tuple[Case, list[str]]:
    case = make_case(oracle, seed)
    report = lstmshape_report(case.spec)
    found = disagreements(
        case, report, oracle.framework_warnings, failure_warnings=oracle.failure_warnings
    )
    if oracle.count_flops is not None:
        found += flop_disagreements(case, report, oracle.count_flops)
    return case, found


def format_failure(oracle: Oracle, case: Case, found: list[str]) -> str:
    lines = [
        f"--- {oracle.key} seed {case.seed} (replay: LSTMSHAPE_ORACLE_SEED={case.seed} "
        "LSTMSHAPE_ORACLE_CASES=1)"
    ]
    lines += [f"  * {item}" for item in found]
    lines += ["  spec:", *("    " + line for line in case.yaml.splitlines())]
    return "\n".join(lines)


def run_oracle(oracle: Oracle) -> None:
    first, count = settings()
    started = time.perf_counter()
    failing: list[str] = []
    broken = 0
    for seed in range(first, first + count):
        case, found = check_case(oracle, seed)
        broken += case.runs[0].failed_at is not None
        if found:
            if len(failing) < SHOWN:
                failing.append(format_failure(oracle, case, found))
            else:
                failing.append("")
    elapsed = time.perf_counter() - started
    summary = (
        f"{oracle.key}: {count} cases from seed {first} ({broken} the framework rejects) "
        f"in {elapsed:.1f}s: {len(failing)} disagree"
    )
    print(summary)
    assert not failing, summary + "\n" + "\n".join(text for text in failing if text)
