"""The frameworks lstmshape knows, each with the layer types its package declares.

A framework's package (``lstmshape/frameworks/torch``, ``.../keras``) lists
its layer-type modules, which register themselves in
:data:`~lstmshape.frameworks.layer_type.LAYER_TYPES` when imported, and builds
its :class:`Framework`, which imports them (all, or each when first used) and
derives from that registry the table of types, the other framework's type
names with hints, the keys wrapped layers take.  Nothing here is kept in step
by hand with the layer types.

A package is imported the first time a spec names its framework: a run that
checks torch specs alone never defines Keras's models (about 20 ms).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import cached_property
from importlib import import_module
from typing import TYPE_CHECKING, Any

from lstmshape.frameworks.layer_type import LAYER_TYPES, LayerType
from lstmshape.models.light import type_modules

if TYPE_CHECKING:
    from lstmshape.diagnostics import NodePath, Problem
    from lstmshape.engine.graph import Resolver
    from lstmshape.engine.tensors import Source
    from lstmshape.models.common import LayerBase
    from lstmshape.models.spec import ParsedSpec

DeclaredInput = Callable[
    ["LayerBase", "str | None", "str | None", "Resolver", "ParsedSpec"], "Source | None"
]
"""A framework's own way of declaring a model's input on a layer (Keras's
``input_shape``): given the layer's config, its ``input:`` as written, the
previous layer's name, the resolver and the spec, the declared input or None."""
NotALayer = Callable[[str, dict[str, Any], "NodePath"], "Problem | None"]
"""A framework's own reason why a type it has is not a layer of a spec (Keras's
``Input``): given the type as written, the layer's mapping and where its type
is, the problem to report, or None for any other type."""


def strip_prefix(written: Any, prefixes: tuple[str, ...]) -> Any:
    """``nn.LSTM`` as ``LSTM``: the class name without the first prefix it starts with."""
    if isinstance(written, str):
        for prefix in prefixes:
            if written.startswith(prefix):
                return written[len(prefix) :]
    return written


class Framework:
    """One framework: its spellings and hints, and its layer types from the registry."""

    def __init__(
        self,
        key: str,
        *,
        prefixes: tuple[str, ...],
        foreign_keys: dict[str, str],
        removed_keys: dict[str, str] | None = None,
        shape_neutral: tuple[str, ...] = (),
        no_inputs_hint: str | None = None,
        declared_input: DeclaredInput | None = None,
        not_a_layer: NotALayer | None = None,
        shared_modules: bool = False,
        layer_modules: tuple[str, ...],
        nested_keys: Mapping[str, tuple[str, ...]] | None = None,
    ) -> None:
        self.key = key
        self.prefixes = prefixes
        self.foreign_keys = foreign_keys
        """Argument names of the other framework, with what to write instead."""
        self.removed_keys = removed_keys or {}
        """Arguments the framework has removed, with what replaces them."""
        self.shape_neutral = shape_neutral
        """Arguments every layer may take that never change a shape (documented once)."""
        self.no_inputs_hint = no_inputs_hint
        """What to do when the first layer has nothing to read and the spec no inputs."""
        self.declared_input = declared_input
        self.not_a_layer = not_a_layer
        self.shared_modules = shared_modules
        """Whether a layer may call an earlier layer's module again (``reuse: LAYER``)."""
        self._nested_keys = nested_keys or {}
        self.types = _layer_types(key, layer_modules)
        """The framework's layer types by name, in the order they are listed to users."""

    # What follows reads every layer type: the reports of a mistake and the JSON Schema.

    @cached_property
    def layers(self) -> dict[str, type[LayerBase]]:
        return {name: declared.config for name, declared in self.types.items()}

    @cached_property
    def foreign_types(self) -> dict[str, str]:
        """Type names of the other framework, with what to write instead."""
        return {
            foreign: hint
            for declared in self.types.values()
            for foreign, hint in declared.foreign_types.items()
        }

    @cached_property
    def nested_fields(self) -> tuple[str, ...]:
        """Arguments that hold a wrapped layer's config."""
        return tuple(
            dict.fromkeys(field for declared in self.types.values() for field in declared.nests)
        )

    @cached_property
    def wrapped_fields(self) -> dict[str, tuple[str, ...]]:
        """The keys each wrappable layer type takes when it is wrapped, and those of what
        else is nested alike (``nested_keys``: Keras's RNN cells)."""
        wrapped = {
            name: tuple(declared.wrapped_config.model_fields)
            for name, declared in self.types.items()
            if declared.wrapped_config is not None
        }
        return {**wrapped, **self._nested_keys}

    @cached_property
    def wrapped_foreign_keys(self) -> dict[str, dict[str, str]]:
        """The hints for keys of another framework or type, per wrappable type (``units`` on a
        ConvLSTM2D says to write filters, wrapped or not)."""
        return {
            name: {**self.foreign_keys, **declared.foreign_keys}
            for name, declared in self.types.items()
            if declared.wrapped_config is not None
        }

    @cached_property
    def every_prefix(self) -> tuple[str, ...]:
        """Every prefix some type takes, longest first (``torch.nn.functional.`` before
        ``torch.``)."""
        return tuple(
            sorted(
                {prefix for declared in self.types.values() for prefix in self.spellings(declared)},
                key=len,
                reverse=True,
            )
        )

    def spellings(self, declared: LayerType[Any]) -> tuple[str, ...]:
        """The prefixes the type may be written with: its own, or the framework's."""
        return self.prefixes if declared.prefixes is None else declared.prefixes

    def normalize_type(self, written: str) -> str:
        """``nn.LSTM`` and ``torch.nn.LSTM`` are ``LSTM``; ``F.softmax`` is ``softmax``.

        A prefix under which the framework does not have the name (``nn.permute``)
        leaves the text as written, which names no type.
        """
        if "." not in written:  # every prefix is a module path ending in "."
            return written
        stripped = written
        for prefix in self.every_prefix:
            if written.startswith(prefix):
                name = written[len(prefix) :]
                declared = self.types.get(name)
                if declared is not None:
                    return name if prefix in self.spellings(declared) else written
                if stripped == written:
                    stripped = name
        return stripped

    def spelling_hint(self, written: str) -> str | None:
        """For a type written under a prefix it does not take: how it is written."""
        for prefix in self.every_prefix:
            declared = self.types.get(written[len(prefix) :])
            if written.startswith(prefix) and declared is not None:
                forms = [declared.name, *(p + declared.name for p in self.spellings(declared))]
                return f"{self.key} has no {written}; write " + " or ".join(forms)
        return None

    @property
    def type_hint(self) -> str:
        return f"{self.key} layer types: {', '.join(self.types)}"


