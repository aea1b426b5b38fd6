"""The default report for people: a table per spec, then each diagnostic as
``path:line:col: CODE severity: message`` with the YAML line and a caret.

``--quiet`` prints the diagnostics alone, without tables or the summary.

Colour follows rich's rules (a terminal, NO_COLOR, FORCE_COLOR) unless
``--no-color`` turns it off.  Every piece of user text goes through
:class:`rich.text.Text`, never markup, so brackets in shapes print as written.

Where rich would certainly print no colour (``--no-color``, or a file or a
pipe with none of the variables that force it), the report is written as
plain text, the same rich would write, without importing rich's console: in
a pre-commit hook or CI that is a tenth of start-up, and about 1 ms a row.

Such output is also ``fixed`` (see :func:`lstmshape.output.fixed_text`): the
same text whatever the terminal, so each file's part can be rendered apart,
kept in the result cache, and written again.
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, TextIO

from lstmshape.diagnostics import Diagnostic, Severity
from lstmshape.output import fixed_text, never_coloured, text_summary
from lstmshape.report import ModelReport, Summary, count_text, layer_statuses
from lstmshape.reporters.cost_text import COST_COLUMNS, cost_cells, cost_lines, shape_cell

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

Piece = str | tuple[str, str]
"""Text, or text and its rich style: the pieces of one line."""

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "bold yellow"}
_STATUS_STYLE = {
    "error": _STYLE[Severity.ERROR],
    "warning": _STYLE[Severity.WARNING],
    "unchecked": "dim",
    "ok": "green",
}
_PLAIN_WIDTH = 120
_SNIPPET_CHARS = 100
"""Characters of the source line shown around the caret; minified YAML has long lines."""

_CONTROL = {code: f"\\x{code:02x}" for code in (*range(0x20), 0x7F, *range(0x80, 0xA0))}
del _CONTROL[0x09]
"""Control characters are shown escaped, so a spec cannot drive the terminal."""


def _printable(text: str) -> str:
    return text.translate(_CONTROL)


def _snippet(source: str, column: int) -> tuple[str, int]:
    """The part of ``source`` around ``column``, and the caret's column in it."""
    source = source.replace("\t", " ")  # a tab would move the text but not the caret
    if len(source) <= _SNIPPET_CHARS:
        return _printable(source), column
    start = max(0, min(column - 1 - _SNIPPET_CHARS // 2, len(source) - _SNIPPET_CHARS))
    shown = source[start : start + _SNIPPET_CHARS]
    prefix = "..." if start else ""
    suffix = "..." if start + _SNIPPET_CHARS < len(source) else ""
    return prefix + _printable(shown) + suffix, column - start + len(prefix)


def _right_aligned(header: list[str]) -> set[int]:
    """The columns of numbers: params, and the costs after it."""
    first = header.index("params")
    return set(range(first, len(header) - 1))


def _width(cell: str) -> int:
    """Columns a cell takes: one a character for printable ASCII (control
    characters are escaped, tabs go to rich), else as rich measures it."""
    if cell.isascii():
        return len(cell)
    from rich.cells import cell_len  # imported by the rare report that needs it

    return cell_len(cell)


class TextReporter:
    def __init__(
        self,
        out: TextIO,
        color: bool | None,
        *,
        quiet: bool = False,
        costs: bool = False,
        dims: Mapping[str, int] | None = None,
    ) -> None:
        self._out = out
        self._color = color
        self._quiet = quiet
        self._costs = costs
        self._dims: Mapping[str, int] = dims or {}
        self._rich_console: Console | None = None
        self.fixed = fixed_text(out, color)
        self._plain = never_coloured(out, color)
        if not self._plain:
            self._plain = self._console.color_system is None

    @property
    def _console(self) -> Console:
        """rich's console, made when first needed (never, for most plain output)."""
        if self._rich_console is None:
            from rich.console import Console

            is_terminal = self._out.isatty()
            width = None if is_terminal or "COLUMNS" in os.environ else _PLAIN_WIDTH
            self._rich_console = Console(
                file=self._out,
                width=width,
                no_color=self._color is False or None,
                color_system="auto" if self._color is not False else None,
                highlight=False,
                emoji=False,
                markup=False,
            )
        return self._rich_console

    def start(self) -> None:
        pass

    def _print(self, *pieces: Piece) -> None:
        """``console.print(Text.assemble(*pieces), soft_wrap=True)``, without rich
        when it would add nothing but its cost (about 0.2 ms a line)."""
        if self._plain:
            line = "".join(piece if isinstance(piece, str) else piece[0] for piece in pieces)
            if "\t" not in line:  # rich expands tabs
                self._out.write(line + "\n")
                return
        from rich.text import Text

        self._console.print(Text.assemble(*pieces), soft_wrap=True)

    def handle(self, report: ModelReport) -> None:
        self._report(report)
        if self._plain:
            self._out.flush()  # each spec's report once it is done, as rich does

    def render(self, reports: list[ModelReport]) -> str:
        # A reporter of its own on a buffer: for fixed output it lays out the
        # text as this one does (no terminal either, the same width), and
        # whatever rich console it makes writes to the buffer too.
        buffer = io.StringIO()
        reporter = TextReporter(
            buffer, self._color, quiet=self._quiet, costs=self._costs, dims=self._dims
        )
        for report in reports:
            reporter._report(report)
        return buffer.getvalue()

    def add(self, part: str) -> None:
        self._out.write(part)
        self._out.flush()

    def _report(self, report: ModelReport) -> None:
        if self._quiet:
            for diagnostic in report.diagnostics:
                self._print_diagnostic(report, diagnostic)
            return
        if report.framework is not None:
            self._print(
                (_printable(report.path), "bold"),
                _printable(
                    f" · {report.name} ({report.framework}) · {count_text(report.params)} params"
                ),
            )
            values = {**report.dims, **self._dims}
            if report.layers:
                self._print_table(report, values)
            if self._costs:
                for line in cost_lines(report.costs, values):
                    self._print(_printable(line))
        for diagnostic in report.diagnostics:
            self._print_diagnostic(report, diagnostic)
        if report.diagnostics or report.framework is not None:
            self._print()

    def finish(self, summary: Summary) -> None:
        if self._quiet:
            return
        checked = text_summary(summary.files, summary.errors, summary.warnings, summary.skipped)
        style = (
            "bold red" if summary.errors else ("bold yellow" if summary.warnings else "bold green")
        )
        self._print((checked, style))

    def _print_table(self, report: ModelReport, values: Mapping[str, int]) -> None:
        states: list[str] = []
        for layer in report.layers:
            states += [name for name in layer.tensors if name != "output" and name not in states]
        header = ["layer", "type", "input", "output", *states, "params"]
        if self._costs:
            header += COST_COLUMNS
        header.append("status")
        rows: list[list[str]] = []
        for layer, status in zip(report.layers, layer_statuses(report), strict=True):
            shapes = [
                shape_cell(layer.tensors[name], values) if name in layer.tensors else ""
                for name in ("output", *states)
            ]
            params = count_text(layer.params)
            cells = [layer.name, layer.type or "?", layer.input or "", *shapes, params]
            if self._costs:
                cells += cost_cells(layer.costs, values)
            if "".join(cells).isprintable():  # the usual row: nothing to escape
                rows.append([*cells, status])
            else:
                rows.append([*(_printable(cell) for cell in cells), status])
        plain = self._plain_table(header, rows)
        if plain is not None:
            self._out.write(plain)
        else:
            self._console.print(self._rich_table(header, rows))

    def _rich_table(self, header: list[str], rows: list[list[str]]) -> Table:
        from rich import box
        from rich.table import Table
        from rich.text import Text

        table = Table(box=box.SIMPLE, pad_edge=False, show_edge=False)
        right = _right_aligned(header)
        for index, column in enumerate(header):
            if index in right:
                table.add_column(column, justify="right", overflow="fold")
            else:
                table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*row[:-1], Text(row[-1], style=_STATUS_STYLE[row[-1]]))
        return table

    def _plain_table(self, header: list[str], rows: list[list[str]]) -> str | None:
        """The table exactly as :meth:`_rich_table` prints it without colour.

        rich measures and pads every cell through its renderer, about 1 ms a
        row; this takes microseconds.  It covers output without colour (a
        file, a pipe, ``--no-color``) when the table fits the width, so rich
        would not wrap a cell; otherwise it returns None and rich draws it.
        """
        if not self._plain:
            return None
        width = _PLAIN_WIDTH
        if self._rich_console is not None:  # plain by rich's own choice, or after a fallback
            from rich import box

            console = self._rich_console
            options = console.options  # measures the terminal, if any: once
            if box.SIMPLE.substitute(options, safe=console.safe_box) is not box.SIMPLE:
                return None  # an ASCII-only or legacy Windows console draws other lines
            width = options.max_width
        texts = ["".join(row) for row in rows]
        if any("\t" in text for text in texts):
            return None  # rich expands tabs
        ascii_only = all(text.isascii() for text in texts)  # one column a character
        measure = len if ascii_only else _width
        widths = [max(map(measure, column)) for column in zip(header, *rows, strict=True)]
        # pad_edge=False: one space of padding inside each divider's side only
        padded = [width + 2 for width in widths]
        padded[0] -= 1
        padded[-1] -= 1
        if sum(padded) + len(padded) - 1 > width:
            return None  # rich would wrap cells to fit

        right = _right_aligned(header)
        rule = "\u2500" * (sum(padded) + len(padded) - 1)  # box.SIMPLE's line under the header
        if ascii_only:  # each line formatted at once, as line() below writes it
            form = "   ".join(
                f"{{:{'>' if index in right else '<'}{width}}}"
                for index, width in enumerate(widths)
            )
            return (
                "\n".join([form.format(*header), rule, *(form.format(*row) for row in rows)]) + "\n"
            )

        def line(cells: list[str]) -> str:
            texts = [
                " " * (widths[index] - _width(cell)) + cell
                if index in right
                else cell + " " * (widths[index] - _width(cell))
                for index, cell in enumerate(cells)
            ]
            return "   ".join(texts)  # padding, the divider (a space), padding

        return "\n".join([line(header), rule, *(line(row) for row in rows)]) + "\n"

    def _print_diagnostic(self, report: ModelReport, diagnostic: Diagnostic) -> None:
        self._print(
            (_printable(f"{report.path}:{diagnostic.line}:{diagnostic.column}:"), "bold"),
            " ",
            (diagnostic.code, _STYLE[diagnostic.severity]),
            " ",
            (f"{diagnostic.severity.value}:", _STYLE[diagnostic.severity]),
            " ",
            _printable(diagnostic.message),
        )
        if 0 < diagnostic.line <= len(report.source_lines):
            gutter = str(diagnostic.line)
            source, column = _snippet(report.source_lines[diagnostic.line - 1], diagnostic.column)
            self._print((f" {gutter} | ", "dim"), source)
            caret = " " * (column - 1) + "^"
            self._print((f" {' ' * len(gutter)} | ", "dim"), (caret, _STYLE[diagnostic.severity]))
        if diagnostic.hint:
            hint = _printable(diagnostic.hint)
            self._print(("  = hint: ", "cyan"), hint)
