"""The PyYAML-free reader against PyYAML: whatever it reads, it reads as PyYAML does.

Each comparison takes the reader's value and 1-based positions of every value
and key, and the loader's from PyYAML's events (:mod:`lstmshape.yaml_events`),
with types compared exactly (``1``, ``1.0`` and ``True`` are equal in Python).
Documents outside the reader's part of YAML must be left to PyYAML (None).
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from lstmshape.block_yaml import read_block_yaml
from lstmshape.loader import load_yaml
from lstmshape.yaml_events import load_with_pyyaml

ROOT = Path(__file__).resolve().parents[1]
CORPUS = sorted(
    path
    for pattern in ("*.yaml", "*.yml")
    for path in ROOT.glob(f"**/{pattern}")
    if ".git" not in path.parts
)


def typed(value: Any) -> Any:
    """``value`` with every scalar's type beside it, so that equality is exact."""
    if isinstance(value, dict):
        return ("dict", [(typed(key), typed(item)) for key, item in value.items()])
    if isinstance(value, list):
        return ("list", [typed(item) for item in value])
    return (type(value).__name__, repr(value))


def assert_same_as_pyyaml(text: str) -> bool:
    """Whether the reader read ``text``; if it did, it agrees with PyYAML entirely."""
    read = read_block_yaml(text)
    if read is None:
        return False
    loaded = load_with_pyyaml(text)
    assert loaded.problems == [], text
    (document,) = loaded.documents
    assert document.problems == [], text
    assert typed(read.data) == typed(document.data), text
    assert read.values == document.positions.values, text
    assert read.keys == document.positions.keys, text
    # what a check reads: the data alone, and the positions when a diagnostic asks
    unplaced = read_block_yaml(text, positions=False)
    assert unplaced is not None and (unplaced.values, unplaced.keys) == ({}, {}), text
    assert typed(unplaced.data) == typed(read.data), text
    (checked,) = load_yaml(text).documents
    assert checked.positions.values == read.values, text
    assert checked.positions.keys == read.keys, text
    return True


def test_the_corpus_is_found() -> None:
    assert len(CORPUS) > 150


