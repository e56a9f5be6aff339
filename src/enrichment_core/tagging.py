"""The batch tagging use case (TAGS-01, TAGS-02, FIND-03; locked decisions 1-7, 13-15).

Loads every untagged expert, sends those with a bio to the ``TagGenerator`` under two limits
(calls in flight, requests per minute), normalizes and validates each answer, and writes tags,
their producer and the findability score in one transaction per expert. One expert's failure is
retried once, then recorded and skipped (locked decision 6; a transient error — timeout,
connection, 5xx — waits ``retry_delay_s`` first, an invalid answer is retried at once); a 429 is
the quota talking and is waited out instead, and so is an unreachable service (``quota``). Refused credentials or a tagger that cannot start
stop the whole run, since every expert would fail alike. At the end every expert's findability
score is recomputed (``findability.rescore_all``).

Time is injected (``clock``, ``sleep``), so tests drive the rate limiter and the waits with a
virtual clock instead of the wall clock.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import anyio

from enrichment_core.claims import ClaimedWork
from enrichment_core.experts import Expert
from enrichment_core.findability import rescore_all
from enrichment_core.offload import AsyncExpertRepo, off_thread
from enrichment_core.ports import ExpertRepo, TagGenerator
from enrichment_core.tag_one import (
    TaggingFailure,
    TagStatus,
    describe_error,
    tag_and_save,
)
from enrichment_core.tagging_policy import MAX_ATTEMPTS, RUN_STOPPING_ERRORS, TagCallPolicy

log = logging.getLogger("enrichment_core.tagging")

__all__ = [
    "MAX_ATTEMPTS",
    "TagOutcome",
    "TaggingFailure",
    "TaggingOptions",
    "TaggingReport",
    "describe_error",
    "rescore_all",
    "tag_untagged_experts",
]

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class TaggingOptions:
    concurrency: int = 8
    rpm: float = 600.0
    call_timeout_s: float = 30.0
    retry_delay_s: float = 1.0
    max_quota_wait_s: float = 300.0
    default_quota_delay_s: float = 5.0
    # 1 when an earlier attempt already happened elsewhere (a batch job's per-request error)
    max_attempts: int = MAX_ATTEMPTS

    def __post_init__(self) -> None:
        if not 1 <= self.max_attempts <= MAX_ATTEMPTS:
            raise ValueError(f"max_attempts must be 1 or {MAX_ATTEMPTS} (retry once at most)")
        if self.concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        if not self.rpm > 0:  # math.inf: no rate limit (the local tagger's default)
            raise ValueError("rpm must be a positive number (math.inf for no limit)")


@dataclass(slots=True)
class TaggingReport:
    tagger: str
    untagged: int = 0
    tagged: int = 0
    skipped_no_bio: int = 0
    already_tagged: int = 0
    failed: list[TaggingFailure] = field(default_factory=list)
    rate_limited: int = 0
    outage_waits: int = 0
    left_to_others: int = 0  # experts another run (holding their claims) was tagging
    retries: int = 0
    scored: int = 0
    cancelled: bool = False
    aborted: str | None = None
    seconds: float = 0.0
    excluded: int = 0  # untagged but left to someone else (held by an open batch job)

    @property
    def clean(self) -> bool:
        """Nothing failed, nothing skipped, not interrupted: the CLI stays silent."""
        return not (self.failed or self.skipped_no_bio or self.cancelled or self.aborted)


@dataclass(frozen=True, slots=True)
class TagOutcome:
    """One expert done, for progress displays: ``status`` is tagged, no_bio, failed or raced."""

    expert: Expert
    status: str
    tags: tuple[str, ...] | None = None


class _Run:
    def __init__(
        self,
        repo: AsyncExpertRepo,
        tagger: TagGenerator,
        options: TaggingOptions,
        report: TaggingReport,
        on_progress: Callable[[TagOutcome], None] | None,
        *,
        on_notice: Callable[[str], None] | None = None,
        clock: Callable[[], float],
        sleep: Sleep,
    ) -> None:
        self.repo = repo
        self.tagger = tagger
        self.options = options
        self.report = report
        self.policy = TagCallPolicy(
            tagger, options, report, on_notice=on_notice, clock=clock, sleep=sleep
        )
        self.on_progress = on_progress or (lambda _outcome: None)
        self._scope: anyio.CancelScope | None = None

    def stop_now(self) -> None:
        if self._scope is not None:
            self._scope.cancel()

    async def process(self, expert: Expert) -> None:
        try:
            result = await tag_and_save(
                expert,
                call=self.policy.call_with_retry,
                repo=self.repo,
                tagged_by=self.tagger.name,
                fatal=RUN_STOPPING_ERRORS,
            )
        except RUN_STOPPING_ERRORS as exc:
            # Every expert would fail the same way (a refused key, a missing model): stop the
            # run instead of burning two calls per expert. Nobody's state changes.
            if self.report.aborted is None:
                self.report.aborted = str(exc)
                log.error("tagging run stopped: %s", exc)
            self.stop_now()
            return
        if result.failure is not None:
            self.report.failed.append(result.failure)
            log.warning(
                "tagging failed; skipped expert=%s error_class=%s error=%s",
                expert.username,
                result.failure.error_class,
                result.failure.message,
                extra={"expert": expert.username, "error_class": result.failure.error_class},
            )
        elif result.status is TagStatus.TAGGED:
            self.report.tagged += 1
        else:  # somebody else (an intake retry, a parallel run) tagged it first; theirs stands
            self.report.already_tagged += 1
        self.on_progress(TagOutcome(expert, result.status.value, result.tags))

    async def run(self, work: ClaimedWork, workers: int, stop: anyio.Event | None) -> None:
        """``workers`` tasks send the experts ``work`` claims until none is left (or ``stop``)."""

        async def worker() -> None:
            while (expert := await work.next()) is not None:
                await self.process(expert)

        async with anyio.create_task_group() as outer:
            self._scope = outer.cancel_scope

            async def work_then_finish() -> None:
                async with anyio.create_task_group() as group:
                    for _ in range(workers):
                        group.start_soon(worker)
                outer.cancel_scope.cancel()

            async def watch_stop() -> None:
                if stop is None:
                    return
                await stop.wait()
                self.report.cancelled = True
                outer.cancel_scope.cancel()  # in-flight calls end; a started write completes

            outer.start_soon(work_then_finish)
            outer.start_soon(watch_stop)
            outer.start_soon(work.keep_alive)


async def tag_untagged_experts(
    repo: ExpertRepo,
    tagger: TagGenerator,
    options: TaggingOptions | None = None,
    *,
    on_start: Callable[[int], None] | None = None,
    on_progress: Callable[[TagOutcome], None] | None = None,
    on_notice: Callable[[str], None] | None = None,
    stop: anyio.Event | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Sleep = anyio.sleep,
    select: Callable[[Expert], bool] | None = None,
) -> TaggingReport:
    """Tag every untagged expert with a bio, then rescore everyone. Returns the run's report.

    Setting ``stop`` (the CLI does on Ctrl-C) ends the run cleanly: calls in flight are
    abandoned, a write already started completes, what was written stays written, the report
    says ``cancelled`` and a re-run continues with the rest (tags are immutable, nobody is tagged
    twice). ``on_start`` receives the number of untagged experts before any work starts;
    ``on_notice`` receives lines worth showing a person while the run goes on (the tagger's
    service is unreachable and the run is waiting, see ``quota``).
    ``clock`` and ``sleep`` drive the rate limiter and the waits (injectable for tests).
    ``select``, when given, keeps only the untagged experts it accepts (the others are counted
    as ``excluded`` and left alone, e.g. experts held by an open batch job).
    """
    options = options or TaggingOptions()
    started = clock()
    report = TaggingReport(tagger=tagger.name)
    untagged = await _selected(repo, report, select)
    if on_start is not None:
        on_start(len(untagged))
    to_tag = _with_bio(untagged, report, on_progress)
    async_repo = AsyncExpertRepo(repo)
    candidates = [e.id for e in to_tag if e.id is not None]
    work = ClaimedWork(async_repo, candidates, batch=options.concurrency, sleep=sleep)
    run = _Run(async_repo, tagger, options, report, on_progress, on_notice=on_notice, clock=clock, sleep=sleep)  # fmt: skip
    try:
        if to_tag:
            await work.take_over_dead_runs()
            await run.run(work, min(options.concurrency, len(to_tag)), stop)
    except BaseExceptionGroup as group:
        # A failure that is not one expert's (the database went away): surface the first cause
        # rather than a task-group wrapper. What was written stays written.
        raise _first_leaf(group) from None
    finally:
        await work.release()
        report.rate_limited, report.outage_waits = run.policy.waits()
        report.left_to_others = max(0, len(to_tag) - work.claimed)
    if not (report.cancelled or report.aborted):
        report.scored = await off_thread(rescore_all, repo)
    report.seconds = clock() - started
    return report


async def _selected(
    repo: ExpertRepo, report: TaggingReport, select: Callable[[Expert], bool] | None
) -> list[Expert]:
    untagged = await off_thread(repo.list_experts, tagged=False)
    if select is not None:
        kept = [expert for expert in untagged if select(expert)]
        report.excluded = len(untagged) - len(kept)
        untagged = kept
    report.untagged = len(untagged)
    return untagged


def _with_bio(
    untagged: list[Expert], report: TaggingReport, on_progress: Callable[[TagOutcome], None] | None
) -> list[Expert]:
    """The experts to send to the tagger; the others are counted and reported as ``no_bio``."""
    to_tag = []
    for expert in untagged:
        if expert.has_bio:
            to_tag.append(expert)
        else:  # locked decision 2: no bio, no tagger call
            report.skipped_no_bio += 1
            if on_progress is not None:
                on_progress(TagOutcome(expert, "no_bio"))
    return to_tag


def _first_leaf(group: BaseExceptionGroup[BaseException]) -> BaseException:
    first = group.exceptions[0]
    return _first_leaf(first) if isinstance(first, BaseExceptionGroup) else first
