"""`lstmshape export`: what it writes, what it refuses, and its exit codes."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from lstmshape.cli import cli
from lstmshape.export import wiring
from tests.export.running import export_disagreements
from tests.export.shipped import ROOT

TUTORIAL = ROOT / "specs" / "torch-tutorial.yaml"
SEQ2SEQ = ROOT / "specs" / "keras-seq2seq.yaml"
BROKEN = ROOT / "tests" / "examples" / "negative" / "several-mistakes.yaml"


def export(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["export", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_a_clean_torch_spec_is_written_as_a_module_on_stdout() -> None:
    code, out, err = export(str(TUTORIAL), "--to", "torch")
    assert (code, err) == (0, "")
    assert "class LstmTutorial(nn.Module):" in out
    assert "        self.lstm = nn.LSTM(input_size=8, hidden_size=64, batch_first=True)" in out
    assert "lstm, (lstm_h_n, lstm_c_n) = self.lstm(x)" in out
    assert "        head = self.head(lstm[:, -1, :])  # [32, 1]\n" in out


def test_a_clean_keras_spec_is_written_as_a_function_building_a_model() -> None:
    code, out, err = export(str(SEQ2SEQ), "--to", "keras")
    assert (code, err) == (0, "")
    assert "def build_model() -> keras.Model:" in out
    assert "initial_state=[encoder_state_h, encoder_state_c]," in out


@pytest.mark.parametrize(("spec", "framework"), [(TUTORIAL, "torch"), (SEQ2SEQ, "keras")])
def test_the_module_imports_only_the_framework(spec: Path, framework: str) -> None:
    code, out, _ = export(str(spec), "--to", framework)
    assert code == 0
    imported: set[str] = set()
    for node in ast.walk(ast.parse(out)):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
    assert imported == {framework}


def test_output_goes_to_the_file(tmp_path: Path) -> None:
    target = tmp_path / "model.py"
    code, out, err = export(str(TUTORIAL), "--to", "torch", "-o", str(target))
    assert (code, out, err) == (0, "", "")
    assert target.read_text(encoding="utf-8") == export(str(TUTORIAL), "--to", "torch")[1]


def test_a_spec_with_errors_is_refused_with_its_diagnostics_and_exit_1(tmp_path: Path) -> None:
    target = tmp_path / "model.py"
    code, out, err = export(str(BROKEN), "--to", "torch", "-o", str(target))
    assert (code, out) == (1, "")
    assert f"{BROKEN}:11:17: LS301 error: enc.input_size is 10" in err
    assert "not exported: the spec has" in err
    assert not target.exists()


def test_a_warning_does_not_stop_the_export(tmp_path: Path) -> None:
    spec = tmp_path / "warned.yaml"
    spec.write_text(
        "framework: torch\ninputs: {x: [B, T, 8]}\nlayers:\n"
        "  - {type: LSTM, input_size: 8, hidden_size: 4, dropout: 0.5}\n"
    )
    code, out, err = export(str(spec), "--to", "torch")
    assert code == 0
    assert "LS401 warning" in err
    assert "nn.LSTM(input_size=8, hidden_size=4, dropout=0.5)" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.yaml", "--to", "torch"], "missing.yaml: no such file or directory"),
        ([".", "--to", "torch"], ".: is a directory; export writes one spec file"),
        (
            [str(TUTORIAL), "--to", "keras"],
            "the spec's framework is torch; export --to keras writes keras specs only",
        ),
    ],
)
def test_what_cannot_run_as_asked_exits_2(args: list[str], message: str) -> None:
    code, out, err = export(*args)
    assert (code, out) == (2, "")
    assert message in err


def test_the_framework_is_required() -> None:
    code, _, err = export(str(TUTORIAL))
    assert code == 2
    assert "--to" in err


def test_a_file_without_a_model_exits_1(tmp_path: Path) -> None:
    spec = tmp_path / "empty.yaml"
    spec.write_text("# nothing\n")
    code, out, err = export(str(spec), "--to", "torch")
    assert (code, out) == (1, "")
    assert "nothing to export" in err


def test_a_type_the_export_cannot_write_is_named_and_exits_2(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(wiring.NOT_EXPORTED, "torch", frozenset({"Linear"}))
    code, out, err = export(str(TUTORIAL), "--to", "torch")
    assert (code, out) == (2, "")
    assert "export cannot write torch's Linear yet" in err


def test_an_unwritable_output_exits_2(tmp_path: Path) -> None:
    code, _, err = export(str(TUTORIAL), "--to", "torch", "-o", str(tmp_path / "no" / "m.py"))
    assert code == 2
    assert "cannot write the module" in err


NAMES_PYTHON_HAS = """\
framework: torch
inputs:
  self: [B, T, 8]
  torch: [B, 4]
