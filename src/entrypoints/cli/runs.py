"""``enrich runs``, and the progress bars and run summary of ``enrich tag``."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from enrichment_core.runs import TagRunRecord, job_summary
from enrichment_core.tag_runs import RunHooks, RunResult
from enrichment_core.usage import format_cost
from enrichment_entrypoints import wiring
from enrichment_entrypoints.cli.group import state


class ProgressBars:
    """tqdm bars on stderr: one fed by the jobs' batchStats, one per online pass (``423/1558``)."""

    def __init__(self, tagger_name: str) -> None:
        self.tagger_name = tagger_name
        self.bars: list[Any] = []
        self.batch_bar: Any = None

    def hooks(self) -> RunHooks:
        return RunHooks(
            on_start=self.on_start,
            on_progress=self.on_progress,
            on_batch_progress=self.on_batch,
            on_notice=self.on_notice,
        )

    def on_notice(self, message: str) -> None:
        """One line above the progress bar (the tagger's service is unreachable, ...)."""
        if self.bars:
            self.bars[-1].write(message, file=sys.stderr)
        else:
            click.echo(message, err=True)

    def on_start(self, total: int) -> None:
        from tqdm import tqdm

        desc = f"Tagging with {self.tagger_name}"
        self.bars.append(tqdm(total=total, desc=desc, unit="expert", file=sys.stderr))

    def on_progress(self, _outcome: Any) -> None:
        if self.bars:
            self.bars[-1].update(1)

    def on_batch(self, done: int, total: int) -> None:
        from tqdm import tqdm

        if self.batch_bar is None:
            desc = f"Batch jobs ({self.tagger_name})"
            self.batch_bar = tqdm(total=total, desc=desc, unit="expert", file=sys.stderr)
            self.bars.append(self.batch_bar)
        self.batch_bar.total = total
        self.batch_bar.n = done
        self.batch_bar.refresh()

    def close(self) -> None:
        for bar in self.bars:
            bar.close()


def format_run_summary(result: RunResult) -> str:
    """Counts, failures, batch jobs, tokens and estimated cost of one run."""
    report, batch = result.report, result.batch
    tagged = report.tagged + (batch.tagged if batch else 0)
    already = report.already_tagged + (batch.already_tagged if batch else 0)
    lines = [
        f"Tagging summary ({report.tagger}{', batch' if batch else ''}, run #{result.run_id}, "
        f"{report.seconds:.1f}s online): {tagged} tagged, {report.skipped_no_bio} skipped "
        f"(no bio), {len(report.failed)} failed"
        + (f", {report.rate_limited} rate-limit waits" if report.rate_limited else "")
        + (f", {report.outage_waits} outage waits" if report.outage_waits else "")
        + (f", {already} tagged elsewhere meanwhile" if already else "")
        + (f", {report.excluded} left to open batch jobs" if report.excluded else "")
        + (f", {report.left_to_others} left to another run" if report.left_to_others else "")
        + "."
    ]
    if batch is not None:
        lines.append(
            f"Batch: {batch.jobs_created} job(s) created, {batch.jobs_resumed} resumed, "
            f"{batch.requests_sent} requests sent, {batch.request_errors} answers retried online."
        )
        lines.extend(
            f"Batch job lost (its experts went online): {lost}" for lost in batch.lost_jobs
        )
    lines.append(
        f"Usage: {result.usage.describe()}; estimated cost {format_cost(result.cost_usd)}."
    )
    if report.aborted:
        lines.append(f"Stopped: {report.aborted}")
    if report.cancelled or (batch and batch.cancelled):
        if batch is not None and batch.still_open:
            lines.append(
                f"Interrupted: {batch.still_open} batch job(s) keep running at Gemini; "
                "run `enrich tag --batch` again to collect them (no new jobs are created)."
            )
        else:
            lines.append(
                "Interrupted: what was tagged is saved; run `enrich tag` again to continue."
            )
    if report.skipped_no_bio:
        lines.append(
            f"{report.skipped_no_bio} experts have no bio: they stay untagged, are scored with 0 tag "
            "points and are not indexed."
        )
    if report.failed:
        lines.append("Failed experts (still untagged; `enrich tag` retries them):")
        lines.extend(f"  - {f.username}: {f.reason}" for f in report.failed)
    return "\n".join(lines)


def run_json(run: TagRunRecord) -> dict[str, Any]:
    return {
        "id": run.id,
        "mode": run.mode,
        "tagger": run.tagger,
        "model": run.model,
        "status": run.status.value,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "sent": run.sent,
        "tagged": run.tagged,
        "failed": run.failed,
        "skipped_no_bio": run.skipped_no_bio,
        "batch_jobs": run.batch_jobs,
        "requests": run.usage.requests,
        "prompt_tokens": run.usage.prompt,
        "cached_tokens": run.usage.cached,
        "output_tokens": run.usage.output,
        "thinking_tokens": run.usage.thinking,
        "cost_usd": run.cost_usd,
        "note": run.note,
    }


def format_runs_table(runs: list[TagRunRecord]) -> str:
    header = (
        f"{'run':>5}  {'started (UTC)':<16}  {'mode':<6}  {'status':<11}  {'tagged':>6}  "
        f"{'failed':>6}  {'prompt':>10}  {'cached':>9}  {'output':>8}  {'cost':>10}"
    )
    lines = [header]
    for run in runs:
        cost = "n/a" if run.cost_usd is None else f"${run.cost_usd:,.4f}"
        lines.append(
            f"{run.id:>5}  {run.started_at:%Y-%m-%d %H:%M}  {run.mode:<6}  {run.status.value:<11}  "
            f"{run.tagged:>6}  {run.failed:>6}  {run.usage.prompt:>10,}  {run.usage.cached:>9,}  "
            f"{run.usage.output + run.usage.thinking:>8,}  {cost:>10}"
        )
    return "\n".join(lines)


@click.command()
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array instead of a table.")
@click.pass_context
def runs(ctx: click.Context, limit: int, as_json: bool) -> None:
    """List recent tagging runs: counts, tokens and estimated cost; open batch jobs."""
    with wiring.Services(state(ctx).settings) as services:
        store = services.run_store
        records = store.list_runs(limit=limit)
        open_jobs = store.open_jobs()
    if as_json:
        click.echo(json.dumps([run_json(r) for r in records], indent=2))
        return
    if not records:
        click.echo("No tagging runs recorded yet.")
    else:
        click.echo(format_runs_table(records))
    if open_jobs:
        experts = sum(len(j.expert_ids) for j in open_jobs)
        click.echo(
            f"Open batch jobs: {job_summary(open_jobs)} ({experts} experts held); "
            "`enrich tag --batch` collects them."
        )
