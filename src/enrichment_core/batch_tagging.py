"""Tagging through a provider's batch mode (issue 13): record, create, poll, apply.

Open jobs of earlier runs are resumed first (nothing is created twice: the bill must not
double; a job recorded as ``creating`` is looked up by its key). The other untagged experts with
a bio — not held by an open job nor claimed by an online run — are split into jobs under the
size and enqueued-token limits, each recorded with its experts *before* it is created. Jobs are
polled (``batchStats`` feeds the progress); results go through the online ``tag_and_save``. An
errored answer is that expert's first attempt, and lost jobs (expired, failed, cancelled) are
reported: ``run_tagging`` sends both kinds of experts online, the errored ones for one retry.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, TypeVar

import anyio

from enrichment_core.batch_plan import (
    BatchItemResult,
    BatchOptions,
    BatchReport,
    BatchTagger,
    PlannedJob,
    plan_jobs,
)
from enrichment_core.claims import CLAIM_TTL_S, CLAIM_WINDOW, run_owner
from enrichment_core.errors import RateLimitedError, TaggingError
from enrichment_core.experts import Expert
from enrichment_core.offload import AsyncExpertRepo, off_thread
from enrichment_core.ports import ExpertRepo, TagRequest
from enrichment_core.runs import BatchJobRecord, ExpertsAlreadyClaimedError, JobState, RunStore
from enrichment_core.tag_one import TagStatus, tag_and_save

__all__ = ["BatchOptions", "BatchReport", "run_batch"]

log = logging.getLogger("enrichment_core.batch_tagging")
T = TypeVar("T")


Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class _BatchRun:
    def __init__(
        self,
        repo: ExpertRepo,
        batch: BatchTagger,
        store: RunStore,
        options: BatchOptions,
        *,
        run_id: int | None,
        clock: Clock,
        on_progress: Callable[[int, int], None],
    ) -> None:
        self.repo, self.batch, self.store, self.options = repo, batch, store, options
        self.async_repo = AsyncExpertRepo(repo)
        self.run_id, self.clock, self.on_progress = run_id, clock, on_progress
        self.report = BatchReport()
        self.open: dict[str, BatchJobRecord] = {}
        self.done_by_job: dict[str, int] = {}
        self.total = 0
        self.refused: set[str] = set()
        self.owner = run_owner()  # claims experts only between planning and recording a job  # recorded here, refused by the provider (not created)

    async def call(self, function: Callable[..., T], *args: object) -> T:
        return await off_thread(function, *args)

    # --- creating ------------------------------------------------------------------------------

    def enqueued_tokens(self) -> int:
        return sum(j.estimated_tokens for j in self.open.values() if j.state != JobState.SUCCEEDED)

    async def submit(self, planned: PlannedJob) -> bool:
        """Record then create one job. False when it must wait (enqueued-token cap)."""
        if (
            self.open
            and self.enqueued_tokens() + planned.tokens > self.batch.limits.max_enqueued_tokens
        ):
            return False
        experts = await self.claim(planned.experts)
        try:
            record = await self.record(experts, planned.tokens)
        finally:  # the job's record holds them now (or nobody does)
            await off_thread(self.repo.release_claims, self.owner)
        if record is not None:
            await self.create(record, experts)
        return True

    async def claim(self, experts: Sequence[Expert]) -> list[Expert]:
        """The experts no online run is tagging right now (their claims, issue 10), claimed for
        the moment between planning and recording the job."""
        ids = [e.id for e in experts if e.id is not None]
        free: list[Expert] = []
        for start in range(0, len(ids), CLAIM_WINDOW):
            window = ids[start : start + CLAIM_WINDOW]
            free += await off_thread(
                self.repo.claim_untagged, self.owner, limit=len(window), ttl_s=CLAIM_TTL_S,
                among=window,
            )  # fmt: skip
        return free

    async def record(self, experts: Sequence[Expert], tokens: int) -> BatchJobRecord | None:
        if not experts:
            return None
        record = BatchJobRecord(
            key=f"enrich-{self.run_id or 0}-{uuid.uuid4().hex[:12]}",
            model=self.batch.model,
            state=JobState.CREATING,
            created_at=self.clock(),
            expert_ids=tuple(e.id for e in experts if e.id is not None),
            run_id=self.run_id,
            estimated_tokens=tokens,
        )
        try:
            await off_thread(self.store.record_job, record)
        except ExpertsAlreadyClaimedError as exc:
            log.warning("%s; leaving those experts to the run that holds them", exc)
            return None
        self.open[record.key] = record
        self.total += len(record.expert_ids)
        return record

    async def create(self, record: BatchJobRecord, experts: Sequence[Expert]) -> None:
        items = [(str(e.id), TagRequest.for_expert(e)) for e in experts]
        try:
            name = await self.call(self.batch.create_job, record.key, items)
        except RateLimitedError as exc:
            log.info("batch job %s not accepted yet: %s", record.key, exc)
            self.refused.add(record.key)  # stays CREATING; created again after the next poll
            return
        except TaggingError as exc:
            await self.close_lost(record, JobState.FAILED, f"could not create the job: {exc}")
            return
        self.refused.discard(record.key)
        self.report.jobs_created += 1
        self.report.requests_sent += len(items)
        await self.set_state(record, JobState.PENDING, name=name)

    async def adopt_or_create(self, record: BatchJobRecord) -> None:
        """A job recorded as ``creating``: created by a run that died? Find it, else create it."""
        if record.key not in self.refused:
            name = await self.call(self.batch.find_job, record.key)
            if name is not None:
                await self.set_state(record, JobState.PENDING, name=name)
                return
        experts = [e for e in await self.call(self.load, record.expert_ids) if e.has_bio]
        if not experts:
            await self.set_state(record, JobState.APPLIED)  # all tagged elsewhere meanwhile
            return
        await self.create(record, experts)

    def load(self, ids: Sequence[int]) -> list[Expert]:
        """The still-untagged experts among ``ids`` (one query, not one per expert)."""
        wanted = set(ids)
        return [e for e in self.repo.list_experts(tagged=False) if e.id in wanted]

    # --- polling and applying --------------------------------------------------------------

    async def set_state(self, record: BatchJobRecord, state: JobState, **changes: Any) -> None:
        """Record a job's new state (and ``name``/``succeeded``/``failed``/``error``)."""
        await off_thread(
            self.store.update_job, record.key, state=state, updated_at=self.clock(), **changes
        )
        updated = replace(
            record, state=state, **{k: v for k, v in changes.items() if v is not None}
        )
        if state.open:
            self.open[record.key] = updated
        else:
            self.open.pop(record.key, None)

    async def close_lost(self, record: BatchJobRecord, state: JobState, error: str) -> None:
        self.report.lost_jobs.append(f"{record.name or record.key}: {state.value} ({error})")
        self.report.fallback_online.update(record.expert_ids)
        await self.set_state(record, state, error=error)

    async def poll(self, record: BatchJobRecord) -> None:
        if record.state == JobState.CREATING:
            await self.adopt_or_create(record)
            return
        assert record.name is not None
        if record.state != JobState.SUCCEEDED:
            status = await self.call(self.batch.job_status, record.name)
            self.done_by_job[record.key] = status.done
            if status.state.lost:
                await self.close_lost(record, status.state, status.error or "no results")
                return
            if status.state != record.state or status.done != record.succeeded + record.failed:
                await self.set_state(
                    record, status.state, succeeded=status.succeeded, failed=status.failed
                )
            if status.state != JobState.SUCCEEDED:
                return
        await self.apply(self.open[record.key])

    async def apply(self, record: BatchJobRecord) -> None:
        assert record.name is not None
        results = await self.call(self.batch.job_results, record.name)
        by_id = {e.id: e for e in await self.call(self.load, record.expert_ids)}
        answered: set[int] = set()
        for result in results:
            if not result.key.isdigit() or int(result.key) not in record.expert_ids:
                log.warning("batch job %s returned an unknown key %r", record.name, result.key)
                continue
            answered.add(int(result.key))
            self.report.usage = self.report.usage + result.usage
            expert = by_id.get(int(result.key))
            if expert is None:  # tagged meanwhile by someone else; theirs stands
                self.report.already_tagged += 1
                continue
            await self.apply_one(expert, result)
        missing = set(record.expert_ids) - answered
        self.report.fallback_online.update(i for i in missing if i in by_id)
        self.done_by_job[record.key] = len(record.expert_ids)
        await self.set_state(record, JobState.APPLIED)

    async def apply_one(self, expert: Expert, result: BatchItemResult) -> None:
        """The online path's own ``tag_and_save``, fed with the job's answer for this expert."""
        assert expert.id is not None

        async def answer(_request: TagRequest) -> Sequence[str]:
            if result.error is not None:
                raise result.error
            return result.tags or ()

        outcome = await tag_and_save(
            expert, call=answer, repo=self.async_repo, tagged_by=self.batch.name
        )
        if outcome.status is TagStatus.FAILED:  # recorded; it counts as the first attempt
            self.report.request_errors += 1
            self.report.retry_online.add(expert.id)
            reason = outcome.failure.reason if outcome.failure else "?"
            log.info("batch answer for expert=%s unusable (%s)", expert.username, reason)
        elif outcome.status is TagStatus.TAGGED:
            self.report.tagged += 1
        else:
            self.report.already_tagged += 1

    def progress(self) -> None:
        self.on_progress(sum(self.done_by_job.values()), self.total)


