"""The ``enrich`` command line end to end: sample data -> seed -> score -> tag -> ingest -> search.

Tagging and embedding go through the real google-genai client to the fake Gemini on 127.0.0.1,
so these tests load no local model.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from enrichment_entrypoints.cli import cli
from tests.support.fake_gemini import FakeGemini

GENERATE = "generateContent"


FAKE_GEMINI = {
    "retry_delay_s": 0.05
}  # the shared fixtures `fake` / `fake_gemini_server` (conftest)


@pytest.fixture
def env(tmp_path: Path, fake: FakeGemini, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    fake.reset()
    for name in ("GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_GEMINI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return {
        "ENRICH_DATABASE_URL": f"sqlite:///{tmp_path / 'experts.db'}",
        "ENRICH_INDEX_DIR": str(tmp_path / "index"),
        "GOOGLE_API_KEY": "test-key",
        "GOOGLE_GEMINI_BASE_URL": fake.base_url,
        "ENRICH_TAGGER": "gemini",
        "ENRICH_EMBEDDER": "gemini",
        "ENRICH_EMBEDDING_DIMENSION": "256",
        "ENRICH_TAG_TIMEOUT_S": "5",
    }


def enrich(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def rows(tmp_path: Path, query: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(tmp_path / "experts.db") as conn:
        return conn.execute(query).fetchall()


def write_csv(path: Path, experts: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["username", "job_title", "bio", "hourly_rate"])
        writer.writeheader()
        writer.writerows(experts)
    return path


def bios(n: int) -> list[dict[str, str]]:
    topics = [
        "tax law and R&D tax credits",
        "veterinary surgery for dogs",
        "supply chain logistics",
    ]
    return [
        {
            "username": f"expert{i}",
            "job_title": "Consultant",
            "bio": f"I work on {topics[i % 3]} for clients.",
            "hourly_rate": "100",
        }
        for i in range(n)
    ]


def test_sample_data_seed_and_score_give_a_scored_directory(
    env: dict[str, str], tmp_path: Path
) -> None:
    result = enrich(env, "sample-data", "data/sample.csv", "--count", "300")
    assert result.exit_code == 0, result.output
    assert "Wrote 300 sample experts" in result.output
    result = enrich(env, "seed", "data/sample.csv")
    assert result.exit_code == 0, result.output
    assert "Imported 300 new experts" in result.output
    again = enrich(env, "seed", "data/sample.csv")
    assert "Imported 0 new experts" in again.output
    assert "300 already present" in again.output
    assert enrich(env, "score").exit_code == 0
    count, scored, no_bio = rows(
        tmp_path, "select count(*), count(findability_score), sum(bio is null) from experts"
    )[0]
    assert count == scored == 300
    assert 10 <= no_bio <= 60  # ~10% without bio


def test_seed_reports_bad_rows_by_line_and_imports_the_good_ones(
    env: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "mixed.csv"
    path.write_text(
        "username,bio,hourly_rate,extra\n"
        "ada,Tax attorney,120,x\n"
        ",no username,10,x\n"
        "bob,Vet,lots,x\n"
        "ada,duplicate,1,x\n"
        "cy,Negative,-5,x\n"
        "dee,,,\n",
        encoding="utf-8",
    )
    result = enrich(env, "seed", str(path))
    assert result.exit_code == 1
    assert "Imported 2 new experts" in result.output
    assert "line 3" in result.stderr
    assert "username" in result.stderr
    assert "line 4 (bob)" in result.stderr
    assert "hourly_rate" in result.stderr
    assert "line 5 (ada)" in result.stderr
    assert "line 2" in result.stderr
    assert "line 6 (cy)" in result.stderr
    assert sorted(r[0] for r in rows(tmp_path, "select username from experts")) == ["ada", "dee"]


def test_seed_of_a_missing_file_is_one_clear_line(env: dict[str, str]) -> None:
    result = enrich(env, "seed", "nope.csv")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ")
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


def test_tag_is_silent_on_clean_success_and_shows_a_count(
    env: dict[str, str], tmp_path: Path, fake: FakeGemini
) -> None:
    enrich(env, "seed", str(write_csv(tmp_path / "e.csv", bios(6))))
    result = enrich(env, "tag")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "6/6" in result.stderr
    assert "gemini:gemini-2.5-flash" in result.stderr
    assert "summary" not in result.stderr.lower()
    tagged = rows(tmp_path, "select tags, tagged_by, findability_score from experts")
    assert all(json.loads(t) and by == "gemini:gemini-2.5-flash" and s >= 25 for t, by, s in tagged)
    assert all(t == t.lower() for tags, _, _ in tagged for t in json.loads(tags))
    assert fake.request_count(GENERATE) == 6


def test_tag_summarises_failures_and_skips_and_exits_1(
    env: dict[str, str], tmp_path: Path, fake: FakeGemini
) -> None:
    experts = [
        *bios(4),
        {"username": "nobio", "job_title": "Consultant", "bio": "", "hourly_rate": ""},
    ]
    enrich(env, "seed", str(write_csv(tmp_path / "e.csv", experts)))
    # concurrency 1 processes experts in order: expert0 fails twice, expert1 recovers on its retry,
    # expert2 meets the quota (not counted as an attempt), expert3 is fine.
    fake.script("503", "503", "invalid_json", "ok", "429:0.05s", "ok", "ok", endpoint=GENERATE)
    result = enrich(env, "tag", "--concurrency", "1")
    assert result.exit_code == 1, result.output
    summary = result.stderr
    assert "3 tagged, 1 skipped (no bio), 1 failed, 1 rate-limit waits" in summary
    assert "expert0: TransientTaggingError" in summary
    assert "1 experts have no bio" in summary
    state = dict(rows(tmp_path, "select username, tags is not null from experts"))
    assert state == {"expert0": 0, "expert1": 1, "expert2": 1, "expert3": 1, "nobio": 0}
    assert all(s is not None for (s,) in rows(tmp_path, "select findability_score from experts"))
    assert rows(tmp_path, "select tagging_error from experts where username='expert0'")[0][
        0
    ].startswith("TransientTaggingError")

    before = fake.request_count(GENERATE)
    rerun = enrich(env, "tag")  # only expert0 is tried again; tags already written never change
    assert fake.request_count(GENERATE) - before == 1
    assert rerun.exit_code == 0
    assert "1 tagged, 1 skipped (no bio), 0 failed" in rerun.stderr


def test_tag_with_gemini_but_no_key_says_what_to_do(env: dict[str, str], tmp_path: Path) -> None:
    assert enrich(env, "seed", str(write_csv(tmp_path / "one.csv", bios(1)))).exit_code == 0
    del env["GOOGLE_API_KEY"]
    result = enrich(env, "tag", "--tagger", "gemini")
    assert result.exit_code == 1
    assert "No Gemini key found - set GEMINI_API_KEY" in result.stderr


def test_ingest_then_search_finds_the_right_experts(env: dict[str, str], tmp_path: Path) -> None:
    experts = [*bios(9), {"username": "untagged", "job_title": "X", "bio": "", "hourly_rate": ""}]
    enrich(env, "seed", str(write_csv(tmp_path / "e.csv", experts)))
    enrich(env, "tag")
    before = enrich(env, "search", "tax credits")
    assert before.exit_code == 1
    assert "enrich ingest" in before.stderr

    result = enrich(env, "ingest")
    assert result.exit_code == 0, result.output
    assert "Indexed 9 experts (of 10 total; 1 not indexed" in result.output
    assert "Embedded 9" in result.output
    again = enrich(env, "ingest")
    assert "Embedded 0, reused 9" in again.output

    found = enrich(env, "search", "R&D tax credits", "-k", "3", "--json")
    assert found.exit_code == 0, found.output
    hits = json.loads(found.output)
    assert len(hits) == 3
    assert {"username", "score", "tags", "findability_score", "job_title"} <= set(hits[0])
    assert hits[0]["username"] in {"expert0", "expert3", "expert6"}
    assert hits[0]["score"] >= hits[-1]["score"]
    table = enrich(env, "search", "veterinary surgery", "-k", "2")
    assert table.exit_code == 0
    assert " 1. " in table.output
    assert "tags:" in table.output


def test_search_refuses_an_index_built_by_another_embedder(
    env: dict[str, str], tmp_path: Path
) -> None:
    enrich(env, "seed", str(write_csv(tmp_path / "e.csv", bios(3))))
    enrich(env, "tag")
    enrich(env, "ingest")
    result = enrich({**env, "ENRICH_EMBEDDING_DIMENSION": "128"}, "search", "tax")
    assert result.exit_code == 1
    assert "gemini:gemini-embedding-001" in result.stderr


def test_empty_query_and_bad_database_url_are_one_line_errors(env: dict[str, str]) -> None:
    assert "empty" in enrich(env, "search", "   ").stderr
    bad = enrich({**env, "ENRICH_DATABASE_URL": "nonsense://"}, "score")
    assert bad.exit_code == 1
    assert bad.stderr.startswith("Error: ")


def test_a_refused_key_stops_the_run_with_one_clear_reason(
    env: dict[str, str], tmp_path: Path, fake: FakeGemini
) -> None:
    enrich(env, "seed", str(write_csv(tmp_path / "e.csv", bios(5))))
    fake.script("400", endpoint=GENERATE)  # the fake's 400 carries no key reason: a plain rejection
    fake.script("403", "403", "403", "403", endpoint=GENERATE)
    result = enrich(env, "tag", "--concurrency", "1")
    assert result.exit_code == 1
    assert "Stopped: Gemini refused the API key" in result.stderr
    assert fake.request_count(GENERATE) <= 4


def test_a_second_ingest_on_the_same_index_stops_with_a_clear_message(
    env: dict[str, str], tmp_path: Path
) -> None:
    from enrichment_adapters.vector_index.faiss_index import FaissVectorIndex

    enrich(env, "seed", str(write_csv(tmp_path / "e.csv", bios(3))))
    enrich(env, "tag")
    with FaissVectorIndex(tmp_path / "index").exclusive_build():  # an ingest already running
        busy = enrich(env, "ingest")
    assert busy.exit_code == 1
    assert "another ingest is rebuilding the index" in busy.stderr
    assert enrich(env, "ingest").exit_code == 0  # the lock went with its holder


def test_search_filters_page_and_say_why(env: dict[str, str], tmp_path: Path) -> None:
    experts = bios(9)
    for i, expert in enumerate(experts):
        expert["hourly_rate"] = str(50 * (i + 1))  # expert0 50 ... expert8 450
    enrich(env, "seed", str(write_csv(tmp_path / "e.csv", experts)))
    enrich(env, "tag")
    enrich(env, "ingest")
    found = enrich(env, "search", "R&D tax credits", "--max-rate", "200", "-k", "5", "--json")
    assert found.exit_code == 0, found.output
    hits = json.loads(found.output)
    assert {h["username"] for h in hits} == {"expert0", "expert1", "expert2", "expert3"}
    assert all(h["hourly_rate"] <= 200 for h in hits)
    assert {"matched_tags", "evidence"} <= set(hits[0])
    tag = hits[0]["tags"][0]
    tagged = enrich(env, "search", "anything", "--tag", tag, "--json")
    assert all(tag in h["tags"] for h in json.loads(tagged.output))
    table = enrich(env, "search", "tax law and R&D tax credits", "-k", "2", "--offset", "1")
    assert table.exit_code == 0, table.output
    assert "Experts 2–3 of 9 candidates" in table.output
    assert " 2. " in table.output
    assert 'why: "' in table.output
    nobody = enrich(env, "search", "tax", "--max-rate", "1")
    assert nobody.exit_code == 0
    assert "No experts pass these filters." in nobody.output
    bad = enrich(env, "search", "tax", "--min-findability", "101")
    assert bad.exit_code == 2
    assert "min-findability" in bad.output
