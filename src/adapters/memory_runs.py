"""An in-memory ``RunStore``: for tests and for services that keep no database.

Faithful to the port's rules (a job and its claims are written together or not at all; an
expert is held by one open job at most), so the same contract suite runs on it as on SQL.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import datetime

from enrichment_core.runs import (
    BatchJobRecord,
    ExpertsAlreadyClaimedError,
    JobState,
    RunStatus,
    RunTotals,
    TagRunRecord,
)


class InMemoryRunStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._runs: dict[int, TagRunRecord] = {}
        self._jobs: dict[str, BatchJobRecord] = {}
        self._claims: dict[int, str] = {}

    def start_run(self, *, mode: str, tagger: str, model: str | None, started_at: datetime) -> int:
        with self._lock:
            run_id = len(self._runs) + 1
            self._runs[run_id] = TagRunRecord(
                id=run_id,
                mode=mode,
                tagger=tagger,
                model=model,
                status=RunStatus.RUNNING,
                started_at=started_at,
            )
            return run_id

    def finish_run(self, run_id: int, totals: RunTotals) -> None:
        with self._lock:
            run = self._runs[run_id]
            self._runs[run_id] = replace(
                run,
                status=totals.status,
                finished_at=totals.finished_at,
                sent=totals.sent,
                tagged=totals.tagged,
                failed=totals.failed,
                skipped_no_bio=totals.skipped_no_bio,
                batch_jobs=totals.batch_jobs,
                usage=totals.usage,
                cost_usd=totals.cost_usd,
                note=totals.note,
            )

    def list_runs(self, *, limit: int = 20) -> list[TagRunRecord]:
        with self._lock:
            return sorted(self._runs.values(), key=lambda r: -r.id)[:limit]

    def record_job(self, job: BatchJobRecord) -> None:
        with self._lock:
            if job.key in self._jobs or any(i in self._claims for i in job.expert_ids):
                raise ExpertsAlreadyClaimedError(
                    f"batch job {job.key}: some experts are already held by another open batch job"
                )
            self._jobs[job.key] = replace(job, updated_at=job.updated_at or job.created_at)
            self._claims.update(dict.fromkeys(job.expert_ids, job.key))

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
        with self._lock:
            job = self._jobs[key]
            self._jobs[key] = replace(
                job,
                state=state,
                updated_at=updated_at,
                name=name if name is not None else job.name,
                succeeded=succeeded if succeeded is not None else job.succeeded,
                failed=failed if failed is not None else job.failed,
                error=error[:2000] if error is not None else job.error,
            )
            if not state.open:
                self._claims = {i: k for i, k in self._claims.items() if k != key}

    def open_jobs(self) -> list[BatchJobRecord]:
        with self._lock:
            jobs = [j for j in self._jobs.values() if j.state.open]
        return sorted(jobs, key=lambda j: (j.created_at, j.key))

    def list_jobs(self, *, limit: int = 50) -> list[BatchJobRecord]:
        with self._lock:
            jobs = list(self._jobs.values())
        return sorted(jobs, key=lambda j: (j.created_at, j.key), reverse=True)[:limit]

    def claimed_expert_ids(self) -> set[int]:
        with self._lock:
            return set(self._claims)
