"""``enrich tag``: the tagging run (online or Gemini Batch API), its progress bars, Ctrl-C
handling and summary. The bars, the summary and ``enrich runs`` live in ``cli.runs``."""

from __future__ import annotations

import signal
import sys
from functools import partial
from typing import TYPE_CHECKING

import anyio
import click

from enrichment_entrypoints import wiring
from enrichment_entrypoints.cli.group import EXIT_FAILED, EXIT_INTERRUPTED, fail, state

if TYPE_CHECKING:
    from enrichment_core.batch_plan import BatchTagger
    from enrichment_core.tag_runs import RunHooks, RunResult
    from enrichment_core.tagging import TaggingOptions


@click.command()
@click.option(
    "--concurrency",
    type=click.IntRange(1, 256),
    help="Tagger calls in flight (ENRICH_CONCURRENCY; default 8, 128 with the local tagger).",
)
@click.option(
    "--rpm",
    type=click.FloatRange(min=0.1),
    help="Requests per minute, steady (ENRICH_RPM; default 600, no limit with the local tagger).",
)
@click.option(
    "--tagger",
    "tagger_choice",
    type=click.Choice(["gemini", "local"]),
    help="Default: gemini when a key is set, else local.",
)
@click.option(
    "--batch",
    "use_batch",
    is_flag=True,
    help="Gemini Batch API: half the price, results within 24 h; re-running resumes recorded jobs.",
)
@click.pass_context
def tag(
    ctx: click.Context,
    concurrency: int | None,
    rpm: float | None,
    tagger_choice: wiring.TaggerChoice | None,
    use_batch: bool,
) -> None:
    """Tag every untagged expert with a bio, then rescore everyone.

    Already-tagged experts are skipped (tags are immutable); experts without a bio are never sent
    to the tagger. Silent on clean success; exits 1 when some expert failed after its retry.
    Every run is recorded with its tokens and estimated cost (`enrich runs`).
    """
    from enrichment_entrypoints.cli.runs import ProgressBars, format_run_summary

    settings = state(ctx).settings
    if use_batch and (tagger_choice or settings.resolved_tagger()) != "gemini":
        fail(
            "--batch needs the Gemini tagger (set GEMINI_API_KEY); the local tagger has nothing to batch"
        )
    services = wiring.Services(settings, tagger_choice="gemini" if use_batch else tagger_choice)
    batch = services.batch_tagger if use_batch else None
    options = services.tagging_options(concurrency=concurrency, rpm=rpm)
    if services.repo.count() == 0:
        click.echo(
            f"No experts in the database ({settings.database_url}): nothing to tag. "
            "Import some with `enrich seed FILE.csv`.",
            err=True,
        )
        services.close()
        return
    bars = ProgressBars(services.tagger.name)
    try:
        result = anyio.run(partial(_run, services, options, batch, bars.hooks()))
    finally:
        bars.close()
    if result.clean:
        return
    click.echo(format_run_summary(result), err=True)
    report = result.report
    if report.cancelled or (result.batch and result.batch.cancelled):
        sys.exit(EXIT_INTERRUPTED)
    if report.failed or report.aborted:
        sys.exit(EXIT_FAILED)


async def _run(
    services: wiring.Services,
    options: TaggingOptions,
    batch: BatchTagger | None,
    hooks: RunHooks,
) -> RunResult:
    """The run, stopped cleanly by SIGINT/SIGTERM; the services are closed inside the loop."""
    from enrichment_core.batch_tagging import BatchOptions
    from enrichment_core.tag_runs import run_tagging

    stop = anyio.Event()

    async def on_signal() -> None:
        with anyio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
            async for _ in signals:
                stop.set()
                return

    async with services, anyio.create_task_group() as group:
        group.start_soon(on_signal)
        result = await run_tagging(
            services.repo,
            services.tagger,
            services.run_store,
            options,
            prices=services.prices,
            batch=batch,
            batch_options=BatchOptions(poll_interval_s=services.settings.batch_poll_s),
            hooks=hooks,
            stop=stop,
        )
        group.cancel_scope.cancel()
    return result
