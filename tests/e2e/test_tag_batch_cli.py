"""``enrich tag --batch`` through the real CLI in a subprocess, against the fake Gemini.

A hard kill (SIGKILL) while the jobs are pending loses nothing and creates nothing twice: the
re-run resumes the recorded jobs, the bill does not double, and the result is the online run's.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from enrichment_adapters.sql.repo import SqlExpertRepo
from enrichment_core.experts import new_expert
from tests.support.fake_gemini import BATCH_CREATE, GENERATE, FakeGemini

pytestmark = pytest.mark.slow  # a real CLI in a subprocess, interrupted or killed part-way

N = 30
TOPICS = [
    "R&D tax credits",
    "veterinary surgery",
    "machine learning",
    "supply chain",
    "real estate",
]


FAKE_GEMINI = {
    "batch_pending_s": 1.5,
    "batch_running_s": 1.0,
}  # the shared fixtures `fake` / `fake_gemini_server` (conftest)


def seed(path: Path) -> str:
    url = f"sqlite:///{path}"
    repo = SqlExpertRepo(url)
    repo.add_new(
        [
            new_expert(
                username=f"e{i:03}", job_title="Consultant", bio=f"{TOPICS[i % 5]}, case {i}."
            )
            for i in range(N)
        ]
    )
    repo.close()
    return url


def environment(url: str, fake: FakeGemini) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GEMINI_API_KEY", "GOOGLE_API_KEY")}
    return {
        **env,
        "ENRICH_DATABASE_URL": url,
        "GOOGLE_API_KEY": "test-key",
        "GOOGLE_GEMINI_BASE_URL": fake.base_url,
        "ENRICH_BATCH_POLL_S": "0.2",
        "ENRICH_BATCH_MAX_REQUESTS": "12",
    }


def enrich(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "enrichment_entrypoints", *args],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def rows(db: Path, query: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        found: list[tuple[Any, ...]] = conn.execute(query).fetchall()
        return found


def wait_for_pending_jobs(db: Path, count: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    query = "select count(*) from batch_jobs where name is not null and state = 'pending'"
    while time.monotonic() < deadline:
        if db.exists() and rows(db, query)[0][0] == count:
            return
        time.sleep(0.05)
    raise AssertionError(f"{count} jobs were never recorded as pending")


def test_ctrl_c_leaves_the_jobs_running_and_says_how_to_collect_them(
    tmp_path: Path, fake: FakeGemini
) -> None:
    db = tmp_path / "experts.db"
    env = environment(seed(db), fake)
    process = subprocess.Popen(
        [sys.executable, "-m", "enrichment_entrypoints", "tag", "--batch"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    wait_for_pending_jobs(db, 3)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert "keep running at Gemini" in stderr
    assert "Traceback" not in stderr
    assert rows(db, "select status from tag_runs") == [("interrupted",)]
    assert rows(db, "select count(*) from batch_job_experts") == [(N,)]  # still held
    assert fake.request_count(GENERATE) == 0  # nothing was sent online meanwhile
    assert enrich(env, "tag", "--batch").returncode == 0
    assert fake.request_count(BATCH_CREATE) == 3


def test_a_killed_batch_run_resumes_its_jobs_without_creating_new_ones(
    tmp_path: Path, fake: FakeGemini
) -> None:
    db = tmp_path / "experts.db"
    env = environment(seed(db), fake)
    shutil.copy(db, tmp_path / "online.db")
    process = subprocess.Popen(
        [sys.executable, "-m", "enrichment_entrypoints", "tag", "--batch"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # all 3 jobs (12 + 12 + 6) created and recorded
        named = rows(
            db, "select count(*) from batch_jobs where name is not null and state = 'pending'"
        )
        if named[0][0] == 3:
            break
        time.sleep(0.05)
    else:
        raise AssertionError("the jobs were never recorded as pending")
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    assert rows(db, "select count(*) from experts where tags is not null") == [(0,)]
    assert fake.request_count(BATCH_CREATE) == 3

    rerun = enrich(env, "tag", "--batch")
    assert rerun.returncode == 0, rerun.stderr
    assert fake.request_count(BATCH_CREATE) == 3  # resumed, not re-created: no second bill
    assert fake.request_count(GENERATE) == 0
    batch_tags: dict[str, str] = dict(rows(db, "select username, tags from experts"))
    assert all(batch_tags.values())
    assert rows(db, "select count(*) from batch_job_experts") == [(0,)]  # jobs closed
    assert {state for (state,) in rows(db, "select state from batch_jobs")} == {"applied"}

    online = enrich(
        {**env, "ENRICH_DATABASE_URL": f"sqlite:///{tmp_path / 'online.db'}"},
        "tag",
        "--tagger",
        "gemini",
    )
    assert online.returncode == 0, online.stderr
    assert dict(rows(tmp_path / "online.db", "select username, tags from experts")) == batch_tags

    listed = enrich(env, "runs", "--json")
    runs = json.loads(listed.stdout)
    assert [r["mode"] for r in runs] == ["batch", "batch"]
    assert [r["status"] for r in runs] == ["completed", "running"]  # the killed one never finished
    assert runs[0]["tagged"] == N
    assert runs[0]["prompt_tokens"] > 0
    assert runs[0]["cost_usd"] > 0


def test_a_lost_job_is_reported_with_tokens_and_cost_and_its_experts_go_online(
    tmp_path: Path, fake: FakeGemini
) -> None:
    fake.batches.pending_s, fake.batches.running_s = 0.1, 0.2
    fake.script_batch_jobs("ok", "expired", "ok")
    env = environment(seed(tmp_path / "experts.db"), fake)
    result = enrich(env, "tag", "--batch")
    assert result.returncode == 0, result.stderr  # nothing failed: the summary is informative
    assert "expired" in result.stderr
    assert "went online" in result.stderr
    assert "prompt tokens" in result.stderr
    assert "estimated cost ~$" in result.stderr
    assert fake.request_count(GENERATE) == 12
    table = enrich(env, "runs")
    assert table.returncode == 0
    assert "batch" in table.stdout
    assert "$" in table.stdout


def test_a_clean_batch_run_is_silent_and_the_local_tagger_cannot_batch(
    tmp_path: Path, fake: FakeGemini
) -> None:
    fake.batches.pending_s, fake.batches.running_s = 0.1, 0.2
    env = environment(seed(tmp_path / "experts.db"), fake)
    result = enrich(env, "tag", "--batch")
    assert result.returncode == 0
    assert result.stdout == ""
    assert "Tagging summary" not in result.stderr  # progress bars only (locked decision 7)
    refused = enrich(env, "tag", "--batch", "--tagger", "local")
    assert refused.returncode == 1
    assert "--batch needs the Gemini tagger" in refused.stderr