layers:
  - {name: type, type: LSTM, input_size: 8, hidden_size: 4, batch_first: true, input: self}
  - {name: class, type: add, input: 'type.h_n[-1]', other: torch}
  - {name: type_h_n, type: Linear, in_features: 4, out_features: 2}
  - {name: again, reuse: type_h_n, input: class}
"""


def test_names_python_or_nn_module_has_are_renamed_and_the_code_runs(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    spec = tmp_path / "names.yaml"
    spec.write_text(NAMES_PYTHON_HAS)
    code, out, _ = export(str(spec), "--to", "torch")
    assert code == 0
    assert "self.type_ = nn.LSTM(" in out  # nn.Module.type would hide the module
    assert "class_ = torch.add(type_h_n[-1], other=torch_)" in out
    assert "type_h_n_ = self.type_h_n(class_)" in out  # not type.h_n's variable
    assert "again = self.type_h_n(class_)" in out
    assert export_disagreements(yaml.safe_load(NAMES_PYTHON_HAS)) == []


BUILTIN_NAMES = {
    "torch": """\
framework: torch
inputs:
  input: [B, len, 8]
  list: [B, 4]
layers:
  - {name: len, type: LSTM, input_size: 8, hidden_size: 4, batch_first: true, input: input}
  - {name: lambda, type: add, input: 'len.h_n[-1]', other: list}
  - {name: max, type: Linear, in_features: 4, out_features: 2}
  - {name: id, type: reshape, input: len, shape: [B*len, 4]}
""",
    "keras": """\
framework: keras
inputs:
  input: [B, T, 8]
  id: [B, T]
layers:
  - {name: list, type: LSTM, units: 4, input: input, return_sequences: true}
  - {name: class, type: Dense, units: 2}
  - {name: sum, type: Add, input: [class, class]}
""",
}


def _bound_names(code: str) -> set[str]:
    """Every name the module binds: variables, parameters, functions and classes."""
    bound: set[str] = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            bound.add(node.id)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            bound.add(node.name)
    return bound


@pytest.mark.parametrize("framework", ["torch", "keras"])
def test_no_variable_shadows_a_builtin_whatever_the_spec_names(
    tmp_path: Path, framework: str
) -> None:
    import builtins
    import keyword

    spec = tmp_path / "names.yaml"
    spec.write_text(BUILTIN_NAMES[framework])
    code, out, _ = export(str(spec), "--to", framework)
    assert code == 0
    assert _bound_names(out) & (set(dir(builtins)) | set(keyword.kwlist)) == set()
    assert 'name="input"' in out or "self.len = " in out  # the spec's names stay the layers'
    if framework == "torch":
        pytest.importorskip("torch")
    else:
        pytest.importorskip("keras")

    assert export_disagreements(yaml.safe_load(BUILTIN_NAMES[framework])) == []


MASKED = {
    "torch": """\
framework: torch
inputs:
  x: [B, T, 8]
  pad: [B, T]
  causal: [T, T]
layers:
  - {name: att, type: MultiheadAttention, embed_dim: 8, num_heads: 2, batch_first: true,
     input: x, key: x, value: x, key_padding_mask: pad, attn_mask: causal}
""",
    "keras": """\
framework: keras
inputs:
  x: [B, 6, 6]
  frames: [B, 6]
  both: [B, 6, 6]
layers:
  - {name: gru, type: GRU, units: 4, input: x, mask: frames}
  - {name: mha, type: MultiHeadAttention, num_heads: 2, key_dim: 4, input: x, value: x,
     attention_mask: both}
  - {name: add, type: Add, input: [mha, both]}