@pytest.mark.parametrize("path", CORPUS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_yaml_file_of_the_repository(path: Path) -> None:
    text = path.read_bytes().decode("utf-8", "replace")
    assert_same_as_pyyaml(text)


def test_it_reads_most_specs_itself() -> None:
    """Otherwise the comparisons above would pass by reading nothing."""
    specs = [path for path in CORPUS if "hostile" not in path.parts]
    read = [path for path in specs if read_block_yaml(path.read_bytes().decode("utf-8", "replace"))]
    assert len(read) >= 0.8 * len(specs), [p.name for p in specs if p not in read]


SPEC = """\
framework: torch
name: tagger
inputs:
  x: [B, T, 32]
layers:
  - name: encoder
    type: LSTM
    input_size: 32
    hidden_size: 64
    batch_first: true
  - name: head
    type: Linear
    input: encoder.output[:, -1, :]
    in_features: 64
    out_features: 10
"""


def test_a_typical_spec_is_read_without_pyyaml() -> None:
    assert assert_same_as_pyyaml(SPEC)
    assert load_yaml(SPEC).documents[0].positions.of_value(("layers", 1, "input")) == (13, 12)


def test_flow_collections_on_one_line_are_read() -> None:
    text = "a: [[1, 2], {b: [B, 2*T], 'c': .}]  # c\nl:\n  - {type: Dense, units: -1}\n"
    assert assert_same_as_pyyaml(text)
    read = read_block_yaml(text)
    assert read is not None
    assert read.data == {
        "a": [[1, 2], {"b": ["B", "2*T"], "c": "."}],
        "l": [{"type": "Dense", "units": -1}],
    }
    assert read.keys[("a", 1, "c")] == (1, 27)


@pytest.mark.parametrize(
    "text",
    [
        "a: &x 1\nb: *x\n",  # anchors and aliases
        "-: -\n",  # a sequence entry where a value stands: invalid (hypothesis found it)
        "a: !!str 1\n",  # tags
        "base: {n: 1}\nl:\n  <<: {m: 2}\n",  # merges, flow mappings
        "a: |\n  text\n",  # block scalars
        "a: one\n  two\n",  # multi-line plain scalars
        "a: 'it''s'\n",  # quote escapes
        'a: "\\t"\n',  # escapes
        "a: [x, y: z]\n",  # a pair in a flow sequence
        "a: {b: 1, b: 2}\n",  # a duplicate key in a flow mapping
        "a: [1,\n  2]\n",  # flow over lines
        "a: 1\n---\nb: 2\n",  # several documents
        "a: 1\na: 2\n",  # a duplicate key (LS002)
        "a: caf\u00e9\n",  # beyond ASCII
        "a:\t1\n",  # a tab
        "a: 1e-3\nb: 0x10\nc: 1_000\nd: .5\n",  # other number forms
        "a: 2024-01-01\n",  # a date
        "a: 99999999999999999999\n",  # beyond int64 (LS006)
        "a: b: c\n",  # a syntax error
        "a:: 1\nb: a:\n",  # the same, after a key that ends in a colon
        "  a: 1\n",  # an indented document
        "",  # no document
        "# only a comment\n",
    ],
)
def test_what_it_leaves_to_pyyaml(text: str) -> None:
    assert read_block_yaml(text) is None
    loaded, expected = load_yaml(text), load_with_pyyaml(text)
    assert loaded.problems == expected.problems
    assert [typed(document.data) for document in loaded.documents] == [
        typed(document.data) for document in expected.documents
    ]


# Generated documents: spec-like YAML, in and beyond the reader's part.

WORDS = st.sampled_from(
    [
        "a", "x", "name", "LSTM", "encoder.output[:, -1, :]", "true", "False", "yes", "off",
        "null", "~", "Null", "0", "-1", "+3", "007", "12", "1.5", "-0.0", "1.", "1.0e+3",
        "1e3", ".5", "0x1F", "1_0", "2024-01-01", "<<", "=", "a#b", "a #b", "a:b", "http://x",
        "-x", "-", "?x", ":x", "a'b", 'a"b', "'q'", '"d"', "''", "'it''s'", '"e\\n"', "&a",
        "*a", "!t", "|", ">", "%", "@", "`", "[]", "[ ]", "{}", "[B, T, 8]", "[-1, 2]",
        "[a, [b]]", "[a,]", "[a, 'b c']", "[a: b]", "B T", "9" * 25,
    ]
)  # fmt: skip


@st.composite
def documents(draw: st.DrawFn, depth: int = 0, indent: int = 0, mapping: bool = False) -> str:
    """A block mapping or sequence at ``indent``, with odd spacing and comments now and then."""
    lines: list[str] = []
    pad = " " * indent
    sequence = not mapping and draw(st.booleans())
    for entry in range(draw(st.integers(1, 4))):
        if entry and draw(st.integers(0, 9)) == 0:
            lines.append(pad + draw(st.sampled_from(["# c", "", "  # deeper", "#"])))
        head = pad + (
            "-" + " " * draw(st.integers(1, 2))
            if sequence
            else draw(WORDS) + draw(st.sampled_from([":", " :"]))
        )
        shape = draw(st.integers(0, 5 if depth < 3 else 2))
        if shape <= 2:
            space = "" if sequence else draw(st.sampled_from([" ", "  "]))
            comment = draw(st.sampled_from(["", "", " # c", "#c", "  "]))
            lines.append(head + space + draw(WORDS) + comment)
        elif shape == 3 and sequence:  # a mapping starting on the dash's line
            inner = draw(documents(depth + 1, len(head), mapping=True))
            lines.append(head + inner[len(head) :].rstrip("\n"))
        elif shape == 4 and not sequence:  # nothing after the colon
            lines.append(head + draw(st.sampled_from(["", " # c"])))
        else:
            lines.append(head.rstrip(" ") + draw(st.sampled_from(["", " # c"])))
            step = draw(st.sampled_from([0, 1, 2, 4])) if not sequence else 2
            lines.append(draw(documents(depth + 1, indent + step)).rstrip("\n"))
    return "\n".join(lines) + "\n"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_generated_documents(text: str) -> None:
    event("read" if assert_same_as_pyyaml(text) else "left to PyYAML")


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2**32), st.sampled_from(CORPUS))
def test_corpus_files_with_a_character_changed(seed: int, path: Path) -> None:
    """Edits of real specs: one character inserted, removed or replaced, a line moved."""
    text = path.read_bytes().decode("utf-8", "replace")
    if not text:
        return
    chance = random.Random(seed)
    where = chance.randrange(len(text))
    character = chance.choice(" \n-:#[],'\"&*!|>{}?%@`\tx01.")
    edit = chance.randrange(4)
    if edit == 0:
        text = text[:where] + character + text[where:]
    elif edit == 1:
        text = text[:where] + text[where + 1 :]
    elif edit == 2:
        text = text[:where] + character + text[where + 1 :]
    else:
        lines = text.split("\n")
        line = chance.randrange(len(lines))
        lines[line] = " " * chance.randrange(4) + lines[line].lstrip(" ")
        text = "\n".join(lines)
    event("read" if assert_same_as_pyyaml(text) else "left to PyYAML")
