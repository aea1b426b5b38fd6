"""The report's own values: a file's lines, read only when a diagnostic needs them."""

from __future__ import annotations

import pytest

from lstmshape.report import SourceLines


@pytest.mark.parametrize("text", ["", "a", "a\n", "a\nb", "a\r\nb\n\n", "x: 1\n  y: [2]\n"])
def test_source_lines_are_the_texts_lines(text: str) -> None:
    lines = SourceLines(text)
    expected = text.splitlines()
    assert len(lines) == len(expected)
    assert list(lines) == expected
    assert lines == expected and expected == lines
    assert lines == SourceLines(text)
    assert lines[:2] == expected[:2]
    if expected:
        assert lines[-1] == expected[-1]


def test_source_lines_of_different_texts_differ() -> None:
    assert SourceLines("a\nb") != SourceLines("a\nc")
    assert SourceLines("a") != ["b"]
    assert SourceLines("a") != "a"
