"""Dimension expressions: integers, symbols, ``+ - *`` and ``//`` by a positive integer.

Convolutions, pooling and ``view`` compute lengths: ``Conv1d(kernel_size=3)``
on T steps gives ``T - 2``, ``MaxPool1d(2)`` then ``(T - 2) // 2``, and
``view(-1, H)`` of ``[B, T, H]`` gives ``B*T``.  An :class:`Expr` holds such a
length exactly, in a normal form of its own (no computer algebra library: it
would triple lstmshape's start-up).

The normal form
    A polynomial with integer coefficients over *atoms*: symbols (``T``) and
    floor quotients ``floor(P / k)`` (:class:`Floor`) of a polynomial ``P`` by
    an integer ``k >= 2``: a mapping from monomials (atoms with their powers,
    in a fixed order) to nonzero coefficients, sorted only to be printed.
    A floor quotient is reduced so that it is written one way only: the parts
    of ``P`` that ``k`` divides are taken out (``(2*T + 3) // 2`` is
    ``T + 1``, ``(T - 2) // 2`` is ``T // 2 - 1``), ``P``'s coefficients are then in
    ``[0, k)`` and share no factor with ``k``, and a quotient of a quotient
    is one quotient (``(T // 2) // 2`` is ``T // 4``).  Floor division is
    Python's and torch's: it rounds down, and these rules hold for every
    integer value of the symbols.

    Equal normal forms are equal for every value of the symbols.  The
    converse holds for polynomials but not always with floor quotients
    (``T // 2 + (T + 1) // 2`` is ``T``), so "these differ" is never
    concluded from the normal forms alone: :func:`find_difference` looks for
    values of the symbols that make them differ, and only such values count.

The canonical text
    ``str(expr)``: terms by descending degree, then by their symbols in
    alphabetical order, the constant last; the first positive term first
    (``5 - T``, not ``-T + 5``).  ``*`` without spaces (``B*T``, ``2*T``),
    ``+``, ``-`` and ``//`` with them (``2*T + 1``, ``T // 2``); a floor
    quotient's numerator in parentheses unless it is one symbol
    (``(T + 1) // 2``), and in parentheses itself inside a product
    (``B*(T // 2)``).  A quotient plus a constant is written as one quotient,
    as pooling writes it: ``T // 2 - 1`` is ``(T - 2) // 2``.  The text is
    valid Python with the same value, and :func:`parse` reads it back to the
    same normal form.

API (``lstmshape.shapes`` wraps it for dimensions that may be unknown)
    * construction: ``Expr.constant(4)``, ``Expr.symbol("T")``, :func:`parse`
      (raises :class:`DimSyntaxError` with the offset of the mistake, or
      :class:`DimLimitError`);
    * arithmetic: ``+``, ``-``, ``*`` with an ``Expr`` or an ``int``, ``//`` by a
      positive ``int``; :func:`divide_exactly` (``B*T*H`` by ``H`` is ``B*T``,
      or None when that is not provable);
    * inspection: ``as_int()`` (None unless constant), ``symbols``, ``str()``;
    * evaluation: ``evaluate({"T": 10})``; ``substitute({"B": 32})`` for a
      partial one (values may be expressions);
    * comparison: ``==`` (same normal form: provably equal);
      :func:`find_difference` (positive values of the symbols, making both
      positive, where two expressions differ; None if none is found);
      :func:`always_differ` (different for every positive value of the
      symbols: ``T`` and ``T - 2``, not ``B*T`` and ``B``);
      :func:`never_positive`.

Limits keep a hostile spec from exhausting the machine: every operation
raises :class:`DimLimitError` beyond :data:`MAX_TERMS` terms (or
:data:`MAX_PRODUCT_PAIRS` products of terms in one multiplication), degree
:data:`MAX_DEGREE` or a coefficient beyond int64, and :func:`parse` beyond
:data:`MAX_CHARS` characters or :data:`MAX_NESTING` levels of nesting.  A
canonical text longer than :data:`MAX_CHARS` does not read back; ``lstmshape.shapes``
never makes such a dimension.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from math import gcd

MAX_TERMS = 16
"""Most terms an expression may have once expanded; real lengths have two or three."""
MAX_PRODUCT_PAIRS = 4 * MAX_TERMS
"""Most pairs of terms one multiplication expands: a size times a sum, not a sum of
sums times another (which would take time quadratic in the terms)."""
MAX_DEGREE = 64
"""Highest degree of an expression: the product of every dimension of a 64-D shape."""
MAX_INT = 2**63 - 1
"""Largest integer in an expression, as for every integer of a spec (int64)."""
MAX_CHARS = 256
"""Longest dimension text :func:`parse` reads; a convolution's length is under 40."""
MAX_NESTING = 32
"""Most nested parentheses and signs :func:`parse` reads."""


