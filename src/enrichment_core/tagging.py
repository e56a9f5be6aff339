"""The batch tagging use case (TAGS-01, TAGS-02, FIND-03; locked decisions 1-7, 13-15).

Loads every untagged expert, sends those with a bio to the ``TagGenerator`` under two limits
(calls in flight, requests per minute), normalizes and validates each answer, and writes tags,
their producer and the findability score in one transaction per expert. One expert's failure is
retried once, then recorded and skipped; a 429 is the quota talking and is waited out instead.
At the end every expert's findability score is recomputed.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial

import anyio

from enrichment_core.errors import (
    InvalidTagOutputError,
    RateLimitedError,
    TaggerCredentialsError,
    TaggerUnavailableError,
    TaggingError,
    TransientTaggingError,
)
from enrichment_core.experts import Expert
from enrichment_core.findability import compute_findability_score
from enrichment_core.ports import ExpertRepo, TagGenerator, TagRequest
from enrichment_core.ratelimit import RateLimiter
from enrichment_core.tags import normalize_tags

log = logging.getLogger("enrichment_core.tagging")

MAX_ATTEMPTS = 2  # locked decision 6: retry once, then skip


@dataclass(frozen=True, slots=True)
class TaggingOptions:
    concurrency: int = 8
    rpm: float = 600.0
    call_timeout_s: float = 30.0
    retry_delay_s: float = 1.0
    max_quota_wait_s: float = 300.0
    default_quota_delay_s: float = 5.0

    def __post_init__(self) -> None:
        if self.concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        if not (self.rpm > 0 and math.isfinite(self.rpm)):
            raise ValueError("rpm must be a positive number")


@dataclass(frozen=True, slots=True)
class TaggingFailure:
    expert_id: int
    username: str
    error_class: str
    message: str

    @property
    def reason(self) -> str:
        return f"{self.error_class}: {self.message}"


@dataclass(slots=True)
class TaggingReport:
    tagger: str
    untagged: int = 0
    tagged: int = 0
    skipped_no_bio: int = 0
    already_tagged: int = 0
    failed: list[TaggingFailure] = field(default_factory=list)
    rate_limited: int = 0
    retries: int = 0
    scored: int = 0
    cancelled: bool = False
    aborted: str | None = None
    seconds: float = 0.0

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


class _ExpertFailed(Exception):
    def __init__(self, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.cause = cause


def describe_error(error: BaseException) -> tuple[str, str]:
    if isinstance(error, TimeoutError):
        return "TransientTaggingError", "the tagger did not answer in time"
    message = " ".join(str(error).split())[:300] or repr(error)
    return type(error).__name__, message


class _Run:
    def __init__(
        self,
        repo: ExpertRepo,
        tagger: TagGenerator,
        options: TaggingOptions,
        report: TaggingReport,
        on_progress: Callable[[TagOutcome], None] | None,
    ) -> None:
        self.repo = repo
        self.tagger = tagger
        self.options = options
        self.report = report
        self.limiter = RateLimiter(options.rpm)
        self.on_progress = on_progress or (lambda _outcome: None)
        self._scope: anyio.CancelScope | None = None

    def stop_now(self) -> None:
        if self._scope is not None:
            self._scope.cancel()

    async def call_through_quota(self, request: TagRequest, username: str) -> Sequence[str]:
        """One attempt. 429s are waited out (bounded total wait) and do not count as attempts."""
        waited = 0.0
        undated = 0
        while True:
            await self.limiter.acquire()
            try:
                with anyio.fail_after(self.options.call_timeout_s):
                    raw = await self.tagger.generate_tags(request)
            except RateLimitedError as exc:
                self.report.rate_limited += 1
                delay = exc.retry_after
                if delay is None:  # no retryDelay from the server: back off exponentially
                    delay = self.options.default_quota_delay_s * 2 ** min(undated, 5)
                    undated += 1
                if waited + delay > self.options.max_quota_wait_s:
                    raise
                waited += delay
                self.limiter.pause(delay)
                log.info(
                    "quota reached; waiting %.1fs (rate now %.0f rpm) expert=%s",
                    delay,
                    self.limiter.current_rpm,
                    username,
                )
                continue
            self.limiter.succeeded()
            return raw

    async def tag_with_retry(self, expert: Expert) -> tuple[str, ...]:
        request = TagRequest.for_expert(expert)
        last: BaseException | None = None
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                return normalize_tags(await self.call_through_quota(request, expert.username))
            except (TaggerCredentialsError, TaggerUnavailableError):
                raise  # not this expert's failure: the whole run stops (see process)
            except (TaggingError, TimeoutError, OSError, ValueError) as exc:
                last = exc
            except Exception as exc:  # an adapter bug must not abort the run (decision 6)
                log.exception("unexpected tagger error expert=%s", expert.username)
                last = exc
            if attempt < MAX_ATTEMPTS:
                self.report.retries += 1
                error_class, message = describe_error(last)
                log.info("retrying expert=%s after %s: %s", expert.username, error_class, message)
                transient = isinstance(last, TransientTaggingError | TimeoutError | OSError)
                if transient and not isinstance(last, InvalidTagOutputError):
                    await anyio.sleep(self.options.retry_delay_s)
        assert last is not None
        raise _ExpertFailed(last)

    async def process(self, expert: Expert) -> None:
        assert expert.id is not None
        try:
            tags = await self.tag_with_retry(expert)
        except _ExpertFailed as failed:
            await self.record_failure(expert, failed.cause)
            return
        except (TaggerCredentialsError, TaggerUnavailableError) as exc:
            # Every expert would fail the same way (a refused key, a missing model): stop the
            # run instead of burning two calls per expert. Nobody's state changes.
            if self.report.aborted is None:
                self.report.aborted = str(exc)
                log.error("tagging run stopped: %s", exc)
            self.stop_now()
            return
        score = compute_findability_score(expert, tags)
        written = await anyio.to_thread.run_sync(
            partial(
                self.repo.save_tags,
                expert.id,
                tags=tags,
                tagged_by=self.tagger.name,
                tagged_at=datetime.now(UTC),
                findability_score=score,
            )
        )
        if written:
            self.report.tagged += 1
            self.on_progress(TagOutcome(expert, "tagged", tags))
        else:  # somebody else (an intake retry, a parallel run) tagged it first; theirs stands
            self.report.already_tagged += 1
            self.on_progress(TagOutcome(expert, "raced"))

    async def record_failure(self, expert: Expert, cause: BaseException) -> None:
        assert expert.id is not None
        error_class, message = describe_error(cause)
        failure = TaggingFailure(expert.id, expert.username, error_class, message)
        self.report.failed.append(failure)
        log.warning(
            "tagging failed; skipped expert=%s error_class=%s error=%s",
            expert.username,
            error_class,
            message,
            extra={"expert": expert.username, "error_class": error_class},
        )
        await anyio.to_thread.run_sync(
            partial(
                self.repo.record_tagging_failure,
                expert.id,
                error=failure.reason,
                findability_score=compute_findability_score(expert),
            )
        )
        self.on_progress(TagOutcome(expert, "failed"))

    async def run(self, experts: Sequence[Expert], stop: anyio.Event | None) -> None:
        send, receive = anyio.create_memory_object_stream[Expert](max_buffer_size=len(experts) or 1)
        async with send:
            for expert in experts:
                send.send_nowait(expert)

        async def worker() -> None:
            async with receive.clone() as queue:
                async for expert in queue:
                    await self.process(expert)

        with receive:
            async with anyio.create_task_group() as outer:
                self._scope = outer.cancel_scope

                async def work_then_finish() -> None:
                    async with anyio.create_task_group() as workers:
                        for _ in range(min(self.options.concurrency, max(1, len(experts)))):
                            workers.start_soon(worker)
                    outer.cancel_scope.cancel()

                async def watch_stop() -> None:
                    if stop is None:
                        return
                    await stop.wait()
                    self.report.cancelled = True
                    outer.cancel_scope.cancel()  # in-flight calls end; a started write completes

                outer.start_soon(work_then_finish)
                outer.start_soon(watch_stop)


async def tag_untagged_experts(
    repo: ExpertRepo,
    tagger: TagGenerator,
    options: TaggingOptions | None = None,
    *,
    on_start: Callable[[int], None] | None = None,
    on_progress: Callable[[TagOutcome], None] | None = None,
    stop: anyio.Event | None = None,
) -> TaggingReport:
    """Tag every untagged expert with a bio, then rescore everyone. Returns the run's report.

    Setting ``stop`` (the CLI does on Ctrl-C) ends the run cleanly: calls in flight are
    abandoned, a write already started completes, what was written stays written, the report
    says ``cancelled`` and a re-run continues with the rest (tags are immutable, nobody is tagged
    twice). ``on_start`` receives the number of untagged experts before any work starts.
    """
    options = options or TaggingOptions()
    started = time.monotonic()
    report = TaggingReport(tagger=tagger.name)
    untagged = await anyio.to_thread.run_sync(partial(repo.list_experts, tagged=False))
    report.untagged = len(untagged)
    if on_start is not None:
        on_start(len(untagged))
    to_tag = []
    for expert in untagged:
        if expert.has_bio:
            to_tag.append(expert)
        else:  # locked decision 2: no bio, no tagger call
            report.skipped_no_bio += 1
            if on_progress is not None:
                on_progress(TagOutcome(expert, "no_bio"))
    try:
        await _Run(repo, tagger, options, report, on_progress).run(to_tag, stop)
    except BaseExceptionGroup as group:
        # A failure that is not one expert's (the database went away): surface the first cause
        # rather than a task-group wrapper. What was written stays written.
        raise _first_leaf(group) from None
    if not (report.cancelled or report.aborted):
        report.scored = await anyio.to_thread.run_sync(partial(rescore_all, repo))
    report.seconds = time.monotonic() - started
    return report


def _first_leaf(group: BaseExceptionGroup[BaseException]) -> BaseException:
    first = group.exceptions[0]
    return _first_leaf(first) if isinstance(first, BaseExceptionGroup) else first


def rescore_all(repo: ExpertRepo) -> int:
    """FIND-03: every expert, tagged or not, gets its current findability score (one transaction)."""
    scores = {}
    for expert in repo.list_experts():
        assert expert.id is not None
        score = compute_findability_score(expert)
        if expert.findability_score != score:
            scores[expert.id] = score
    repo.save_scores(scores)
    return len(scores)
