"""``@record`` behaves as ``@dataclass`` does, for every argument lstmshape uses."""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

import pytest

from lstmshape.record import FrozenRecordError, field, record, replace


def _made(decorate: Any, make_field: Any) -> type:
    class Layer:
        kind: ClassVar[str] = "layer"
        name: str
        size: int = 4
        tags: list[str] = make_field(default_factory=list)
        note: str = make_field(default="", repr=False, compare=False)

    made: type = decorate(Layer)
    return made


def _pair(**options: Any) -> tuple[type, type]:
    """The same class made by ``@dataclass`` and by ``@record``."""
    return (
        _made(dataclasses.dataclass(**options), dataclasses.field),
        _made(record(**options), field),
    )


OPTIONS = [{}, {"frozen": True}, {"frozen": True, "slots": True}, {"slots": True}]


@pytest.mark.parametrize("options", OPTIONS, ids=str)
def test_same_as_a_dataclass(options: dict[str, bool]) -> None:
    expected, made = _pair(**options)
    for cls in (expected, made):
        first = cls("a", 8, ["x"], note="n")
        assert (first.name, first.size, first.tags, first.note) == ("a", 8, ["x"], "n")
        assert cls("a").tags == [] and cls("a").tags is not cls("a").tags  # a fresh default
    assert repr(made("a", 8, ["x"], note="n")) == repr(expected("a", 8, ["x"], note="n"))
    assert made("a") == made("a", note="other")  # note is not compared
    assert made("a") != made("b")
    assert made("a") != expected("a")  # another class is never equal
    assert made.__match_args__ == expected.__match_args__
    assert made.kind == "layer"
    if options.get("frozen"):
        assert hash(made("a", 1, ())) == hash(made("a", 1, (), note="x"))
        assert hash(made("a", 1, ())) == hash(expected("a", 1, ()))
        with pytest.raises(FrozenRecordError):
            made("a").size = 3
        with pytest.raises(AttributeError):  # as a frozen dataclass's error is
            expected("a").size = 3
    else:
        assert made.__hash__ is None and expected.__hash__ is None
        changed = made("a")
        changed.size = 3
        assert changed.size == 3
    assert hasattr(made("a"), "__dict__") == hasattr(expected("a"), "__dict__")


def test_replace_is_dataclasses_replace() -> None:
    expected, made = _pair(frozen=True, slots=True)
    assert replace(made("a", 8), size=2) == made("a", 2)
    assert repr(replace(made("a", 8), size=2)) == repr(
        dataclasses.replace(expected("a", 8), size=2)
    )


def test_a_field_without_default_after_one_with_is_refused() -> None:
    class Wrong:
        first: int = 1
        second: int

    with pytest.raises(TypeError, match="non-default field 'second'"):
        record(Wrong)


def test_a_method_the_class_defines_stays() -> None:
    @record(frozen=True)
    class Named:
        name: str

        def __repr__(self) -> str:
            return f"<{self.name}>"

    assert repr(Named("x")) == "<x>"


def test_a_frozen_slotted_record_made_from_another_sets_both_classes_fields() -> None:
    # Its __init__ sets each slot through the slot's descriptor, a base's included.
    @record(frozen=True, slots=True)
    class Base:
        name: str
        size: int = 4

    @record(frozen=True, slots=True)
    class Sub(Base):
        tags: tuple[str, ...] = ()

    made = Sub("a", 8, ("x",))
    assert (made.name, made.size, made.tags) == ("a", 8, ("x",))
    assert Sub("a") == Sub("a", 4, ()) and Sub("a") != Base("a")
    assert repr(made).endswith(".Sub(name='a', size=8, tags=('x',))")
    with pytest.raises(FrozenRecordError):
        made.size = 3


def test_a_frozen_record_made_from_a_slotted_one_sets_the_slots_and_its_own_fields() -> None:
    # Its __init__ writes its own fields into its __dict__, and a base's slots past
    # its __setattr__: a slot is read before the __dict__, so it must be the one set.
    @record(frozen=True, slots=True)
    class Base:
        name: str

    @record(frozen=True)
    class Sub(Base):
        size: int = 4

    made = Sub("a", 8)
    assert (made.name, made.size) == ("a", 8)
    assert made.__dict__ == {"size": 8}
    assert Sub("a") == Sub("a", 4) and hash(Sub("a")) == hash(Sub("a", 4))
    with pytest.raises(FrozenRecordError):
        made.name = "b"
