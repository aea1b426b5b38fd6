"""Python source, written already in ruff's format, without running ruff.

The exported module is checked with ``ruff format --check`` as a user would
run it.  Generated statements have few forms (an assignment of a call, a
return, a ``def``), so they are laid out here as the formatter lays them
out: a statement that fits in :data:`WIDTH` columns stays on one line; one
that does not is split at its outermost brackets, one item per line with a
trailing comma.  The trailing comma is "magic" to ruff and black: they keep
the split even under a longer configured line length, so the file is
format-clean at 88 columns and at any wider setting.
"""

from __future__ import annotations

import builtins
import keyword
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

WIDTH = 88
"""ruff's and black's default line length."""
INDENT = "    "


class UnboundSize(ValueError):
    """A size names a symbol the module cannot read from its inputs' sizes (exit 2)."""


class Expr:
    """An expression that knows its one-line form and how to split itself."""

    def flat(self) -> str:
        raise NotImplementedError

    def split(self, indent: str) -> list[str] | None:
        """The expression over several lines (the first without indent), or None
        when it has no brackets to split at."""
        return None


@dataclass(frozen=True)
class Atom(Expr):
    """A name, a literal or an index: never split."""

    text: str

    def flat(self) -> str:
        return self.text


@dataclass(frozen=True)
class Keyword(Expr):
    name: str
    value: Expr

    def flat(self) -> str:
        return f"{self.name}={self.value.flat()}"

    def split(self, indent: str) -> list[str] | None:
        lines = self.value.split(indent)
        if lines is None:
            return None
        return [f"{self.name}={lines[0]}", *lines[1:]]


@dataclass(frozen=True)
class Bracketed(Expr):
    """``head(items)``, ``[items]`` or ``(items)``: a call, a list or a tuple."""

    head: str
    items: tuple[Expr, ...]
    opening: str = "("
    closing: str = ")"

    def flat(self) -> str:
        inner = ", ".join(item.flat() for item in self.items)
        if self.opening == "(" and not self.head and len(self.items) == 1:
            inner += ","  # a tuple of one
        return f"{self.head}{self.opening}{inner}{self.closing}"

    def split(self, indent: str) -> list[str] | None:
        if not self.items:
            return None
        inner = indent + INDENT
        lines = [self.head + self.opening]
        for item in self.items:
            lines += _laid_out(item, inner, ",")
        lines.append(indent + self.closing)
        return lines


def call(function: str, *args: Expr, **keywords: Expr) -> Bracketed:
    return Bracketed(function, (*args, *(Keyword(k, v) for k, v in keywords.items())))


def list_of(items: Iterable[Expr]) -> Bracketed:
    return Bracketed("", tuple(items), "[", "]")


def tuple_of(items: Iterable[Expr]) -> Bracketed:
    return Bracketed("", tuple(items))


def _laid_out(expr: Expr, indent: str, after: str) -> list[str]:
    """``expr`` as lines at ``indent``, followed by ``after`` (a comma, a colon)."""
    one_line = indent + expr.flat() + after
    if len(one_line) <= WIDTH:
        return [one_line]
    lines = expr.split(indent)
    if lines is None:
        return [one_line]
    return [indent + lines[0], *lines[1:-1], lines[-1] + after]


