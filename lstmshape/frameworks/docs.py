"""Documentation generated from the layer types: README tables and explain pages.

Each table row and page is made from a :class:`LayerType` alone: its
docstring, its config model's arguments and defaults, its tensors and its
examples.  The README's layer tables are checked against :func:`table` by the
tests, and ``lstmshape explain TYPE`` prints :func:`page`; the examples on a
page are the specs the tests run, through lstmshape and through the
framework itself.
"""

from __future__ import annotations

import textwrap
from typing import Any

import yaml

from lstmshape.frameworks import FRAMEWORKS, Framework
from lstmshape.frameworks.layer_type import Example, Failing, LayerType

SPEC_KEYS = ("name", "type", "expect", "module", "input", "input_shape")
"""Keys of a spec's layer that are not constructor arguments (the README says so once)."""


def _value(value: Any) -> str:
    """A default as YAML writes it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def arguments(declared: LayerType[Any], framework: Framework) -> str:
    """The constructor arguments, with their defaults: ``units``, ``use_bias=true``."""
    written = []
    for key, field in declared.config.model_fields.items():
        if key in SPEC_KEYS or key in framework.shape_neutral:
            continue
        default = "" if field.is_required() else f"={_value(field.default)}"
        written.append(f"`{key}{default}`")
    listed = ", ".join(written) or "none"
    return listed + (f" {declared.note}" if declared.note else "")


def summary(declared: LayerType[Any]) -> str:
    return declared.doc.split("\n", 1)[0]


def table(framework: Framework) -> str:
    """The README's table of the framework's layer types, one row per type."""
    rows = [
        "| type | what it computes | arguments (defaults) | tensors |",
        "|---|---|---|---|",
    ]
    rows += [
        f"| `{name}` | {summary(declared)} | {arguments(declared, framework)} | "
        f"{declared.tensors_doc} |"
        for name, declared in framework.types.items()
    ]
    return "\n".join(rows) + "\n"


class _Dumper(yaml.SafeDumper):
    """Block mappings, flow lists of scalars, and lists indented as specs write them."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)

    def represent_list(self, data: Any) -> yaml.SequenceNode:
        scalars = all(not isinstance(item, dict | list) for item in data)
        return self.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=scalars)

    def represent_dict(self, data: Any) -> yaml.MappingNode:
        return self.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=False)


_Dumper.add_representer(list, _Dumper.represent_list)
_Dumper.add_representer(dict, _Dumper.represent_dict)


def example_spec(declared: LayerType[Any], example: Example | Failing) -> str:
    """The example as a spec file: its inputs and one layer of the type.

    A passing example declares its tensors under ``expect:``, so checking the
    spec checks them; its parameter count is a comment.
    """
    layer: dict[str, Any] = {"type": declared.name, **example.layer}
    if isinstance(example, Example):
        layer["expect"] = example.tensors
    layers = [*example.before, layer]
    text = yaml.dump(
        {"framework": declared.framework, "inputs": example.inputs, "layers": layers},
        Dumper=_Dumper,
        sort_keys=False,
        width=100,
    )
    if isinstance(example, Example):
        text = f"# {declared.name}: {example.params:,} parameters\n{text}"
    return text


def _indent(text: str) -> str:
    return textwrap.indent(text.rstrip(), "    ")


def page(declared: LayerType[Any]) -> str:
    """What ``lstmshape explain TYPE`` prints for one framework's type."""
    framework = FRAMEWORKS[declared.framework]
    spellings = ", ".join(prefix + declared.name for prefix in framework.spellings(declared))
    heading = f"{framework.key} {declared.name}" + (f" (also {spellings})" if spellings else "")
    parts = [
        f"{heading}\n{'=' * len(heading)}",
        declared.doc,
        f"Arguments: {arguments(declared, framework)}".replace("`", ""),
        f"Tensors: {declared.tensors_doc}".replace("`", ""),
    ]
    if declared.wrappers:
        parts.append(f"Can be wrapped by: {', '.join(declared.wrappers)}.")
    if declared.passes_mask:
        parts.append(f"Masks: {declared.name} passes its input's mask on unchanged.")
    for example in declared.examples:
        parts += ["Example, which checks clean:", _indent(example_spec(declared, example))]
    for failing in declared.failing:
        parts += [
            f"A mistake, which lstmshape reports as {failing.code}:",
            _indent(example_spec(declared, failing)),
        ]
    return "\n\n".join(parts) + "\n"


def pages(written: str) -> str | None:
    """The page of every framework that has the layer type ``written``, or None."""
    found = [
        page(framework.types[name])
        for framework in FRAMEWORKS.values()
        if (name := framework.normalize_type(written)) in framework.types
    ]
    return "\n".join(found) if found else None