def _layer_types(key: str, layer_modules: tuple[str, ...]) -> Mapping[str, LayerType[Any]]:
    """The types the framework's ``layer_modules`` declare, by name, in the order listed.

    A check with the stored schemas, which name each type's module, imports a module when
    one of its types is first looked up: only the modules its specs use.  (A wrapper's
    rules look the type it wraps up in the registry; building the wrapper's validator has
    imported every type it may wrap.)  Anything else imports them all, here.
    """
    index = type_modules(key)
    if index is not None:
        return _DeclaredOnUse(key, index)
    for module in layer_modules:
        import_module(f"{__name__}.{key}.{module}")
    return {name: declared for (owner, name), declared in LAYER_TYPES.items() if owner == key}


class _DeclaredOnUse(Mapping[str, LayerType[Any]]):
    """A framework's layer types by name, each module imported when first needed."""

    def __init__(self, key: str, modules: Mapping[str, str]) -> None:
        self._key = key
        self._modules = modules

    def __getitem__(self, name: str) -> LayerType[Any]:
        declared = LAYER_TYPES.get((self._key, name))
        if declared is None:
            import_module(self._modules[name])  # a KeyError for a name the framework lacks
            declared = LAYER_TYPES[(self._key, name)]
        return declared

    def __contains__(self, name: object) -> bool:
        return name in self._modules

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __len__(self) -> int:
        return len(self._modules)


class _Frameworks(Mapping[str, Framework]):
    """The frameworks by key; each one's package is imported on first use."""

    def __init__(self, packages: dict[str, str]) -> None:
        self._packages = packages
        self._loaded: dict[str, Framework] = {}

    def __getitem__(self, key: str) -> Framework:
        found = self._loaded.get(key)
        if found is None:
            found = self._loaded[key] = import_module(self._packages[key]).FRAMEWORK
        return found

    def __contains__(self, key: object) -> bool:
        return key in self._packages  # without importing the framework

    def __iter__(self) -> Iterator[str]:
        return iter(self._packages)

    def __len__(self) -> int:
        return len(self._packages)


FRAMEWORKS: Mapping[str, Framework] = _Frameworks(
    {"torch": "lstmshape.frameworks.torch", "keras": "lstmshape.frameworks.keras"}
)
