"""``@record``: dataclasses for the modules a cold ``check`` imports, at a fraction of the cost.

Importing :mod:`dataclasses` costs a cold check about Python's own start-up
(it imports inspect, ast, dis and tokenize), and making its 28 classes as much
again: each ``@dataclass`` runs a dozen Python functions per field and compiles
each method apart.  ``@record`` takes the same arguments that matter here
(``frozen``, ``slots``, and ``field`` with ``default``, ``default_factory``,
``repr`` and ``compare``) and makes what a dataclass has: an ``__init__`` taking
the fields in order, ``__eq__`` comparing them when the classes are the same,
``__hash__`` (frozen) or none (mutable), a ``__repr__``, ``__match_args__``, and
for a frozen record an error on assignment.  Only ``__init__`` is compiled, since
it runs for every record made; the rest are shared functions.  Type checkers
read it as a dataclass (``dataclass_transform``); :func:`replace` stands for
:func:`dataclasses.replace`.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar, overload

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform
else:

    def dataclass_transform(**_: Any) -> Any:
        return lambda function: function


_Record = TypeVar("_Record")
_Owner = TypeVar("_Owner")
_Value = TypeVar("_Value")

_MISSING: Any = object()


class FrozenRecordError(AttributeError):
    """An assignment to a field of a frozen record (dataclasses' FrozenInstanceError)."""


class Field:
    """What :func:`field` says about one field."""

    __slots__ = ("compare", "default", "default_factory", "repr")

    def __init__(self, default: Any, default_factory: Any, repr: bool, compare: bool) -> None:
        self.default = default
        self.default_factory = default_factory
        self.repr = repr
        self.compare = compare


def field(
    *,
    default: Any = _MISSING,
    default_factory: Callable[[], Any] = _MISSING,
    repr: bool = True,
    compare: bool = True,
) -> Any:
    """A field's default or default factory, and whether repr and equality show it."""
    return Field(default, default_factory, repr, compare)


@overload
def record(cls: type[_Record], /) -> type[_Record]: ...


@overload
def record(
    *, frozen: bool = False, slots: bool = False
) -> Callable[[type[_Record]], type[_Record]]: ...


@dataclass_transform(field_specifiers=(field,))
def record(
    cls: type[_Record] | None = None, /, *, frozen: bool = False, slots: bool = False
) -> Any:
    """Make ``cls`` a record of the fields its annotations name (see the module's docstring)."""

    def wrap(cls: type[_Record]) -> type[_Record]:
        built: type[_Record] = _build(cls, frozen, slots)
        return built

    return wrap if cls is None else wrap(cls)


class cached_property(Generic[_Owner, _Value]):
    """:class:`functools.cached_property` without the lock Python 3.11's takes on every
    first read (3.12 dropped it): the value computed once, then kept in the instance's
    ``__dict__``, which a frozen record's ``__setattr__`` does not guard."""

    def __init__(self, function: Callable[[_Owner], _Value]) -> None:
        self._function = function
        self._name = function.__name__
        self.__doc__ = function.__doc__

    @overload
    def __get__(self, instance: None, owner: type[Any] | None = None) -> Self: ...

    @overload
    def __get__(self, instance: _Owner, owner: type[Any] | None = None) -> _Value: ...

    def __get__(self, instance: _Owner | None, owner: type[Any] | None = None) -> Self | _Value:
        if instance is None:
            return self
        value = instance.__dict__[self._name] = self._function(instance)
        return value


def replace(obj: _Record, /, **changes: Any) -> _Record:
    """A copy of the record ``obj`` with ``changes``, as :func:`dataclasses.replace`."""
    for name in obj.__record_fields__:  # type: ignore[attr-defined]
        if name not in changes:
            changes[name] = getattr(obj, name)
    return obj.__class__(**changes)


def _build(cls: Any, frozen: bool, slots: bool) -> Any:
    names, fields = _fields_of(cls)
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__}: __post_init__ is not supported by @record")
    compared = [name for name in names if fields[name].compare]
    shown = tuple(name for name in names if fields[name].repr)
    generated = {
        # a frozen slotted record's __init__ sets its slots, made with the class below
        **({} if frozen and slots else {"__init__": _init(cls, names, fields, frozen)}),
        **_comparison(compared, frozen),
        "__repr__": _repr(shown),
        "__match_args__": tuple(names),
    }
    # as dataclasses do, a method the class defines itself stays
    methods = {key: value for key, value in generated.items() if key not in cls.__dict__}
    methods["__record_fields__"] = tuple(names)
    methods["__record_field_info__"] = fields
    if frozen:
        methods["__setattr__"] = _frozen_setattr
        methods["__delattr__"] = _frozen_delattr
    if slots:
        body = {
            key: value
            for key, value in cls.__dict__.items()
            if key not in names and key not in ("__dict__", "__weakref__")
        }
        body["__slots__"] = tuple(name for name in names if name not in _slots_of_bases(cls))
        body.update(methods)
        rebuilt = type(cls)(cls.__name__, cls.__bases__, body)
        rebuilt.__qualname__ = cls.__qualname__
        if frozen and "__init__" not in cls.__dict__:
            rebuilt.__init__ = _slot_init(rebuilt, names, fields)
        return rebuilt
    for key, value in methods.items():
        setattr(cls, key, value)
    for name in names:  # as dataclasses do: the default stays a class attribute, a factory not
        if isinstance(cls.__dict__.get(name), Field):
            delattr(cls, name)
            if fields[name].default is not _MISSING:
                setattr(cls, name, fields[name].default)
    return cls


