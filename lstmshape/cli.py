"""The command line: gathers options and hands them to the runner, nothing more."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from lstmshape import __version__
from lstmshape.exit_codes import EXIT_USAGE
from lstmshape.output import discard_stdout
from lstmshape.reporters import FORMAT_CHOICES


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="lstmshape")
def cli() -> None:
    """Check the shapes and parameter counts of PyTorch and Keras recurrent models."""


_Command = TypeVar("_Command", bound=Callable[..., Any])

config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Read settings from this TOML file instead of the nearest pyproject.toml.",
)
"""``--config``, which every command that reads the settings takes."""


def report_options(command: _Command) -> _Command:
    """The options of the report's form that check and verify share."""
    for option in reversed(
        (
            click.option(
                "--format",
                "output_format",
                type=click.Choice(FORMAT_CHOICES),
                default=None,
                help="Report format. auto (the default) is github inside GitHub Actions, "
                "else text.",
            ),
            click.option(
                "--strict/--no-strict",
                default=None,
                help="Fail (exit 1) on warnings too; --no-strict undoes strict = true in the "
                "settings.",
            ),
            click.option("--no-color", is_flag=True, help="Never colour the text report."),
            click.option("-q", "--quiet", is_flag=True, help="Print only the diagnostics."),
        )
    ):
        command = option(command)
    return command


def _fail(message: str) -> NoReturn:
    click.echo(f"lstmshape: {message}", err=True)
    raise click.exceptions.Exit(EXIT_USAGE)


@cli.command()
# readable=False: click's own check would end the whole run with a usage error;
# the runner reports an unreadable file as LS004 and checks the others.  The
# paths stay strings as written, so that `-` (standard input) differs from `./-`.
@click.argument("paths", nargs=-1, required=True, type=click.Path(readable=False, allow_dash=True))
@report_options
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, readable=False, path_type=Path),
    help="Write the report to FILE instead of standard output.",
)
@click.option(
    "--skip-non-specs",
    is_flag=True,
    help="Skip and count YAML files that are not lstmshape specs (no top-level framework "
    "or layers key) instead of reporting them. The pre-commit hook passes it.",
)
@config_option
@click.option(
    "--stdin-filename",
    metavar="PATH",
    help="The path to show in the report for the spec read from `-` (standard input).",
)
@click.option(
    "--costs",
    is_flag=True,
    help="Add each layer's MACs and activation bytes to the text report's table, and the "
    "model's costs after it (the JSON report always has them).",
)
@click.option(
    "--dim",
    "dims",
    multiple=True,
    metavar="NAME=VALUE",
    help="Give a symbol a value (repeatable: --dim B=32 --dim T=100): shapes and costs are "
    "printed evaluated too. Wins over the spec's dims:.",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Neither read nor write the result cache (nor does LSTMSHAPE_NO_CACHE=1).",
)
@click.option(
    "--cache-dir",
    metavar="DIR",
    help="Keep the result cache in DIR (default: LSTMSHAPE_CACHE_DIR, else .lstmshape_cache).",
)
@click.pass_context
def check(
    ctx: click.Context,
    paths: tuple[str, ...],
    output_format: str | None,
    strict: bool | None,
    no_color: bool,
    quiet: bool,
    output: Path | None,
    skip_non_specs: bool,
    config_path: Path | None,
    stdin_filename: str | None,
    costs: bool,
    dims: tuple[str, ...],
    no_cache: bool,
    cache_dir: str | None,
) -> None:
    """Check spec files, and the *.yaml/*.yml files below directories; `-` reads standard input."""
    from lstmshape.check_command import UsageError
    from lstmshape.check_command import check as run

    values = _dim_values(dims)
    try:
        code = run(
            paths,
            output_format=output_format,
            strict=strict,
            no_color=no_color,
            quiet=quiet,
            output=output,
            skip_non_specs=skip_non_specs,
            config_path=config_path,
            stdin_filename=stdin_filename,
            no_cache=no_cache,
            cache_dir=cache_dir,
            costs=costs,
            dims=values,
        )
    except UsageError as error:
        for message in error.messages[:-1]:
            click.echo(f"lstmshape: {message}", err=True)
        _fail(error.messages[-1])
    ctx.exit(code)


