"""The normal form of dimension expressions: parsing, printing, arithmetic, proofs.

Besides examples, hypothesis builds random expressions as Python text and
checks the normal form against Python itself: the same value for random
positive symbol values (floor division included), a canonical text that reads
back to the same normal form and that Python evaluates to the same value, and
no difference ever claimed between expressions that are equal.
"""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lstmshape.dim_parser import parse
from lstmshape.dim_proofs import (
    always_differ,
    divide_exactly,
    find_difference,
    lower_bound,
    never_positive,
)
from lstmshape.dims import MAX_CHARS, MAX_TERMS, DimLimitError, DimSyntaxError, Expr
from lstmshape.models.common import DIM_PATTERN

T = Expr.symbol("T")
B = Expr.symbol("B")


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("T", "T"),
        ("8", "8"),
        ("2*4", "8"),
        ("T - 2", "T - 2"),
        ("T-2", "T - 2"),
        ("T*B", "B*T"),
        ("B*T*H", "B*H*T"),
        ("1 + 2*T", "2*T + 1"),
        ("T + T", "2*T"),
        ("T - T", "0"),
        ("-T + 5", "5 - T"),
        ("T - - 2", "T + 2"),
        ("(B + T)*(B - T)", "B*B - T*T"),
        ("(T - 2) // 2", "(T - 2) // 2"),
        ("T // 2 - 1", "(T - 2) // 2"),
        ("(2*T + 3) // 2", "T + 1"),
        ("(4*T + 2) // 4", "T"),
        ("(6*T + 4) // 4", "T + T // 2 + 1"),
        ("(2*T + 2) // 4", "(T + 1) // 2"),
        ("T // 1", "T"),
        ("7 // 2", "3"),
        ("-7 // 2", "-4"),
        # torch's Conv1d length (T + 2p - d(k - 1) - 1) // s + 1 with k=3, p=1, s=2
        ("(T + 2*1 - 1*(3 - 1) - 1) // 2 + 1", "(T + 1) // 2"),
        # a quotient of a quotient is one quotient
        ("(T // 2) // 2", "T // 4"),
        ("((T - 2) // 2 - 2) // 2", "(T - 6) // 4"),
        ("B*(T // 2)", "B*(T // 2)"),
        ("T // 2 * 2", "2*(T // 2)"),
        ("(B*T) // 2", "(B*T) // 2"),
        ("B*T // 2", "(B*T) // 2"),
        ("-(T // 2)", "-(T // 2)"),
        ("5 - T // 2", "5 - T // 2"),
        ("-T // 2", "T // 2 - T"),
        ("T // 2 + (T + 1) // 2", "(T + 1) // 2 + T // 2"),
    ],
)
def test_canonical_text(written: str, canonical: str) -> None:
    expr = parse(written)
    assert str(expr) == canonical
    assert parse(canonical) == expr


@pytest.mark.parametrize(
    ("written", "offset", "words"),
    [
        ("", 0, "empty"),
        ("T - * 2", 4, "after '-', found '*'"),
        ("T +", 3, "found the end"),
        ("2T", 1, "write 2*T"),
        ("T / 2", 2, "divided with //"),
        ("T ** 2", 2, "write T*T"),
        ("T^2", 1, "'^' cannot be part of a dimension"),
        ("(T - 2", 0, "'(' is not closed"),
        ("T - 2)", 5, "')' has no matching '('"),
        ("(T - 2 T)", 7, "expected ')' or an operator before 'T'"),
        ("T // B", 5, "not by B"),
        ("T // 0", 5, "not by 0"),
        ("T // (2 - 3)", 5, "not by -1"),
        ("08", 0, "leading zero"),
        ("B T", 2, "expected an operator (+, -, * or //) before 'T'"),
        ("é", 0, "'é' cannot be part"),
    ],
)
def test_syntax_errors_say_where(written: str, offset: int, words: str) -> None:
    with pytest.raises(DimSyntaxError) as raised:
        parse(written)
    assert raised.value.offset == offset
    assert words in str(raised.value)


def test_limits() -> None:
    with pytest.raises(DimLimitError, match="characters"):
        parse("T + " * MAX_CHARS + "1")
    with pytest.raises(DimLimitError, match="beyond the limit") as raised:
        parse("T*99999999999999999999")
    assert raised.value.offset == 2
    with pytest.raises(DimLimitError, match="nests"):
        parse("(" * 40 + "T" + ")" * 40)
    with pytest.raises(DimLimitError, match="terms"):
        parse("*".join(["(A + B + C + D + E + F + G + H)"] * 5))
    with pytest.raises(DimLimitError, match="coefficient"):
        parse("3037000500*3037000500*T")
    with pytest.raises(DimLimitError, match="degree"):
        product = T
        for _ in range(70):
            product = product * T


