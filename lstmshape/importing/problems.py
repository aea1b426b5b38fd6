"""What the import reports: a diagnostic placed in the Keras file it read."""

from __future__ import annotations

from dataclasses import dataclass

from lstmshape.diagnostics import RULES, Severity


@dataclass(frozen=True)
class ImportProblem:
    """A diagnostic of the import: its code, where in the file, what was found.

    ``line`` and ``column`` are in the JSON read (``config.json`` inside an
    archive), 1-based; (1, 1) when the problem is the whole file.
    """

    code: str
    message: str
    line: int = 1
    column: int = 1
    hint: str | None = None

    @property
    def severity(self) -> Severity:
        return RULES[self.code].severity

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def render(self, shown: str) -> str:
        text = f"{shown}:{self.line}:{self.column}: {self.code} {self.severity.value}: "
        text += self.message
        return text + (f"\n  hint: {self.hint}" if self.hint else "")


class Refused(Exception):
    """The file cannot be read as a Keras model at all (one problem, nothing printed)."""

    def __init__(self, problem: ImportProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem
