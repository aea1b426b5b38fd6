"""Finding the user's model: ``pkg.module:Factory`` imported as ``python -m`` would, and
the keyword arguments ``--call`` gives it, read as Python literals and never evaluated."""

from __future__ import annotations

import ast
import importlib
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any


class CannotVerify(Exception):
    """verify cannot run as asked (exit 2): the message says why, in one line."""


def one_line(error: BaseException) -> str:
    """An exception as ``TypeError: message``, on one line, as a user reads it."""
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def find_factory(reference: str) -> Callable[..., Any]:
    """The class or function ``module.path:Name`` names (``Name`` may be ``Outer.inner``).

    The current directory comes first on ``sys.path``, as under ``python -m``, so a
    project's own package is found without being installed.
    """
    module_name, colon, attribute = reference.partition(":")
    if not colon or not _dotted(module_name) or not _dotted(attribute):
        raise CannotVerify(
            f"--module {reference}: write MODULE:NAME, a module's dotted path and the class "
            "or function in it that builds the model (mypackage.models:Seq2Seq)"
        )
    here = str(Path.cwd())
    if here not in sys.path:
        sys.path.insert(0, here)
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name is not None and module_name.startswith(error.name):
            raise CannotVerify(
                f"--module {reference}: no module named {error.name!r} in the current "
                "directory or on the Python path"
            ) from None
        raise CannotVerify(
            f"--module {reference}: importing {module_name} failed: {one_line(error)}"
        ) from None
    except Exception as error:  # the user's module failed as it ran: said, never a traceback
        raise CannotVerify(
            f"--module {reference}: importing {module_name} failed: {one_line(error)}"
        ) from None
    found: Any = module
    for part in attribute.split("."):
        if not hasattr(found, part):
            raise CannotVerify(f"--module {reference}: {module_name} has no {attribute}")
        found = getattr(found, part)
    if not callable(found):
        raise CannotVerify(
            f"--module {reference}: {attribute} is a {type(found).__name__}, not a class or "
            "function that builds the model"
        )
    return found  # type: ignore[no-any-return]


def _dotted(text: str) -> bool:
    return bool(text) and all(part.isidentifier() for part in text.split("."))


_JSON_WORDS = {"true": True, "false": False, "null": None}


def call_arguments(written: Iterable[str]) -> dict[str, Any]:
    """``--call hidden_size=64 --call bidirectional=True`` as keyword arguments.

    Each value is a Python literal (a number, a string in quotes, True, None, a list,
    tuple or dict of them), read with :func:`ast.literal_eval`, which runs no code;
    JSON's true, false and null are accepted too.
    """
    arguments: dict[str, Any] = {}
    for text in written:
        name, equals, value = text.partition("=")
        name, value = name.strip(), value.strip()
        if not equals or not name.isidentifier():
            raise CannotVerify(
                f"--call {text}: write NAME=VALUE, a keyword argument of the factory and a "
                "Python literal (hidden_size=64, bidirectional=True, mode='train')"
            )
        if value in _JSON_WORDS:
            arguments[name] = _JSON_WORDS[value]
            continue
        try:
            arguments[name] = ast.literal_eval(value)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            raise CannotVerify(
                f"--call {text}: {value!r} is not a Python literal; quote a string "
                f"({name}='{value}'), or write a number, True, False, None or a list"
            ) from None
    return arguments


def build(factory: Callable[..., Any], reference: str, arguments: dict[str, Any]) -> Any:
    """What the factory returns when called with ``arguments``."""
    try:
        return factory(**arguments)
    except Exception as error:  # the user's constructor failed: said, never a traceback
        given = ", ".join(f"{key}={value!r}" for key, value in arguments.items())
        raise CannotVerify(
            f"--module {reference}: building the model as {reference.partition(':')[2]}"
            f"({given}) failed: {one_line(error)}"
        ) from None