def test_arithmetic_with_ints_and_unchanged_operands() -> None:
    assert str(T - 2) == "T - 2"
    assert str(2 - T) == "2 - T"
    assert str(3 * T + 1) == "3*T + 1"
    assert str((T - 2) // 2) == "(T - 2) // 2"
    assert (T + B) * 2 == 2 * T + 2 * B
    assert str(T) == "T"  # operators build new values
    assert (T + 0) == T
    assert Expr.constant(5).as_int() == 5
    assert (T - T).as_int() == 0
    assert T.as_int() is None
    assert (T * B + (T // 2)).symbols == {"T", "B"}
    with pytest.raises(ValueError, match="positive integer"):
        T // 0


def test_evaluate_and_substitute() -> None:
    conv_then_pool = parse("(T - 2) // 2")
    assert conv_then_pool.evaluate({"T": 10}) == 4
    assert conv_then_pool.evaluate({"T": 11}) == 4
    assert parse("B*T + 1").evaluate({"B": 3, "T": 5}) == 16
    with pytest.raises(KeyError):
        conv_then_pool.evaluate({})
    assert parse("B*T").substitute({"B": 32}) == parse("32*T")
    assert parse("(T - 2) // 2").substitute({"T": parse("2*S + 2")}) == parse("S")
    assert parse("B*T").substitute({}) == parse("B*T")


@pytest.mark.parametrize(
    ("numerator", "divisor", "quotient"),
    [
        ("B*T*H", "H", "B*T"),
        ("B*T*8", "8", "B*T"),
        ("B*T*8", "4*T", "2*B"),
        ("B*T - 2*B", "T - 2", "B"),
        ("T*T - 4", "T + 2", "T - 2"),
        ("B*(T // 2)*16", "16", "B*(T // 2)"),
        ("12", "4", "3"),
        ("B*T*H", "3", None),
        ("B*T", "H", None),
        ("T + 1", "2*T + 2", None),
        ("T*T + 1", "T", None),
    ],
)
def test_divide_exactly(numerator: str, divisor: str, quotient: str | None) -> None:
    found = divide_exactly(parse(numerator), parse(divisor))
    assert (None if found is None else str(found)) == quotient


@pytest.mark.parametrize(
    ("first", "second", "always"),
    [
        ("T", "T - 2", True),
        ("4", "2", True),
        ("B*T + 1", "B*T", True),
        ("(T + 2) // 2", "T // 2", True),
        ("B*T", "B", False),  # equal when T is 1
        ("B", "4", False),
        ("B", "T", False),
        ("T", "T", False),
    ],
)
def test_always_differ(first: str, second: str, always: bool) -> None:
    assert always_differ(parse(first), parse(second)) is always
    assert always_differ(parse(second), parse(first)) is always


@pytest.mark.parametrize(
    ("first", "second", "witness"),
    [
        ("B", "T", {"B": 1, "T": 2}),
        ("B", "4", {"B": 1}),
        ("T", "T - 2", {"T": 3}),  # T - 2 is a size only from T = 3 on
        ("B*T", "B", {"B": 1, "T": 2}),
        ("T", "T", None),
        # equal for every T although the normal forms differ (Hermite's identity)
        ("T // 2 + (T + 1) // 2", "T", None),
    ],
)
def test_find_difference(first: str, second: str, witness: dict[str, int] | None) -> None:
    assert find_difference(parse(first), parse(second)) == witness


def test_no_difference_where_one_side_is_not_a_size() -> None:
    # 2 - T is a size only for T = 1, where it equals 1
    assert find_difference(parse("2 - T"), Expr.constant(1)) is None


def test_lower_bound_and_never_positive() -> None:
    assert lower_bound(parse("B*T + 2")) == 3
    assert lower_bound(parse("T // 2")) == 0
    assert lower_bound(parse("T - 2")) == -1
    assert lower_bound(parse("5 - T")) is None
    assert never_positive(parse("1 - T"))
    assert never_positive(parse("-B*T"))
    assert not never_positive(parse("5 - T"))
    assert not never_positive(parse("T - 5"))


# properties -----------------------------------------------------------------------

SYMBOLS = ("B", "T", "H")


@st.composite
def expressions(draw: st.DrawFn, depth: int = 0) -> str:
    """Random Python text over SYMBOLS: ints, + - *, // by a positive int, signs."""
    if depth >= 4 or draw(st.integers(0, 3)) == 0:
        return draw(st.sampled_from(SYMBOLS) | st.integers(0, 12).map(str))
    kind = draw(st.sampled_from(("+", "-", "*", "//", "neg")))
    left = draw(expressions(depth + 1))
    if kind == "neg":
        return f"-({left})"
    if kind == "//":
        return f"({left}) // {draw(st.integers(1, 7))}"
    return f"({left}) {kind} ({draw(expressions(depth + 1))})"


values = st.fixed_dictionaries({name: st.integers(1, 60) for name in SYMBOLS})


def python_value(text: str, point: dict[str, int]) -> int:
    value = eval(text, {"__builtins__": {}}, dict(point))
    assert isinstance(value, int)
    return value


def parsed(text: str) -> Expr:
    try:
        return parse(text)
    except DimLimitError:
        assume(False)
        raise


@settings(max_examples=300)
@given(expressions(), values)
def test_the_normal_form_has_the_value_of_the_expression(text: str, point: dict[str, int]) -> None:
    assert parsed(text).evaluate(point) == python_value(text, point)


@settings(max_examples=300)
@given(expressions(), values)
def test_the_canonical_text_reads_back_and_is_python(text: str, point: dict[str, int]) -> None:
    expr = parsed(text)
    canonical = str(expr)
    if len(canonical) > MAX_CHARS:
        with pytest.raises(DimLimitError):
            parse(canonical)
        return
    assert parse(canonical) == expr
    assert str(parse(canonical)) == canonical
    assert python_value(canonical, point) == expr.evaluate(point)
    if expr.as_int() is None:  # what the JSON Schema tells editors a dimension looks like
        assert re.fullmatch(DIM_PATTERN, canonical)


@settings(max_examples=150)
@given(expressions(), expressions(), values)
def test_a_difference_is_only_claimed_with_values_that_show_it(
    first: str, second: str, point: dict[str, int]
) -> None:
    a, b = parsed(first), parsed(second)
    witness = find_difference(a, b)
    if witness is not None:
        assert a.evaluate(witness) != b.evaluate(witness)
        assert a.evaluate(witness) > 0
        assert b.evaluate(witness) > 0
    if always_differ(a, b):
        assert a.evaluate(point) != b.evaluate(point)


@settings(max_examples=150)
@given(expressions(), st.integers(1, 9), st.integers(-20, 20))
def test_equal_expressions_written_differently_are_never_told_apart(
    text: str, k: int, c: int
) -> None:
    for written, same in [
        (f"({text}) + B - B", text),
        (f"(({text}) * {k}) // {k}", text),
        (f"(({text}) + {k}*({c})) // {k} - ({c})", f"({text}) // {k}"),
        (f"(({text}) // {k}) // 2", f"({text}) // {2 * k}"),
    ]:
        first, second = parsed(written), parsed(same)
        assert find_difference(first, second) is None, (written, str(first), str(second))
        assert not always_differ(first, second)


@settings(max_examples=150)
@given(expressions(), values)
def test_the_lower_bound_holds(text: str, point: dict[str, int]) -> None:
    expr = parsed(text)
    bound = lower_bound(expr)
    if bound is not None:
        assert expr.evaluate(point) >= bound
    if never_positive(expr):
        assert expr.evaluate(point) <= 0


@settings(max_examples=150)
@given(expressions(), expressions(), values)
def test_exact_division_undoes_multiplication(
    first: str, second: str, point: dict[str, int]
) -> None:
    a, b = parsed(first), parsed(second)
    assume(b.terms)
    try:
        product = a * b
    except DimLimitError:
        assume(False)
        raise
    quotient = divide_exactly(product, b)
    assert quotient is not None
    assert quotient * b == product
    assert quotient.evaluate(point) == a.evaluate(point)


def test_terms_stay_bounded() -> None:
    wide = Expr.constant(0)
    for index in range(MAX_TERMS):
        wide = wide + Expr.symbol(f"X{index}")
    with pytest.raises(DimLimitError):
        wide + Expr.symbol("Y")


def test_the_difference_search_is_deterministic() -> None:
    # they differ only when all five are odd: the random part of the search finds it
    first, second = parse("(A*B*C*D*E) // 2"), parse("(A*B*C*D*E + 1) // 2")
    found = find_difference(first, second)
    assert found is not None
    assert find_difference(first, second) == found
    random.seed(7)  # the search owns its own generator
    assert find_difference(first, second) == found


def test_a_sum_in_one_pass_is_the_sum_term_by_term() -> None:
    parts = [
        parse("2*B*T"),
        parse("T - 2"),
        parse("(T - 2) // 2"),
        parse("-2*B*T"),
        Expr.constant(3),
    ]
    assert Expr.sum(parts) == parts[0] + parts[1] + parts[2] + parts[3] + parts[4]
    assert str(Expr.sum(parts)) == "T + T // 2"  # (T - 2) // 2 is T // 2 - 1
    assert Expr.sum([]) == Expr.constant(0)