class DimLimitError(ValueError):
    """The expression is too large to be a dimension."""

    def __init__(self, message: str, offset: int | None = None) -> None:
        super().__init__(message)
        self.offset = offset
        """Where the text passes the limit, when it is about one place of it."""


class DimSyntaxError(ValueError):
    """The text is not a dimension expression; ``offset`` is where it goes wrong."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


Monomial = tuple[tuple["str | Floor", int], ...]
"""Atoms and their powers, sorted by :func:`_atom_key`; ``()`` is the constant term."""
Terms = dict[Monomial, int]
"""Each monomial's nonzero coefficient; never changed once an :class:`Expr` holds it."""


def _atom_key(atom: str | Floor) -> str:
    """Symbols by name, then floor quotients by their text."""
    return atom if isinstance(atom, str) else atom.key


def _factor_key(factor: tuple[str | Floor, int]) -> str:
    return _atom_key(factor[0])


def _degree(monomial: Monomial) -> int:
    return sum(power for _, power in monomial)


def _term_key(term: tuple[Monomial, int]) -> tuple[int, tuple[tuple[str, int], ...]]:
    """The order terms are printed in: higher degree first, then by their atoms."""
    monomial = term[0]
    return -_degree(monomial), tuple((_atom_key(atom), -power) for atom, power in monomial)


def _times(first: Monomial, second: Monomial) -> Monomial:
    if not first:
        return second
    if not second:
        return first
    powers = dict(first)
    for atom, power in second:
        powers[atom] = powers.get(atom, 0) + power
    return tuple(sorted(powers.items(), key=_factor_key))


class Floor:
    """``floor(numerator / divisor)``, reduced as the module docstring says."""

    __slots__ = ("_hash", "divisor", "key", "numerator", "text")

    def __init__(self, numerator: Expr, divisor: int) -> None:
        self.numerator = numerator
        self.divisor = divisor
        inner = str(numerator)
        self.text = f"{inner if numerator.is_symbol() else f'({inner})'} // {divisor}"
        self.key = "\x7f" + self.text  # after every symbol, which are ASCII names
        self._hash = hash((numerator, divisor))

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Floor)
            and self.divisor == other.divisor
            and self.numerator == other.numerator
        )

    def __hash__(self) -> int:
        return self._hash

    def __repr__(self) -> str:
        return f"Floor({self.text!r})"

    def value(self, values: Mapping[str, int]) -> int:
        return self.numerator.evaluate(values) // self.divisor


