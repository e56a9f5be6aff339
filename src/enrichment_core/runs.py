"""Records of tagging runs and of Batch API jobs, and the port that stores them (issue 13).

A run is recorded when it starts and completed when it ends (a killed run stays ``running``).
A batch job is recorded *before* it is created at the provider (state ``creating``, with a key
that is also the job's display name), so that a crash between "create" and "record" can be
recovered by looking the job up by that key instead of paying for a second one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from enrichment_core.usage import TokenUsage


class RunStatus(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"  # everything done; some experts may have failed (see counts)
    INTERRUPTED = "interrupted"  # Ctrl-C; batch jobs keep running and are resumed next time
    ABORTED = "aborted"  # stopped for a reason that is not one expert's (a refused key)


class JobState(StrEnum):
    """The Batch API's states, plus ours around them (``creating`` and ``applied``)."""

    CREATING = "creating"  # recorded, not yet known to exist at the provider
    PENDING = "pending"
    RUNNING = "running"
    SUCCEEDED = "succeeded"  # results are waiting to be applied
    APPLIED = "applied"  # results written; the job is closed
    FAILED = "failed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"

    @property
    def open(self) -> bool:
        """Still holds its experts: nobody else may send them anywhere."""
        return self in (JobState.CREATING, JobState.PENDING, JobState.RUNNING, JobState.SUCCEEDED)

    @property
    def lost(self) -> bool:
        """Ended without results: its experts fall back to the online path."""
        return self in (JobState.FAILED, JobState.CANCELLED, JobState.EXPIRED)


@dataclass(frozen=True, slots=True)
class TagRunRecord:
    id: int
    mode: str  # online | batch
    tagger: str
    model: str | None
    status: RunStatus
    started_at: datetime
    finished_at: datetime | None = None
    sent: int = 0
    tagged: int = 0
    failed: int = 0
    skipped_no_bio: int = 0
    batch_jobs: int = 0
    usage: TokenUsage = field(default_factory=TokenUsage)
    cost_usd: float | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class RunTotals:
    """What a finished run adds to its record."""

    status: RunStatus
    finished_at: datetime
    sent: int
    tagged: int
    failed: int
    skipped_no_bio: int
    usage: TokenUsage
    cost_usd: float | None
    batch_jobs: int = 0
    note: str | None = None


@dataclass(frozen=True, slots=True)
class BatchJobRecord:
    key: str  # ours, unique; also the job's display name at the provider
    model: str
    state: JobState
    created_at: datetime
    expert_ids: tuple[int, ...]
    name: str | None = None  # the provider's id (``batches/...``) once created
    run_id: int | None = None
    estimated_tokens: int = 0
    succeeded: int = 0
    failed: int = 0
    updated_at: datetime | None = None
    error: str | None = None


class ExpertsAlreadyClaimedError(Exception):
    """Some experts are already held by an open batch job (another run planned them)."""


class RunStore(Protocol):
    """Persistent run records and batch jobs. Each method is its own transaction."""

    def start_run(self, *, mode: str, tagger: str, model: str | None, started_at: datetime) -> int:
        """Record a run that starts now; returns its id."""
        ...

    def finish_run(self, run_id: int, totals: RunTotals) -> None: ...

    def list_runs(self, *, limit: int = 20) -> list[TagRunRecord]:
        """Most recent first."""
        ...

    def record_job(self, job: BatchJobRecord) -> None:
        """Insert a job and claim its experts in ONE transaction.

        ``ExpertsAlreadyClaimedError`` (nothing written) when an open job already holds one.
        """
        ...

    def update_job(
        self,
        key: str,
        *,
        state: JobState,
        updated_at: datetime,
        name: str | None = None,
        succeeded: int | None = None,
        failed: int | None = None,
        error: str | None = None,
    ) -> None:
        """Change a job's state; a closed job (applied or lost) releases its experts."""
        ...

    def open_jobs(self) -> list[BatchJobRecord]:
        """Jobs still holding experts, oldest first."""
        ...

    def list_jobs(self, *, limit: int = 50) -> list[BatchJobRecord]:
        """Most recent first, open or not."""
        ...

    def claimed_expert_ids(self) -> set[int]:
        """Experts held by open jobs: the online path leaves them alone."""
        ...


def job_summary(jobs: Sequence[BatchJobRecord]) -> str:
    states: dict[str, int] = {}
    for job in jobs:
        states[job.state.value] = states.get(job.state.value, 0) + 1
    return ", ".join(f"{n} {state}" for state, n in sorted(states.items())) or "no jobs"
