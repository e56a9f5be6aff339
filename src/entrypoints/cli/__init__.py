"""The ``enrich`` command line: thin click commands over the core's use cases.

One module per concern: ``group`` (global options, settings, error translation), ``directory``
(sample-data, seed, score), ``tag`` and ``runs`` (the tagging run, its records), ``index``
(ingest), ``search`` and ``serve``. Every command
builds its ports through ``enrichment_entrypoints.wiring.Services``.
"""

from __future__ import annotations

from enrichment_entrypoints.cli.directory import sample_data, score, seed
from enrichment_entrypoints.cli.group import (
    ERROR_TABLE,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    ErrorRule,
    cli,
)
from enrichment_entrypoints.cli.index import ingest
from enrichment_entrypoints.cli.runs import runs
from enrichment_entrypoints.cli.search import search
from enrichment_entrypoints.cli.serve import serve
from enrichment_entrypoints.cli.tag import tag

for _command in (sample_data, seed, score, tag, runs, ingest, search, serve):
    cli.add_command(_command)

__all__ = [
    "ERROR_TABLE",
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "ErrorRule",
    "cli",
    "main",
]


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="enrich")