""",
}


def test_an_input_read_as_a_mask_is_boolean_in_the_exported_code(tmp_path: Path) -> None:
    spec = tmp_path / "masked.yaml"
    spec.write_text(MASKED["keras"])
    code, out, _ = export(str(spec), "--to", "keras")
    assert code == 0
    assert 'frames = keras.Input(shape=(6,), batch_size=B, dtype="bool", name="frames")' in out
    assert 'both = keras.Input(shape=(6, 6), batch_size=B, name="both")' in out  # data too
    spec.write_text(MASKED["torch"])
    code, out, _ = export(str(spec), "--to", "torch")
    assert code == 0
    assert '"""Inputs: x: [B, T, 8], pad: [B, T] (bool), causal: [T, T] (bool)."""' in out


def test_torch_runs_the_exported_masks_as_bool_without_a_warning(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    import warnings

    spec = tmp_path / "masked.yaml"
    spec.write_text(MASKED["torch"])
    _, out, _ = export(str(spec), "--to", "torch")
    namespace: dict[str, object] = {}
    exec(compile(out, "masked.py", "exec"), namespace)
    model = namespace["Masked"]()  # type: ignore[operator]
    x, pad, causal = torch.zeros(2, 5, 8), torch.zeros(2, 5), torch.zeros(5, 5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model(x, pad.bool(), causal.bool())  # the dtype the docstring says
        with pytest.warns(UserWarning, match="mismatched key_padding_mask and attn_mask"):
            model(x, pad.bool(), causal)  # what one float mask beside a bool one costs


def test_keras_builds_the_exported_mask_input_as_bool(tmp_path: Path) -> None:
    pytest.importorskip("keras")

    from tests.oracle.export_runner import export_keras_spec

    spec = yaml.safe_load(MASKED["keras"])
    _, exported = export_keras_spec(spec)
    assert exported is not None
    namespace: dict[str, object] = {}
    exec(compile(exported.code, "masked.py", "exec"), namespace)
    model = namespace["build_model"](B=2)  # type: ignore[operator]
    assert [str(tensor.dtype) for tensor in model.inputs] == ["float32", "bool", "float32"]
    assert export_disagreements(spec) == []


def test_a_bug_in_the_export_is_said_as_such_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from lstmshape.export import torch_code

    def broken(*args: object) -> None:
        raise KeyError("x")

    monkeypatch.setattr(torch_code, "export_torch", broken)
    code, out, err = export(str(TUTORIAL), "--to", "torch")
    assert (code, out) == (1, "")
    assert "lstmshape failed to export this spec: KeyError: 'x'; this is a bug in lstmshape" in err


def test_the_spec_itself_is_never_the_output(tmp_path: Path) -> None:
    spec = tmp_path / "model.yaml"
    spec.write_bytes(TUTORIAL.read_bytes())
    code, out, err = export(str(spec), "--to", "torch", "-o", str(spec))
    assert (code, out) == (2, "")
    assert "is the spec itself" in err
    assert spec.read_bytes() == TUTORIAL.read_bytes()


BACKWARD_OF_OTHER_UNITS = """\
framework: keras
inputs:
  x: [B, 2, 3]
layers:
  - name: bi1
    type: Bidirectional
    layer: {type: GRU, units: 2}
    backward_layer: {type: GRU, units: 3, go_backwards: true}
  - {type: Dense, units: 5}
"""


def test_a_model_keras_builds_but_cannot_run_functionally_is_refused_saying_why(
    tmp_path: Path,
) -> None:
    # Oracle seed 466: the functional model sizes the Dense for 4 features, gets 5 and raises.
    spec = tmp_path / "bi.yaml"
    spec.write_text(BACKWARD_OF_OTHER_UNITS)
    code, out, err = export(str(spec), "--to", "keras")
    assert (code, out) == (2, "")
    assert "bi1 is a Bidirectional whose backward_layer has 3 units and layer 2" in err


def test_a_backward_layer_of_other_states_is_refused_when_the_states_are_returned(
    tmp_path: Path,
) -> None:
    # Export oracle seed 909091: a GRU forwards and an LSTM backwards return 3 states when
    # they run; Keras's functional model counts the GRU's for both, and the code fails.
    spec = tmp_path / "bi.yaml"
    text = BACKWARD_OF_OTHER_UNITS.replace("units: 3, go_backwards", "units: 2, go_backwards")
    spec.write_text(text.replace("backward_layer: {type: GRU", "backward_layer: {type: LSTM"))
    code, out, _ = export(str(spec), "--to", "keras")
    assert code == 0  # without return_state, only the output is read: the code runs
    spec.write_text(spec.read_text().replace("units: 2}", "units: 2, return_state: true}"))
    spec.write_text(
        spec.read_text().replace("go_backwards: true}", "go_backwards: true, return_state: true}")
    )
    code, out, err = export(str(spec), "--to", "keras")
    assert (code, out) == (2, "")
    assert "bi1 is a Bidirectional whose backward_layer returns 2 states and its layer 1" in err


CAUSAL_OVER_THE_BATCH = """\
framework: keras
inputs:
  x: [B, 4, 2]
