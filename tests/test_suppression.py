"""Suppression comments at the end of the line a diagnostic points to."""

from __future__ import annotations

import pytest

from lstmshape.config import Settings
from lstmshape.runner import check_text
from lstmshape.suppression import ALL_CODES, apply_settings, suppressed_codes
from tests.console import BROKEN_SPEC, WARNING_SPEC


@pytest.mark.parametrize(
    ("line", "codes"),
    [
        ("  x: 1  # lstmshape: ignore[LS203]", {"LS203"}),
        ("  x: 1  #lstmshape:ignore[ls203, LS401 ]", {"LS203", "LS401"}),
        ("  x: 1  # lstmshape: ignore", {ALL_CODES}),
        ("# lstmshape: ignore[LS404]", {"LS404"}),
        ("  x: 1  # lstmshape: ignore[LS203] and more", set()),
        ("  x: 'a#lstmshape: ignore'", set()),  # not a comment: no space before '#'
        ("  x: 1", set()),
    ],
)
def test_comments_are_read(line: str, codes: set[str]) -> None:
    assert suppressed_codes(line) == codes


def codes_after(text: str, settings: Settings | None = None) -> list[str]:
    (report,) = check_text(text, "spec.yaml")
    kept = apply_settings(report, settings or Settings())
    return [diagnostic.code for diagnostic in kept.diagnostics]


def test_a_comment_on_the_reported_line_drops_only_its_codes() -> None:
    # LS301 points at line 7, "input_size: 10".
    assert codes_after(BROKEN_SPEC) == ["LS301"]
    line = "    input_size: 10"
    assert codes_after(BROKEN_SPEC.replace(line, line + "  # lstmshape: ignore[LS301]")) == []
    assert codes_after(BROKEN_SPEC.replace(line, line + "  # lstmshape: ignore")) == []
    other = BROKEN_SPEC.replace(line, line + "  # lstmshape: ignore[LS404]")
    assert codes_after(other) == ["LS301"]
    elsewhere = BROKEN_SPEC.replace("hidden_size: 16", "hidden_size: 16  # lstmshape: ignore")
    assert codes_after(elsewhere) == ["LS301"]


def test_settings_ignore_and_promote() -> None:
    assert codes_after(WARNING_SPEC, Settings(ignore=frozenset({"LS404"}))) == []
    (report,) = check_text(WARNING_SPEC, "spec.yaml")
    promoted = apply_settings(report, Settings(error=frozenset({"LS404"})))
    assert [d.severity.value for d in promoted.diagnostics] == ["error"]
    assert [d.severity.value for d in report.diagnostics] == ["warning"]
