"""Reference parsing: NAME, LAYER.TENSOR and a Python index, never evaluated."""

from __future__ import annotations

import pytest

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