class Expr:
    """A dimension expression in normal form; immutable and hashable."""

    __slots__ = ("_degree", "_hash", "_text", "terms")

    def __init__(self, terms: Terms) -> None:
        """Use :meth:`constant`, :meth:`symbol`, :func:`parse` and the operators."""
        self.terms = terms
        self._hash: int | None = None
        self._text: str | None = None
        self._degree: int | None = None

    @staticmethod
    def _from(terms: Terms) -> Expr:
        kept = {monomial: coefficient for monomial, coefficient in terms.items() if coefficient}
        if len(kept) > MAX_TERMS:
            raise DimLimitError(
                f"the expression expands to {len(kept)} terms; a dimension has at most {MAX_TERMS}"
            )
        for coefficient in kept.values():
            if not -MAX_INT <= coefficient <= MAX_INT:
                raise DimLimitError(
                    f"the expression has a coefficient beyond {MAX_INT:,} (2**63 - 1)"
                )
        return Expr(kept)

    @property
    def degree(self) -> int:
        if self._degree is None:
            self._degree = max((_degree(monomial) for monomial in self.terms), default=0)
        return self._degree

    @staticmethod
    def constant(value: int) -> Expr:
        return Expr._from({(): value})

    @staticmethod
    def symbol(name: str) -> Expr:
        return Expr({((name, 1),): 1})

    @staticmethod
    def _atom(atom: Floor) -> Expr:
        return Expr({((atom, 1),): 1})

    def as_int(self) -> int | None:
        """The value of a constant expression; None if it has symbols."""
        if not self.terms:
            return 0
        if len(self.terms) == 1:
            return self.terms.get((), None)
        return None

    def is_symbol(self) -> bool:
        if len(self.terms) != 1:
            return False
        ((monomial, coefficient),) = self.terms.items()
        return (
            coefficient == 1
            and len(monomial) == 1
            and monomial[0][1] == 1
            and isinstance(monomial[0][0], str)
        )

    @property
    def symbols(self) -> frozenset[str]:
        found: set[str] = set()
        for monomial in self.terms:
            for atom, _ in monomial:
                found.update((atom,) if isinstance(atom, str) else atom.numerator.symbols)
        return frozenset(found)

    # arithmetic -------------------------------------------------------------

    def __add__(self, other: Expr | int) -> Expr:
        right = _lift(other)
        if right is None:
            return NotImplemented
        terms = dict(self.terms)
        for monomial, coefficient in right.terms.items():
            terms[monomial] = terms.get(monomial, 0) + coefficient
        return Expr._from(terms)

    __radd__ = __add__

    def __neg__(self) -> Expr:
        return Expr({monomial: -coefficient for monomial, coefficient in self.terms.items()})

    def __sub__(self, other: Expr | int) -> Expr:
        right = _lift(other)
        if right is None:
            return NotImplemented
        return self + -right

    def __rsub__(self, other: int) -> Expr:
        return -self + other

    def __mul__(self, other: Expr | int) -> Expr:
        right = _lift(other)
        if right is None:
            return NotImplemented
        if len(self.terms) * len(right.terms) > MAX_PRODUCT_PAIRS:
            raise DimLimitError(
                f"the expression multiplies a sum of {len(self.terms)} terms by one of "
                f"{len(right.terms)}; lstmshape expands at most {MAX_PRODUCT_PAIRS} products "
                "of terms at once"
            )
        if self.degree + right.degree > MAX_DEGREE:
            raise DimLimitError(
                f"the expression has degree {self.degree + right.degree}; a dimension has at "
                f"most degree {MAX_DEGREE}"
            )
        terms: Terms = {}
        for left_monomial, left_coefficient in self.terms.items():
            for right_monomial, right_coefficient in right.terms.items():
                monomial = _times(left_monomial, right_monomial)
                terms[monomial] = terms.get(monomial, 0) + left_coefficient * right_coefficient
        return Expr._from(terms)

    __rmul__ = __mul__

    def __floordiv__(self, divisor: int) -> Expr:
        """``floor(self / divisor)`` for a positive integer divisor, reduced."""
        if type(divisor) is not int or divisor <= 0:
            raise ValueError(f"a dimension is floor-divided by a positive integer, not {divisor}")
        if divisor == 1:
            return self
        quotient: Terms = {}
        remainder: Terms = {}
        for monomial, coefficient in self.terms.items():
            whole, rest = divmod(coefficient, divisor)
            quotient[monomial] = whole
            if rest:
                remainder[monomial] = rest
        result = Expr._from(quotient)
        if not remainder or list(remainder) == [()]:
            return result  # floor(r / divisor) is 0 for 0 <= r < divisor
        common = divisor
        for coefficient in remainder.values():
            common = gcd(common, coefficient)
        divisor //= common
        numerator = Expr._from({m: c // common for m, c in remainder.items()})
        nested = _single_floor(numerator)
        if nested is not None:
            # floor((floor(S / m) + c) / k) == floor((S + c*m) / (m*k)) for integers
            inner, constant = nested
            return result + (inner.numerator + constant * inner.divisor) // (
                inner.divisor * divisor
            )
        return result + Expr._atom(Floor(numerator, divisor))

    # comparison and evaluation ------------------------------------------------

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Expr) and self.terms == other.terms

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self.terms.items()))
        return self._hash

    def evaluate(self, values: Mapping[str, int]) -> int:
        """The value for integer values of every symbol (KeyError for a missing one)."""
        total = 0
        for monomial, coefficient in self.terms.items():
            term = coefficient
            for atom, power in monomial:
                base = values[atom] if isinstance(atom, str) else atom.value(values)
                term *= base if power == 1 else base**power
            total += term
        return total

    def substitute(self, values: Mapping[str, Expr | int]) -> Expr:
        """The expression with the symbols in ``values`` replaced; others stay."""
        total = Expr.constant(0)
        for monomial, coefficient in self.terms.items():
            term = Expr.constant(coefficient)
            for atom, power in monomial:
                if isinstance(atom, str):
                    value = values.get(atom)
                    base = Expr.symbol(atom) if value is None else Expr.constant(0) + value
                else:
                    base = atom.numerator.substitute(values) // atom.divisor
                for _ in range(power):
                    term = term * base
            total = total + term
        return total

    # text ---------------------------------------------------------------------

    def __str__(self) -> str:
        if self._text is None:
            self._text = _render(self)
        return self._text

    def __repr__(self) -> str:
        return f"Expr({str(self)!r})"


