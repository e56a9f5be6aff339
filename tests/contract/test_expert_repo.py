"""The ``ExpertRepo`` contract on every adapter: in-memory, a SQLite file, a PostgreSQL server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from enrichment_adapters.memory import InMemoryExpertRepo
from enrichment_adapters.sql.repo import SqlExpertRepo
from enrichment_core.ports import ExpertRepo
from tests.contract.expert_repo_contract import ExpertRepoContract


class TestInMemoryExpertRepo(ExpertRepoContract):
    @pytest.fixture
    def repo(self) -> ExpertRepo:
        return InMemoryExpertRepo()


class TestSqliteExpertRepo(ExpertRepoContract):
    @pytest.fixture
    def repo(self, tmp_path: Path) -> Iterator[ExpertRepo]:
        repo = SqlExpertRepo(f"sqlite:///{tmp_path / 'experts.db'}")
        yield repo
        repo.close()


@pytest.mark.postgres
class TestPostgresExpertRepo(ExpertRepoContract):
    @pytest.fixture
    def repo(self, postgres_url_clean: str) -> Iterator[ExpertRepo]:
        repo = SqlExpertRepo(postgres_url_clean)
        yield repo
        repo.close()
