"""``enrich ingest``: rebuild, verify and promote the semantic index."""

from __future__ import annotations

import sys
from typing import Any

import click

from enrichment_entrypoints import wiring
from enrichment_entrypoints.cli.group import state


@click.command()
@click.option(
    "--embedder",
    "embedder_choice",
    type=click.Choice(["local", "gemini"]),
    help="Default: ENRICH_EMBEDDER or local.",
)
@click.pass_context
def ingest(ctx: click.Context, embedder_choice: wiring.EmbedderChoice | None) -> None:
    """Rebuild the search index from the tagged experts in the database, verify it, promote it.

    Only texts that changed since the last run are embedded. Never run at API start-up.
    """
    from tqdm import tqdm

    from enrichment_core.ingest import ingest as run_ingest

    services = wiring.Services(state(ctx).settings, embedder_choice=embedder_choice)
    embedder = services.embedder
    bar: tqdm[Any] | None = None

    def on_plan(to_embed: int) -> None:
        nonlocal bar
        bar = tqdm(
            total=to_embed, desc=f"Embedding with {embedder.model_id}", unit="text", file=sys.stderr
        )

    def on_embedded(count: int) -> None:
        if bar is not None:
            bar.update(count)

    try:
        with services:
            report = run_ingest(
                services.repo,
                embedder,
                services.index,
                services.vector_cache,
                on_plan=on_plan,
                on_embedded=on_embedded,
            )
    finally:
        if bar is not None:
            bar.close()
    click.echo(
        f"Indexed {report.indexed} experts (of {report.total} total; {report.untagged} not indexed "
        f"— untagged). Embedded {report.embedded}, reused {report.reused} cached vectors."
    )
    if report.stale_staging_removed:
        click.echo("Removed a stale staging index left by an interrupted run.", err=True)
