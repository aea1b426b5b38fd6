"""The README is the user's reference: it must list every diagnostic code."""

from __future__ import annotations

import re
from pathlib import Path

from lstmshape.diagnostics import RULES

README = Path(__file__).resolve().parents[1] / "README.md"


def test_every_code_is_documented_with_its_name_and_severity() -> None:
    rows = {
        match.group(1): (match.group(2), match.group(3))
        for match in re.finditer(
            r"^\| (LS\d{3}) \| ([\w-]+) \| (error|warning) \|", README.read_text(), re.M
        )
    }
    assert {code: (rule.name, rule.severity.value) for code, rule in RULES.items()} == rows
