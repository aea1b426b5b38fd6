"""The positioned, safe YAML loader."""

from __future__ import annotations

import pytest
import yaml

from lstmshape import loader, yaml_events
from lstmshape.loader import load_yaml


def only_document(text: str) -> loader.Document:
    result = load_yaml(text)
    assert result.problems == []
    (document,) = result.documents
    return document


def test_values_and_keys_have_1_based_positions() -> None:
    document = only_document("framework: torch\nlayers:\n  - type: LSTM\n    hidden_size: 4\n")
    positions = document.positions
    assert positions.of_value(()) == (1, 1)
    assert positions.of_value(("framework",)) == (1, 12)
    assert positions.of_key(("framework",)) == (1, 1)
    assert positions.of_value(("layers", 0)) == (3, 5)
    assert positions.of_value(("layers", 0, "hidden_size")) == (4, 18)
    assert positions.of_key(("layers", 0, "hidden_size")) == (4, 5)
    # an unknown path falls back to its nearest known ancestor
    assert positions.of_value(("layers", 0, "nothing", 3)) == (3, 5)


def test_flow_sequence_items_have_their_own_positions() -> None:
    document = only_document("x: [B, 20, 8]\n")
    assert document.data == {"x": ["B", 20, 8]}
    assert document.positions.of_value(("x", 1)) == (1, 8)


def test_plain_types() -> None:
    document = only_document("a: 1\nb: 1.5\nc: true\nd: null\ne: '8'\nf: 2024-01-01\n")
    assert document.data == {"a": 1, "b": 1.5, "c": True, "d": None, "e": "8", "f": "2024-01-01"}


def test_merge_keys_and_aliases() -> None:
    text = (
        "base: &base {input_size: 8, hidden_size: 4}\n"
        "other: &other {hidden_size: 9, bias: false}\n"
        "a: {<<: *base, hidden_size: 16}\n"
        "b: {<<: [*base, *other]}\n"
        "c: *base\n"
    )
    data = only_document(text).data
    assert data["a"] == {"input_size": 8, "hidden_size": 16}  # written keys win
    assert data["b"] == {"input_size": 8, "hidden_size": 4, "bias": False}  # first merged wins
    assert data["c"] == {"input_size": 8, "hidden_size": 4}


def test_merged_values_are_located_at_the_alias() -> None:
    document = only_document("base: &b {n: 1, m: 2}\nlayer:\n  name: x\n  <<: *b\n  m: 3\n")
    assert document.data["layer"] == {"name": "x", "n": 1, "m": 3}
    assert document.positions.of_value(("layer", "n")) == (4, 7)
    assert document.positions.of_value(("layer", "m")) == (5, 6)  # written out wins


def test_merge_of_a_scalar_is_ls001() -> None:
    result = load_yaml("a: &a 1\nb: {<<: *a}\n")
    assert result.documents == []
    ((problem, position),) = result.problems
    assert problem.code == "LS001"
    assert position == (2, 9)


def test_duplicate_key_keeps_the_first_and_reports_the_second() -> None:
    result = load_yaml("a: 1\nb: 2\na: 3\n")
    (document,) = result.documents
    assert document.data == {"a": 1, "b": 2}
    ((problem, position),) = document.problems
    assert problem.code == "LS002"
    assert "already stands at line 1" in problem.message
    assert position == (3, 1)


@pytest.mark.parametrize(
    ("text", "position", "shown"),
    [
        ("a: !!python/object:os.system x\n", (1, 4), "!!python/object:os.system"),
        ("a: !custom 1\n", (1, 4), "!custom"),
        ("a: !!binary aGVsbG8=\n", (1, 4), "!!binary"),
        ("a: !!set {x}\n", (1, 4), "!!set"),
        ("a: !!python/name:os.system\n", (1, 4), "!!python/name:os.system"),
    ],
)
def test_tags_are_refused(text: str, position: tuple[int, int], shown: str) -> None:
    result = load_yaml(text)
    assert result.documents == []
    ((problem, where),) = result.problems
    assert problem.code == "LS003"
    assert f"tag {shown} is not allowed" in problem.message
    assert where == position


def test_standard_plain_tags_are_allowed() -> None:
    assert only_document("a: !!int '3'\nb: !!str 4\n").data == {"a": 3, "b": "4"}


EMPTY = "needs a value; an empty one cannot be read as"


