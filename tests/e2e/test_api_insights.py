"""Directory insights, list filters and findability advice over HTTP (TestClient, SQLite file)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from enrichment_core.experts import new_expert
from enrichment_core.seeding import import_experts
from tests.support.api_harness import ADMIN, AppParts, build_app


@pytest.fixture
def parts(tmp_path: Path) -> AppParts:
    parts = build_app(tmp_path)
    import_experts(
        parts.repo,
        [
            new_expert(username="tax1", bio="Tax advice. " * 50, job_title="Tax lawyer"),
            new_expert(
                username="tax2",
                bio="Audit work.",
                profile_url="https://x.example/t2",
                hourly_rate=90,
            ),
            new_expert(username="empty"),
        ],
    )
    for expert in parts.repo.list_experts()[:2]:
        assert expert.id is not None
        parts.repo.save_tags(
            expert.id,
            tags=["tax law"] + (["audit"] if expert.username == "tax2" else []),
            tagged_by="scripted:test",
            tagged_at=datetime.now(UTC),
            findability_score=(expert.findability_score or 0) + 25,
        )
    return parts


@pytest.fixture
def client(parts: AppParts) -> Iterator[TestClient]:
    with TestClient(parts.app) as test_client:
        yield test_client


def test_insights_need_the_admin_key(client: TestClient) -> None:
    assert client.get("/api/admin/insights").status_code == 401


def test_each_insight_links_to_a_filter_listing_exactly_its_experts(client: TestClient) -> None:
    body = client.get("/api/admin/insights", headers=ADMIN).json()
    assert body["total"] == 3
    assert {s["label"]: s["count"] for s in body["states"]} == {
        "tagged": 2,
        "pending": 0,
        "failed": 0,
        "no bio": 1,
    }
    assert [(t["label"], t["count"]) for t in body["top_tags"]] == [("tax law", 2), ("audit", 1)]
    assert len(body["histogram"]) == 10
    assert sum(b["count"] for b in body["histogram"]) == 3
    assert body["missing_fields"][0]["count"] >= body["missing_fields"][-1]["count"]
    numbers = body["states"] + body["top_tags"] + body["histogram"] + body["missing_fields"]
    for number in numbers:
        listed = client.get(f"/api/admin/experts?{number['filter']}", headers=ADMIN).json()
        assert listed["total"] == number["count"], number


def test_the_expert_says_what_would_raise_its_findability(client: TestClient) -> None:
    tax2 = client.get("/api/admin/experts/tax2", headers=ADMIN).json()
    advice = [tip["advice"] for tip in tax2["findability_advice"]]
    assert advice == ["lengthen the bio to 500 characters (now 11): +39.1", "add a job title: +10"]
    assert tax2["findability_score"] + sum(t["points"] for t in tax2["findability_advice"]) == (
        pytest.approx(100, abs=0.11)
    )
    empty = client.get("/api/admin/experts/empty", headers=ADMIN).json()
    assert "add a profile URL: +15" in [t["advice"] for t in empty["findability_advice"]]


def test_list_filters_are_validated(client: TestClient) -> None:
    for query in ("missing=shoe_size", "min_findability=101", "findability_below=-1", "tag="):
        response = client.get(f"/api/admin/experts?{query}", headers=ADMIN)
        assert response.status_code == 422, query
        assert response.json()["error"]["code"]