def _fields_of(cls: Any) -> tuple[list[str], dict[str, Field]]:
    """The fields in order, a base record's first, from the annotations (ClassVar excepted)."""
    names: list[str] = list(getattr(cls, "__record_fields__", ()))
    fields: dict[str, Field] = dict(getattr(cls, "__record_field_info__", {}))
    # the class's own annotations, as written (strings): inspect is what this module avoids
    own = cls.__dict__.get("__annotations__", {})  # noqa: RUF063
    for name, annotation in own.items():
        if str(annotation).startswith(("ClassVar", "typing.ClassVar")):
            continue
        given = cls.__dict__.get(name, _MISSING)
        info = given if isinstance(given, Field) else Field(given, _MISSING, True, True)
        if name not in fields:
            names.append(name)
        fields[name] = info
    return names, fields


def _init_source(
    class_name: str,
    names: list[str],
    fields: dict[str, Field],
    assignment: Callable[[str], str],
    namespace: dict[str, Any],
    prologue: str = "",
) -> str:
    """``__init__``'s source (compiled: it runs for every record made), after ``prologue``
    each field set by ``assignment(name)`` (a template of ``value``); the defaults and
    factories go into ``namespace``."""
    parameters = []
    body = [prologue] if prologue else []
    for name in names:
        info = fields[name]
        if info.default_factory is not _MISSING:
            namespace[f"_factory_{name}"] = info.default_factory
            parameters.append(f"{name}=_MISSING")
            value = f"_factory_{name}() if {name} is _MISSING else {name}"
        elif info.default is not _MISSING:
            namespace[f"_default_{name}"] = info.default
            parameters.append(f"{name}=_default_{name}")
            value = name
        else:
            if any("=" in parameter for parameter in parameters):
                raise TypeError(f"{class_name}: non-default field {name!r} after a default")
            parameters.append(name)
            value = name
        body.append(assignment(name).format(value=value))
    return f"def __init__(self, {', '.join(parameters)}):\n    {'; '.join(body) or 'pass'}\n"


def _init(cls: Any, names: list[str], fields: dict[str, Field], frozen: bool) -> Any:
    namespace: dict[str, Any] = {"_set": object.__setattr__, "_MISSING": _MISSING}
    if not frozen:
        source = _init_source(
            cls.__name__, names, fields, lambda name: f"self.{name} = {{value}}", namespace
        )
        return _compiled_init(cls, source, namespace)
    # a frozen record's own __setattr__ raises, so its fields go straight into its __dict__
    # (twice as fast as object.__setattr__); a field a base record holds in a slot cannot
    slotted = _slots_of_bases(cls)

    def assignment(name: str) -> str:
        return (
            f"_set(self, {name!r}, {{value}})" if name in slotted else f"_d[{name!r}] = {{value}}"
        )

    prologue = "_d = self.__dict__"
    source = _init_source(cls.__name__, names, fields, assignment, namespace, prologue)
    return _compiled_init(cls, source, namespace)


def _slot_init(cls: Any, names: list[str], fields: dict[str, Field]) -> Any:
    """A frozen slotted record's ``__init__``, setting each slot through its descriptor:
    a quarter faster than ``object.__setattr__`` by name, and records are the engine's
    most made objects."""
    namespace: dict[str, Any] = {"_MISSING": _MISSING}
    for name in names:
        namespace[f"_set_{name}"] = getattr(cls, name).__set__
    source = _init_source(
        cls.__name__, names, fields, lambda name: f"_set_{name}(self, {{value}})", namespace
    )
    return _compiled_init(cls, source, namespace)


def _compiled_init(cls: Any, source: str, namespace: dict[str, Any]) -> Any:
    """The ``__init__`` written in ``source``, compiled in ``namespace``."""
    exec(source, namespace)
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


def _comparison(compared: list[str], frozen: bool) -> dict[str, Any]:
    """``__eq__`` and ``__hash__`` on the tuple of the compared fields, as dataclasses make them."""
    key: Callable[[Any], Any]
    if len(compared) == 1:  # attrgetter of one name gives the value, not a tuple
        (name,) = compared

        def key(record: Any) -> tuple[Any, ...]:
            return (getattr(record, name),)

    elif compared:
        key = attrgetter(*compared)
    else:

        def key(record: Any) -> tuple[Any, ...]:
            return ()

    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return key(self) == key(other)
        return NotImplemented

    def __hash__(self: Any) -> int:
        return hash(key(self))

    return {"__eq__": __eq__, "__hash__": __hash__ if frozen else None}


def _repr(shown: tuple[str, ...]) -> Callable[[Any], str]:
    def __repr__(self: Any) -> str:
        values = ", ".join(f"{name}={getattr(self, name)!r}" for name in shown)
        return f"{self.__class__.__qualname__}({values})"

    return __repr__


def _slots_of_bases(cls: type) -> set[str]:
    found: set[str] = set()
    for base in cls.__mro__[1:]:
        found.update(getattr(base, "__slots__", ()))
    return found


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    raise FrozenRecordError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: Any, name: str) -> None:
    raise FrozenRecordError(f"cannot delete field {name!r}")
