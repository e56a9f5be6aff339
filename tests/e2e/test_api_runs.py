"""``GET /api/admin/runs`` and the admin page's runs section: what each tagging run cost."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from enrichment_adapters.sql.runs import SqlRunStore
from enrichment_core.runs import BatchJobRecord, JobState, RunStatus, RunTotals
from enrichment_core.usage import TokenUsage
from tests.e2e.test_admin_page import _record_dialogs, _sign_in
from tests.support.api_harness import ADMIN, AppParts, LiveServer, build_app
from tests.support.browser import chromium_page

T0 = datetime(2026, 12, 1, 21, 30, tzinfo=UTC)
HOSTILE_NOTE = "<img src=x onerror=alert('note')> job expired"


def record_runs(parts: AppParts) -> SqlRunStore:
    store = SqlRunStore(parts.repo.engine, migrate_schema=False)
    first = store.start_run(
        mode="online", tagger="gemini:gemini-2.5-flash", model="gemini-2.5-flash", started_at=T0
    )
    store.finish_run(
        first,
        RunTotals(
            status=RunStatus.COMPLETED, finished_at=T0 + timedelta(minutes=3), sent=1418,
            tagged=1416, failed=2, skipped_no_bio=140, cost_usd=0.2791, note=None,
            usage=TokenUsage(requests=1418, prompt=695_000, cached=0, output=28_000),
        ),
    )  # fmt: skip
    second = store.start_run(
        mode="batch",
        tagger="gemini:gemini-2.5-flash",
        model="gemini-2.5-flash",
        started_at=T0 + timedelta(hours=1),
    )
    store.finish_run(
        second,
        RunTotals(
            status=RunStatus.COMPLETED, finished_at=T0 + timedelta(hours=2), sent=40, tagged=40,
            failed=0, skipped_no_bio=0, cost_usd=0.004, note=HOSTILE_NOTE, batch_jobs=1,
            usage=TokenUsage(requests=40, prompt=20_000, cached=1_024, output=800, thinking=8),
        ),
    )  # fmt: skip
    store.record_job(
        BatchJobRecord(key="enrich-9-abc", model="gemini-2.5-flash", state=JobState.CREATING,
                       created_at=T0, expert_ids=(1, 2, 3))
    )  # fmt: skip
    store.update_job("enrich-9-abc", state=JobState.RUNNING, updated_at=T0, name="batches/77")
    return store


@pytest.fixture
def parts(tmp_path: Path) -> AppParts:
    return build_app(tmp_path)


@pytest.fixture
def client(parts: AppParts) -> Iterator[TestClient]:
    with TestClient(parts.app) as test_client:
        yield test_client


def test_runs_list_newest_first_with_tokens_cost_and_open_jobs(
    parts: AppParts, client: TestClient
) -> None:
    record_runs(parts)
    response = client.get("/api/admin/runs", headers=ADMIN)
    assert response.status_code == 200
    page: dict[str, Any] = response.json()
    assert [r["mode"] for r in page["runs"]] == ["batch", "online"]
    batch = page["runs"][0]
    assert (batch["prompt_tokens"], batch["cached_tokens"], batch["output_tokens"], batch["thinking_tokens"]) == (
        20_000, 1_024, 800, 8,
    )  # fmt: skip
    assert batch["cost_usd"] == pytest.approx(0.004)
    assert batch["status"] == "completed"
    assert page["open_jobs"] == [
        {"key": "enrich-9-abc", "name": "batches/77", "state": "running", "experts": 3,
         "created_at": "2026-12-01T21:30:00Z"}
    ]  # fmt: skip
    assert (
        client.get("/api/admin/runs?limit=1", headers=ADMIN).json()["runs"][0]["id"] == batch["id"]
    )


def test_runs_need_the_admin_key_and_an_empty_history_is_empty(client: TestClient) -> None:
    assert client.get("/api/admin/runs").status_code == 401
    assert client.get("/api/admin/runs", headers=ADMIN).json() == {"runs": [], "open_jobs": []}
    assert client.get("/api/admin/runs?limit=0", headers=ADMIN).status_code == 422


@pytest.mark.browser
def test_the_admin_page_shows_each_run_with_its_cost_and_the_open_jobs(tmp_path: Path) -> None:
    parts = build_app(tmp_path)
    record_runs(parts)
    with LiveServer(parts.app) as server, chromium_page() as page:
        dialogs = _record_dialogs(page)
        _sign_in(page, server)
        page.wait_for_selector("#runs-body tr")
        rows = page.locator("#runs-body tr")
        assert rows.count() == 2
        first = rows.nth(0).inner_text()
        for shown in ("batch", "20,000", "1,024", "$0.0040"):
            assert shown in first
        second = rows.nth(1).inner_text()
        assert "$0.2791" in second
        assert "1,416" in second
        assert rows.nth(0).get_attribute("title") == HOSTILE_NOTE  # text, never HTML
        assert "1 batch job(s) open, holding 3 experts" in page.inner_text("#runs-open-jobs")
        assert dialogs == []
