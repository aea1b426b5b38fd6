"""The spec's models without pydantic's Python package, for a cold ``check``.

Importing pydantic and defining the models as pydantic classes costs about as
much as the rest of a cold check.  The models stay pydantic models, the one
definition of the spec format; :mod:`lstmshape.models.generate` writes what
pydantic makes of them, the core schema and config of each model's validator,
into :mod:`lstmshape.models.schemas`.  When the process's entry has called
:func:`enable` (a ``check``), :mod:`lstmshape.models.common` defines the models
on :class:`BaseModel` below instead of pydantic's, and each validates with a
``pydantic_core.SchemaValidator`` built from its stored schema: the same
validator pydantic would build, so the same values and the same errors.

The stored schemas are used only when they were generated from these very
sources with this very pydantic_core (:func:`active`); otherwise the models
are pydantic's, as they are for every other command, in tests and in
:mod:`lstmshape.schema`, which need pydantic's field information.
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from collections.abc import Callable

    from pydantic_core import SchemaValidator

FUNCTION_KEY = "$python"
"""The key of a stored schema's stand-in for a Python object: ``{"$python": "module:qualname"}``."""
FINGERPRINTED = ("models", "frameworks")
"""The packages whose sources define the models (and everything their schemas call)."""

_MODE: dict[str, bool] = {}
"""``enabled`` once :func:`enable` is called; ``active`` once :func:`active` has decided."""


def enable() -> None:
    """Use the stored schemas if they are current; call before anything imports the models."""
    _MODE["enabled"] = True


def active() -> bool:
    """Whether the models are defined on :class:`BaseModel`; decided once, on first use."""
    if "active" not in _MODE:
        _MODE["active"] = _MODE.get("enabled", False) and _current()
    return _MODE["active"]


def _current() -> bool:
    try:
        from lstmshape.models import schemas
    except ImportError:  # never generated: a checkout in the middle of a change
        return False
    try:
        compiled = _compiled()
    except Exception:  # an install unlike any seen: pydantic's own import will do
        compiled = None
    return (
        compiled is not None
        and compiled.__version__ == schemas.PYDANTIC_CORE
        and sources_fingerprint() == schemas.SOURCES
    )


def type_modules(framework: str) -> dict[str, str] | None:
    """The framework's layer types and the module declaring each, in the order listed to
    users, while the stored schemas are used (made with these very sources); else None."""
    if not active():
        return None
    from lstmshape.models import schemas

    modules: dict[str, str] = schemas.TYPE_MODULES[framework]
    return modules


COMPILED = "pydantic_core._pydantic_core"
"""pydantic-core's compiled module: the validators, their errors, everything validation uses."""


def _compiled() -> Any:
    """The compiled module, loaded without running its package's ``__init__``, or None.

    That ``__init__`` imports the typed descriptions of core schemas and
    typing_extensions: three times Python's own start-up, for nothing validation
    uses.  The module is registered under the name the package imports it by, so
    the package finds it there if anything imports the package later.
    """
    import sys
    from importlib.machinery import PathFinder
    from importlib.util import module_from_spec

    loaded = sys.modules.get(COMPILED)
    if loaded is not None:
        return loaded
    package = PathFinder.find_spec("pydantic_core")
    if package is None or not package.submodule_search_locations:
        return None  # not installed as a plain directory: the package's own import will do
    spec = PathFinder.find_spec(COMPILED, package.submodule_search_locations)
    if spec is None or spec.loader is None:
        return None
    module = module_from_spec(spec)
    sys.modules[COMPILED] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[COMPILED]
        raise
    return module


def compiled() -> Any:
    """The compiled module of pydantic-core, for the models while :func:`active`."""
    import sys

    return sys.modules[COMPILED]


def sources_fingerprint() -> str:
    """A hash of every source file that defines a model, the stored schemas excepted."""
    try:  # the built-in module: hashlib would load OpenSSL too, for nothing
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - a Python built without it
        from hashlib import blake2b

    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    digest = blake2b(digest_size=16)
    for top in FINGERPRINTED:
        for directory, folders, files in os.walk(os.path.join(package, top)):
            folders.sort()
            for name in sorted(files):
                path = os.path.join(directory, name)
                if not name.endswith(".py") or path == _STORED:
                    continue
                digest.update(os.path.relpath(path, package).replace(os.sep, "/").encode())
                with open(path, "rb") as source:
                    digest.update(source.read())
    return digest.hexdigest()


_STORED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schemas.py")


def stored_name(target: Any) -> str:
    """``module:qualname`` of a class or function (a class's bound method: its class's)."""
    owner = getattr(target, "__self__", None)
    if isinstance(owner, type):
        return f"{owner.__module__}:{owner.__qualname__}.{target.__func__.__name__}"
    return f"{target.__module__}:{target.__qualname__}"


