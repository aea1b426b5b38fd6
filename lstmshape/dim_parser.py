"""Reading a dimension expression: Python's syntax for integers, symbols, ``+ - *``,
``//`` by a positive integer and parentheses, into the normal form of :mod:`lstmshape.dims`.

Mistakes raise :class:`~lstmshape.dims.DimSyntaxError` with the offset of the
character where the text goes wrong, so a diagnostic can point there.
"""

from __future__ import annotations

from lstmshape.dims import MAX_CHARS, MAX_INT, MAX_NESTING, DimLimitError, DimSyntaxError, Expr

_DIGITS = "0123456789"
_NAME_START = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_"
_NAME_REST = _NAME_START + _DIGITS
GRAMMAR = "integers, symbols, + - * and // by an integer"

Token = tuple[str, str, int]
"""(kind, text as written, offset); kind is "int", "name", "+", "-", "*", "//", "(", ")"
or "end"."""


def parse(text: str) -> Expr:
    """Read a dimension written with integers, symbols, ``+ - *``, ``//`` and parentheses.

    Python's syntax and precedence (signs, then ``*`` and ``//``, then ``+``
    and ``-``), and ``//`` only by a positive integer.
    """
    if len(text) > MAX_CHARS:
        raise DimLimitError(
            f"the dimension is {len(text):,} characters long; lstmshape reads dimensions of "
            f"at most {MAX_CHARS} characters"
        )
    parser = _Parser(_tokens(text))
    expr = parser.sum()
    kind, written, offset = parser.peek()
    if kind == ")":
        raise DimSyntaxError("')' has no matching '('", offset)
    if kind != "end":
        previous = parser.previous()
        if kind == "name" and previous[0] == "int":
            raise DimSyntaxError(
                f"expected an operator between {previous[1]} and {written}; "
                f"write {previous[1]}*{written}",
                offset,
            )
        raise DimSyntaxError(
            f"expected an operator (+, -, * or //) before {parser.shown()}", offset
        )
    return expr


def _tokens(text: str) -> list[Token]:
    tokens: list[Token] = []
    index = 0
    while index < len(text):
        char = text[index]
        start = index
        if char in " \t":
            index += 1
            continue
        if char in _DIGITS:
            while index < len(text) and text[index] in _DIGITS:
                index += 1
            literal = text[start:index]
            if len(literal) > 1 and literal[0] == "0":
                raise DimSyntaxError(
                    f"{literal} has a leading zero; write {literal.lstrip('0') or '0'}", start
                )
            if len(literal) > len(str(MAX_INT)) or int(literal) > MAX_INT:
                raise DimLimitError(
                    f"the integer {literal} is beyond the limit of {MAX_INT:,} (2**63 - 1)", start
                )
            tokens.append(("int", literal, start))
            continue
        if char in _NAME_START:
            while index < len(text) and text[index] in _NAME_REST:
                index += 1
            tokens.append(("name", text[start:index], start))
            continue
        if text.startswith("**", index):
            raise DimSyntaxError("** is not a dimension operator; write T*T", start)
        if text.startswith("//", index):
            kind = "//"
        elif char == "/":
            raise DimSyntaxError(
                "/ is not a dimension operator; sizes are divided with // (floor division, "
                "as torch computes lengths)",
                start,
            )
        elif char in "+-*()":
            kind = char
        else:
            raise DimSyntaxError(
                f"{char!r} cannot be part of a dimension; a dimension is written with {GRAMMAR}",
                start,
            )
        tokens.append((kind, kind, start))
        index += len(kind)
    tokens.append(("end", "", len(text)))
    return tokens


class _Parser:
    """Recursive descent over the tokens, one method per precedence level."""

    def __init__(self, tokens: list[Token]) -> None:
        self._tokens = tokens
        self._next = 0
        self._depth = 0

    def peek(self) -> Token:
        return self._tokens[self._next]

    def previous(self) -> Token:
        return self._tokens[self._next - 1] if self._next else ("start", "", 0)

    def _take(self) -> Token:
        token = self._tokens[self._next]
        self._next += 1
        return token

    def shown(self) -> str:
        """The next token as the user wrote it."""
        kind, written, _ = self.peek()
        return "the end" if kind == "end" else repr(written)

    def sum(self) -> Expr:
        total = self.product()
        while self.peek()[0] in ("+", "-"):
            kind = self._take()[0]
            right = self.product()
            total = total + right if kind == "+" else total - right
        return total

    def product(self) -> Expr:
        result = self.unary()
        while self.peek()[0] in ("*", "//"):
            kind = self._take()[0]
            offset = self.peek()[2]
            right = self.unary()
            if kind == "*":
                result = result * right
                continue
            divisor = right.as_int()
            if divisor is None or divisor <= 0:
                raise DimSyntaxError(
                    f"// divides a dimension by a positive integer, not by {right}", offset
                )
            result = result // divisor
        return result

    def unary(self) -> Expr:
        kind, _, offset = self.peek()
        if kind not in ("+", "-"):
            return self.atom()
        self._take()
        self._enter(offset)
        operand = self.unary()
        self._depth -= 1
        return -operand if kind == "-" else operand

    def atom(self) -> Expr:
        kind, written, offset = self.peek()
        if kind == "int":
            self._take()
            return Expr.constant(int(written))
        if kind == "name":
            self._take()
            return Expr.symbol(written)
        if kind == "(":
            self._take()
            self._enter(offset)
            inner = self.sum()
            if self.peek()[0] == "end":
                raise DimSyntaxError("'(' is not closed", offset)
            if self.peek()[0] != ")":
                raise DimSyntaxError(
                    f"expected ')' or an operator before {self.shown()}", self.peek()[2]
                )
            self._take()
            self._depth -= 1
            return inner
        previous = self.previous()
        if previous[0] == "start" and kind == "end":
            raise DimSyntaxError("the dimension is empty", offset)
        where = "at the start" if previous[0] == "start" else f"after {previous[1]!r}"
        raise DimSyntaxError(
            f"expected a number, a symbol or '(' {where}, found {self.shown()}", offset
        )

    def _enter(self, offset: int) -> None:
        self._depth += 1
        if self._depth > MAX_NESTING:
            raise DimLimitError(
                f"the dimension nests more than {MAX_NESTING} parentheses or signs", offset
            )
