"""Pydantic validation errors, retold as problems in the user's terms."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from lstmshape.diagnostics import NodePath, Problem

if TYPE_CHECKING:
    from pydantic_core import ValidationError

Refusal = Callable[[NodePath, str], "tuple[str, str] | None"]
"""Why the layer holding the path cannot wrap the type written there, if it is a wrapper:
the message's end and the hint."""

_EXPECTED_BY_TYPE = {
    "int_type": "an integer",
    "int_parsing": "an integer",
    "bool_type": "true or false",
    "float_type": "a number",
    "string_type": "a string",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "none_required": "null",
    "union_tag_not_found": "a mapping with a type",
}


def describe(value: Any) -> str:
    """A value as the user wrote it in YAML, named by its kind."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    options = list(choices)
    lowered = {choice.lower(): choice for choice in options}
    if word.lower() in lowered:
        return lowered[word.lower()]
    import difflib  # only for a misspelt name: a cold check without one never imports it

    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return close[0] if close else None


def label(path: NodePath, base: str = "") -> str:
    """``("layers", 2, "hidden_size")`` as ``layers[2].hidden_size``."""
    text = base
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "the spec"


def problems_from_validation(
    error: ValidationError,
    *,
    prefix: NodePath,
    owner: str,
    fields: Iterable[str],
    foreign_keys: dict[str, str] | None = None,
    removed_keys: dict[str, str] | None = None,
    missing_keys: Mapping[str, tuple[str, str]] | None = None,
    nested_fields: Iterable[str] = (),
    wrapped_fields: dict[str, tuple[str, ...]] | None = None,
    wrapped_foreign_keys: Mapping[str, dict[str, str]] | None = None,
    layer: str | None = None,
    refusal: Refusal | None = None,
) -> list[Problem]:
    """One problem for each pydantic error, at the node it is about.

    ``owner`` names what the keys belong to ("LSTM layer 'encoder'", "the
    spec"); ``foreign_keys`` hints at keys that belong to the other
    framework or to another place; ``removed_keys`` are arguments the
    framework once had, with what replaces them; ``missing_keys`` are
    required keys with why they are required and how to write them.
    ``nested_fields`` hold a wrapped layer (a union told apart by its type),
    whose tag pydantic puts in the error path although the YAML has no such
    node; ``wrapped_fields`` are the keys each wrapped type takes, and
    ``wrapped_foreign_keys`` its hints for foreign keys; ``refusal``
    says why the layer at a path cannot hold the type written there (None:
    the generic message).
    """
    known = list(fields)
    nested = tuple(nested_fields)
    problems = []
    items = _merge_union_errors(error.errors(include_url=False))
    # A misspelt key (hiden_size, or Keras's units) also leaves its real key
    # missing; the unknown-key hint already names it, so say it once.
    suggested = {
        _suggestion(str(item["loc"][-1]), known, foreign_keys or {})
        for item in items
        if item["type"] == "extra_forbidden"
    }
    for item in items:
        loc, wrapped = _without_tag(tuple(item["loc"]), nested)
        at = (*prefix, *loc)
        kind = item["type"]
        where = label(loc, layer) if layer else label(at)
        if kind in _TAG_ERRORS:
            problems.append(_bad_wrapped(item, at, where, layer, refusal))
        elif kind == "extra_forbidden":
            key = str(loc[-1])
            key_owner = f"the {wrapped} wrapped by {owner}" if wrapped else owner
            if key in (removed_keys or {}):
                message = f"{key} was removed in Keras 3; {key_owner} does not take it"
                hint = (removed_keys or {})[key]
                problems.append(Problem("LS109", message, at, hint=hint, layer=layer, on_key=True))
                continue
            keys = list((wrapped_fields or {}).get(wrapped, known)) if wrapped else known
            foreign = foreign_keys or {}
            if wrapped:
                foreign = (wrapped_foreign_keys or {}).get(wrapped, foreign)
            problems.append(_unknown_key(key, at, key_owner, keys, foreign, layer))
        elif kind == "invalid_key" or loc[-1:] == ("[key]",):
            at = at[:-1] if loc[-1:] == ("[key]",) else at
            expected = "a string" if kind in ("invalid_key", "string_type") else _expected(item)
            problems.append(
                Problem(
                    "LS103",
                    f"the key {item['input']!r} in {label(at[:-1])} should be {expected}",
                    at,
                    layer=layer,
                    on_key=True,
                )
            )
        elif kind == "missing":
            if loc[-1] in suggested and not wrapped:
                continue
            key_owner = f"the {wrapped} wrapped by {owner}" if wrapped else owner
            message, hint = f"{key_owner} is missing {loc[-1]}", None
            why = None if wrapped else (missing_keys or {}).get(str(loc[-1]))
            if why is not None:
                message, hint = f"{message}: {why[0]}", why[1]
            problems.append(Problem("LS102", message, at[:-1], hint=hint, layer=layer))
        elif kind == "too_long":
            limit = (item.get("ctx") or {}).get("max_length")
            problems.append(
                Problem(
                    "LS006",
                    f"{where} has {len(item['input']):,} dimensions; lstmshape takes shapes "
                    f"of at most {limit} dimensions",
                    at,
                    layer=layer,
                )
            )
        elif kind in ("invalid_dimension", "dimension_limit"):
            problems.append(_bad_dimension(item, at, where, layer))
        else:
            found = describe(item["input"])
            if isinstance(item["input"], list) and not item["input"]:
                found = "an empty list"
            hint = _nested_hint(loc[-1], item["input"]) if loc[-1:] and loc[-1] in nested else None
            problems.append(
                Problem(
                    "LS103",
                    f"{where} should be {_expected(item)}, found {found}",
                    at,
                    hint=hint,
                    layer=layer,
                )
            )
    return problems


def _nested_hint(key: str | int, written: Any) -> str | None:
    """How to write a nested layer given by its type's name alone (``cell: LSTMCell``)."""
    if not isinstance(written, str):
        return None
    return f"write it as a mapping with its arguments: {key}: {{type: {written}, ...}}"


_DIMENSION_WORDS = (
    "a dimension is a positive integer, a symbol such as B, an expression of symbols and "
    "integers with + - * and // by an integer such as T - 2, (T - 2) // 2 or B*T, or null"
)


def _bad_dimension(item: Any, at: NodePath, where: str, layer: str | None) -> Problem:
    value = item["input"]
    offset = (item.get("ctx") or {}).get("offset")
    within = (value, offset) if isinstance(value, str) and isinstance(offset, int) else None
    if item["type"] == "dimension_limit":
        return Problem("LS006", f"{where}: {item['msg']}", at, layer=layer, within=within)
    if not isinstance(value, str):
        return Problem(
            "LS107",
            f"{where} should be a positive integer, a symbol such as B, an expression such "
            f"as T - 2, or null; found {describe(value)}",
            at,
            layer=layer,
        )
    return Problem(
        "LS107",
        f"{where} {value!r} is not a dimension: {item['msg']}",
        at,
        hint=_DIMENSION_WORDS,
        layer=layer,
        within=within,
    )


def _without_tag(loc: NodePath, nested: tuple[str, ...]) -> tuple[NodePath, str | None]:
    """``("layer", "LSTM", "units")`` is ``("layer", "units")`` about a wrapped LSTM.

    Layers nest in layers (a Bidirectional's RNN's list of cells:
    ``("layer", "RNN", "cell", 0, "GRUCell", "units")``): every tag goes, and
    the innermost names what the error is about.
    """
    kept: list[str | int] = []
    wrapped = None
    at = 0
    while at < len(loc):
        part = loc[at]
        kept.append(part)
        at += 1
        if part not in nested or not isinstance(part, str):
            continue
        if at < len(loc) - 1 and isinstance(loc[at], int):  # a list of nested layers
            kept.append(loc[at])
            at += 1
        if at < len(loc) - 1 and isinstance(loc[at], str):  # never the last: a key follows
            wrapped = str(loc[at])
            at += 1
    return tuple(kept), wrapped


def _bad_wrapped(
    item: Any, at: NodePath, where: str, layer: str | None, refusal: Refusal | None
) -> Problem:
    value = item["input"]
    ctx = item.get("ctx") or {}
    if not isinstance(value, dict):
        return Problem(
            "LS103",
            f"{where} should be a mapping with the wrapped layer's type and arguments, "
            f"found {describe(value)}",
            at,
            hint=_nested_hint(at[-1], value),
            layer=layer,
        )
    if "type" not in value:
        return Problem("LS102", f"{where} has no type", at, layer=layer)
    expected = str(ctx.get("expected_tags", "")).replace("'", "")
    written = value["type"]
    if not isinstance(written, str):
        return Problem(
            "LS103",
            f"{where}.type should be a string, found {describe(written)}",
            (*at, "type"),
            layer=layer,
        )
    found = written
    why = refusal(at, written) if refusal is not None else None
    if why is not None:
        message, hint = why
        return Problem(
            "LS104", f"{where} is {found}, {message}", (*at, "type"), hint=hint, layer=layer
        )
    return Problem(
        "LS104",
        f"{where} is {found}, but the layer it sits in wraps only {expected}",
        (*at, "type"),
        layer=layer,
    )


_TAG_ERRORS = ("union_tag_invalid", "union_tag_not_found")

_TYPE_TAGS = {"str", "int", "float", "bool", "none", "dict", "list"}


def _is_union_tag(part: Any) -> bool:
    """Pydantic names the member of a union it tried (``str``, ``list[str]``) in ``loc``;
    no key of a spec looks like one."""
    return isinstance(part, str) and (part in _TYPE_TAGS or "[" in part)


def _merge_union_errors(items: list[Any]) -> list[Any]:
    """One error per union field instead of one per member pydantic tried.

    When one member got further into the value (a list whose items are
    wrong), its errors are the ones that say what to fix; otherwise the
    members' expectations are joined: "a string or a list".
    """
    plain: list[Any] = []
    unions: dict[tuple[Any, ...], list[tuple[tuple[Any, ...], Any]]] = {}
    for item in items:
        loc = tuple(item["loc"])
        # the last part of an unknown key's path is the key as written (batch-first, list)
        searched = loc[:-1] if item["type"] == "extra_forbidden" else loc
        tag = next((i for i, part in enumerate(searched) if _is_union_tag(part)), None)
        if tag is None:
            plain.append(item)
        else:
            unions.setdefault(loc[:tag], []).append((loc[tag + 1 :], item))
    for at, members in unions.items():
        deeper = [{**item, "loc": (*at, *rest)} for rest, item in members if rest]
        if deeper:
            plain += deeper
            continue
        # a mapping in a field of nested layers or a list of them (an RNN's cell): its
        # type is what is wrong, not that it is no list
        tagged = [item for _, item in members if item["type"] in _TAG_ERRORS]
        if tagged and isinstance(tagged[0]["input"], dict):
            plain.append({**tagged[0], "loc": at})
            continue
        expected = " or ".join(dict.fromkeys(_expected(item) for _, item in members))
        first = members[0][1]
        plain.append({**first, "loc": at, "type": "union", "ctx": {"expected": expected}})
    return plain


def _expected(item: Any) -> str:
    kind = item["type"]
    ctx = item.get("ctx") or {}
    if kind in _EXPECTED_BY_TYPE:
        return _EXPECTED_BY_TYPE[kind]
    if kind == "union":
        return str(ctx["expected"])
    if kind == "literal_error":
        return f"one of {ctx.get('expected')}"
    if kind == "string_pattern_mismatch":
        return "a name of letters, digits and underscores that does not start with a digit"
    if kind == "greater_than":
        return f"greater than {ctx.get('gt')}"
    if kind == "too_short":
        return f"a list of at least {ctx.get('min_length')} item(s)"
    message = str(item["msg"])
    return message[len("Input should be ") :] if message.startswith("Input should be ") else message


def _suggestion(key: str, known: list[str], foreign_keys: dict[str, str]) -> str | None:
    """The known key a misspelt or foreign ``key`` stands for, if one is clear."""
    hint = foreign_keys.get(key)
    if hint is not None:
        # The hint ends with what to write instead ("... torch calls it hidden_size").
        mentioned = {
            match.start(): field
            for field in known
            for match in re.finditer(rf"\b{re.escape(field)}\b", hint)
        }
        return mentioned[max(mentioned)] if mentioned else None
    return did_you_mean(key, known)


def _unknown_key(
    key: str,
    at: NodePath,
    owner: str,
    known: list[str],
    foreign_keys: dict[str, str],
    layer: str | None,
) -> Problem:
    hint = foreign_keys.get(key)
    if hint is None:
        close = did_you_mean(key, known)
        hint = f"did you mean {close}?" if close else None
    return Problem(
        "LS101",
        f"unknown key {key!r} for {owner}",
        at,
        hint=hint or f"{owner} takes: {', '.join(known)}",
        layer=layer,
        on_key=True,
    )
