"""What a batch tagger offers (the ``BatchTagger`` port) and how experts are split into jobs.

A job stays under three limits: requests per job, bytes per job (inline requests must stay
under 20 MB; a JSONL file may be larger) and the provider's cap on *enqueued* tokens — the sum
over every job still pending or running (e.g. 3M tokens at tier 1 for gemini-2.5-flash).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from enrichment_core.errors import TaggingError
from enrichment_core.experts import Expert
from enrichment_core.ports import TagRequest
from enrichment_core.runs import JobState
from enrichment_core.usage import TokenUsage


@dataclass(frozen=True, slots=True)
class BatchOptions:
    """How a batch run polls its jobs."""

    poll_interval_s: float = 15.0  # also how soon a refused create (token cap) is retried


@dataclass(slots=True)
class BatchReport:
    """What the batch part of a run did (``batch_tagging.run_batch``)."""

    jobs_created: int = 0
    jobs_resumed: int = 0
    requests_sent: int = 0
    tagged: int = 0
    already_tagged: int = 0
    request_errors: int = 0
    lost_jobs: list[str] = field(default_factory=list)
    retry_online: set[int] = field(default_factory=set)  # first attempt used: one retry left
    fallback_online: set[int] = field(default_factory=set)  # never attempted (job lost)
    usage: TokenUsage = field(default_factory=TokenUsage)
    still_open: int = 0  # jobs left running when the run was interrupted
    cancelled: bool = False


@dataclass(frozen=True, slots=True)
class BatchLimits:
    max_requests: int = 10_000
    max_job_bytes: int = 18 * 1024 * 1024
    max_enqueued_tokens: int = 3_000_000

    def __post_init__(self) -> None:
        if min(self.max_requests, self.max_job_bytes, self.max_enqueued_tokens) < 1:
            raise ValueError("batch limits must be positive")


@dataclass(frozen=True, slots=True)
class RequestSize:
    bytes: int
    tokens: int


@dataclass(frozen=True, slots=True)
class BatchStatus:
    """A job as the provider reports it; counts come from ``batchStats``."""

    state: JobState
    total: int = 0
    succeeded: int = 0
    failed: int = 0
    error: str | None = None

    @property
    def done(self) -> int:
        return self.succeeded + self.failed


@dataclass(frozen=True, slots=True)
class BatchItemResult:
    """One request's result: validated raw tags, or the error that counts as an attempt."""

    key: str
    tags: Sequence[str] | None
    error: TaggingError | None
    usage: TokenUsage = field(default_factory=TokenUsage)


class BatchTagger(Protocol):
    """A provider's batch mode for tagging. Methods block (the use case runs them in a thread).

    ``create_job`` is NOT idempotent at the provider: the use case records the job (with ``key``)
    before calling it, and after a crash looks the job up with ``find_job(key)`` first. It raises
    ``RateLimitedError`` when the provider refuses more enqueued work for now.
    """

    @property
    def name(self) -> str:
        """Recorded with the tags, the same as the online tagger's (``gemini:<model>``)."""
        ...

    @property
    def model(self) -> str: ...

    @property
    def limits(self) -> BatchLimits: ...

    def size_of(self, request: TagRequest) -> RequestSize: ...

    def create_job(self, key: str, items: Sequence[tuple[str, TagRequest]]) -> str:
        """Create a job for ``(result key, request)`` items; returns the provider's job name."""
        ...

    def find_job(self, key: str) -> str | None:
        """The name of the job created with ``key``, if the provider has one."""
        ...

    def job_status(self, name: str) -> BatchStatus: ...

    def job_results(self, name: str) -> list[BatchItemResult]:
        """Every request's result, for a job that succeeded."""
        ...


@dataclass(frozen=True, slots=True)
class PlannedJob:
    experts: tuple[Expert, ...]
    tokens: int
    bytes: int


def plan_jobs(
    experts: Sequence[Expert], size_of: Callable[[TagRequest], RequestSize], limits: BatchLimits
) -> list[PlannedJob]:
    """Split ``experts`` (all with a bio) into jobs under the limits, in order."""
    jobs: list[PlannedJob] = []
    current: list[Expert] = []
    tokens = size = 0
    for expert in experts:
        one = size_of(TagRequest.for_expert(expert))
        over = (
            len(current) + 1 > limits.max_requests
            or size + one.bytes > limits.max_job_bytes
            or tokens + one.tokens > limits.max_enqueued_tokens
        )
        if current and over:
            jobs.append(PlannedJob(tuple(current), tokens, size))
            current, tokens, size = [], 0, 0
        current.append(expert)
        tokens += one.tokens
        size += one.bytes
    if current:
        jobs.append(PlannedJob(tuple(current), tokens, size))
    return jobs
