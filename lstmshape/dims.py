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
    concluded from the normal forms alone:
    :func:`~lstmshape.dim_proofs.find_difference` looks for values of the
    symbols that make them differ, and only such values count.

The canonical text
    ``str(expr)``: terms by descending degree, then by their symbols in
    alphabetical order, the constant last; the first positive term first
    (``5 - T``, not ``-T + 5``).  ``*`` without spaces (``B*T``, ``2*T``),
    ``+``, ``-`` and ``//`` with them (``2*T + 1``, ``T // 2``); a floor
    quotient's numerator in parentheses unless it is one symbol
    (``(T + 1) // 2``), and in parentheses itself inside a product
    (``B*(T // 2)``).  A quotient plus a constant is written as one quotient,
    as pooling writes it: ``T // 2 - 1`` is ``(T - 2) // 2``.  The text is
    valid Python with the same value, and :func:`~lstmshape.dim_parser.parse`
    reads it back to the same normal form.

API (``lstmshape.shapes`` wraps it for dimensions that may be unknown)
    * construction: ``Expr.constant(4)``, ``Expr.symbol("T")``,
      :func:`lstmshape.dim_parser.parse` (raises :class:`DimSyntaxError` with
      the offset of the mistake, or :class:`DimLimitError`);
    * arithmetic: ``+``, ``-``, ``*`` with an ``Expr`` or an ``int``, ``//`` by a
      positive ``int``;
    * inspection: ``as_int()`` (None unless constant), ``symbols``, ``str()``;
    * evaluation: ``evaluate({"T": 10})``; ``substitute({"B": 32})`` for a
      partial one (values may be expressions);
    * comparison: ``==`` (same normal form: provably equal); what holds for
      every value of the symbols, and exact division, are in
      :mod:`lstmshape.dim_proofs`.

Limits keep a hostile spec from exhausting the machine: every operation
raises :class:`DimLimitError` beyond :data:`MAX_TERMS` terms (or
:data:`MAX_PRODUCT_PAIRS` products of terms in one multiplication), degree
:data:`MAX_DEGREE` or a coefficient beyond int64, and parsing beyond
:data:`MAX_CHARS` characters or :data:`MAX_NESTING` levels of nesting.  A
canonical text longer than :data:`MAX_CHARS` does not read back; ``lstmshape.shapes``
never makes such a dimension.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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
"""Longest dimension text that is read; a convolution's length is under 40."""
MAX_NESTING = 32
"""Most nested parentheses and signs in a dimension text."""


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
"""Atoms and their powers, sorted by :func:`atom_key`; ``()`` is the constant term."""
Terms = dict[Monomial, int]
"""Each monomial's nonzero coefficient; never changed once an :class:`Expr` holds it."""


def atom_key(atom: str | Floor) -> str:
    """Symbols by name, then floor quotients by their text."""
    return atom if isinstance(atom, str) else atom.key


def _factor_key(factor: tuple[str | Floor, int]) -> str:
    return atom_key(factor[0])


def _degree(monomial: Monomial) -> int:
    return sum(power for _, power in monomial)


def _term_key(term: tuple[Monomial, int]) -> tuple[int, tuple[tuple[str, int], ...]]:
    """The order terms are printed in: higher degree first, then by their atoms."""
    monomial = term[0]
    return -_degree(monomial), tuple((atom_key(atom), -power) for atom, power in monomial)


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
    def from_terms(terms: Terms) -> Expr:
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
        return Expr.from_terms({(): value})

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
        return Expr.from_terms(terms)

    __radd__ = __add__

    @staticmethod
    def sum(parts: Iterable[Expr]) -> Expr:
        """``parts[0] + parts[1] + ...`` in one pass (0 for none): a model's total."""
        terms: Terms = {}
        for part in parts:
            for monomial, coefficient in part.terms.items():
                terms[monomial] = terms.get(monomial, 0) + coefficient
        return Expr.from_terms(terms)

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
        return Expr.from_terms(terms)

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
        result = Expr.from_terms(quotient)
        if not remainder or list(remainder) == [()]:
            return result  # floor(r / divisor) is 0 for 0 <= r < divisor
        common = divisor
        for coefficient in remainder.values():
            common = gcd(common, coefficient)
        divisor //= common
        numerator = Expr.from_terms({m: c // common for m, c in remainder.items()})
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
