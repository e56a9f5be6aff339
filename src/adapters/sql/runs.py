"""``RunStore`` over SQLAlchemy: tag-run records, batch jobs and the experts they hold.

An expert is held by at most one open job: ``batch_job_experts.expert_id`` is a primary key, so
two runs planning the same experts cannot both record a job for them (the second gets
``ExpertsAlreadyClaimedError`` and nothing of its job is written).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from enrichment_adapters.sql.schema import (
    BatchClaimRow,
    BatchJobRow,
    DatabaseError,
    TagRunRow,
    make_engine,
    migrate,
)
from enrichment_core.runs import (
    BatchJobRecord,
    ExpertsAlreadyClaimedError,
    JobState,
    RunStatus,
    RunTotals,
    TagRunRecord,
)
from enrichment_core.usage import TokenUsage

_CLAIM_CHUNK = 500


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)  # SQLite stores naive timestamps
    return value


def _to_run(row: TagRunRow) -> TagRunRecord:
    return TagRunRecord(
        id=row.id,
        mode=row.mode,
        tagger=row.tagger,
        model=row.model,
        status=RunStatus(row.status),
        started_at=_aware(row.started_at) or row.started_at,
        finished_at=_aware(row.finished_at),
        sent=row.sent or 0,
        tagged=row.tagged or 0,
        failed=row.failed or 0,
        skipped_no_bio=row.skipped_no_bio or 0,
        batch_jobs=row.batch_jobs or 0,
        usage=TokenUsage(
            requests=row.requests or 0,
            prompt=row.prompt_tokens or 0,
            cached=row.cached_tokens or 0,
            output=row.output_tokens or 0,
            thinking=row.thinking_tokens or 0,
        ),
        cost_usd=row.cost_usd,
        note=row.note,
    )


def _to_job(row: BatchJobRow) -> BatchJobRecord:
    return BatchJobRecord(
        key=row.key,
        model=row.model,
        state=JobState(row.state),
        created_at=_aware(row.created_at) or row.created_at,
        expert_ids=tuple(int(i) for i in json.loads(row.expert_ids or "[]")),
        name=row.name,
        run_id=row.run_id,
        estimated_tokens=row.estimated_tokens or 0,
        succeeded=row.succeeded or 0,
        failed=row.failed or 0,
        updated_at=_aware(row.updated_at),
        error=row.error,
    )


class SqlRunStore:
    """``SqlRunStore(repo.engine)`` shares the expert repository's database."""

    def __init__(self, url_or_engine: str | Engine, *, migrate_schema: bool = True) -> None:
        self.engine = (
            make_engine(url_or_engine) if isinstance(url_or_engine, str) else url_or_engine
        )
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        if migrate_schema:
            migrate(self.engine)

    @contextmanager
    def _session(self) -> Iterator[Session]:
        try:
            with self._sessions() as session, session.begin():
                yield session
        except OperationalError as exc:
            raise DatabaseError(f"database error: {exc.orig}") from None

    # --- runs ------------------------------------------------------------------------------

    def start_run(self, *, mode: str, tagger: str, model: str | None, started_at: datetime) -> int:
        with self._session() as session:
            row = TagRunRow(
                mode=mode, tagger=tagger, model=model, status=RunStatus.RUNNING.value,
                started_at=started_at,
            )  # fmt: skip
            session.add(row)
            session.flush()
            return int(row.id)

    def finish_run(self, run_id: int, totals: RunTotals) -> None:
        usage = totals.usage
        with self._session() as session:
            session.execute(
                update(TagRunRow)
                .where(TagRunRow.id == run_id)
                .values(
                    status=totals.status.value,
                    finished_at=totals.finished_at,
                    sent=totals.sent,
                    tagged=totals.tagged,
                    failed=totals.failed,
                    skipped_no_bio=totals.skipped_no_bio,
                    batch_jobs=totals.batch_jobs,
                    requests=usage.requests,
                    prompt_tokens=usage.prompt,
                    cached_tokens=usage.cached,
                    output_tokens=usage.output,
                    thinking_tokens=usage.thinking,
                    cost_usd=totals.cost_usd,
                    note=totals.note,
                )
            )

    def list_runs(self, *, limit: int = 20) -> list[TagRunRecord]:
        query = select(TagRunRow).order_by(TagRunRow.id.desc()).limit(limit)
        with self._session() as session:
            return [_to_run(row) for row in session.scalars(query)]

    # --- batch jobs ------------------------------------------------------------------------

    def record_job(self, job: BatchJobRecord) -> None:
        try:
            with self._session() as session:
                session.add(
                    BatchJobRow(
                        key=job.key,
                        name=job.name,
                        run_id=job.run_id,
                        model=job.model,
                        state=job.state.value,
                        request_count=len(job.expert_ids),
                        estimated_tokens=job.estimated_tokens,
                        created_at=job.created_at,
                        updated_at=job.updated_at or job.created_at,
                        expert_ids=json.dumps(list(job.expert_ids)),
                    )
                )
                session.flush()
                ids = list(job.expert_ids)
                for start in range(0, len(ids), _CLAIM_CHUNK):
                    session.execute(
                        insert(BatchClaimRow),
                        [
                            {"expert_id": i, "job_key": job.key}
                            for i in ids[start : start + _CLAIM_CHUNK]
                        ],
                    )
        except IntegrityError:
            raise ExpertsAlreadyClaimedError(
                f"batch job {job.key}: some experts are already held by another open batch job"
            ) from None

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
        values: dict[str, Any] = {"state": state.value, "updated_at": updated_at}
        for column, value in (("name", name), ("succeeded", succeeded), ("failed", failed)):
            if value is not None:
                values[column] = value
        if error is not None:
            values["error"] = error[:2000]
        with self._session() as session:
            session.execute(update(BatchJobRow).where(BatchJobRow.key == key).values(**values))
            if not state.open:
                session.execute(delete(BatchClaimRow).where(BatchClaimRow.job_key == key))

    def open_jobs(self) -> list[BatchJobRecord]:
        states = [s.value for s in JobState if s.open]
        query = (
            select(BatchJobRow)
            .where(BatchJobRow.state.in_(states))
            .order_by(BatchJobRow.created_at, BatchJobRow.key)
        )
        with self._session() as session:
            return [_to_job(row) for row in session.scalars(query)]

    def list_jobs(self, *, limit: int = 50) -> list[BatchJobRecord]:
        query = (
            select(BatchJobRow)
            .order_by(BatchJobRow.created_at.desc(), BatchJobRow.key.desc())
            .limit(limit)
        )
        with self._session() as session:
            return [_to_job(row) for row in session.scalars(query)]

    def claimed_expert_ids(self) -> set[int]:
        with self._session() as session:
            return set(session.scalars(select(BatchClaimRow.expert_id)))
