"""``enrich ingest`` SIGKILLed while it embeds, through the real CLI, a SQLite file and the fake
Gemini embedder: the promoted index keeps answering; the next run completes and reuses the
vectors the killed run had already cached."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from enrichment_adapters.sql.repo import SqlExpertRepo
from enrichment_adapters.vector_index.cache import default_cache_path
from enrichment_core.experts import new_expert
from tests.support.fake_gemini import FakeGemini

pytestmark = pytest.mark.slow  # a real CLI in a subprocess, interrupted or killed part-way

TOPICS = ["tax law", "veterinary surgery", "supply chain", "machine learning", "real estate"]


FAKE_GEMINI = {"latency_s": 0.25}  # the shared fixtures `fake` / `fake_gemini_server` (conftest)


def seed_tagged(url: str, start: int, count: int) -> None:
    repo = SqlExpertRepo(url)
    added = repo.add_new(
        [
            new_expert(
                username=f"e{i:04}",
                job_title="Consultant",
                bio=f"Expert in {TOPICS[i % 5]}, case {i}.",
            )
            for i in range(start, start + count)
        ]
    )
    for expert in added:
        assert expert.id is not None
        repo.save_tags(
            expert.id,
            tags=[TOPICS[expert.id % 5]],
            tagged_by="test",
            tagged_at=datetime.now(UTC),
            findability_score=50.0,
        )
    repo.close()


def enrich(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "enrichment_entrypoints", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def cached(index_dir: Path) -> int:
    """Vectors in the embedding cache (the killed run writes it batch by batch)."""
    path = default_cache_path(index_dir)
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(path, timeout=5) as conn:
            return int(conn.execute("select count(*) from vectors").fetchone()[0])
    except sqlite3.OperationalError:  # not created yet
        return 0


def test_kill_during_embedding_leaves_production_answering_and_the_rerun_resumes(
    tmp_path: Path, fake: FakeGemini
) -> None:
    url = f"sqlite:///{tmp_path / 'experts.db'}"
    index_dir = tmp_path / "index"
    env = {
        **os.environ,
        "ENRICH_DATABASE_URL": url,
        "ENRICH_INDEX_DIR": str(index_dir),
        "GOOGLE_API_KEY": "test-key",
        "GOOGLE_GEMINI_BASE_URL": fake.base_url,
        "ENRICH_EMBEDDER": "gemini",
        "ENRICH_EMBEDDING_DIMENSION": "128",
    }
    seed_tagged(url, 0, 50)
    first = enrich(env, "ingest")
    _, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    base = cached(index_dir)  # revision A's 50 expert texts and its tag / bio-sentence vectors
    seed_tagged(url, 50, 1200)  # revision B: many more experts, many embedding batches

    killed = enrich(env, "ingest")
    deadline = time.monotonic() + 60
    while cached(index_dir) < base + 3 * 64 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert killed.poll() is None, "the ingest finished before it could be killed"
    killed.kill()
    killed.communicate(timeout=30)

    answer = enrich(env, "search", "veterinary surgery", "--json", "-k", "3")
    out, err = answer.communicate(timeout=120)
    assert answer.returncode == 0, err
    hits = json.loads(out)
    assert len(hits) == 3
    assert all(int(h["username"][1:]) < 50 for h in hits)

    done_before = cached(index_dir)
    rerun = enrich(env, "ingest")
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    assert "Indexed 1250 experts" in out
    reused = int(out.split("reused ")[1].split()[0])
    # The killed run embedded expert texts first (batch by batch): the rerun reuses all of them.
    assert reused >= 50 + (done_before - base) - 1 > 50
