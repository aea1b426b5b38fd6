"""Each diagnostic code is raised by the part of lstmshape that owns what it is about.

The codes are registered in lstmshape/diagnostics.py alone.  A code about a
layer type's arguments or shapes is raised by the layer types' modules
(lstmshape/frameworks/), never by the engine on their behalf; a code about
the file, the spec's structure or references is raised by the loader, the
spec parser or the engine, never by a layer type; and a code only one
framework has is raised in that framework's package only.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from lstmshape.diagnostics import RULES

PACKAGE = Path(__file__).resolve().parents[1] / "lstmshape"
RAISED = re.compile(
    r"(?:report(?:_on)?|Problem|Diagnostic|failed|refused)\(\s*(?:\w+,\s*)?\"(LS\d{3})\"",
    re.MULTILINE,
)

LAYER_CODES = {"LS108", *(f"LS3{n:02}" for n in range(1, 14)), "LS401", "LS404", "LS405"}
LAYER_CODES |= {
    "LS318",
    "LS319",
    "LS320",
    "LS322",
    "LS323",
    "LS316",
    "LS317",
    "LS325",
    "LS326",
    "LS330",
    "LS331",
    "LS335",
    "LS350",
    "LS406",
    "LS407",
    "LS408",
    "LS409",
    "LS414",
}
LAYER_CODES.discard("LS306")  # expect: is the engine's, for every type alike
ONLY = {
    "keras": {
        "LS307",
        "LS308",
        "LS309",
        "LS310",
        "LS311",
        "LS318",
        "LS319",
        "LS325",
        "LS330",
        "LS331",
        "LS335",
        "LS350",
        "LS406",
        "LS407",
    }
    | {"LS409", "LS414"},
    "torch": {"LS316", "LS317", "LS322", "LS323", "LS401", "LS404", "LS405"},
}
WRAPPER_GUARD = {"LS104"}
"""A wrapper that holds a layer it cannot wrap reports it itself (LS104), never an identity."""


def raised_by() -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for path in PACKAGE.rglob("*.py"):
        for match in RAISED.finditer(path.read_text(encoding="utf-8")):
            found[match.group(1)].add(path.relative_to(PACKAGE).as_posix())
    return found


RAISED_BY = raised_by()


def test_every_registered_code_is_raised_somewhere() -> None:
    assert set(RAISED_BY) == set(RULES)


def test_layer_codes_are_raised_by_the_layer_types_only() -> None:
    for code in LAYER_CODES:
        outside = {module for module in RAISED_BY[code] if not module.startswith("frameworks/")}
        assert not outside, (code, outside)


def test_the_layer_types_raise_no_code_of_the_engine() -> None:
    for code, modules in RAISED_BY.items():
        if code in LAYER_CODES | WRAPPER_GUARD:
            continue
        inside = {module for module in modules if module.startswith("frameworks/")}
        assert not inside, (code, inside)


def test_a_code_of_one_framework_is_raised_in_its_package_only() -> None:
    for framework, codes in ONLY.items():
        for code in codes:
            elsewhere = {
                module
                for module in RAISED_BY[code]
                if not module.startswith(f"frameworks/{framework}/")
            }
            assert not elsewhere, (code, elsewhere)
