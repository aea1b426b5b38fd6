"""Write the import's fixtures: Keras-saved JSON the tests import without Keras.

Run ``KERAS_BACKEND=torch python -m tests.importing.make_fixtures`` with Keras
installed (the test extra's version) after changing ``keras_models.py``.  For
each model it writes ``fixtures/NAME.json`` (``model.to_json(indent=1)``, so
that diagnostics have lines) and records in ``fixtures/expected.json`` what
Keras itself says of each layer: its parameter count and its output shapes.
``test_fixtures.py`` imports the files and compares; with Keras present, it
also checks that this script would write the same files today.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

os.environ.setdefault("KERAS_BACKEND", "torch")

FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXPECTED = FIXTURES / "expected.json"


def layer_facts(model: Any) -> dict[str, Any]:
    """Each layer's parameter count and output shapes (open sizes null), as Keras has them."""
    import keras

    facts: dict[str, Any] = {}
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        outputs = layer.output if isinstance(layer.output, list | tuple) else [layer.output]
        facts[layer.name] = {
            "params": layer.count_params(),
            "shapes": [list(tensor.shape) for tensor in _flat(outputs)],
        }
    return facts


def _flat(values: Any) -> list[Any]:
    if isinstance(values, list | tuple):
        return [item for value in values for item in _flat(value)]
    return [values]


def written() -> dict[str, str]:
    """Every fixture file's name and text, as the script writes them."""
    from tests.importing.keras_models import MODELS, REFUSED

    files: dict[str, str] = {}
    expected: dict[str, Any] = {}
    for name, build in {**MODELS, **REFUSED}.items():
        model = build()
        files[f"{name}.json"] = model.to_json(indent=1) + "\n"
        if name in MODELS:
            expected[name] = {"params": model.count_params(), "layers": layer_facts(model)}
    files[EXPECTED.name] = json.dumps(expected, indent=1) + "\n"
    return files


def main() -> None:
    FIXTURES.mkdir(exist_ok=True)
    for name, text in written().items():
        (FIXTURES / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