def _dim_values(written: tuple[str, ...]) -> dict[str, int]:
    """``--dim B=32 --dim T=100`` as values; a malformed one is a usage error."""
    from lstmshape.models.common import MAX_DIM_VALUE

    values: dict[str, int] = {}
    for text in written:
        name, equals, value = text.partition("=")
        name, value = name.strip(), value.strip()
        if not equals or not (name.isidentifier() and name.isascii()):
            _fail(f"--dim {text}: write NAME=VALUE, a symbol and a positive integer (B=32)")
        if not (value.isascii() and value.isdigit()) or not 0 < int(value) <= MAX_DIM_VALUE:
            _fail(
                f"--dim {text}: {name}'s value should be a positive integer of at most "
                f"{MAX_DIM_VALUE:,} (2**53), found {value!r}"
            )
        values[name] = int(value)
    return values


GRAPH_FORMATS = ("mermaid", "dot", "svg", "html")
GRAPH_LAYOUTS = ("auto", "graphviz", "builtin")


@cli.command()
@click.argument("spec", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(GRAPH_FORMATS),
    default=None,
    help="mermaid (GitHub Markdown), dot (Graphviz), svg, or html (a self-contained page). "
    "Default: from the --output suffix (.mmd, .dot, .svg, .html), else mermaid.",
)
@click.option(
    "--layout",
    type=click.Choice(GRAPH_LAYOUTS),
    default="auto",
    show_default=True,
    help="How svg and html are laid out: graphviz (its dot), builtin (lstmshape's own), "
    "or auto: dot when it is installed, else builtin.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the drawing to FILE instead of standard output.",
)
@config_option
@click.pass_context
def graph(
    ctx: click.Context,
    spec: Path,
    output_format: str | None,
    layout: str,
    output: Path | None,
    config_path: Path | None,
) -> None:
    """Draw the model of a spec file: inputs, layers and the tensors between them."""
    from lstmshape.config import ConfigError, load_settings
    from lstmshape.drawing.command import run_graph

    try:
        settings = load_settings(config_path, Path.cwd(), FORMAT_CHOICES)
    except ConfigError as error:
        _fail(str(error))
    ctx.exit(
        run_graph(
            spec, output_format=output_format, layout=layout, settings=settings, output=output
        )
    )


@cli.command()
@click.argument("spec", type=click.Path(path_type=Path))
@click.option(
    "--to",
    "framework",
    type=click.Choice(("torch", "keras")),
    required=True,
    help="The framework to write: the spec's own (torch: an nn.Module; keras: a function "
    "that builds a functional keras.Model).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the module to FILE instead of standard output.",
)
@config_option
@click.pass_context
def export(
    ctx: click.Context,
    spec: Path,
    framework: str,
    output: Path | None,
    config_path: Path | None,
) -> None:
    """Write the model of a spec file as Python code for its framework, each tensor's
    shape as a comment. A spec with errors is not written."""
    from lstmshape.config import ConfigError, load_settings
    from lstmshape.export.command import run_export

    try:
        settings = load_settings(config_path, Path.cwd(), FORMAT_CHOICES)
    except ConfigError as error:
        _fail(str(error))
    ctx.exit(run_export(spec, to=framework, settings=settings, output=output))


@cli.command(name="import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the spec to FILE instead of standard output.",
)
@click.option(
    "--no-check", is_flag=True, help="Write the spec without checking it (exit 0 once written)."
)
@config_option
@click.pass_context
def import_(
    ctx: click.Context,
    file: Path,
    output: Path | None,
    no_check: bool,
    config_path: Path | None,
) -> None:
    """Write a Keras model's saved architecture (model.to_json(), or a .keras file) as a
    spec, then check it. Nothing in the file is run, and Keras need not be installed."""
    from lstmshape.config import ConfigError, load_settings
    from lstmshape.importing.command import run_import

    try:
        settings = load_settings(config_path, Path.cwd(), FORMAT_CHOICES)
    except ConfigError as error:
        _fail(str(error))
    ctx.exit(run_import(file, output=output, check=not no_check, settings=settings))


