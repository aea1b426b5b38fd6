"""Which YAML documents and files are lstmshape specs.

A pre-commit hook with ``types: [yaml]``, or ``lstmshape check .`` on a
repository, is handed every YAML file: workflows, docker-compose.yml, Hydra
configs, mkdocs.yml.  Those are not specs and must not fail the run, while a
spec with a typo must still be checked.  So the rule looks only at what a
spec cannot do without, at the top level, and forgives one typo there:

* a document is a spec when its top level is a mapping with a key
  ``framework`` or ``layers``, or a key one typo away from either
  (``framwork``, ``layer``, ``Layers``): a misspelt spec is checked and told
  what is wrong instead of being skipped.  A spec written as an item of a
  top-level list (``- framework: torch``) counts too, and is told it must
  not be a list;
* a file is a spec when one of its documents is, or when a
  ``# yaml-language-server: $schema=`` comment names lstmshape's schema (a
  file name with ``lstmshape`` in it, as ``lstmshape schema >
  lstmshape.schema.json`` writes);
* when YAML cannot read a file to its end (a syntax error, a tag such as
  mkdocs' ``!!python/name:``, a limit), a line that starts with such a key
  makes it a spec.

The look is cheap: the loaded document's top-level keys, or a scan of the
lines; no validation runs for a file that is not a spec.
"""

from __future__ import annotations

import re
from typing import Any

from lstmshape.diagnostics import Problem
from lstmshape.loader import LoadResult

SPEC_KEYS = ("framework", "layers")
"""A spec has both; either one, even misspelt, marks a document as a spec."""

# Patterns of rare cases (a modeline, a file YAML could not read), compiled by the re
# module's cache when first used: compiling both at import costs a cold check 0.4 ms.
_MODELINE = r"(?m)^[ \t]*#[ \t]*yaml-language-server[ \t]*:[ \t]*\$schema=(\S+)"
_TOP_LEVEL_KEY = r"""(?m)^(?:"([^"\n]*)"|'([^'\n]*)'|([^\s#'"\-?:][^:\n]*?))[ \t]*:(?:[ \t]|$)"""


def names_lstmshape_schema(text: str) -> bool:
    """Whether a yaml-language-server comment points to lstmshape's schema."""
    if "yaml-language-server" not in text:  # the usual case, without the regex
        return False
    for match in re.finditer(_MODELINE, text):
        schema = match.group(1).rstrip("/")
        if "lstmshape" in schema.rsplit("/", 1)[-1].lower():
            return True
    return False


def is_spec_document(data: Any) -> bool:
    """Whether a loaded document is a mapping with a spec's top-level key,
    or a list holding such a mapping."""
    if isinstance(data, list):
        return any(_has_spec_key(item) for item in data)
    return _has_spec_key(data)


def _has_spec_key(data: Any) -> bool:
    return isinstance(data, dict) and any(isinstance(key, str) and is_spec_key(key) for key in data)


def has_spec_key_line(text: str) -> bool:
    """Whether a line of ``text`` starts with a spec's top-level key.

    For a file YAML could not read to its end: its keys are found in its
    lines, the block style every spec is written in.
    """
    for match in re.finditer(_TOP_LEVEL_KEY, text):
        key = next(group for group in match.groups() if group is not None)
        if is_spec_key(key):
            return True
    return False


def is_spec_key(key: str) -> bool:
    """``framework`` or ``layers``, in any case, or one typo away from either."""
    word = key.strip().lower()
    return any(_at_most_one_typo(word, spec_key) for spec_key in SPEC_KEYS)


def _at_most_one_typo(word: str, target: str) -> bool:
    """One letter added, dropped or changed, or two neighbours swapped, at most."""
    if word == target:
        return True
    if abs(len(word) - len(target)) > 1:
        return False
    start = 0
    while start < min(len(word), len(target)) and word[start] == target[start]:
        start += 1
    if len(word) == len(target):
        rest, target_rest = word[start + 1 :], target[start + 1 :]
        swapped = (
            start + 1 < len(word)
            and word[start] == target[start + 1]
            and word[start + 1] == target[start]
            and word[start + 2 :] == target[start + 2 :]
        )
        return rest == target_rest or swapped
    if len(word) > len(target):
        return word[start + 1 :] == target[start:]
    return word[start:] == target[start + 1 :]


def is_spec_file(text: str, loaded: LoadResult) -> bool:
    """Whether a file is a spec: see the module's docstring for the rule."""
    if names_lstmshape_schema(text):
        return True
    if any(is_spec_document(document.data) for document in loaded.documents):
        return True
    # YAML stopped early: the documents it could not read may still be specs
    return bool(loaded.problems) and has_spec_key_line(text)


SHOWN_KEYS = 5


def not_a_spec(data: dict[Any, Any]) -> Problem:
    """LS005 for a mapping that has none of a spec's top-level keys.

    One diagnostic instead of an unknown-key error for every key of a
    docker-compose.yml, with the way to skip such files.
    """
    keys = [key for key in data if isinstance(key, str)]
    found = ", ".join(keys[:SHOWN_KEYS]) + (", ..." if len(keys) > SHOWN_KEYS else "")
    return Problem(
        "LS005",
        "this is not an lstmshape spec: its top level has neither framework nor layers"
        + (f" (it has {found})" if found else ""),
        (),
        hint="lstmshape checks model specs only; pass --skip-non-specs to skip files that "
        "are not specs (the pre-commit hook does)",
    )