def _lift(value: Expr | int) -> Expr | None:
    if isinstance(value, Expr):
        return value
    if type(value) is int:
        return Expr.constant(value)
    return None


def _single_floor(expr: Expr) -> tuple[Floor, int] | None:
    """``(F, c)`` when ``expr`` is ``F + c`` for one floor quotient ``F``."""
    constant = 0
    floor = None
    for monomial, coefficient in expr.terms.items():
        if not monomial:
            constant = coefficient
        elif (
            floor is None
            and coefficient == 1
            and len(monomial) == 1
            and monomial[0][1] == 1
            and isinstance(monomial[0][0], Floor)
        ):
            floor = monomial[0][0]
        else:
            return None
    return None if floor is None else (floor, constant)


def _render(expr: Expr) -> str:
    terms = sorted(expr.terms.items(), key=_term_key)
    if not terms:
        return "0"
    folded = _single_floor(expr)
    if folded is not None and folded[1]:
        floor, constant = folded
        return f"({floor.numerator + constant * floor.divisor}) // {floor.divisor}"
    first = next((index for index, (_, c) in enumerate(terms) if c > 0), 0)
    terms.insert(0, terms.pop(first))  # 5 - T, not -T + 5
    pieces = []
    for index, (monomial, coefficient) in enumerate(terms):
        # A lone quotient is bare only where a binary + or - precedes it:
        # -T // 2 would read (-T) // 2.
        bare = index > 0 or coefficient > 0
        text = _term_text(monomial, abs(coefficient), bare)
        if index == 0:
            pieces.append(text if coefficient > 0 else "-" + text)
        else:
            pieces.append((" + " if coefficient > 0 else " - ") + text)
    return "".join(pieces)


def _term_text(monomial: Monomial, coefficient: int, bare_floor: bool) -> str:
    if not monomial:
        return str(coefficient)
    lone = coefficient == 1 and len(monomial) == 1 and monomial[0][1] == 1
    factors = [] if coefficient == 1 else [str(coefficient)]
    for atom, power in monomial:
        if isinstance(atom, str):
            text = atom
        else:
            text = atom.text if lone and bare_floor else f"({atom.text})"
        factors += [text] * power
    return "*".join(factors)


# proofs about all values of the symbols ----------------------------------------


def lower_bound(expr: Expr) -> int | None:
    """A lower bound of ``expr`` over all positive values of its symbols, or None."""
    total = 0
    for monomial, coefficient in expr.terms.items():
        if not monomial:
            total += coefficient
            continue
        if coefficient < 0:
            return None  # unbounded below as the symbols grow
        term = coefficient
        for atom, power in monomial:
            low: int | None = 1
            if isinstance(atom, Floor):
                inner = lower_bound(atom.numerator)
                low = None if inner is None else inner // atom.divisor
            if low is None or low < 0:
                return None
            term *= low**power
        total += term
    return total


