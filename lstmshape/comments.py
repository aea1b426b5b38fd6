"""Suppression comments in a spec's source: where they are and what they say.

A suppression is a YAML comment holding ``# lstmshape: ignore[CODE, ...]``
(or a bare ``# lstmshape: ignore``, for every code).  As ruff reads
``# noqa``, it may follow another tool's comment on the same line
(``# noqa  # lstmshape: ignore[LS403]``) and be followed by a reason
(``ignore[LS403] -- why``, ``ignore[LS403] why``).  Anything else that
starts ``# lstmshape:`` is reported (LS410) where it stands and suppresses
nothing: a typo must not silently leave a diagnostic in place.

Only real comments count.  YAML has no comment inside a quoted or block
scalar, so a ``#`` there is text: the scalars are found with the YAML
scanner, and that only in a file that mentions ``lstmshape:`` after a ``#``
at all (a quick search, so other files pay nothing).
"""

from __future__ import annotations

import bisect
import re

from lstmshape.diagnostics import RULES, Problem, closest_code
from lstmshape.record import record

Position = tuple[int, int]
"""1-based line and column, as every position lstmshape reports."""

_CANDIDATE = re.compile(r"#[ \t]*lstmshape[ \t]*:", re.IGNORECASE)
_VERB = re.compile(r"ignore(?![\w-])", re.IGNORECASE)
_WORD = re.compile(r"[\w-]*")
_CODE = re.compile(r"[^,\s\]]+")
_CODE_LIKE = re.compile(r"\[|ls\d", re.IGNORECASE)
"""How a word after a bare ``ignore`` starts if it was meant as a code."""
_WRITTEN_CODE = re.compile(r"\bls\w*\d\w*", re.IGNORECASE)
"""A code as written, misspelt or not; words such as LSTM in a reason are not codes."""
_BLOCK_STYLES = ("|", ">")
_QUOTED_STYLES = ("'", '"')


@record(frozen=True, slots=True)
class Suppression:
    """One understood ``# lstmshape: ignore`` comment."""

    line: int
    column: int
    """Of the ``#`` that starts it."""
    codes: tuple[tuple[str, int], ...]
    """Each code it names, with its column; empty for a bare ``ignore`` (every code)."""

    @property
    def covers_every_code(self) -> bool:
        return not self.codes


def read_suppressions(text: str) -> tuple[list[Suppression], list[tuple[Problem, Position]]]:
    """The suppressions in ``text``'s comments, and an LS410 for each one not understood."""
    suppressions: list[Suppression] = []
    problems: list[tuple[Problem, Position]] = []
    if _CANDIDATE.search(text) is None:
        return suppressions, problems
    lines = text.splitlines()
    candidates = [
        index for index, line in enumerate(lines) if "#" in line and _CANDIDATE.search(line)
    ]
    if not candidates:
        return suppressions, problems
    text_spans = _TextSpans(text, candidates[-1])
    for index in candidates:
        line = lines[index]
        start = _comment_start(line, index, text_spans)
        if start is None:
            continue
        for found in _CANDIDATE.finditer(line, start):
            suppression = _parse(line, index + 1, found.start(), found.end(), problems)
            if suppression is not None:
                suppressions.append(suppression)
    return suppressions, problems


