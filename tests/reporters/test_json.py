"""The JSON reporter: the contract other tools read."""

from __future__ import annotations

import io
import json

from lstmshape.report import Summary
from lstmshape.reporters.json import JsonReporter, report_to_json
from lstmshape.runner import check_text

BROKEN = """framework: torch
inputs:
  x: [B, T, 8]
layers:
  - name: enc
    type: LSTM
    input_size: 8
    hiden_size: 4
  - name: head
    type: Linear
    input: enc.h_n
    in_features: 4
    out_features: 2
"""


UNKNOWN_COSTS = dict.fromkeys(
    ("macs", "flops", "extra_flops", "param_bytes", "activation_bytes", "bound"), None
)


def test_unknown_tensors_and_params_are_null() -> None:
    out = io.StringIO()
    reporter = JsonReporter(out)
    reporter.start()
    for report in check_text(BROKEN, "s.yaml"):
        reporter.handle(report)
    reporter.finish(Summary(files=1, errors=1))
    document = json.loads(out.getvalue())
    enc, head = document["files"][0]["layers"]
    assert enc == {
        "name": "enc",
        "type": "LSTM",
        "tensors": {},
        "params": None,
        **UNKNOWN_COSTS,
        "status": "error",
    }
    # the broken layer's tensors are unknown, so the head is not blamed again,
    # and not called ok either
    assert head == {
        "name": "head",
        "type": "Linear",
        "tensors": {"output": None},
        "params": 10,
        **UNKNOWN_COSTS,
        "status": "unchecked",
    }
    assert [d["code"] for d in document["files"][0]["diagnostics"]] == ["LS101"]
    assert document["summary"] == {"files": 1, "errors": 1, "warnings": 0}


def test_a_model_total_over_an_unknown_count_is_null_not_the_known_part() -> None:
    (report,) = check_text(BROKEN, "s.yaml")
    # enc's count is unknown; head's 10 is not the model's
    assert report_to_json(report)["params"] is None
    (fixed,) = check_text(BROKEN.replace("hiden_size", "hidden_size"), "s.yaml")
    assert report_to_json(fixed)["params"] == 224 + 10


def test_file_level_problem_has_null_framework() -> None:
    out = io.StringIO()
    reporter = JsonReporter(out)
    reporter.start()
    for report in check_text("a: [1\n", "s.yaml"):
        reporter.handle(report)
    reporter.finish(Summary(files=1, errors=1))
    (file,) = json.loads(out.getvalue())["files"]
    assert file["framework"] is None
    assert file["name"] is None
    assert file["layers"] == []
    assert file["params"] == 0
    assert file["diagnostics"][0]["code"] == "LS001"
    assert file["diagnostics"][0]["layer"] is None


def test_dumps_writes_what_the_standard_library_writes() -> None:
    from pathlib import Path

    from lstmshape.reporters.json import dumps, report_to_json
    from lstmshape.runner import check_file

    root = Path(__file__).resolve().parents[2]
    paths = sorted(root.glob("specs/*.yaml")) + sorted(root.glob("tests/**/*.yaml"))
    assert len(paths) > 50
    reports = [report_to_json(report) for path in paths for report in check_file(path, str(path))]
    assert dumps({"files": reports}) == json.dumps({"files": reports}, indent=2)
    odd = {
        "unicode": 'é 中 \u2028 \x00 "quoted" \\\\',
        "numbers": [0, -1, 2**63, 1.5, float("inf"), True, False, None],
        "nested": {"empty": {}, "none": [], "tuple": (1, [2, {"a": (3,)}]), "keys": {1: "a"}},
    }
    assert dumps(odd) == json.dumps(odd, indent=2)


REPEATED = """framework: torch
inputs:
  x: [B, T, 8]
layers:
  - {name: a, type: Linear, in_features: 8, out_features: 8}
  - {name: b, type: Linear, in_features: 8, out_features: 8}
  - {name: c, type: Linear, in_features: 8, out_features: 8, expect: {output: [B, T, 9]}}
  - {name: d, type: Linear, in_features: 8, out_features: 8}
"""


def test_a_file_entry_is_its_report_written_as_the_standard_library_writes_it() -> None:
    # entry() writes a layer like an earlier one (all but its name) from that one's text
    from pathlib import Path

    from lstmshape.reporters.json import entry, report_to_json
    from lstmshape.runner import check_file, check_text

    root = Path(__file__).resolve().parents[2]
    paths = sorted(root.glob("specs/*.yaml")) + sorted(root.glob("tests/**/*.yaml"))
    reports = [report for path in paths for report in check_file(path, str(path))]
    reports += check_text(REPEATED, "repeated.yaml")
    for report in reports:
        for dims in (None, {"B": 2, "T": 5}):
            expected = json.dumps({"files": [report_to_json(report, dims)]}, indent=2)
            assert expected == '{\n  "files": [\n' + entry(report, dims) + "\n  ]\n}"
    statuses = [layer["status"] for layer in report_to_json(reports[-1])["layers"]]
    assert statuses == ["ok", "ok", "error", "ok"]  # c is written apart from a, b and d


UNKNOWN_TYPE = """framework: torch
inputs:
  x: [B, T, 8]
layers:
  - name: enc
    type: LTSM
    input_size: 8
    hidden_size: 4
  - name: head
    type: Linear
    in_features: 4
    out_features: 2
"""


def test_a_layer_of_unknown_type_owns_its_diagnostic_and_its_status() -> None:
    (report,) = check_text(UNKNOWN_TYPE, "s.yaml")
    document = report_to_json(report)
    assert [(d["code"], d["layer"]) for d in document["diagnostics"]] == [("LS104", "enc")]
    assert [layer["status"] for layer in document["layers"]] == ["error", "unchecked"]
