"""Two `enrich tag` runs at once share the work: each expert is sent to Gemini once (issue 10,
item 4), on a SQLite file and on PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from enrichment_adapters.sql.repo import SqlExpertRepo
from enrichment_core.experts import new_expert
from enrichment_core.seeding import import_experts
from tests.support.fake_gemini import GENERATE, FakeGemini

EXPERTS = 40


@pytest.fixture
def fake() -> Iterator[FakeGemini]:
    with FakeGemini(latency_s=0.05) as server:
        yield server


def seed(url: str) -> None:
    repo = SqlExpertRepo(url)
    experts = [
        new_expert(username=f"e{i:02d}", bio=f"Tax attorney number {i}") for i in range(EXPERTS)
    ]
    experts.append(new_expert(username="nobio"))
    import_experts(repo, experts)
    repo.close()


def run_two_tag_runs(
    url: str, fake: FakeGemini, tmp_path: Path
) -> list[subprocess.CompletedProcess[str]]:
    env = {
        **os.environ,
        "GOOGLE_API_KEY": "test-key",
        "GOOGLE_GEMINI_BASE_URL": fake.base_url,
        "ENRICH_TAGGER": "gemini",
        "ENRICH_INDEX_DIR": str(tmp_path / "index"),
    }
    command = [sys.executable, "-m", "enrichment_entrypoints", "--db", url, "tag"]
    command += ["--concurrency", "2", "--rpm", "3000"]
    runs = [
        subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    done = []
    for process in runs:
        out, err = process.communicate(timeout=240)
        done.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return done


def check_each_expert_was_sent_once(url: str, fake: FakeGemini, tmp_path: Path) -> None:
    seed(url)
    runs = run_two_tag_runs(url, fake, tmp_path)
    assert all(run.returncode == 0 for run in runs), [run.stderr[-2000:] for run in runs]
    assert fake.request_count(GENERATE) == EXPERTS  # not 2 x EXPERTS
    repo = SqlExpertRepo(url)
    assert repo.count(tagged=True) == EXPERTS
    repo.close()


def test_two_tag_runs_on_one_sqlite_file_send_each_expert_once(
    tmp_path: Path, fake: FakeGemini
) -> None:
    check_each_expert_was_sent_once(f"sqlite:///{tmp_path / 'experts.db'}", fake, tmp_path)


@pytest.mark.postgres
def test_two_tag_runs_on_one_postgres_database_send_each_expert_once(
    postgres_url_clean: str, tmp_path: Path, fake: FakeGemini
) -> None:
    check_each_expert_was_sent_once(postgres_url_clean, fake, tmp_path)