def statement(before: str, expr: Expr | None, indent: str, comment: str = "") -> list[str]:
    """``before`` then ``expr`` (``x = `` and a call), with ``comment`` at its end when the
    line has room, else on a line of its own above the statement."""
    flat = before + (expr.flat() if expr is not None else "")
    trailing = f"  # {comment}" if comment else ""
    if len(indent + flat + trailing) <= WIDTH:
        return [indent + flat + trailing]
    above = [f"{indent}# {comment}"] if comment else []
    if len(indent + flat) <= WIDTH or expr is None:
        return [*above, indent + flat]
    lines = expr.split(indent)
    head_fits = lines is not None and len(indent + before + lines[0]) <= WIDTH
    targets = _top_level_items(before.removesuffix(" = ")) if before.endswith(" = ") else []
    if len(targets) > 1 and not head_fits:
        # no room for the call's head after the targets: they go one a line, with the
        # magic trailing comma, which keeps the split under any longer line length
        split = [indent + "(", *(f"{indent}{INDENT}{target}," for target in targets)]
        return [*above, *split, *statement(") = ", expr, indent)]
    if lines is None:
        return [*above, indent + flat]
    if not head_fits and before:
        # one target leaves no room for the call's head: ruff parenthesizes the value
        inner = _laid_out(expr, indent + INDENT, "")
        return [*above, indent + before + "(", *inner, indent + ")"]
    return [*above, indent + before + lines[0], *lines[1:]]


def _top_level_items(text: str) -> list[str]:
    """``a, (b, c)`` as ``a`` and ``(b, c)``: split at the commas outside brackets."""
    items, depth, start = [], 0, 0
    for index, char in enumerate(text):
        depth += (char in "([") - (char in ")]")
        if char == "," and depth == 0:
            items.append(text[start:index].strip())
            start = index + 1
    items.append(text[start:].strip())
    return items


def literal(value: object) -> str:
    """A YAML value (None, a bool, a number, a string, a list) as Python writes it."""
    if value is None or isinstance(value, bool | int):
        return repr(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, str):
        return string(value)
    if isinstance(value, list | tuple):
        items = [Atom(literal(item)) for item in value]
        return (list_of(items) if isinstance(value, list) else tuple_of(items)).flat()
    raise TypeError(f"no Python literal for {type(value).__name__}")


def literal_expr(value: object) -> Expr:
    """As :func:`literal`, split like any list when it is long."""
    if isinstance(value, list):
        return list_of(literal_expr(item) for item in value)
    return Atom(literal(value))


def _float(value: float) -> str:
    if not math.isfinite(value):
        return f'float("{value}")'
    return repr(value)


def string(text: str) -> str:
    """A string literal in ruff's preferred quotes: double, unless the text holds one."""
    written = repr(text)
    if written.startswith("'") and '"' not in text:
        return '"' + written[1:-1].replace("\\'", "'") + '"'
    return written


def docstring(lines: Sequence[str], indent: str) -> list[str]:
    """A docstring as ruff formats one: the quotes on the first line, closed on their own
    line when there are several lines."""
    escaped = [line.replace("\\", "\\\\").replace('"""', '\\"\\"\\"') for line in lines]
    if len(escaped) == 1:
        return [f'{indent}"""{escaped[0]}"""']
    return [
        f'{indent}"""{escaped[0]}',
        *(f"{indent}{line}" if line else "" for line in escaped[1:]),
        f'{indent}"""',
    ]


BUILTINS = frozenset(dir(builtins)) | {"copyright", "credits", "exit", "help", "license", "quit"}
"""Python's builtins (with those ``site`` adds, so that the code does not depend on how
Python was started): a variable named ``input`` or ``list`` would hide one."""


class Names:
    """Python names for the spec's names: each unique, none a keyword or a name taken.

    Variables (``local``) shadow no builtin either (``input`` is ``input_``); an
    attribute (``self.input``) hides none, and keeps the spec's name.
    """

    def __init__(self, reserved: Iterable[str], *, local: bool = True) -> None:
        self._taken = set(reserved) | set(keyword.kwlist) | (BUILTINS if local else set())

    def claim(self, wanted: str) -> str:
        name = (
            wanted
            if wanted.isidentifier()
            else "_" + "".join(c if c.isalnum() or c == "_" else "_" for c in wanted)
        )
        if name in self._taken:
            name += "_"
        candidate, number = name, 2
        while candidate in self._taken:
            candidate, number = f"{name}{number}", number + 1
        self._taken.add(candidate)
        return candidate
