"""The JSON Schema of the spec format, generated from the pydantic models.

Nothing here is written by hand about layers or their arguments: the top
level comes from :class:`~lstmshape.models.spec.SpecHeader`, and every
layer of every framework in :data:`~lstmshape.frameworks.FRAMEWORKS`
from its own config model, so a new framework or layer type is in the
schema as soon as it is registered.  Two things are added around them:

* per framework, an ``if framework is X then every layer is one of X's
  layer types`` clause, so an editor completes the types and arguments of
  the framework the spec names and flags a layer type of the other one;
* each layer's ``type`` accepts the spellings lstmshape accepts (``LSTM``,
  ``nn.LSTM``, ``torch.nn.LSTM``), generated from the framework's prefixes.

What the schema cannot say (a reference to a layer that does not exist, a
shape that does not fit) is left to ``lstmshape check``; so is ``8.0`` where
an integer is due, which JSON Schema counts as the integer 8.
"""

from __future__ import annotations

from typing import Any

from pydantic.json_schema import models_json_schema

from lstmshape.frameworks import FRAMEWORKS, Framework
from lstmshape.models.common import LayerBase
from lstmshape.models.spec import ReusedLayer, SpecHeader

DIALECT = "https://json-schema.org/draft/2020-12/schema"
_REF_TEMPLATE = "#/$defs/{model}"


def _spellings(framework: Framework, type_name: str) -> list[str]:
    declared = framework.types[type_name]
    return [type_name, *(prefix + type_name for prefix in framework.spellings(declared))]


def _layer_union(key: str) -> str:
    return f"{key}_layer"


def _layer_items(framework: Framework, reused: dict[str, str]) -> dict[str, Any]:
    """A layer of the framework; in torch also a second call of an earlier module."""
    declared = {"$ref": f"#/$defs/{_layer_union(framework.key)}"}
    return {"anyOf": [declared, reused]} if framework.shared_modules else declared


def build_schema() -> dict[str, Any]:
    models: list[type[LayerBase]] = [
        model for framework in FRAMEWORKS.values() for model in framework.layers.values()
    ]
    refs, layer_defs = models_json_schema(
        [
            (SpecHeader, "validation"),
            (ReusedLayer, "validation"),
            *((model, "validation") for model in models),
        ],
        ref_template=_REF_TEMPLATE,
    )
    defs: dict[str, Any] = layer_defs.get("$defs", {})
    header_ref = refs[(SpecHeader, "validation")]["$ref"]
    header = defs.pop(header_ref.rsplit("/", 1)[-1])
    reused = refs[(ReusedLayer, "validation")]
    clauses = []
    for framework in FRAMEWORKS.values():
        variants = []
        for type_name, model in framework.layers.items():
            ref = refs[(model, "validation")]["$ref"]
            definition = defs[ref.rsplit("/", 1)[-1]]
            definition["properties"]["type"] = {
                "enum": _spellings(framework, type_name),
                "description": f"{framework.key} layer type {type_name}",
            }
            definition["title"] = f"{framework.key} {type_name}"
            variants.append({"$ref": ref})
        spellings = [
            spelling
            for type_name in framework.layers
            for spelling in _spellings(framework, type_name)
        ]
        defs[_layer_union(framework.key)] = {
            "title": f"{framework.key} layer",
            "description": framework.type_hint,
            # The type's own enum, besides the variants' ones: an editor completes every
            # type of the framework and names them all when the type is wrong.
            "type": "object",
            "properties": {"type": {"enum": spellings, "description": framework.type_hint}},
            "required": ["type"],
            "oneOf": variants,
        }
        clauses.append(
            {
                "if": {
                    "properties": {"framework": {"const": framework.key}},
                    "required": ["framework"],
                },
                "then": {"properties": {"layers": {"items": _layer_items(framework, reused)}}},
            }
        )
    return {
        "$schema": DIALECT,
        **header,
        "title": "lstmshape spec",
        "description": "A recurrent model for lstmshape check: its framework, inputs and layers.",
        "allOf": clauses,
        "$defs": defs,
    }
