"""Suppression comments: the forms understood, the ones reported, the unused ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from lstmshape.cli import cli
from lstmshape.comments import read_suppressions
from lstmshape.config import Settings
from lstmshape.report import ModelReport
from lstmshape.runner import check_text
from lstmshape.suppression import apply_settings
from tests.console import BROKEN_SPEC, WARNING_SPEC

EVERY_CODE = {"*"}
NOQA = "# " + "noqa"  # written apart, so that ruff does not take this file's text for its own


def understood(line: str) -> set[str] | None:
    """The codes the line's comment suppresses (``{"*"}`` for all), None for no comment,
    failing the test if the comment is reported as not understood."""
    suppressions, problems = read_suppressions(line + "\n")
    assert problems == []
    if not suppressions:
        return None
    (suppression,) = suppressions
    return {code for code, _ in suppression.codes} or EVERY_CODE


@pytest.mark.parametrize(
    ("line", "codes"),
    [
        ("  x: 1  # lstmshape: ignore[LS203]", {"LS203"}),
        ("  x: 1  #lstmshape:ignore[ls203, LS401 ]", {"LS203", "LS401"}),
        ("  x: 1  # lstmshape: ignore[LS203 LS401]", {"LS203", "LS401"}),
        ("  x: 1  # lstmshape: ignore", EVERY_CODE),
        ("# lstmshape: ignore[LS404]", {"LS404"}),
        ("  x: 1  # LSTMShape: IGNORE[ls404]", {"LS404"}),
        # after another tool's comment, as ruff reads its own after a '# type: ignore'
        (f"  x: 1  {NOQA}  # lstmshape: ignore[LS403]", {"LS403"}),
        ("  x: 1  # yamllint disable-line # lstmshape: ignore", EVERY_CODE),
        # a reason after the codes
        ("  x: 1  # lstmshape: ignore[LS403] reason here", {"LS403"}),
        ("  x: 1  # lstmshape: ignore[LS403] -- the head reads the last step", {"LS403"}),
        ("  x: 1  # lstmshape: ignore[LS403]  # reason", {"LS403"}),
        ("  x: 1  # lstmshape: ignore -- every code, on purpose", EVERY_CODE),
        # not comments at all
        ("  x: 'a#lstmshape: ignore'", None),
        ("  x: a#lstmshape: ignore", None),
        ("  x: 'a # lstmshape: ignore[LS4O3]'", None),
        ('  x: "a # lstmshape: ignore" # lstmshape: ignore[LS404]', {"LS404"}),
        ("  x: 1  # a comment that names lstmshape: but is not one", None),
        ("  x: 1", None),
    ],
)
def test_comments_are_read(line: str, codes: set[str] | None) -> None:
    assert understood(line) == codes


def test_only_real_comments_count() -> None:
    text = (
        "name: 'a # lstmshape: ignore[LS4O3]'\n"
        'doc: "two\n'
        '  lines # lstmshape: ignore[LS4O3]"\n'
        "text: |  # lstmshape: ignore[LS404]\n"
        "  a block # lstmshape: ignore[LS4O3]\n"
        "  # lstmshape: ignore[LS4O3]\n"
        "after: 1  # lstmshape: ignore[LS403]\n"
    )
    suppressions, problems = read_suppressions(text)
    assert problems == []
    assert [(s.line, s.column, s.codes) for s in suppressions] == [
        (4, 10, (("LS404", 30),)),
        (7, 11, (("LS403", 31),)),
    ]


@pytest.mark.parametrize(
    ("line", "column", "message", "hint"),
    [
        (
            "  x: 1  # lstmshape: ignore[LS4O3]",
            29,
            "'LS4O3' is no lstmshape code",
            "did you mean LS403?",
        ),
        (
            "  x: 1  # lstmshape: ignore LS403",
            9,
            "the codes of a suppression comment go in brackets",
            "write # lstmshape: ignore[LS403]",
        ),
        (
            "  x: 1  # lstmshape: ignore LS403, LS402 as the LSTM wants",
            9,
            "the codes of a suppression comment go in brackets",
            "write # lstmshape: ignore[LS403, LS402]",
        ),
        (
            "  x: 1  # lstmshape: ignore [LS403]",
            9,
            "the codes of a suppression comment go in brackets",
            "write # lstmshape: ignore[LS403]",
        ),
        (
            "  x: 1  # lstmshape: ignore: LS403",
            9,
            "'ignore:' is not understood",
            "write # lstmshape: ignore[LS403]",
        ),
        (
            "  x: 1  # lstmshape: ignore[LS403",
            9,
            "the list of codes has no closing ]",
            "write # lstmshape: ignore[LS403]",
        ),
        (
            "  x: 1  # lstmshape: ignore[]",
            9,
            "ignore[] names no code",
            "bare # lstmshape: ignore",
        ),
        (
            "  x: 1  # lstmshape: ignore[LS403]because",
            9,
            "text right after ]",
            "a space",
        ),
        (
            "  x: 1  # lstmshape: disable[LS403]",
            9,
            "'disable' is not a suppression",
            "write # lstmshape: ignore[CODE]",
        ),
    ],
)
def test_comments_not_understood_are_reported_where_they_are(
    line: str, column: int, message: str, hint: str
) -> None:
    suppressions, problems = read_suppressions(line + "\n")
    assert suppressions == []
    ((problem, where),) = problems
    assert problem.code == "LS410"
    assert where == (1, column)
    assert message in problem.message
    assert problem.hint is not None and hint in problem.hint


def test_an_unknown_code_beside_a_known_one_keeps_the_known_one() -> None:
    suppressions, problems = read_suppressions("x: 1  # lstmshape: ignore[LS403, LS4O3]\n")
    assert [s.codes for s in suppressions] == [(("LS403", 27),)]
    assert [(p.code, where) for p, where in problems] == [("LS410", (1, 34))]


def after(
    text: str, settings: Settings | None = None, strict: bool | None = None
) -> list[ModelReport]:
    return [
        apply_settings(report, settings or Settings(), strict=strict)
        for report in check_text(text, "spec.yaml")
    ]


def found(text: str, settings: Settings | None = None, strict: bool | None = None) -> list[str]:
    return [
        f"{d.code} {d.line}:{d.column}"
        for report in after(text, settings, strict)
        for d in report.diagnostics
    ]


def test_a_comment_on_the_reported_line_drops_only_its_codes() -> None:
    # LS301 points at line 7, "input_size: 10".
    assert found(BROKEN_SPEC) == ["LS301 7:17"]
    line = "    input_size: 10"
    assert found(BROKEN_SPEC.replace(line, line + "  # lstmshape: ignore[LS301]")) == []
    assert found(BROKEN_SPEC.replace(line, line + "  # lstmshape: ignore")) == []
    other = BROKEN_SPEC.replace(line, line + "  # lstmshape: ignore[LS404]")
    assert found(other) == ["LS301 7:17"]
    elsewhere = BROKEN_SPEC.replace("hidden_size: 16", "hidden_size: 16  # lstmshape: ignore")
    assert found(elsewhere) == ["LS301 7:17"]


# The head reads the last step of a bidirectional output: LS403 at 15:12.
LAST_STEP = """\
framework: torch
inputs:
  x: [B, T, 8]
