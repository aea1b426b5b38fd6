"""verify against real torch modules: a matching spec passes, and a spec whose
hidden_size, bidirectional, num_layers or wiring differs from the module is caught."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.verify.running import codes, messages, needs, spec_file, verify

pytestmark = pytest.mark.usefixtures("_torch")

TAGGER = "tests.verify.torch_models:Tagger"
SPEC = """\
framework: torch
inputs:
  x: [B, 10, 8]
layers:
  - name: encoder
    type: LSTM
    input_size: 8
    hidden_size: 16
    batch_first: true
  - name: head
    type: Linear
    input: 'encoder.output[:, -1]'
    in_features: 16
    out_features: 4
"""


@pytest.fixture
def _torch() -> None:
    needs("torch")


def test_a_matching_spec_passes(tmp_path: Path) -> None:
    code, document, _ = verify(spec_file(tmp_path, SPEC), "--module", TAGGER, "--dim", "B=3")
    assert codes(document) == []
    assert code == 0


def test_a_different_hidden_size_is_reported_at_its_key(tmp_path: Path) -> None:
    path = spec_file(tmp_path, SPEC)
    code, document, _ = verify(path, "--module", TAGGER, "--call", "hidden_size=32", "--dim", "B=3")
    assert code == 1
    found = codes(document)
    assert ("LS503", 8, 5) in found  # hidden_size:
    assert ("LS503", 13, 5) in found  # head's in_features:
    assert ("LS504", 5, 11) in found  # encoder's parameters, at its name
    assert any(
        message.startswith("encoder.hidden_size is 16 in the spec, but 32 in the model")
        for message in messages(document)
    )


def test_a_bidirectional_module_is_caught_though_the_spec_leaves_the_default(
    tmp_path: Path,
) -> None:
    path = spec_file(tmp_path, SPEC)
    _, document, _ = verify(
        path, "--module", TAGGER, "--call", "bidirectional=True", "--dim", "B=3"
    )
    found = codes(document)
    assert ("LS503", 6, 11) in found  # at the type: the spec does not write bidirectional
    assert any(
        "encoder.bidirectional is left at its default false in the spec, but true" in message
        for message in messages(document)
    )
    assert ("LS505", 5, 11) in found  # output and h_n: twice the features, twice the states


def test_a_different_num_layers_is_caught(tmp_path: Path) -> None:
    path = spec_file(tmp_path, SPEC)
    _, document, _ = verify(path, "--module", TAGGER, "--call", "num_layers=2", "--dim", "B=3")
    assert {code for code, _, _ in codes(document)} == {"LS503", "LS504", "LS505"}
    assert any(
        "encoder.h_n is [1, B, 16] = [1, 3, 16] by the spec, but the model makes "
        "[2, 3, 16]" in message
        for message in messages(document)
    )


def test_a_different_wiring_is_a_shape_difference(tmp_path: Path) -> None:
    path = spec_file(tmp_path, SPEC.replace("'encoder.output[:, -1]'", "encoder.output"))
    code, document, _ = verify(path, "--module", TAGGER, "--dim", "B=3")
    assert code == 1
    assert codes(document) == [("LS505", 10, 11)]  # head, at its name
    expect = SPEC + "    expect:\n      output: [B, 10, 4]\n"
    path = spec_file(tmp_path, expect.replace("'encoder.output[:, -1]'", "encoder.output"))
    _, document, _ = verify(path, "--module", TAGGER, "--dim", "B=3")
    assert codes(document) == [("LS505", 16, 15)]  # at the expect: entry


def test_module_names_the_path_and_undescribed_parameters_are_reported(tmp_path: Path) -> None:
    nested = SPEC.replace("type: LSTM", "type: GRU\n    module: body.rnn")
    code, document, _ = verify(
        spec_file(tmp_path, nested), "--module", "tests.verify.torch_models:Nested", "--dim", "B=2"
    )
    assert code == 1
    assert codes(document) == [("LS506", 4, 1)]
    assert "the model itself (Nested) holds 1 parameter that" in messages(document)[0]


def test_a_layer_the_model_lacks_is_ls501(tmp_path: Path) -> None:
    path = spec_file(tmp_path, SPEC.replace("encoder", "enc"))
    _, document, _ = verify(path, "--module", TAGGER, "--dim", "B=3")
    assert ("LS501", 5, 11) in codes(document)
    assert ("LS506", 4, 1) in codes(document)  # the model's encoder, which no layer is


def test_a_symbol_without_a_value_names_the_dim_to_give(tmp_path: Path) -> None:
    code, document, _ = verify(spec_file(tmp_path, SPEC), "--module", TAGGER)
    assert code == 1
    assert codes(document) == [("LS509", 3, 7)]
    assert "--dim B=N" in messages(document)[0]
    with_dims = SPEC.replace("layers:", "dims: {B: 2}\nlayers:")
    code, document, _ = verify(spec_file(tmp_path, with_dims), "--module", TAGGER)
    assert (code, codes(document)) == (0, [])


def test_a_forward_that_fails_is_ls507(tmp_path: Path) -> None:
    path = spec_file(
        tmp_path, SPEC.replace("[B, 10, 8]", "[B, 10, 6]").replace("size: 8", "size: 6")
    )
    _, document, _ = verify(path, "--module", TAGGER, "--dim", "B=3")
    assert ("LS507", 2, 1) in codes(document)


@pytest.mark.parametrize(
    ("module", "call", "said"),
    [
        ("tests.verify.no_such_module:Tagger", (), "no module named 'tests.verify.no_such_module'"),
        ("tests.verify.torch_models:Missing", (), "tests.verify.torch_models has no Missing"),
        ("tests.verify.torch_models", (), "write MODULE:NAME"),
        ("tests.verify.torch_models:failing_factory", (), "RuntimeError: no weights file"),
        ("tests.verify.torch_models:not_a_module", (), "not a torch.nn.Module"),
        (TAGGER, ("--call", "hidden_size=__import__('os')"), "is not a Python literal"),
        (TAGGER, ("--call", "units"), "write NAME=VALUE"),
        (TAGGER, ("--call", "units=3"), "unexpected keyword argument 'units'"),
    ],
)
def test_what_cannot_run_is_said_in_one_line_with_exit_2(
    tmp_path: Path, module: str, call: tuple[str, ...], said: str
) -> None:
    code, document, stderr = verify(spec_file(tmp_path, SPEC), "--module", module, *call)
    assert (code, document) == (2, None)
    assert said in stderr
    assert "Traceback" not in stderr
    assert len(stderr.splitlines()) == 1


def test_without_torch_verify_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "torch", None)  # import torch raises ImportError
    code, _, stderr = verify(
        spec_file(tmp_path, SPEC), "--module", "tests.verify.torch_models_plain:build"
    )
    assert code == 2
    assert "verify needs torch" in stderr


def test_a_spec_with_errors_is_reported_and_no_model_is_built(tmp_path: Path) -> None:
    path = spec_file(tmp_path, SPEC.replace("in_features: 16", "in_features: 17"))
    code, document, _ = verify(path, "--module", "tests.verify.torch_models:failing_factory")
    assert code == 1
    assert [c for c, _, _ in codes(document)] == ["LS301"]


@pytest.mark.parametrize("output_format", ["text", "github", "sarif"])
def test_every_format_of_check_reports_verify(tmp_path: Path, output_format: str) -> None:
    from click.testing import CliRunner

    from lstmshape.cli import cli

    path = spec_file(tmp_path, SPEC)
    args = ["verify", str(path), "--module", TAGGER, "--call", "hidden_size=32", "--dim", "B=3"]
    result = CliRunner().invoke(cli, [*args, "--format", output_format, "--no-color"])
    assert result.exit_code == 1
    assert "LS503" in result.stdout


def test_a_model_that_makes_cpu_tensors_runs_on_the_cpu(tmp_path: Path) -> None:
    module = "tests.verify.torch_models:ZeroState"
    code, document, _ = verify(spec_file(tmp_path, SPEC), "--module", module, "--dim", "B=3")
    assert (code, codes(document)) == (0, [])
