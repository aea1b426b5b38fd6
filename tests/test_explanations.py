"""Every code has an explanation whose failing example fails and whose fix is clean."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from click.testing import CliRunner

from lstmshape.cli import cli
from lstmshape.config import Settings
from lstmshape.diagnostics import RULES
from lstmshape.explanations import EXPLANATIONS
from lstmshape.runner import check_file
from lstmshape.suppression import apply_settings

WITHOUT_EXAMPLE = {
    "LS009": "an internal error is a bug in lstmshape: a spec that triggers it gets fixed",
    "LS511": "a refused archive is binary: tests/importing/test_archives.py builds them",
}
IMPORTED = {"LS510", "LS512", "LS513", "LS514", "LS515", "LS516"}
"""Codes whose examples are Keras JSON, imported in tests/importing/test_import_explanations.py."""


def test_every_code_has_an_explanation() -> None:
    assert list(EXPLANATIONS) == list(RULES)


def codes(path: Path, text: str, encoding: str = "utf-8") -> list[str]:
    """What ``lstmshape check --strict`` reports (suppression comments applied)."""
    path.write_bytes(text.encode(encoding))
    return [
        diagnostic.code
        for report in check_file(path, path.name)
        for diagnostic in apply_settings(report, Settings(), strict=True).diagnostics
    ]


def verified_codes(tmp_path: Path, spec: str, model: str) -> list[str]:
    """What ``lstmshape verify`` reports for ``spec`` against the explanation's model."""
    pytest.importorskip("torch")
    import sys

    from lstmshape.explanations import VERIFY_MODULE
    from lstmshape.verify.command import Request, verified_report

    module_name = VERIFY_MODULE.partition(":")[0]
    (tmp_path / f"{module_name}.py").write_text(model, encoding="utf-8")
    (tmp_path / "spec.yaml").write_text(spec, encoding="utf-8")
    sys.path.insert(0, str(tmp_path))
    sys.modules.pop(module_name, None)
    try:
        report = verified_report(tmp_path / "spec.yaml", Request(VERIFY_MODULE))
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop(module_name, None)
    return [diagnostic.code for diagnostic in report.diagnostics]


@pytest.mark.parametrize("code", list(RULES))
def test_the_example_triggers_the_code_and_the_fix_is_clean(tmp_path: Path, code: str) -> None:
    explanation = EXPLANATIONS[code]
    if code in WITHOUT_EXAMPLE:
        assert explanation.failing is None
        pytest.skip(WITHOUT_EXAMPLE[code])
    assert explanation.failing is not None
    assert explanation.fixed is not None
    if code in IMPORTED:
        assert explanation.language == "json"
        pytest.skip("a Keras JSON example: tests/importing/test_import_explanations.py")
    if explanation.model is not None:
        # verify's codes: both specs check clean; the failing one differs from the model.
        assert codes(tmp_path / "failing.yaml", explanation.failing) == []
        assert code in verified_codes(tmp_path, explanation.failing, explanation.model)
        assert verified_codes(tmp_path, explanation.fixed, explanation.model) == []
        return
    # Through check_file, so LS004 (bytes that are not UTF-8) goes the real way.
    assert code in codes(tmp_path / "failing.yaml", explanation.failing, explanation.encoding)
    assert codes(tmp_path / "fixed.yaml", explanation.fixed) == []


def test_explain_prints_the_page() -> None:
    result = CliRunner().invoke(cli, ["explain", "ls301"], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.output.startswith("LS301 feature-mismatch (error)\n")
    assert EXPLANATIONS["LS301"].text in result.output
    fixed = EXPLANATIONS["LS301"].fixed
    assert fixed is not None
    assert "\n".join("    " + line for line in fixed.splitlines()) in result.output


def test_explain_lists_every_code_without_an_argument() -> None:
    result = CliRunner().invoke(cli, ["explain"], catch_exceptions=False)
    assert [line.split()[0] for line in result.output.splitlines()] == list(RULES)


def test_an_unknown_code_exits_2() -> None:
    result = CliRunner().invoke(cli, ["explain", "LS999"], catch_exceptions=False)
    assert result.exit_code == 2
    assert "'LS999' is no lstmshape code" in result.stderr


def test_explain_prints_a_layer_types_page_for_each_framework_that_has_it() -> None:
    result = CliRunner().invoke(cli, ["explain", "LSTM"], catch_exceptions=False)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    headings = [above for above, line in itertools.pairwise(lines) if set(line) == {"="}]
    assert [heading.split(" (")[0] for heading in headings] == ["torch LSTM", "keras LSTM"]
    assert "A mistake, which lstmshape reports as LS301:" in result.output
    result = CliRunner().invoke(cli, ["explain", "nn.Linear"], catch_exceptions=False)
    assert result.output.startswith("torch Linear (also torch.nn.Linear, nn.Linear, torch.Linear)")
    assert "keras" not in result.output


def test_a_layer_types_page_shows_the_specs_the_tests_run() -> None:
    from lstmshape.frameworks import FRAMEWORKS
    from lstmshape.frameworks.docs import example_spec, page

    dense = FRAMEWORKS["keras"].types["Dense"]
    text = page(dense)
    for example in (*dense.examples, *dense.failing):
        assert (
            "\n".join("    " + line for line in example_spec(dense, example).splitlines()) in text
        )


def test_an_unknown_layer_type_exits_2() -> None:
    result = CliRunner().invoke(cli, ["explain", "nn.Dense"], catch_exceptions=False)
    assert result.exit_code == 2
    assert "'nn.Dense' is no lstmshape code or layer type" in result.stderr
