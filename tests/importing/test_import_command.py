"""``lstmshape import``'s output and options, on committed Keras-saved JSON (no Keras needed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from lstmshape.cli import cli
from lstmshape.importing import reading
from tests.importing.make_fixtures import FIXTURES

SEQ2SEQ = """\
# Imported by lstmshape from encoder_decoder.json: B is the batch, T the timesteps; see
# the README's import section for the other symbols.
framework: keras
name: seq2seq
inputs:
  encoder_inputs: [B, T, 20]
  decoder_inputs: [B, T, 30]
layers:
  - name: encoder
    type: LSTM
    input: encoder_inputs
    units: 32
    return_state: true
  - name: decoder
    type: LSTM
    input: decoder_inputs
    units: 32
    return_sequences: true
    initial_state: [encoder.state_h, encoder.state_c]
  - name: decoder_dense
    type: Dense
    units: 30
    activation: softmax
"""


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["import", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_a_functional_model_is_written_with_only_its_non_default_arguments() -> None:
    assert invoke(str(FIXTURES / "encoder_decoder.json")) == (0, SEQ2SEQ, "")


def test_keras_s_saved_defaults_are_not_written() -> None:
    """Bidirectional's backward_layer (the layer run backwards), pooling strides equal to
    pool_size, initializers under their second names, channels_last: Keras's defaults."""
    printed = invoke(str(FIXTURES / "bidirectional_classifier.json"))[1]
    assert "    layer: {type: LSTM, units: 16, return_sequences: true}\n" in printed
    assert "backward_layer" not in printed
    assert "initializer" not in printed
    forecaster = invoke(str(FIXTURES / "conv_forecaster.json"))[1]
    assert "  - name: max_pooling1d\n    type: MaxPooling1D\n  - name:" in forecaster
    assert "data_format" not in forecaster


def test_the_spec_goes_to_the_output_file(tmp_path: Path) -> None:
    output = tmp_path / "seq2seq.yaml"
    assert invoke(str(FIXTURES / "encoder_decoder.json"), "-o", str(output)) == (0, "", "")
    assert output.read_text(encoding="utf-8") == SEQ2SEQ


def test_the_check_s_errors_are_placed_in_the_spec_written(tmp_path: Path) -> None:
    model = (FIXTURES / "encoder_decoder.json").read_text(encoding="utf-8")
    broken = tmp_path / "broken.json"  # the decoder started from states of the wrong size
    broken.write_text(model.replace('"units": 32,\n', '"units": 24,\n', 1), encoding="utf-8")
    output = tmp_path / "broken.yaml"
    exit_code, printed, errors = invoke(str(broken), "-o", str(output))
    assert (exit_code, printed) == (1, "")
    assert errors.startswith(f"{output}:19:") and " error: " in errors
    assert invoke(str(broken), "--no-check") == (0, output.read_text(encoding="utf-8"), "")


def test_a_file_beyond_the_size_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reading, "MAX_CONFIG_BYTES", 100)
    path = tmp_path / "big.json"
    path.write_text("{}" + " " * 200, encoding="utf-8")
    exit_code, _, errors = invoke(str(path))
    assert exit_code == 1
    assert " LS510 error: the file is larger than " in errors


def test_a_malformed_tensor_reference_is_a_diagnostic(tmp_path: Path) -> None:
    model = (FIXTURES / "encoder_decoder.json").read_text(encoding="utf-8")
    path = tmp_path / "m.json"
    history = '"keras_history": [\n          "encoder_inputs",\n          0,\n          0'
    assert history in model
    path.write_text(model.replace(history, history[:-1] + '"x"', 1), encoding="utf-8")
    exit_code, printed, errors = invoke(str(path))
    assert (exit_code, printed) == (1, "")
    assert " LS510 error: encoder reads ''" in errors


def test_a_bug_in_the_import_is_said_as_such_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lstmshape.importing import graph

    def broken(document: object) -> None:
        raise KeyError("boom")

    monkeypatch.setattr(graph, "convert_model", broken)
    exit_code, _, errors = invoke(str(FIXTURES / "encoder_decoder.json"))
    assert exit_code == 1
    assert " LS009 error: lstmshape failed to import this file: KeyError" in errors
