"""Text from a spec made fit to draw: visible, short, and measured.

A spec is untrusted input.  Every name, reference and argument shown in a
drawing passes through :func:`shown` first, so control and format characters
(an ANSI escape, a right-to-left override) appear as ``\\x1b`` or ``\\u202e``
and a megabyte-long name is cut short.  Each format then escapes the result
for its own syntax.
"""

from __future__ import annotations

import unicodedata

MAX_LABEL_CHARS = 60
"""Most characters of one piece of spec text in a drawing; longer is cut with '…'."""


def _escaped(char: str) -> str:
    if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
        code = ord(char)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    return char


def shown(text: str, limit: int = MAX_LABEL_CHARS) -> str:
    """``text`` with invisible characters escaped, cut to ``limit`` characters."""
    if len(text) > limit:
        text = text[: limit - 1]
        cut = True
    else:
        cut = False
    if not text.isprintable() or not text.isascii():
        text = "".join(_escaped(char) for char in text)
        if len(text) > limit:
            text, cut = text[: limit - 1], True
    return text + "…" if cut else text


def cells(text: str) -> int:
    """Columns ``text`` takes in a monospace font: wide East Asian characters take two."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(char) in ("W", "F") else 1 for char in text)
