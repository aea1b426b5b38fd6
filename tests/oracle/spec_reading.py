"""Reading a generated spec the way both framework runners need to.

Deliberately independent of lstmshape's own parser: the runners are the
reference the engine is compared with, so they share nothing with it.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from typing import Any

from tests.oracle.outcome import Run

REFERENCE = re.compile(r"^\s*([A-Za-z_]\w*)(?:\.([A-Za-z_]\w*))?(.*)$")


def read_reference(nodes: dict[str, dict[str, Any]], text: str) -> Any:
    """The framework tensor a reference names, indexed as written.

    The index is applied with ``eval`` on generated text only, so that the
    framework itself indexes: the point is to compare with its behaviour.
    """
    match = REFERENCE.match(text)
    if match is None:
        raise ValueError(f"not a reference: {text!r}")
    source, tensor, index = match.groups()
    value = nodes[source][tensor or "output"]
    if index.strip():
        value = eval("t" + index, {"__builtins__": {}}, {"t": value})
    return value


MASK_KEYS = ("mask", "attention_mask", "key_padding_mask", "attn_mask")
"""The call arguments that read a mask: Keras's, and torch's MultiheadAttention's."""


def mask_input_names(spec: dict[str, Any]) -> set[str]:
    """The inputs some layer reads as a mask: booleans, as masks are."""
    names = set()
    for layer in spec["layers"]:
        for key in MASK_KEYS:
            written = layer.get(key)
            texts = written if isinstance(written, list) else [written]
            matches = [REFERENCE.match(text) for text in texts if isinstance(text, str)]
            names |= {match.group(1) for match in matches if match is not None}
    return names & set(spec.get("inputs") or {})


def strip_prefix(written: str, prefixes: tuple[str, ...]) -> str:
    """``nn.LSTM`` as ``LSTM``, for the framework's spellings of a class."""
    for prefix in prefixes:
        if written.startswith(prefix):
            return written[len(prefix) :]
    return written


def token_inputs(spec: dict[str, Any], layer_type: Callable[[dict[str, Any]], str]) -> set[str]:
    """The inputs an Embedding reads: they hold token ids, so they are integers."""
    names = set()
    inputs = list(spec.get("inputs") or {})
    for index, layer in enumerate(spec["layers"]):
        if layer_type(layer) != "Embedding":
            continue
        written = layer.get("input")
        if written is not None:
            names.add(REFERENCE.match(written).group(1))  # type: ignore[union-attr]
        elif index == 0 and len(inputs) == 1:
            names.add(inputs[0])
    return names


def classify_warnings(
    caught: list[warnings.WarningMessage],
    run: Run,
    codes_by_text: dict[str, str],
    ignored: dict[str, str],
) -> list[str]:
    """The lstmshape codes of the framework's warnings; others are recorded as unexpected."""
    codes = []
    for warning in caught:
        text = str(warning.message)
        code = next((code for known, code in codes_by_text.items() if known in text), None)
        if code is not None:
            codes.append(code)
        elif not any(known in text for known in ignored):
            run.unexpected_warnings.append(f"{warning.category.__name__}: {text}")
    return codes
