"""The ``enrich`` group: global options, the settings, and the one error translation.

Errors reach the user as one line on stderr and a non-zero exit status, never a traceback
(``--debug`` shows it).
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import click
from pydantic import ValidationError

from enrichment_core.errors import EnrichmentError
from enrichment_entrypoints import wiring
from enrichment_entrypoints.settings import Settings

EXIT_FAILED = 1
EXIT_INTERRUPTED = 130


class CliState:
    def __init__(self, settings: Settings, debug: bool) -> None:
        self.settings = settings
        self.debug = debug


def fail(message: str, code: int = EXIT_FAILED) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


@dataclass(frozen=True, slots=True)
class ErrorRule:
    """How one kind of error ends a command: exit status and message (formatted with ``exc``)."""

    error: type[BaseException]
    exit_code: int
    message: str = "{exc}"


# The error translation of the CLI: the first matching row wins.
ERROR_TABLE: tuple[ErrorRule, ...] = (
    ErrorRule(EnrichmentError, EXIT_FAILED),
    ErrorRule(KeyboardInterrupt, EXIT_INTERRUPTED, "interrupted"),
)
_CLICK_EXITS = (click.exceptions.Exit, click.ClickException, click.exceptions.Abort)


class EnrichGroup(click.Group):
    """Translates errors once, for every command (``ERROR_TABLE``): one line on stderr and an exit
    status; anything else is reported as unexpected (``--debug`` shows the traceback)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except _CLICK_EXITS:
            raise
        except BaseException as exc:
            rule = next((r for r in ERROR_TABLE if isinstance(exc, r.error)), None)
            if rule is not None:
                fail(rule.message.format(exc=exc), rule.exit_code)
            if not isinstance(exc, Exception):
                raise
            if ctx.params.get("debug"):
                raise
            fail(f"unexpected {type(exc).__name__}: {exc} (run with --debug for the traceback)")


@click.group(cls=EnrichGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db", "database_url", metavar="URL", help="Database URL (overrides ENRICH_DATABASE_URL)."
)
@click.option(
    "--index-dir",
    type=click.Path(path_type=Path),
    help="Index folder (overrides ENRICH_INDEX_DIR).",
)
@click.option("-v", "--verbose", is_flag=True, help="Log what happens (INFO) to stderr.")
@click.option("--debug", is_flag=True, help="Show tracebacks of unexpected errors.")
@click.pass_context
def cli(
    ctx: click.Context, database_url: str | None, index_dir: Path | None, verbose: bool, debug: bool
) -> None:
    """Keep an expert directory searchable: tags, findability scores and a semantic index."""
    overrides: dict[str, Any] = {}
    if database_url:
        overrides["database_url"] = database_url
    if index_dir:
        overrides["index_dir"] = index_dir
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        fail(f"invalid setting {'.'.join(map(str, first['loc']))}: {first['msg']}")
    if ctx.invoked_subcommand not in CREATES_OR_SKIPS_THE_DATABASE:
        refuse_a_missing_database(settings)
    logging.basicConfig(
        level=logging.INFO if verbose or debug else logging.ERROR,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    ctx.obj = CliState(settings, debug)


# Only `seed` creates a database; these never open one. Every other command reads a directory.
CREATES_OR_SKIPS_THE_DATABASE = frozenset({"seed", "sample-data", "search", None})


def refuse_a_missing_database(settings: Settings) -> None:
    """A mistyped --db must not silently create an empty directory (and its folders)."""
    missing = wiring.missing_database_file(settings)
    if missing is not None:
        fail(
            f"the database {missing} does not exist; check --db / ENRICH_DATABASE_URL, or "
            "create it by importing experts with `enrich seed FILE.csv`"
        )


def state(ctx: click.Context) -> CliState:
    found = ctx.find_object(CliState)
    if found is None:  # pragma: no cover - every command runs under the group
        raise click.UsageError("run the commands through `enrich`")
    return found