@pytest.mark.parametrize(
    ("text", "position", "message"),
    [
        ("a: !!int\n", (1, 4), f"!!int {EMPTY} int"),
        ("a: !!float\nb: 1\n", (1, 4), f"!!float {EMPTY} float"),
        ("a: [!!bool , 2]\n", (1, 5), f"!!bool {EMPTY} bool"),
        ("a: !!int ''\n", (1, 4), f"!!int {EMPTY} int"),
        ("a: !!int _\n", (1, 4), "'_' cannot be read as int"),
        ("a: !!int +\n", (1, 4), "'+' cannot be read as int"),
        ("- &d 1\n- !!int *d\n", (2, 3), "a tag cannot stand before an alias: found !!int *d"),
        (
            "a: &d 1\nb: [!!float\t*d]\n",
            (2, 5),
            "a tag cannot stand before an alias: found !!float *d",
        ),
    ],
)
def test_a_tagged_value_its_tag_cannot_read_is_ls001(
    text: str, position: tuple[int, int], message: str
) -> None:
    result = load_yaml(text)
    assert result.documents == []
    ((problem, where),) = result.problems
    assert (problem.code, problem.message, where) == ("LS001", f"invalid YAML: {message}", position)


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("a: [1, 2\n", (2, 1)),
        ("a: b: c\n", (1, 5)),
        ("a:\n\t- 1\n", (2, 1)),
        ("- a\nb: 1\n", (2, 1)),
    ],
)
def test_syntax_errors_are_ls001_at_the_problem(text: str, position: tuple[int, int]) -> None:
    result = load_yaml(text)
    assert result.documents == []
    ((problem, where),) = result.problems
    assert problem.code == "LS001"
    assert problem.message.startswith("invalid YAML: ")
    assert where == position


def test_control_character_is_ls001() -> None:
    ((problem, _),) = load_yaml("a: \x07\n").problems
    assert problem.code == "LS001"


def test_depth_limit() -> None:
    depth = loader.MAX_DEPTH
    assert load_yaml("[" * depth + "]" * depth).problems == []
    result = load_yaml("[" * (depth + 1) + "]" * (depth + 1))
    ((problem, where),) = result.problems
    assert problem.code == "LS006"
    assert where == (1, depth + 1)


@pytest.mark.parametrize(
    ("text", "position"),
    [
        # the refused level is the 65th: here the 64th "[" under the top-level mapping,
        # where libyaml would stop at the 1,000th
        ("a: " + "[" * 5_000 + "]" * 5_000, (1, 3 + 64)),
        ("[{" * 3_000 + "}]" * 3_000, (1, 65)),
        # 1 + 30 levels spaced out, then the 34th dense "["
        ("a: " + "[ " * 30 + "[" * 3_000 + "]" * 3_030, (1, 3 + 60 + 34)),
        # 1 + 1 + 10 levels in blocks and flow mappings, then the 53rd dense "["
        ("k:\n  - " + "{a: " * 10 + "[" * 2_000 + "]" * 2_000 + "}" * 10, (2, 4 + 40 + 53)),
    ],
)
def test_the_depth_limit_is_reached_before_the_parser_s_however_dense(
    text: str, position: tuple[int, int]
) -> None:
    ((problem, where),) = load_yaml(text).problems
    assert (problem.code, where) == ("LS006", position)
    assert problem.message == f"the file nests deeper than {loader.MAX_DEPTH} levels"


class _ShallowParser(yaml.SafeLoader):
    """A PyYAML whose parser refuses nesting beyond 10 levels, with libyaml's message."""

    depth = 0

    def get_event(self) -> yaml.Event:
        event = super().get_event()
        if isinstance(event, yaml.CollectionStartEvent):
            self.depth += 1
            if self.depth > 10:
                mark = event.start_mark
                raise yaml.scanner.ScannerError(
                    "while increasing flow level", mark, "exceeded maximum nesting depth", mark
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            self.depth -= 1
        return event


def test_a_parser_s_nesting_limit_is_never_what_the_user_sees(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(yaml_events, "_EventSource", _ShallowParser)
    within = "a: " + "[" * 20 + "1" + "]" * 20 + "\n"
    assert only_document(within).data["a"] == [[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]
    ((problem, where),) = load_yaml("a: " + "[" * 100 + "]" * 100).problems
    assert (problem.code, where) == ("LS006", (1, 3 + 64))
    # other syntax errors are the first parser's own: it is not asked twice
    ((problem, _),) = load_yaml("a: [1, 2\n").problems
    assert problem.code == "LS001"


def test_alias_expansion_limit_stops_billion_laughs_quickly() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    result = load_yaml("\n".join(lines) + "\n")
    assert result.documents == []
    ((problem, _),) = result.problems
    assert problem.code == "LS006"
    assert "counting every alias" in problem.message


def test_aliases_within_the_limit_are_shared_not_copied() -> None:
    data = only_document("a: &a [1, 2]\nb: *a\n").data
    assert data["b"] is data["a"]


def test_several_documents() -> None:
    result = load_yaml("a: 1\n---\nb: 2\n")
    assert [document.data for document in result.documents] == [{"a": 1}, {"b": 2}]
    assert result.documents[1].positions.of_value(("b",)) == (3, 4)


def test_empty_text_has_no_document() -> None:
    assert load_yaml("").documents == []
    assert load_yaml("# only a comment\n").documents == []
