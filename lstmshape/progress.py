"""A progress bar on stderr while many files are checked for a person.

The bar appears only when it helps and cannot get in the way: the text
format, stderr on a terminal, and more than :data:`MIN_FILES` files.  Machine
formats and redirected stderr never see it, and rich is imported only when
the bar is shown.  The bar is transient: it is erased when checking ends, and
lifted while a report prints, so it never mixes with the report on stdout.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

MIN_FILES = 20
"""With this many files or fewer, checking ends before a bar is worth drawing."""


def wanted(total: int, output_format: str, stream: TextIO) -> bool:
    """Whether a run over ``total`` files should show a bar on ``stream``."""
    if output_format != "text" or total <= MIN_FILES:
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream: no bar
        return False


class Bar:
    """Counts checked files; does nothing when no bar is shown."""

    def __init__(self, progress: Progress | None = None, task: TaskID | None = None) -> None:
        self._progress = progress
        self._task = task

    def advance(self) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.advance(self._task)
            self._progress.refresh()

    def lifted(self) -> AbstractContextManager[None]:
        """Erase the bar while the caller prints to stdout; redraw it after."""
        return self._lifted() if self._progress is not None else nullcontext()

    @contextmanager
    def _lifted(self) -> Iterator[None]:
        assert self._progress is not None
        self._progress.stop()
        try:
            yield
        finally:
            self._progress.start()


@contextmanager
def progress_bar(total: int, output_format: str, stream: TextIO) -> Iterator[Bar]:
    """A :class:`Bar` for ``total`` files, drawn on ``stream`` when :func:`wanted`."""
    if not wanted(total, output_format, stream):
        yield Bar()
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    progress = Progress(
        TextColumn("checking"),
        BarColumn(),
        MofNCompleteColumn(),
        console=Console(file=stream),
        transient=True,
        # Drawn only when a file is done: no refresh thread writing to the
        # terminal while a report is being printed.
        auto_refresh=False,
    )
    task = progress.add_task("checking", total=total)
    with progress:
        yield Bar(progress, task)
