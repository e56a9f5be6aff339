"""GET /api/search with filters, paging and the reasons for each hit (TestClient, SQLite, FAISS)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from enrichment_core.experts import new_expert
from enrichment_core.seeding import import_experts
from tests.support.api_harness import AppParts, build_app, promote_index

TAX_BIO = "Tax attorney for startups. I claim R&D tax credits and defend IRS audits every week."


@pytest.fixture
def parts(tmp_path: Path) -> AppParts:
    parts = build_app(tmp_path)
    import_experts(
        parts.repo,
        [
            new_expert(
                username=f"tax{n}",
                bio=TAX_BIO,
                hourly_rate=100 * (n + 1),
                profile_url=f"https://x.example/{n}" if n % 2 else None,
            )
            for n in range(6)
        ],
    )
    for expert in parts.repo.list_experts():
        assert expert.id is not None
        parts.repo.save_tags(
            expert.id,
            tags=["tax law", "r&d tax credits"] if expert.username != "tax0" else ["audit"],
            tagged_by="scripted:test",
            tagged_at=datetime.now(UTC),
            findability_score=(expert.findability_score or 0) + 25,
        )
    promote_index(parts.repo, parts.index_dir, parts.embedder)
    return parts


@pytest.fixture
def client(parts: AppParts) -> Iterator[TestClient]:
    with TestClient(parts.app) as test_client:
        yield test_client


def test_filters_apply_before_ranking_and_total_counts_the_candidates(client: TestClient) -> None:
    body = client.get(
        "/api/search", params={"q": "R&D tax credits", "max_rate": 300, "tag": "tax law", "k": 10}
    ).json()
    assert body["total"] == 2  # tax1 (200) and tax2 (300); tax0 lacks the tag
    assert sorted(h["username"] for h in body["hits"]) == ["tax1", "tax2"]
    assert all(h["hourly_rate"] <= 300 for h in body["hits"])
    both = client.get(
        "/api/search",
        params=[("q", "tax"), ("tag", "audit"), ("tag", "tax law"), ("tag_mode", "any")],
    ).json()
    assert both["total"] == 6
    none = client.get(
        "/api/search",
        params=[("q", "tax"), ("tag", "audit"), ("tag", "tax law"), ("tag_mode", "all")],
    ).json()
    assert (none["total"], none["hits"]) == (0, [])
    urls = client.get("/api/search", params={"q": "tax", "has_profile_url": "true"}).json()
    assert {h["username"] for h in urls["hits"]} == {"tax1", "tax3", "tax5"}


def test_paging_has_ranks_across_pages(client: TestClient) -> None:
    first = client.get("/api/search", params={"q": "tax credits", "k": 4}).json()
    second = client.get("/api/search", params={"q": "tax credits", "k": 4, "offset": 4}).json()
    assert (first["total"], second["total"], second["offset"]) == (6, 6, 4)
    assert [h["rank"] for h in first["hits"] + second["hits"]] == [1, 2, 3, 4, 5, 6]
    names = [h["username"] for h in first["hits"] + second["hits"]]
    assert sorted(names) == [f"tax{n}" for n in range(6)]


def test_each_hit_says_why_it_matched(client: TestClient) -> None:
    hit = client.get(
        "/api/search", params={"q": "R&D tax credits and IRS audits", "tag": "tax law", "k": 1}
    ).json()["hits"][0]
    assert hit["matched_tags"][0] == "r&d tax credits"
    assert hit["evidence"] == "I claim R&D tax credits and defend IRS audits every week."


@pytest.mark.parametrize(
    "params",
    [
        {"q": "tax", "max_rate": -1},
        {"q": "tax", "min_findability": 101},
        {"q": "tax", "tag_mode": "some"},
        {"q": "tax", "offset": -1},
        {"q": "tax", "has_profile_url": "maybe"},
    ],
)
def test_bad_search_options_get_a_422_naming_them(
    client: TestClient, params: dict[str, str | int]
) -> None:
    response = client.get("/api/search", params=params)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"]
    assert error["message"]