def always_differ(first: Expr, second: Expr) -> bool:
    """Whether the two differ for every positive value of the symbols."""
    try:
        difference = first - second
    except DimLimitError:
        return False  # too large to reason about: not proven
    above = lower_bound(difference)
    below = lower_bound(-difference)
    return (above is not None and above >= 1) or (below is not None and below >= 1)


def never_positive(expr: Expr) -> bool:
    """Whether ``expr`` is at most 0 for every positive value of the symbols."""
    bound = lower_bound(-expr)
    return bound is not None and bound >= 0


WITNESS_TRIES = 400
"""Random points :func:`find_difference` tries after the small ones."""


def find_difference(first: Expr, second: Expr) -> dict[str, int] | None:
    """Positive values of the symbols for which both are positive and differ.

    None when the normal forms are equal, or when no such values turn up
    among every assignment of 1 to 4 (for up to four symbols) and a fixed
    sequence of pseudo-random ones up to 100,000: then the two are taken to be
    equal (with floor quotients, different normal forms can be).  The search
    is deterministic, so a report is the same on every run.
    """
    if first == second:
        return None
    names = sorted(first.symbols | second.symbols)
    for point in _points(len(names)):
        values = dict(zip(names, point, strict=True))
        a, b = first.evaluate(values), second.evaluate(values)
        if a != b and a > 0 and b > 0:
            return values
    return None


def _points(count: int) -> Iterator[tuple[int, ...]]:
    from itertools import product
    from random import Random

    if count <= 4:
        yield from product(range(1, 5), repeat=count)
    if count == 0:
        return
    draw = Random(count)  # a fixed seed: the same values on every run
    scales = (4, 16, 128, 1024, 100_000)
    for _ in range(WITNESS_TRIES):
        yield tuple(draw.randint(1, draw.choice(scales)) for _ in range(count))


def divide_exactly(numerator: Expr, divisor: Expr) -> Expr | None:
    """``numerator / divisor`` when it is a polynomial with integer coefficients.

    Polynomial division by the divisor's leading term (graded lexicographic
    order, floor quotients taken as variables): the remainder is zero exactly
    when the divisor divides the numerator.  None when it does not, or when a
    coefficient does not divide: the quotient is then not provably whole.
    """
    if not divisor.terms:
        return None
    atoms = sorted(
        {atom for expr in (numerator, divisor) for m in expr.terms for atom, _ in m},
        key=_atom_key,
    )
    position = {atom: index for index, atom in enumerate(atoms)}

    def vector(monomial: Monomial) -> tuple[int, ...]:
        exponents = [0] * len(atoms)
        for atom, power in monomial:
            exponents[position[atom]] = power
        return tuple(exponents)

    def order(exponents: tuple[int, ...]) -> tuple[int, tuple[int, ...]]:
        return sum(exponents), exponents

    rest = {vector(m): c for m, c in numerator.terms.items()}
    by = {vector(m): c for m, c in divisor.terms.items()}
    lead = max(by, key=order)
    quotient: dict[tuple[int, ...], int] = {}
    for _ in range(MAX_TERMS * MAX_TERMS):
        if not rest:
            return Expr._from(
                {
                    tuple((atoms[i], p) for i, p in enumerate(exponents) if p): c
                    for exponents, c in quotient.items()
                }
            )
        top = max(rest, key=order)
        shift = tuple(a - b for a, b in zip(top, lead, strict=True))
        if any(power < 0 for power in shift) or rest[top] % by[lead]:
            return None
        factor = rest[top] // by[lead]
        quotient[shift] = quotient.get(shift, 0) + factor
        for exponents, coefficient in by.items():
            moved = tuple(a + b for a, b in zip(exponents, shift, strict=True))
            rest[moved] = rest.get(moved, 0) - factor * coefficient
            if not rest[moved]:
                del rest[moved]
    return None


# parsing --------------------------------------------------------------------------

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