async def run_batch(
    repo: ExpertRepo,
    batch: BatchTagger,
    store: RunStore,
    options: BatchOptions | None = None,
    *,
    run_id: int | None = None,
    clock: Clock = _utc_now,
    on_progress: Callable[[int, int], None] | None = None,
    stop: anyio.Event | None = None,
) -> BatchReport:
    """Resume open jobs, submit the rest, poll until every job has ended. See the module doc."""
    options = options or BatchOptions()
    run = _BatchRun(
        repo, batch, store, options, run_id=run_id, clock=clock,
        on_progress=on_progress or (lambda _done, _total: None),
    )  # fmt: skip
    for record in await run.call(store.open_jobs):
        run.open[record.key] = record
        run.total += len(record.expert_ids)
        run.report.jobs_resumed += 1
    claimed = await run.call(store.claimed_expert_ids)
    untagged = await off_thread(repo.list_experts, tagged=False)
    fresh = [e for e in untagged if e.has_bio and e.id not in claimed]
    queue = plan_jobs(fresh, batch.size_of, batch.limits)
    while queue or run.open:
        while queue and await run.submit(queue[0]):
            queue.pop(0)
        for record in list(run.open.values()):
            await run.poll(record)
        run.progress()
        if not (queue or run.open):
            break
        if stop is not None:
            with anyio.move_on_after(options.poll_interval_s):
                await stop.wait()
            if stop.is_set():
                run.report.cancelled = True
                break
        else:
            await anyio.sleep(options.poll_interval_s)
    run.report.still_open = len(run.open)
    return run.report
