"""Reference parsing: NAME, LAYER.TENSOR and a Python index, never evaluated."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstmshape import references
from lstmshape.references import Reference, ReferenceSyntaxError, parse_reference


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x", Reference("x", None, (), "x")),
        ("enc.h_n", Reference("enc", "h_n", (), "enc.h_n")),
        ("  enc.output  ", Reference("enc", "output", (), "enc.output")),
        (
            "enc.output[:, -1, :]",
            Reference("enc", "output", ((slice(None), -1, slice(None)),), "enc.output[:, -1, :]"),
        ),
        ("enc.h_n[-1]", Reference("enc", "h_n", ((-1,),), "enc.h_n[-1]")),
        ("x[..., 0:4]", Reference("x", None, ((Ellipsis, slice(0, 4, None)),), "x[..., 0:4]")),
        ("x[None]", Reference("x", None, ((None,),), "x[None]")),
        ("x[1:-1:2]", Reference("x", None, ((slice(1, -1, 2),),), "x[1:-1:2]")),
        ("x[0][1]", Reference("x", None, ((0,), (1,)), "x[0][1]")),
        ("x[+1]", Reference("x", None, ((1,),), "x[+1]")),
    ],
)
def test_valid(text: str, expected: Reference) -> None:
    assert parse_reference(text) == expected


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "is not a reference: expected NAME or LAYER.TENSOR"),
        ("1x", "is not a reference"),
        (".h_n", "is not a reference"),
        ("enc.h_n.x", "expected an index in [ ] but found '.x'"),
        ("enc h_n", "expected an index in [ ] but found 'h_n'"),
        ("enc.output[:, -1, :", "malformed index '[:, -1, :': expected Python subscripts"),
        ("enc.output[]", "malformed index"),
        ("enc.output(0)", "expected an index in [ ]"),
        ("x[1.5]", "indexes with '1.5'"),
        ("x[True]", "indexes with 'True'"),
        ("x['a']", "indexes with"),
        ("x[n]", "indexes with 'n'"),
        ("x[__import__('os').system('true')]", "indexes with"),
        ("x[1+1]", "indexes with '1 + 1'"),
        ("x[0].y", "malformed index"),
    ],
)
def test_malformed(text: str, words: str) -> None:
    with pytest.raises(ReferenceSyntaxError) as raised:
        parse_reference(text)
    assert words in str(raised.value)


# An index written plainly is read without ast: the same subscripts as ast reads.

_BOUNDS = st.sampled_from(["", "0", "1", "-1", "+2", "12", " 3 ", "-0"])
_ITEMS = st.one_of(
    st.sampled_from(["...", "None", "0", "-1", "+1", "7", " 4 ", "01", "1_0", "True", "x", "- 1"]),
    st.builds(lambda a, b: f"{a}:{b}", _BOUNDS, _BOUNDS),
    st.builds(lambda a, b, c: f"{a}:{b}:{c}", _BOUNDS, _BOUNDS, _BOUNDS),
)
_GROUPS = st.lists(st.lists(_ITEMS, min_size=1, max_size=4), min_size=1, max_size=3)


def _through_ast(text: str) -> Reference | str:
    """``parse_reference`` with the plain reading turned off: ast reads every index."""
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(references, "_PLAIN_INDEX", re.compile(r"(?!)"))
            return parse_reference(text)
    except ReferenceSyntaxError as error:
        return str(error)


@settings(max_examples=300, deadline=None)
@given(_GROUPS, st.sampled_from(["", " "]))
def test_a_plain_index_reads_as_ast_reads_it(groups: list[list[str]], space: str) -> None:
    text = "enc.output" + space.join("[" + ",".join(items) + "]" for items in groups)
    try:
        plain: Reference | str = parse_reference(text)
    except ReferenceSyntaxError as error:
        plain = str(error)
    assert plain == _through_ast(text)
    if isinstance(plain, Reference):
        assert [type(item) for items in plain.subscripts for item in items] == [
            type(item)
            for items in _through_ast(text).subscripts
            for item in items  # type: ignore[union-attr]
        ]


def test_a_typical_index_is_read_without_ast() -> None:
    assert references._PLAIN_INDEX.fullmatch("[:, -1, :]")
    assert parse_reference("enc.output[:, -1, :]").subscripts == ((slice(None), -1, slice(None)),)
