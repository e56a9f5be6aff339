"""A recorded tagging run: online or through batch jobs, with its tokens and estimated cost.

``run_tagging`` is what ``enrich tag`` calls. It records the run when it starts, leaves experts
held by open batch jobs alone on the online path, and completes the record with the counts, the
tokens summed from ``usage_metadata`` and the cost from the price table (batch prices for what
went through batch jobs, online prices for the rest).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import anyio

from enrichment_core.batch_plan import BatchTagger
from enrichment_core.batch_tagging import BatchOptions, BatchReport, run_batch
from enrichment_core.experts import Expert
from enrichment_core.offload import off_thread
from enrichment_core.ports import ExpertRepo, TagGenerator
from enrichment_core.runs import RunStatus, RunStore, RunTotals
from enrichment_core.tagging import TaggingOptions, TaggingReport, TagOutcome, tag_untagged_experts
from enrichment_core.usage import PriceTable, TokenUsage, UsageMeter


@dataclass(slots=True)
class RunResult:
    run_id: int
    report: TaggingReport  # the online part (in batch mode: the fallback, with every count)
    usage: TokenUsage
    cost_usd: float | None
    batch: BatchReport | None = None

    @property
    def clean(self) -> bool:
        lost = bool(self.batch and (self.batch.lost_jobs or self.batch.cancelled))
        return self.report.clean and not lost


@dataclass(frozen=True, slots=True)
class RunHooks:
    """Progress callbacks for a display; all optional."""

    on_start: Callable[[int], None] | None = None
    on_progress: Callable[[TagOutcome], None] | None = None
    on_batch_progress: Callable[[int, int], None] | None = None
    on_notice: Callable[[str], None] | None = None


def _now() -> datetime:
    return datetime.now(UTC)


def _usage(tagger: TagGenerator) -> TokenUsage:
    return tagger.usage_snapshot() if isinstance(tagger, UsageMeter) else TokenUsage()


def _model(tagger: TagGenerator) -> str | None:
    return tagger.model if isinstance(tagger, UsageMeter) else None


async def run_tagging(
    repo: ExpertRepo,
    tagger: TagGenerator,
    store: RunStore,
    options: TaggingOptions | None = None,
    *,
    prices: PriceTable | None = None,
    batch: BatchTagger | None = None,
    batch_options: BatchOptions | None = None,
    hooks: RunHooks | None = None,
    stop: anyio.Event | None = None,
    clock: Callable[[], datetime] = _now,
) -> RunResult:
    """Tag every untagged expert (online, or via ``batch`` jobs first) and record the run."""
    options, hooks = options or TaggingOptions(), hooks or RunHooks()
    prices = prices or PriceTable({})
    model = batch.model if batch is not None else _model(tagger)
    run_id = await off_thread(
        store.start_run,
        mode="batch" if batch else "online",
        tagger=batch.name if batch else tagger.name,
        model=model,
        started_at=clock(),
    )
    before = _usage(tagger)
    batch_report: BatchReport | None = None
    if batch is None:
        held = await off_thread(store.claimed_expert_ids)
        report = await tag_untagged_experts(
            repo, tagger, options, on_start=hooks.on_start, on_progress=hooks.on_progress,
            on_notice=hooks.on_notice, stop=stop, select=lambda e: e.id not in held,
        )  # fmt: skip
    else:
        batch_report = await run_batch(
            repo, batch, store, batch_options, run_id=run_id, clock=clock,
            on_progress=hooks.on_batch_progress, stop=stop,
        )  # fmt: skip
        report = await _fallback_online(repo, tagger, options, batch_report, hooks, stop)
    online_usage = _usage(tagger) - before
    usage = online_usage + (batch_report.usage if batch_report else TokenUsage())
    cost = _cost(prices, _model(tagger) or model, online_usage, batch_report, model)
    totals = RunTotals(
        status=_status(report, batch_report),
        finished_at=clock(),
        sent=usage.requests,
        tagged=report.tagged + (batch_report.tagged if batch_report else 0),
        failed=len(report.failed),
        skipped_no_bio=report.skipped_no_bio,
        usage=usage,
        cost_usd=cost,
        batch_jobs=(batch_report.jobs_created + batch_report.jobs_resumed) if batch_report else 0,
        note=_note(report, batch_report),
    )
    await off_thread(store.finish_run, run_id, totals)
    return RunResult(run_id, report, usage, cost, batch_report)


async def _fallback_online(
    repo: ExpertRepo,
    tagger: TagGenerator,
    options: TaggingOptions,
    batch: BatchReport,
    hooks: RunHooks,
    stop: anyio.Event | None,
) -> TaggingReport:
    """After the jobs: one online retry for errored answers, the full path for lost jobs.

    The second pass also counts the experts without a bio and rescores everyone, as an online
    run does. When the batch part was interrupted, open jobs still hold their experts: nothing
    is sent online, and the report says ``cancelled``.
    """
    if batch.cancelled:
        report = TaggingReport(tagger=tagger.name, cancelled=True)
        return report
    first = None
    if batch.retry_online:
        retry = batch.retry_online

        def errored(e: Expert) -> bool:
            return e.id in retry

        first = await tag_untagged_experts(
            repo, tagger, replace(options, max_attempts=1), on_start=hooks.on_start,
            on_progress=hooks.on_progress, on_notice=hooks.on_notice, stop=stop, select=errored,
        )  # fmt: skip
        if first.cancelled or first.aborted:
            return first
    lost = batch.fallback_online

    def lost_or_no_bio(e: Expert) -> bool:
        return e.id in lost or not e.has_bio

    second = await tag_untagged_experts(
        repo, tagger, options, on_start=hooks.on_start if lost else None,
        on_progress=hooks.on_progress if lost else None, on_notice=hooks.on_notice, stop=stop,
        select=lost_or_no_bio,
    )  # fmt: skip
    return second if first is None else _merge(first, second)


def _merge(first: TaggingReport, second: TaggingReport) -> TaggingReport:
    second.tagged += first.tagged
    second.failed = first.failed + second.failed
    second.rate_limited += first.rate_limited
    second.outage_waits += first.outage_waits
    second.retries += first.retries
    second.already_tagged += first.already_tagged
    second.seconds += first.seconds
    return second


def _cost(
    prices: PriceTable,
    online_model: str | None,
    online: TokenUsage,
    batch: BatchReport | None,
    batch_model: str | None,
) -> float | None:
    parts = []
    if online.requests:
        parts.append(prices.cost(online_model, online, batch=False))
    if batch is not None and batch.usage.requests:
        parts.append(prices.cost(batch_model, batch.usage, batch=True))
    if any(part is None for part in parts):
        return None
    return sum(part for part in parts if part is not None)


def _status(report: TaggingReport, batch: BatchReport | None) -> RunStatus:
    if report.aborted:
        return RunStatus.ABORTED
    if report.cancelled or (batch is not None and batch.cancelled):
        return RunStatus.INTERRUPTED
    return RunStatus.COMPLETED


def _note(report: TaggingReport, batch: BatchReport | None) -> str | None:
    notes = [report.aborted] if report.aborted else []
    if batch is not None:
        notes.extend(batch.lost_jobs)
        if batch.still_open:
            notes.append(f"{batch.still_open} batch job(s) still open; run again to collect them")
    return "; ".join(notes)[:2000] or None
