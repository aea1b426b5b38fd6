"""What holds for every value of a dimension expression's symbols, and exact division.

* :func:`find_difference`: positive values of the symbols, making both
  expressions positive, where they differ (the comparison rule needs such
  values in hand before it reports a conflict);
* :func:`always_differ`: different for every positive value (``T`` and
  ``T - 2``, not ``B*T`` and ``B``), from a lower bound of the difference;
* :func:`never_positive`, :func:`lower_bound`;
* :func:`divide_exactly`: ``B*T*H`` by ``H`` is ``B*T``; None when the quotient
  is not provably a polynomial with integer coefficients.
"""

from __future__ import annotations

from collections.abc import Iterator

from lstmshape.dims import MAX_TERMS, DimLimitError, Expr, Floor, Monomial, atom_key


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
        key=atom_key,
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
            return Expr.from_terms(
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