@cli.command()
@click.argument("spec", type=click.Path(path_type=Path))
@click.option(
    "--module",
    "module",
    required=True,
    metavar="MODULE:NAME",
    help="The class or function that builds your model (mypackage.models:Seq2Seq), "
    "imported as python -m would: the current directory first.",
)
@click.option(
    "--call",
    "call",
    multiple=True,
    metavar="NAME=VALUE",
    help="A keyword argument for it (repeatable: --call hidden_size=64 --call "
    "bidirectional=True); VALUE is a Python literal, never run as code.",
)
@click.option(
    "--dim",
    "dims",
    multiple=True,
    metavar="NAME=VALUE",
    help="A symbol's value for the inputs the model runs on (repeatable: --dim B=4 --dim "
    "T=7). Wins over the spec's dims:.",
)
@report_options
@config_option
@click.pass_context
def verify(
    ctx: click.Context,
    spec: Path,
    module: str,
    call: tuple[str, ...],
    dims: tuple[str, ...],
    output_format: str | None,
    strict: bool | None,
    no_color: bool,
    quiet: bool,
    config_path: Path | None,
) -> None:
    """Check a spec against your own model: build it, run it on the spec's inputs (torch on
    the meta device, Keras symbolically) and report every layer whose class, arguments,
    parameters or shapes differ from the spec's."""
    from lstmshape.config import ConfigError, load_settings
    from lstmshape.reporters import AUTO
    from lstmshape.verify.command import Request, run_verify

    values = _dim_values(dims)
    try:
        settings = load_settings(config_path, Path.cwd(), FORMAT_CHOICES)
    except ConfigError as error:
        _fail(str(error))
    ctx.exit(
        run_verify(
            spec,
            Request(module, call, values),
            output_format=output_format or settings.format or AUTO,
            settings=settings,
            strict=strict,
            color=False if no_color else None,
            quiet=quiet,
        )
    )


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the spec format (for editors and validators)."""
    import json

    from lstmshape.schema import build_schema

    click.echo(json.dumps(build_schema(), indent=2))


@cli.command()
@click.argument("code", required=False)
def explain(code: str | None) -> None:
    """Explain a diagnostic code (such as LS301), with a failing and a fixed example,
    or a layer type (such as LSTM or nn.Linear), with its examples.

    Without CODE, list every code.
    """
    from lstmshape.diagnostics import RULES
    from lstmshape.explanations import EXPLANATIONS, render
    from lstmshape.frameworks.docs import pages
    from lstmshape.models.errors import did_you_mean

    if code is None:
        for rule in RULES.values():
            click.echo(f"{rule.code}  {rule.name:<26} {rule.severity.value:<8} {rule.summary}")
        return
    wanted = code.strip().upper()
    if wanted not in RULES:
        layer_types = pages(code.strip())
        if layer_types is not None:
            click.echo(layer_types, nl=False)
            return
        close = did_you_mean(wanted, RULES)
        advice = f"; did you mean {close}?" if close else "; `lstmshape explain` lists them"
        _fail(f"{code!r} is no lstmshape code or layer type{advice}")
    click.echo(render(RULES[wanted], EXPLANATIONS[wanted]), nl=False)


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
    except click.exceptions.Exit as exit_:
        return exit_.exit_code
    except click.exceptions.Abort:
        click.echo("Aborted!", err=True)
        return 1
    return result if isinstance(result, int) else 0


def entry() -> None:
    # Pydantic looks for plugins by scanning every installed distribution the
    # first time it builds a validator; lstmshape's configs are its own and
    # are not for plugins to observe.  A value the user sets is kept.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    code = main()
    try:
        sys.stdout.flush()
    except OSError:
        discard_stdout()
    sys.exit(code)