layers:
  - name: enc
    type: LSTM
    input_size: 8
    hidden_size: 16
    batch_first: true
    bidirectional: true
  - name: head
    type: Linear
    in_features: 32
    out_features: 1
    input: 'enc.output[:, -1, :]'
"""
HEAD = "    input: 'enc.output[:, -1, :]'"


def with_comment(comment: str) -> str:
    return LAST_STEP.replace(HEAD, f"{HEAD}  {comment}")


@pytest.mark.parametrize(
    "comment",
    [
        f"{NOQA}  # lstmshape: ignore[LS403]",
        "# lstmshape: ignore[LS403] reason here",
        "# lstmshape: ignore[LS403] -- the model wants the last step",
    ],
)
def test_the_forms_of_other_linters_suppress(comment: str) -> None:
    assert found(LAST_STEP) == ["LS403 15:12"]
    assert found(with_comment(comment), strict=True) == []


@pytest.mark.parametrize(
    ("comment", "column"),
    [
        ("# lstmshape: ignore[LS4O3]", 56),
        ("# lstmshape: ignore LS403", 36),
        ("# lstmshape: ignore[LS403 reason", 36),
    ],
)
def test_a_comment_not_understood_suppresses_nothing_and_is_reported(
    comment: str, column: int
) -> None:
    assert found(with_comment(comment)) == ["LS403 15:12", f"LS410 15:{column}"]


def test_an_unused_suppression_is_reported_with_strict_only() -> None:
    unused = with_comment("# lstmshape: ignore[LS403, LS402]")
    assert found(unused) == []
    assert found(unused, strict=True) == ["LS411 15:63"]
    (report,) = after(unused, strict=True)
    (diagnostic,) = report.diagnostics
    assert diagnostic.severity.value == "warning"
    assert "LS402 suppresses nothing" in diagnostic.message
    bare = BROKEN_SPEC.replace("hidden_size: 16", "hidden_size: 16  # lstmshape: ignore")
    clean = bare.replace("input_size: 10", "input_size: 8")
    assert found(clean, strict=True) == ["LS411 8:22"]
    # config strict = true is --strict
    assert found(clean, Settings(strict=True)) == ["LS411 8:22"]


def test_an_unused_suppression_is_not_reported_in_a_spec_with_errors() -> None:
    # After an error, layers may go unchecked: what a comment would have
    # suppressed there is unknown.
    bare = BROKEN_SPEC.replace("hidden_size: 16", "hidden_size: 16  # lstmshape: ignore")
    assert found(bare, strict=True) == ["LS301 7:17"]


def test_a_code_ignored_by_the_configuration_makes_the_comment_unused() -> None:
    settings = Settings(ignore=frozenset({"LS403"}))
    (report,) = after(with_comment("# lstmshape: ignore[LS403]"), settings, strict=True)
    (diagnostic,) = report.diagnostics
    assert diagnostic.code == "LS411"
    assert "ignored by the configuration" in diagnostic.message


def test_the_comment_codes_are_turned_off_by_the_configuration_only() -> None:
    settings = Settings(ignore=frozenset({"LS410", "LS411"}))
    assert found(with_comment("# lstmshape: ignore[LS4O3]"), settings) == ["LS403 15:12"]
    unused = with_comment("# lstmshape: ignore[LS403, LS402]")
    assert found(unused, settings, strict=True) == []
    # a comment does not suppress what is reported about itself
    assert found(with_comment("# lstmshape: ignore # lstmshape: ignore[LS4O3]")) == ["LS410 15:76"]


def test_each_document_owns_the_comments_in_it() -> None:
    second = WARNING_SPEC.replace("  - name: enc", "  - name: enc  # lstmshape: ignore[LS404]")
    text = "---\n" + WARNING_SPEC + "---\n" + second
    # the first document's LS404 stays; the second's is suppressed, and its
    # comment is not unused in the first document
    assert found(text, strict=True) == ["LS404 6:5"]


def test_a_quoted_hash_is_not_a_comment_end_to_end() -> None:
    name = "name: 'm # lstmshape: ignore[X]'"
    text = LAST_STEP.replace("framework: torch", f"framework: torch\n{name}")
    assert found(text) == ["LS403 16:12"]


def test_settings_ignore_and_promote() -> None:
    assert found(WARNING_SPEC, Settings(ignore=frozenset({"LS404"}))) == []
    (report,) = check_text(WARNING_SPEC, "spec.yaml")
    promoted = apply_settings(report, Settings(error=frozenset({"LS404"})))
    assert [d.severity.value for d in promoted.diagnostics] == ["error"]
    assert [d.severity.value for d in report.diagnostics] == ["warning"]


def test_the_command_reports_unused_suppressions_with_strict(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(with_comment("# lstmshape: ignore[LS403, LS402]"), encoding="utf-8")
    runner = CliRunner()
    plain = runner.invoke(cli, ["check", "--format", "json", str(spec)])
    strict = runner.invoke(cli, ["check", "--format", "json", "--strict", str(spec)])
    assert plain.exit_code == 0
    assert json.loads(plain.stdout)["summary"]["warnings"] == 0
    assert strict.exit_code == 1
    (diagnostic,) = json.loads(strict.stdout)["files"][0]["diagnostics"]
    assert (diagnostic["code"], diagnostic["line"], diagnostic["column"]) == ("LS411", 15, 63)
