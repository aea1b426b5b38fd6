"""What checking produced: one report per spec, and the run's summary."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, overload

from lstmshape.diagnostics import Diagnostic, Severity
from lstmshape.exit_codes import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from lstmshape.record import field, record

if TYPE_CHECKING:  # the engine pulls in pydantic: --help and --version must not pay for it
    from lstmshape.comments import Suppression
    from lstmshape.costs import LayerCosts
    from lstmshape.engine.graph import LayerResult


class SourceLines(Sequence[str]):
    """A file's lines, split when first read: only a diagnostic's snippet and a few
    positions read them, and a long spec has tens of thousands."""

    __slots__ = ("_lines", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._lines: list[str] | None = None

    def _split(self) -> list[str]:
        if self._lines is None:
            self._lines = self._text.splitlines()
        return self._lines

    def __len__(self) -> int:
        return len(self._split())

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        return self._split()[index]

    def __eq__(self, other: object) -> bool:
        """Equal to the same lines, split or not, as the list it stands for."""
        if isinstance(other, SourceLines):
            return self._split() == other._split()
        return self._split() == other if isinstance(other, list) else NotImplemented

    __hash__ = None  # type: ignore[assignment]  # as a list's


@record(frozen=True)
class ModelReport:
    """Everything found about one spec (one YAML document)."""

    path: str
    framework: str | None
    name: str | None
    layers: list[LayerResult]
    params: int | None
    """The model's parameters; None when a layer's count is unknown."""
    diagnostics: list[Diagnostic]
    source_lines: Sequence[str] = field(repr=False)
    suppressions: tuple[Suppression, ...] = ()
    """The suppression comments in this spec's part of the file."""
    dims: dict[str, int] = field(default_factory=dict)
    """The values the spec's ``dims:`` gives its symbols."""

    @property
    def costs(self) -> LayerCosts | None:
        """The model's costs: the sum of its layers', unknown if any layer's is."""
        from lstmshape.costs import model_costs

        return model_costs(layer.costs for layer in self.layers)

    def count(self, severity: Severity) -> int:
        return sum(1 for diagnostic in self.diagnostics if diagnostic.severity is severity)


def count_text(count: int | None) -> str:
    """A parameter count as the reports print it: ``18,944``, or ``?`` when unknown."""
    return "?" if count is None else f"{count:,}"


STATUSES = ("ok", "warning", "unchecked", "error")
"""A layer's status, from best to worst: ``unchecked`` is a layer whose checks
could not run (its config is invalid, or it reads a tensor an earlier error
left unknown), so ``ok`` would claim what nobody checked."""


def layer_statuses(report: ModelReport) -> list[str]:
    """Each layer's status, in the report's order of layers."""
    # One pass over the diagnostics, not one per layer: a spec of n layers
    # with m diagnostics costs n + m here, not n * m.
    severities_by_layer: dict[str | None, set[Severity]] = {}
    for diagnostic in report.diagnostics:
        severities_by_layer.setdefault(diagnostic.layer, set()).add(diagnostic.severity)
    statuses = []
    for layer in report.layers:
        severities = severities_by_layer.get(layer.name, _NONE)
        if Severity.ERROR in severities:
            statuses.append("error")
        elif not layer.checked:
            statuses.append("unchecked")
        elif severities:
            statuses.append("warning")
        else:
            statuses.append("ok")
    return statuses


_NONE: frozenset[Severity] = frozenset()
"""The severities of a layer without diagnostics."""


@record
class Summary:
    files: int = 0
    errors: int = 0
    warnings: int = 0
    unusable_paths: int = 0
    skipping: bool = False
    """Whether files that are not specs are skipped (--skip-non-specs)."""
    skipped: int = 0
    """Files skipped as not specs; ``files`` counts the others."""

    def add(self, report: ModelReport) -> None:
        self.errors += report.count(Severity.ERROR)
        self.warnings += report.count(Severity.WARNING)

    def exit_code(self, strict: bool) -> int:
        if self.unusable_paths:
            return EXIT_USAGE
        if self.errors or (strict and self.warnings):
            return EXIT_FAILED
        return EXIT_OK
