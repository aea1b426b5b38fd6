"""The imported spec as YAML text: the header, the inputs, one block per layer.

Values are written by PyYAML (quoted where YAML needs it), lists and
nested layers in flow style on one line, as the shipped specs write them.
"""

from __future__ import annotations

from typing import Any

import yaml

from lstmshape.importing.graph import ImportedSpec


def spec_yaml(spec: ImportedSpec, source: str) -> str:
    source = "".join(char if char.isprintable() else "?" for char in source)
    lines = [
        f"# Imported by lstmshape from {source}: B is the batch, T the timesteps; see",
        "# the README's import section for the other symbols.",
        "framework: keras",
        f"name: {_flow(spec.name)}",
        "inputs:",
        *(f"  {name}: {_flow(shape)}" for name, shape in spec.inputs.items()),
        "layers:",
    ]
    for layer in spec.layers:
        first = True
        for key, value in layer.items():
            lines.append(f"{'  - ' if first else '    '}{key}: {_flow(value)}")
            first = False
    return "\n".join(lines) + "\n"


def _flow(value: Any) -> str:
    text = yaml.safe_dump(
        value, default_flow_style=True, sort_keys=False, width=10**9, allow_unicode=True
    )
    return text.removesuffix("\n").removesuffix("\n...").strip()
