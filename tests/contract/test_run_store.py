"""The ``RunStore`` contract on every adapter: in-memory, a SQLite file, a PostgreSQL server.

Run records keep their usage and cost; a batch job and the experts it holds are written in one
transaction; an expert is held by one open job at most; closing a job releases its experts.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, inspect, text

from enrichment_adapters.memory_runs import InMemoryRunStore
from enrichment_adapters.sql.repo import SqlExpertRepo
from enrichment_adapters.sql.runs import SqlRunStore
from enrichment_core.runs import (
    BatchJobRecord,
    ExpertsAlreadyClaimedError,
    JobState,
    RunStatus,
    RunStore,
    RunTotals,
)
from enrichment_core.usage import TokenUsage

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def job(key: str, ids: tuple[int, ...], minutes: int = 0) -> BatchJobRecord:
    return BatchJobRecord(
        key=key,
        model="gemini-2.5-flash",
        state=JobState.CREATING,
        created_at=T0 + timedelta(minutes=minutes),
        expert_ids=ids,
        estimated_tokens=100 * len(ids),
    )


class RunStoreContract:
    def test_a_run_is_recorded_running_then_completed_with_its_usage_and_cost(
        self, store: RunStore
    ) -> None:
        run_id = store.start_run(
            mode="batch", tagger="gemini:gemini-2.5-flash", model="gemini-2.5-flash", started_at=T0
        )
        assert store.list_runs()[0].status is RunStatus.RUNNING
        usage = TokenUsage(requests=3, prompt=900, cached=300, output=60, thinking=6)
        store.finish_run(
            run_id,
            RunTotals(
                status=RunStatus.COMPLETED, finished_at=T0 + timedelta(minutes=5), sent=3,
                tagged=2, failed=1, skipped_no_bio=4, usage=usage, cost_usd=0.00123,
                batch_jobs=1, note="one job expired",
            ),
        )  # fmt: skip
        run = store.list_runs()[0]
        assert (run.id, run.mode, run.status, run.tagged, run.failed, run.skipped_no_bio) == (
            run_id, "batch", RunStatus.COMPLETED, 2, 1, 4,
        )  # fmt: skip
        assert run.usage == usage
        assert run.cost_usd == pytest.approx(0.00123)
        assert run.started_at == T0
        assert run.finished_at == T0 + timedelta(minutes=5)
        assert run.note == "one job expired"
        assert run.batch_jobs == 1

    def test_runs_are_listed_newest_first_within_the_limit(self, store: RunStore) -> None:
        ids = [
            store.start_run(mode="online", tagger="t", model=None, started_at=T0) for _ in range(4)
        ]
        assert [r.id for r in store.list_runs(limit=3)] == ids[::-1][:3]

    def test_a_job_holds_its_experts_until_it_is_closed(self, store: RunStore) -> None:
        store.record_job(job("a", (1, 2, 3)))
        assert store.claimed_expert_ids() == {1, 2, 3}
        store.update_job("a", state=JobState.PENDING, updated_at=T0, name="batches/1")
        assert store.claimed_expert_ids() == {1, 2, 3}
        [open_job] = store.open_jobs()
        assert (open_job.name, open_job.state, open_job.expert_ids) == (
            "batches/1",
            JobState.PENDING,
            (1, 2, 3),
        )
        store.update_job("a", state=JobState.APPLIED, updated_at=T0, succeeded=3, failed=0)
        assert store.claimed_expert_ids() == set()
        assert store.open_jobs() == []
        assert store.list_jobs()[0].succeeded == 3  # the history stays

    def test_an_expert_held_by_an_open_job_cannot_be_claimed_again(self, store: RunStore) -> None:
        store.record_job(job("a", (1, 2)))
        with pytest.raises(ExpertsAlreadyClaimedError):
            store.record_job(job("b", (2, 3)))
        assert [j.key for j in store.list_jobs()] == ["a"]  # nothing of "b" was written
        assert store.claimed_expert_ids() == {1, 2}

    def test_a_lost_job_releases_its_experts_for_the_online_path(self, store: RunStore) -> None:
        store.record_job(job("a", (1, 2)))
        store.update_job("a", state=JobState.EXPIRED, updated_at=T0, error="expired after 48h")
        store.record_job(job("b", (1, 2), minutes=1))
        assert store.list_jobs()[1].error == "expired after 48h"
        assert [j.key for j in store.open_jobs()] == ["b"]

    def test_open_jobs_come_oldest_first(self, store: RunStore) -> None:
        store.record_job(job("late", (5,), minutes=9))
        store.record_job(job("early", (6,), minutes=1))
        assert [j.key for j in store.open_jobs()] == ["early", "late"]


class TestInMemoryRunStore(RunStoreContract):
    @pytest.fixture
    def store(self) -> RunStore:
        return InMemoryRunStore()


class TestSqliteRunStore(RunStoreContract):
    @pytest.fixture
    def store(self, tmp_path: Path) -> Iterator[RunStore]:
        store = SqlRunStore(f"sqlite:///{tmp_path / 'experts.db'}")
        yield store
        store.engine.dispose()

    def test_opening_an_older_database_adds_the_tables_and_keeps_its_rows(
        self, tmp_path: Path
    ) -> None:
        url = f"sqlite:///{tmp_path / 'old.db'}"
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(
                text("CREATE TABLE experts (id INTEGER PRIMARY KEY, username TEXT, bio TEXT)")
            )
            conn.execute(text("INSERT INTO experts (username, bio) VALUES ('ada', 'tax law')"))
        for _ in range(2):  # idempotent
            repo = SqlExpertRepo(url)
            store = SqlRunStore(repo.engine, migrate_schema=False)
            store.start_run(mode="online", tagger="t", model=None, started_at=T0)
            assert {"tag_runs", "batch_jobs", "batch_job_experts"} <= set(
                inspect(repo.engine).get_table_names()
            )
            assert repo.get("ada") is not None
            repo.close()
        assert len(SqlRunStore(url).list_runs()) == 2


@pytest.fixture
def postgres_schema_engine(postgres_server: str) -> Iterator[Engine]:
    """A private schema on the test server, so that parallel test runs never meet."""
    schema = f"runs_{uuid.uuid4().hex[:10]}"
    admin = create_engine(postgres_server)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine = create_engine(postgres_server, connect_args={"options": f"-csearch_path={schema}"})
    yield engine
    engine.dispose()
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.mark.postgres
class TestPostgresRunStore(RunStoreContract):
    @pytest.fixture
    def store(self, postgres_schema_engine: Engine) -> RunStore:
        return SqlRunStore(postgres_schema_engine)
