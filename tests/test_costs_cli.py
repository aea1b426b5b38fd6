"""--costs, --dim and the spec's dims: through the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lstmshape.cli import main

SPEC = """\
framework: torch
inputs:
  x: [B, T, 8]
layers:
  - name: head
    type: Linear
    in_features: 8
    out_features: 4
"""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["check", "--no-cache", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def write(tmp_path: Path, text: str = SPEC) -> str:
    path = tmp_path / "spec.yaml"
    path.write_text(text)
    return str(path)


def json_of(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    code, out, _ = run(capsys, "--format", "json", *args)
    assert code == 0
    file: dict[str, Any] = json.loads(out)["files"][0]
    return file


@pytest.mark.parametrize("written", ["B", "B=", "=8", "B=0", "B=-1", "B=x", "B=1.5", "2=8", "B=ⅷ"])
def test_a_malformed_dim_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, written: str
) -> None:
    code, out, err = run(capsys, "--dim", written, write(tmp_path))
    assert code == 2
    assert out == ""
    assert err.startswith(f"lstmshape: --dim {written}: ")


def test_the_json_report_evaluates_the_costs_with_the_dims(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(tmp_path)
    plain = json_of(capsys, path)
    assert "dims" not in plain and "evaluated" not in plain["layers"][0]
    assert plain["macs"] == plain["layers"][0]["macs"] == "32*B*T"
    file = json_of(capsys, "--dim", "B=2", "--dim", "T=10", path)
    assert file["dims"] == {"B": 2, "T": 10}
    assert file["macs"] == "32*B*T"  # the formula stays
    assert file["evaluated"]["macs"] == 640
    (layer,) = file["layers"]
    assert layer["evaluated"]["tensors"] == {"output": [2, 10, 4]}
    assert layer["evaluated"]["flops"] == 1280
    assert layer["evaluated"]["activation_bytes"] == 4 * 2 * 10 * 4
    partly = json_of(capsys, "--dim", "B=2", path)
    assert partly["evaluated"]["macs"] == "64*T"


def test_the_spec_dims_give_values_and_dim_wins(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(tmp_path, SPEC.replace("inputs:", "dims: {B: 2, T: 10}\ninputs:"))
    assert json_of(capsys, path)["evaluated"]["macs"] == 640
    assert json_of(capsys, "--dim", "T=1", path)["evaluated"]["macs"] == 64


def test_a_bad_dims_entry_is_located(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write(tmp_path, SPEC.replace("inputs:", "dims:\n  B: 0\ninputs:"))
    code, out, _ = run(capsys, path)
    assert code == 1
    assert f"{path}:3:6: LS103 error: dims.B should be greater than 0, found the number 0" in out


def test_costs_add_columns_and_totals_to_the_table(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(tmp_path)
    _, plain, _ = run(capsys, path)
    assert "MACs" not in plain
    _, costs, _ = run(capsys, "--costs", "--dim", "B=2", path)
    header, _, row = costs.splitlines()[1:4]
    assert header.split()[-4:] == ["MACs", "act.", "bytes", "status"]
    assert row.split() == ["head", "Linear", "x", "[B=2,", "T,", "4]", "36", "64*T", "32*T", "ok"]
    assert "costs: 64*T MACs · 128*T FLOPs · params 144 bytes · activations 32*T bytes" in costs
    assert "FLOPs beyond the MACs: bias 8*T" in costs


def test_the_costs_setting_shows_them_and_the_cache_keeps_runs_apart(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["check", path]) == 0
    assert "MACs" not in capsys.readouterr().out
    assert main(["check", "--costs", path]) == 0  # not the cached table without costs
    assert "MACs" in capsys.readouterr().out
    assert main(["check", "--costs", "--dim", "B=3", path]) == 0
    assert "B=3" in capsys.readouterr().out
    (tmp_path / "pyproject.toml").write_text("[tool.lstmshape]\ncosts = true\n")
    assert main(["check", path]) == 0
    assert "MACs" in capsys.readouterr().out


def test_a_costs_setting_that_is_no_boolean_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.lstmshape]\ncosts = "yes"\n')
    code, _, err = run(capsys, path)
    assert code == 2
    assert "costs should be true or false, found the string 'yes'" in err


PACKED = """\
framework: torch
inputs:
  x: [B, T, 8]
  n: [B]
layers:
  - name: pack
    type: pack_padded_sequence
    input: x
    lengths: {lengths}
    batch_first: true
  - name: lstm
    type: LSTM
    input_size: 8
    hidden_size: 16
  - name: pad
    type: pad_packed_sequence
    input: lstm.output
    batch_first: true
"""

LSTM_STEP_MACS = 4 * 16 * (8 + 16)
"""One step of an LSTM(8, 16): four gates, each a (16, 8) and a (16, 16) product."""


def test_packed_sequences_of_unknown_lengths_are_priced_padded(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    report = json_of(capsys, write(tmp_path, PACKED.format(lengths="n")))
    lstm = report["layers"][1]
    assert lstm["macs"] == f"{LSTM_STEP_MACS}*B*T"
    assert lstm["bound"] == "padded"
    assert report["layers"][0]["bound"] == "padded"  # what pack writes: B*T rows at most
    assert report["bound"] == "padded"  # a total with a bound in it is a bound
    code, out, _ = run(capsys, "--costs", write(tmp_path, PACKED.format(lengths="n")))
    assert code == 0
    assert "<=0" in out  # pack's MACs: the cells of a bound start with <=
    assert (
        "costs at most (packed sequences of unknown lengths priced padded): "
        f"{LSTM_STEP_MACS:,}*B*T MACs"
    ) in out


def test_packed_sequences_of_given_lengths_count_their_steps(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = PACKED.format(lengths="[5, 3, 2]").replace("[B, T, 8]", "[3, 5, 8]")
    report = json_of(capsys, write(tmp_path, text.replace("  n: [B]\n", "")))
    assert report["layers"][1]["macs"] == LSTM_STEP_MACS * (5 + 3 + 2)
    assert report["layers"][1]["bound"] is None
    assert report["bound"] is None