class _TextSpans:
    """Where the quoted and block scalars are: a ``#`` inside one is text.

    Spans are 0-based ((line, column), (line, column)), start inclusive, end
    exclusive, in the order of the text, up to ``last_line`` (0-based).  A
    block scalar's text starts on the line after its ``|`` or ``>``, whose own
    line may end in a comment.  Past a scanner error the spans are unknown,
    and every ``#`` after a space is taken for a comment, as an editor shows it.
    """

    def __init__(self, text: str, last_line: int) -> None:
        import yaml  # only for a file with a suppression: importing it costs a cold check most

        self._starts: list[tuple[int, int]] = []
        self._ends: list[tuple[int, int]] = []
        scanner = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
        try:
            while scanner.check_token():
                token = scanner.get_token()
                if token.start_mark.line > last_line:
                    break  # no comment to read beyond this: scanning costs as much as loading
                style = getattr(token, "style", None)
                if style in _QUOTED_STYLES:
                    start = (token.start_mark.line, token.start_mark.column)
                elif style in _BLOCK_STYLES:
                    start = (token.start_mark.line + 1, 0)
                else:
                    continue
                self._starts.append(start)
                self._ends.append((token.end_mark.line, token.end_mark.column))
        except (yaml.YAMLError, ValueError):  # a broken file: the spans found so far
            pass
        finally:
            scanner.dispose()

    def holds(self, line: int, column: int) -> bool:
        where = (line, column)
        index = bisect.bisect_right(self._starts, where) - 1
        return index >= 0 and where < self._ends[index]


def _comment_start(line: str, index: int, text_spans: _TextSpans) -> int | None:
    """Where the line's comment starts: a ``#`` at the start or after a space, outside text."""
    column = line.find("#")
    while column >= 0:
        if (column == 0 or line[column - 1] in " \t") and not text_spans.holds(index, column):
            return column
        column = line.find("#", column + 1)
    return None


def _parse(
    line: str, number: int, start: int, end: int, problems: list[tuple[Problem, Position]]
) -> Suppression | None:
    """The directive written from ``line[start]`` (its ``#``); ``end`` follows its colon."""

    def not_understood(message: str, hint: str, column: int = start + 1) -> None:
        problems.append((Problem("LS410", message, (), hint), (number, column)))

    rest = line[end:].lstrip(" \t")
    after_colon = len(line) - len(rest)
    verb = _VERB.match(rest)
    if verb is None:
        word = _WORD.match(rest)
        written = word.group() if word and word.group() else "# lstmshape:"
        not_understood(
            f"{written!r} is not a suppression comment, so it suppresses nothing",
            "write # lstmshape: ignore[CODE] (codes such as LS403, separated by commas), or a "
            "bare # lstmshape: ignore for every code on the line",
        )
        return None
    tail = rest[verb.end() :]
    codes_column = after_colon + verb.end()  # 0-based, of what follows "ignore"
    written_codes = ", ".join(code.upper() for code in _WRITTEN_CODE.findall(tail)) or "CODE"
    in_brackets = f"write # lstmshape: ignore[{written_codes}]"
    if tail.startswith("["):
        close = tail.find("]")
        if close < 0:
            not_understood(
                "the list of codes has no closing ], so the comment suppresses nothing", in_brackets
            )
            return None
        following = tail[close + 1 :]
        if following and following[0] not in " \t":
            not_understood(
                f"text right after ] ({following.split()[0]!r}), so the comment suppresses nothing",
                "put a space between ] and a reason: ignore[LS403] -- why",
            )
            return None
        listed = [
            (found.group().upper(), codes_column + found.start() + 1)
            for found in _CODE.finditer(tail, 1, close)
        ]
        if not listed:
            not_understood(
                "ignore[] names no code, so the comment suppresses nothing",
                "name the codes, ignore[LS403], or write a bare # lstmshape: ignore for "
                "every code on the line",
            )
            return None
        codes: dict[str, int] = {}
        for code, column in listed:
            if code in RULES:
                codes.setdefault(code, column)
                continue
            close_code = closest_code(code)
            not_understood(
                f"{code!r} is no lstmshape code, so the comment does not suppress it",
                f"did you mean {close_code}?"
                if close_code
                else "lstmshape explain lists every code",
                column,
            )
        if not codes:
            return None
        return Suppression(number, start + 1, tuple(codes.items()))
    if tail and tail[0] not in " \t":
        not_understood(
            f"'ignore{tail[0]}' is not understood, so the comment suppresses nothing", in_brackets
        )
        return None
    words = tail.split()
    if words and _CODE_LIKE.match(words[0]):
        not_understood(
            "the codes of a suppression comment go in brackets: this one suppresses nothing",
            in_brackets,
        )
        return None
    return Suppression(number, start + 1, ())
