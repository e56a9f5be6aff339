"""Interrupting ``enrich tag`` as a user would: Ctrl-C (SIGINT) and a hard kill (SIGKILL).

What was written stays written (tags always with their score and producer), and the next run
continues with the rest without re-tagging anyone.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from enrichment_adapters.sql.repo import SqlExpertRepo
from enrichment_core.experts import new_expert
from tests.support.fake_gemini import FakeGemini

pytestmark = pytest.mark.slow  # a real CLI in a subprocess, interrupted or killed part-way

N = 40


FAKE_GEMINI = {"latency_s": 0.15}  # the shared fixtures `fake` / `fake_gemini_server` (conftest)


@pytest.fixture
def env(tmp_path: Path, fake: FakeGemini) -> dict[str, str]:
    url = f"sqlite:///{tmp_path / 'experts.db'}"
    repo = SqlExpertRepo(url)
    repo.add_new(
        [
            new_expert(
                username=f"e{i:03}", job_title="Tax Attorney", bio=f"R&D tax credits, case {i}."
            )
            for i in range(N)
        ]
    )
    repo.close()
    env = {k: v for k, v in os.environ.items() if k not in ("GEMINI_API_KEY", "GOOGLE_API_KEY")}
    return {
        **env,
        "ENRICH_DATABASE_URL": url,
        "GOOGLE_API_KEY": "test-key",
        "GOOGLE_GEMINI_BASE_URL": fake.base_url,
        "ENRICH_TAGGER": "gemini",
        "ENRICH_CONCURRENCY": "2",
    }


def start_tag(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "enrichment_entrypoints", "tag"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def tagged_rows(tmp_path: Path) -> list[tuple[str, str | None, str | None, float | None]]:
    with sqlite3.connect(tmp_path / "experts.db") as conn:
        return conn.execute(
            "select username, tags, tagged_by, findability_score from experts where tags is not null"
        ).fetchall()


def wait_until_some_are_tagged(tmp_path: Path, at_least: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(tagged_rows(tmp_path)) >= at_least:
            return
        time.sleep(0.05)
    raise AssertionError(f"fewer than {at_least} experts were tagged within {timeout}s")


def check_consistent_then_resume(tmp_path: Path, env: dict[str, str], fake: FakeGemini) -> None:
    done = tagged_rows(tmp_path)
    assert 0 < len(done) < N
    assert all(
        by == "gemini:gemini-2.5-flash" and score is not None and score >= 25
        for _, _, by, score in done
    )
    before = {u: tags for u, tags, _, _ in done}
    calls_before = fake.request_count("generateContent")

    rerun = subprocess.run(
        [sys.executable, "-m", "enrichment_entrypoints", "tag"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert rerun.returncode == 0, rerun.stderr
    after = {u: tags for u, tags, _, _ in tagged_rows(tmp_path)}
    assert len(after) == N
    assert all(after[u] == tags for u, tags in before.items())  # never re-tagged
    assert fake.request_count("generateContent") - calls_before == N - len(before)


def test_ctrl_c_stops_cleanly_with_a_summary_and_a_rerun_continues(
    tmp_path: Path, env: dict[str, str], fake: FakeGemini
) -> None:
    process = start_tag(env)
    wait_until_some_are_tagged(tmp_path, 3)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert "Interrupted" in stderr
    assert "Traceback" not in stderr
    check_consistent_then_resume(tmp_path, env, fake)


def test_a_hard_kill_never_leaves_tags_without_their_score(
    tmp_path: Path, env: dict[str, str], fake: FakeGemini
) -> None:
    process = start_tag(env)
    wait_until_some_are_tagged(tmp_path, 5)
    process.kill()
    process.communicate(timeout=30)
    check_consistent_then_resume(tmp_path, env, fake)
