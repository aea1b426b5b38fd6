"""What a drawing shows, before any format: nodes, edges, shapes and diagnostics."""

from __future__ import annotations

from pathlib import Path

import pytest

from lstmshape.config import Settings
from lstmshape.drawing.labels import shown
from lstmshape.drawing.picture import Picture, build_picture
from lstmshape.loader import load_yaml
from lstmshape.models.spec import parse_spec
from lstmshape.runner import check_text
from lstmshape.suppression import apply_settings
from tests.drawing.specs import ROOT, SHIPPED, layer_names, reference_count


def picture_of(text: str) -> Picture:
    """The picture ``lstmshape graph`` draws: the report with the spec's suppressions applied."""
    (report,) = check_text(text, "spec.yaml")
    report = apply_settings(report, Settings())
    document = load_yaml(text).documents[0]
    spec, _ = parse_spec(document.data, "spec")
    assert spec is not None
    return build_picture(spec, report, document.positions)


def picture_of_file(path: Path) -> Picture:
    return picture_of(path.read_text(encoding="utf-8"))


def edges(picture: Picture) -> list[tuple[str, str, str, str, bool]]:
    names = {node.id: node.name for node in picture.nodes}
    return [
        (names[edge.source], names[edge.target], edge.reference, edge.shape, edge.state)
        for edge in picture.edges
    ]


@pytest.mark.parametrize("spec", SHIPPED, ids=lambda path: path.stem)
def test_one_node_per_layer_and_one_edge_per_reference(spec: Path) -> None:
    picture = picture_of_file(spec)
    assert [node.name for node in picture.layers] == layer_names(spec)
    assert len(picture.edges) == reference_count(spec)
    assert not picture.diagnostics


def test_encoder_decoder_edges_carry_the_shapes_and_tell_states_apart() -> None:
    picture = picture_of_file(ROOT / "specs" / "torch-encoder-decoder.yaml")
    assert edges(picture) == [
        ("x", "encoder", "x", "[B, 50, 32]", False),
        ("y", "decoder", "y", "[B, 20, 16]", False),
        ("encoder", "decoder", "encoder.h_n", "[4, B, 128]", True),
        ("encoder", "decoder", "encoder.c_n", "[4, B, 128]", True),
        ("decoder", "head", "decoder.output[:, -1, :]", "[B, 128]", False),
    ]


def test_an_index_in_a_reference_gives_the_edge_its_indexed_shape() -> None:
    picture = picture_of_file(ROOT / "specs" / "torch-projected-gru-stack.yaml")
    assert edges(picture)[-1] == ("gru", "rnn", "gru.h_n[:, :, :16]", "[1, B, 16]", True)


def test_states_read_as_inputs_are_state_edges() -> None:
    picture = picture_of_file(ROOT / "specs" / "torch-bilstm-classifier.yaml")
    cat_inputs = [edge for edge in edges(picture) if edge[1] == "last_states"]
    assert cat_inputs == [
        ("lstm", "last_states", "lstm.h_n[-2]", "[batch, 64]", True),
        ("lstm", "last_states", "lstm.h_n[-1]", "[batch, 64]", True),
    ]


def test_a_keras_input_shape_is_drawn_as_the_model_input() -> None:
    picture = picture_of_file(ROOT / "specs" / "keras-tutorial.yaml")
    (model_input,) = [node for node in picture.nodes if node.kind == "input"]
    assert (model_input.name, model_input.lines) == ("input_shape", ["[?, 10, 8]"])
    assert edges(picture)[0] == ("input_shape", "lstm", "input_shape", "[?, 10, 8]", False)


def test_a_layer_shows_its_type_arguments_tensors_and_params() -> None:
    picture = picture_of_file(ROOT / "specs" / "torch-tutorial.yaml")
    assert picture.layers[0].lines == [
        "LSTM",
        "input_size=8, hidden_size=64",
        "batch_first=true",
        "output [32, 10, 64]",
        "h_n [1, 32, 64]",
        "c_n [1, 32, 64]",
        "18,944 params",
    ]
    assert picture.title == "lstm-tutorial (torch) · 19,009 params"