def _resolve(name: str) -> Any:
    import sys
    from importlib import import_module

    module, _, qualname = name.partition(":")
    found: Any = sys.modules.get(module) or import_module(module)
    for part in qualname.split("."):
        found = getattr(found, part)
    return found


def _revived(stored: Any) -> Any:
    """A stored schema with its stand-ins replaced by the objects they name."""
    if isinstance(stored, dict):
        if len(stored) == 1 and FUNCTION_KEY in stored:
            return _resolve(stored[FUNCTION_KEY])
        return {key: _revived(value) for key, value in stored.items()}
    if isinstance(stored, list):
        return [_revived(item) for item in stored]
    return stored


def validator(name: str) -> SchemaValidator:
    """The validator pydantic builds for the model or type stored under ``name``."""
    from lstmshape.models import schemas

    schema, config = json.loads(schemas.SCHEMAS[name])
    validator: SchemaValidator = compiled().SchemaValidator(_revived(schema), config)
    return validator


class _FieldNames:
    """``Model.model_fields``: the field names, in order (pydantic's field information is
    for the JSON Schema and the docs, which always use pydantic's models)."""

    def __get__(self, instance: object, owner: type) -> dict[str, None]:
        from lstmshape.models import schemas

        return dict.fromkeys(json.loads(schemas.FIELDS[stored_name(owner)]))


class BaseModel:
    """What the checker uses of a pydantic model: validation, fields, attributes.

    pydantic_core's model validator makes instances as it makes pydantic's: it
    sets ``__dict__`` (every field, defaults included) and the three slots below.
    """

    __slots__ = (
        "__dict__",
        "__pydantic_extra__",
        "__pydantic_fields_set__",
        "__pydantic_private__",
    )
    __pydantic_fields_set__: frozenset[str]
    __light_validator__: ClassVar[SchemaValidator | None] = None
    model_config: ClassVar[dict[str, Any]] = {}
    model_fields = _FieldNames()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.__light_validator__ = None  # each class builds its own, on first use

    @classmethod
    def model_validate(cls, data: Any) -> Any:
        found = cls.__light_validator__
        if found is None:
            found = cls.__light_validator__ = validator(stored_name(cls))
        made = found.validate_python(data)
        # The validator gives each instance a set of the fields written, grown one by
        # one to 700 bytes, half of a layer's config; layers are written alike, so they
        # share one frozen set instead (a 10,000-layer spec: 7 MB less, parsed faster).
        written = frozenset(made.__pydantic_fields_set__)
        shared = _WRITTEN.get(written)
        if shared is None:
            if len(_WRITTEN) >= _WRITTEN_LIMIT:
                _WRITTEN.clear()
            shared = _WRITTEN[written] = written
        _set_fields_set(made, shared)
        return made

    @property
    def model_fields_set(self) -> frozenset[str]:
        """The fields written, as pydantic's (there a set: only read here)."""
        fields: frozenset[str] = self.__pydantic_fields_set__
        return fields

    def __setattr__(self, name: str, value: Any) -> None:
        raise TypeError(f"{type(self).__name__} is frozen")  # as the models are

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.__dict__ == self.__dict__

    def __hash__(self) -> int:  # as pydantic hashes a frozen model (a list field: TypeError)
        return hash(tuple(self.__dict__.values()))

    def __repr__(self) -> str:
        fields = ", ".join(f"{key}={value!r}" for key, value in self.__dict__.items())
        return f"{type(self).__name__}({fields})"


_set_fields_set = BaseModel.__pydantic_fields_set__.__set__  # type: ignore[attr-defined]
"""Sets the slot past :meth:`BaseModel.__setattr__`, which refuses, as a frozen model's."""
_WRITTEN: dict[frozenset[str], frozenset[str]] = {}
"""The sets of fields written seen so far, each kept once."""
_WRITTEN_LIMIT = 4096


def Field(*args: Any, **kwargs: Any) -> Any:
    """pydantic's ``Field``: the stored schemas hold what it says."""
    return None


def BeforeValidator(function: Callable[[Any], Any]) -> Any:
    """pydantic's ``BeforeValidator``: the stored schemas call the function."""
    return None


def ConfigDict(**settings: Any) -> dict[str, Any]:
    return settings


def field_validator(*fields: str, **kwargs: Any) -> Callable[[Any], Any]:
    """pydantic's ``field_validator``: the stored schemas call the class's method."""

    def keep(method: Any) -> Any:
        return method if isinstance(method, classmethod | staticmethod) else classmethod(method)

    return keep
