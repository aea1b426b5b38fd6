"""verify against real Keras models built by factories: a matching spec passes, and a spec
whose units, bidirectional, stacked layers or wiring differs from the model is caught."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.verify.running import codes, messages, needs, spec_file, verify

pytestmark = pytest.mark.usefixtures("_keras")

TAGGER = "tests.verify.keras_models:build_tagger"
SPEC = """\
framework: keras
inputs:
  x: [null, 10, 8]
layers:
  - name: encoder
    type: LSTM
    units: 16
  - name: head
    type: Dense
    units: 4
"""


@pytest.fixture
def _keras() -> None:
    needs("keras")


def test_a_matching_spec_passes(tmp_path: Path) -> None:
    code, document, _ = verify(spec_file(tmp_path, SPEC), "--module", TAGGER)
    assert (code, codes(document)) == (0, [])


def test_a_symbolic_batch_needs_no_value(tmp_path: Path) -> None:
    path = spec_file(tmp_path, SPEC.replace("[null, 10, 8]", "[B, 10, 8]"))
    code, document, _ = verify(path, "--module", TAGGER)
    assert (code, codes(document)) == (0, [])


def test_different_units_are_reported_at_the_key(tmp_path: Path) -> None:
    code, document, _ = verify(spec_file(tmp_path, SPEC), "--module", TAGGER, "--call", "units=32")
    assert code == 1
    assert ("LS503", 7, 5) in codes(document)
    assert ("LS504", 5, 11) in codes(document)
    assert any(
        message.startswith("encoder.units is 16 in the spec, but 32 in the model")
        for message in messages(document)
    )


def test_a_bidirectional_model_is_caught(tmp_path: Path) -> None:
    _, document, _ = verify(
        spec_file(tmp_path, SPEC), "--module", TAGGER, "--call", "bidirectional=True"
    )
    assert ("LS502", 6, 11) in codes(document)
    bidirectional = SPEC.replace(
        "type: LSTM\n    units: 16", "type: Bidirectional\n    layer: {type: LSTM, units: 16}"
    )
    code, document, _ = verify(
        spec_file(tmp_path, bidirectional), "--module", TAGGER, "--call", "bidirectional=True"
    )
    assert (code, codes(document)) == (0, [])
    code, document, _ = verify(
        spec_file(tmp_path, bidirectional.replace("units: 16}", "units: 8}")),
        "--module",
        TAGGER,
        "--call",
        "bidirectional=True",
    )
    assert ("LS503", 7, 25) in codes(document)  # the wrapped layer's units:


def test_a_stacked_model_is_caught(tmp_path: Path) -> None:
    _, document, _ = verify(spec_file(tmp_path, SPEC), "--module", TAGGER, "--call", "stacked=True")
    assert ("LS506", 4, 1) in codes(document)  # the first LSTM, which no layer describes
    assert ("LS504", 5, 11) in codes(document)  # encoder reads 16 features, not 8


def test_a_different_wiring_is_a_shape_difference(tmp_path: Path) -> None:
    code, document, _ = verify(
        spec_file(tmp_path, SPEC), "--module", TAGGER, "--call", "every_step=True"
    )
    assert code == 1
    assert ("LS503", 6, 11) in codes(document)  # return_sequences, left at its default
    assert ("LS505", 5, 11) in codes(document)
    assert any(
        "encoder.output is [?, 16] by the spec, but the model makes [?, 10, 16]" in m
        for m in messages(document)
    )


def test_an_input_of_another_shape_is_ls505(tmp_path: Path) -> None:
    path = spec_file(tmp_path, SPEC.replace("[null, 10, 8]", "[null, 12, 8]"))
    _, document, _ = verify(path, "--module", TAGGER)
    assert ("LS505", 3, 6) in codes(document)


def test_module_names_a_layer_and_a_missing_one_is_ls501(tmp_path: Path) -> None:
    renamed = SPEC.replace("name: encoder", "name: rnn\n    module: encoder")
    code, document, _ = verify(spec_file(tmp_path, renamed), "--module", TAGGER)
    assert (code, codes(document)) == (0, [])
    path = spec_file(tmp_path, SPEC.replace("name: encoder", "name: rnn"))
    _, document, _ = verify(path, "--module", TAGGER)
    assert ("LS501", 5, 11) in codes(document)
    assert ("LS506", 4, 1) in codes(document)


def test_without_keras_verify_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "keras", None)  # import keras raises ImportError
    module = "tests.verify.torch_models_plain:build"
    code, document, stderr = verify(spec_file(tmp_path, SPEC), "--module", module)
    assert (code, document) == (2, None)
    assert "verify needs Keras" in stderr
    assert "Traceback" not in stderr


def test_a_factory_that_returns_no_model_is_exit_2(tmp_path: Path) -> None:
    module = "tests.verify.torch_models_plain:build"
    code, _, stderr = verify(spec_file(tmp_path, SPEC), "--module", module)
    assert code == 2
    assert "returned an instance of object, not a keras.Model" in stderr