def test_a_wrapped_layer_is_one_argument_and_quiet_arguments_are_left_out() -> None:
    picture = picture_of(
        "framework: keras\ninputs: {x: [4, 10, 8]}\nlayers:\n"
        "  - type: Bidirectional\n"
        "    layer: {type: LSTM, units: 64, kernel_initializer: zeros}\n"
        "    merge_mode: sum\n"
        "    trainable: false\n"
    )
    (layer,) = picture.layers
    assert layer.arguments == ("layer=LSTM(units=64), merge_mode=sum",)


def test_a_reference_to_nothing_defined_above_gets_a_missing_node() -> None:
    picture = picture_of(
        "framework: torch\ninputs: {x: [4, 10, 8]}\nlayers:\n"
        "  - {name: head, type: Linear, in_features: 8, out_features: 2, input: enc.h_n}\n"
        "  - {name: enc, type: LSTM, input_size: 8, hidden_size: 8, input: x}\n"
    )
    missing = [node for node in picture.nodes if node.kind == "missing"]
    assert [(node.name, node.status, node.lines) for node in missing] == [
        ("enc", "error", ["not defined above"])
    ]
    assert edges(picture)[0] == ("enc", "head", "enc.h_n", "?", True)


def test_a_malformed_reference_draws_no_edge_and_marks_its_layer() -> None:
    picture = picture_of(
        "framework: torch\ninputs: {x: [4, 10, 8]}\nlayers:\n"
        "  - {name: head, type: Linear, in_features: 8, out_features: 2, input: 'x[:'}\n"
    )
    assert picture.edges == ()
    assert [d.code for d in picture.layers[0].diagnostics] == ["LS201"]


def test_a_diagnostic_is_marked_on_the_layer_where_it_stands() -> None:
    # both layers are named rnn: the duplicate name is the second layer's mistake
    picture = picture_of(
        "framework: torch\ninputs: {x: [4, 10, 8]}\nlayers:\n"
        "  - name: rnn\n    type: GRU\n    input_size: 8\n    hidden_size: 8\n"
        "  - name: rnn\n    type: GRU\n    input_size: 8\n    hidden_size: 8\n"
    )
    first, second = picture.layers
    assert (first.status, [d.code for d in second.diagnostics]) == ("ok", ["LS106"])


def test_a_diagnostic_on_an_input_marks_the_input() -> None:
    picture = picture_of(
        "framework: torch\ninputs: {x: [4, 0, 8]}\nlayers:\n"
        "  - {type: GRU, input_size: 8, hidden_size: 8}\n"
    )
    (model_input,) = [node for node in picture.nodes if node.kind == "input"]
    assert [d.code for d in model_input.diagnostics] == ["LS107"]
    assert model_input.status == "error"


def test_a_diagnostic_about_no_input_or_layer_is_kept_apart() -> None:
    picture = picture_of(
        "framework: torch\nextra: 1\ninputs: {x: [4, 10, 8]}\nlayers:\n"
        "  - {type: GRU, input_size: 8, hidden_size: 8}\n"
    )
    assert [d.code for d in picture.unplaced] == ["LS101"]
    assert all(node.status == "ok" for node in picture.nodes)
    assert picture.caption[1] == "on the spec itself: error LS101"  # under the drawing's title


def test_shown_escapes_invisible_characters_and_cuts_long_text() -> None:
    assert shown("a\x1b[31mb\u202ec\nd") == "a\\x1b[31mb\\u202ec\\x0ad"
    assert shown("x" * 100) == "x" * 59 + "…"
    assert shown("\x00" * 100, 10) == "\\x00\\x00\\…"


def test_a_layer_that_could_not_be_checked_is_unchecked_as_in_the_table() -> None:
    picture = picture_of_file(ROOT / "tests" / "examples" / "negative" / "several-mistakes.yaml")
    statuses = {node.name: node.status for node in picture.layers}
    assert statuses == {"enc": "error", "mid": "error", "head": "unchecked", "aux": "error"}
