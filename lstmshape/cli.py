"""The command line: gathers options and hands them to the runner, nothing more."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from lstmshape import __version__
from lstmshape.reporters import REPORTER_BY_NAME


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="lstmshape")
def cli() -> None:
    """Check the shapes and parameter counts of PyTorch and Keras recurrent models."""


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(list(REPORTER_BY_NAME)),
    default="text",
    show_default=True,
    help="Report format.",
)
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@click.option("--no-color", is_flag=True, help="Never colour the text report.")
@click.pass_context
def check(
    ctx: click.Context, paths: tuple[Path, ...], output_format: str, strict: bool, no_color: bool
) -> None:
    """Check spec files, and the *.yaml/*.yml files below directories."""
    from lstmshape.runner import run_check

    ctx.exit(
        run_check(
            paths, output_format=output_format, strict=strict, color=False if no_color else None
        )
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code instead of exiting."""
    try:
        result = cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="lstmshape",
            standalone_mode=False,
        )
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except click.exceptions.Abort:
        click.echo("Aborted!", err=True)
        return 1
    return result if isinstance(result, int) else 0


def entry() -> None:
    # Pydantic looks for plugins by scanning every installed distribution the
    # first time it builds a validator; lstmshape's configs are its own and
    # are not for plugins to observe.  A value the user sets is kept.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    sys.exit(main())