layers:
  - {name: rnn, type: SimpleRNN, units: 1}
  - {name: attention, type: Attention, input: [rnn, rnn], use_causal_mask: true}
  - {name: dense, type: Dense, units: 2, input: 'attention.output[:, -1]'}
"""


def test_causal_attention_over_a_query_without_steps_is_refused_saying_why(
    tmp_path: Path,
) -> None:
    # Export oracle seed 961132: the layer returns [1, B, 1] when it runs, but the functional
    # model takes [B, 1], so attention.output[:, -1] is 1-D there and the Dense fails to build.
    spec = tmp_path / "causal.yaml"
    spec.write_text(CAUSAL_OVER_THE_BATCH)
    code, out, err = export(str(spec), "--to", "keras")
    assert (code, out) == (2, "")
    assert "attention is an Attention with use_causal_mask over a 2-D query [B, 1]" in err
    without = CAUSAL_OVER_THE_BATCH.replace(", use_causal_mask: true", "")
    spec.write_text(without.replace("'attention.output[:, -1]'", "attention"))
    code, out, err = export(str(spec), "--to", "keras")
    assert code == 0  # the same attention across the batch, declared as it runs: warned only
    assert "LS414" in err


PACKED_DATA = """\
framework: torch
inputs:
  x: [4, 4, 7]
layers:
  - {name: pack, type: pack_padded_sequence, lengths: [3, 3, 2, 2], batch_first: true}
  - {name: gru, type: GRU, input_size: 7, hidden_size: 2, batch_first: true}
  - {name: probs, type: softmax, dim: -1, input: gru.data}
"""


def test_a_packed_outputs_data_exports_as_its_attribute() -> None:
    # LAYER.data reads a PackedSequence's data; the export looked for a tensor named
    # data and crashed (torch export oracle, seed 901633).
    pytest.importorskip("torch")
    spec = yaml.safe_load(PACKED_DATA)
    assert export_disagreements(spec) == []


BACKWARD_OF_ANOTHER_WINDOW = """\
framework: keras
inputs:
  x: [B, 3, 6, 5, 2]
layers:
  - name: bi1
    type: Bidirectional
    merge_mode: null
    layer: {type: ConvLSTM2D, filters: 4, kernel_size: 3}
    backward_layer: {type: ConvLSTM2D, filters: 4, kernel_size: 1, go_backwards: true}
  - {type: Flatten, input: bi1.backward_output}
  - {type: Dense, units: 5}
"""


def test_convlstm_directions_of_other_windows_are_refused_saying_why(tmp_path: Path) -> None:
    """Keras runs them (backward frames of 6 x 5, not 4 x 3: LS350), but its functional
    model sizes the Dense for the forward layer's frames and fails when it runs."""
    spec = tmp_path / "bi.yaml"
    spec.write_text(BACKWARD_OF_ANOTHER_WINDOW)
    code, out, err = export(str(spec), "--to", "keras")
    assert (code, out) == (2, "")
    assert "bi1 is a Bidirectional whose backward_layer has another type or filters and " in err
    keras = pytest.importorskip("keras")
    torch = pytest.importorskip("torch")
    layers = keras.layers
    x = keras.Input(batch_shape=(2, 3, 6, 5, 2))
    backward = layers.ConvLSTM2D(4, 1, go_backwards=True)
    bi = layers.Bidirectional(layers.ConvLSTM2D(4, 3), backward_layer=backward, merge_mode=None)
    _, back = bi(x)
    model = keras.Model(x, layers.Dense(5)(layers.Flatten()(back)))
    with pytest.raises(ValueError, match="incompatible with the layer"):
        model(torch.zeros(2, 3, 6, 5, 2))
