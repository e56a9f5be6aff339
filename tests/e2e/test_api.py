"""The HTTP adapter end to end: FastAPI's TestClient over a real SQLite file and a FAISS folder."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi import Depends, FastAPI, Header, HTTPException
from fastapi.testclient import TestClient

from enrichment_adapters.gemini.tagger import GeminiTagGenerator
from enrichment_adapters.sql.repo import SqlExpertRepo
from enrichment_core.experts import new_expert
from enrichment_core.seeding import import_experts
from enrichment_entrypoints.api.routes import ApiServices, create_admin_router, create_search_router
from tests.support.api_harness import ADMIN, AppParts, build_app, promote_index
from tests.support.fake_gemini import FakeGemini
from tests.support.scripted_tagger import ScriptedTagger

LONG_TAX_BIO = "I help startups claim R&D tax credits and defend them in IRS audits. " * 8
JANE = {
    "username": "jane_doe_tax",
    "first_name": "Jane",
    "last_name": "Doe",
    "job_title": "Tax Attorney",
    "company": "Doe & Partners",
    "bio": LONG_TAX_BIO,
    "hourly_rate": 250,
    "profile_url": "https://example.com/jane",
}


@pytest.fixture
def parts(tmp_path: Path) -> AppParts:
    return build_app(
        tmp_path, tagger=ScriptedTagger({"jane_doe_tax": [["R&D Tax Credits", "Tax Law"]]})
    )


@pytest.fixture
def client(parts: AppParts) -> Iterator[TestClient]:
    with TestClient(parts.app) as test_client:
        yield test_client


def assert_error(response: Any, status: int, code: str, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "field"}
    assert body["error"]["code"] == code
    assert body["error"]["field"] == field
    assert body["error"]["message"]
    assert "Traceback" not in response.text
    return dict(body["error"])


# --- admin key ---------------------------------------------------------------------------------

ADMIN_CALLS: list[tuple[str, str, dict[str, Any]]] = [
    ("POST", "/api/admin/experts", {"json": {"username": "x"}}),
    ("GET", "/api/admin/experts", {}),
    ("GET", "/api/admin/experts/jane_doe_tax", {}),
]


@pytest.mark.parametrize(("method", "path", "kwargs"), ADMIN_CALLS)
def test_admin_routes_need_the_right_key(
    client: TestClient, method: str, path: str, kwargs: dict[str, Any]
) -> None:
    assert_error(client.request(method, path, **kwargs), 401, "admin_key_missing")
    wrong = {"X-Admin-Key": "not-the-key"}
    assert_error(client.request(method, path, headers=wrong, **kwargs), 401, "admin_key_invalid")
    assert client.request(method, path, headers=ADMIN, **kwargs).status_code in (200, 201, 404)


def test_without_a_configured_key_admin_routes_refuse_and_say_how_to_fix_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    parts = build_app(tmp_path, admin_key=None)
    with (
        caplog.at_level(logging.WARNING, logger="enrichment_entrypoints.api"),
        TestClient(parts.app) as client,
    ):
        for method, path, kwargs in ADMIN_CALLS:
            error = assert_error(
                client.request(method, path, headers={"X-Admin-Key": ""}, **kwargs),
                503,
                "admin_key_not_configured",
            )
            assert "set ENRICH_ADMIN_KEY" in error["message"]
        assert client.get("/healthz").json()["admin_key_configured"] is False
    assert "ENRICH_ADMIN_KEY is not set" in caplog.text


# --- intake --------------------------------------------------------------------------------------


def test_intake_tags_and_scores_the_expert_before_answering(
    client: TestClient, parts: AppParts
) -> None:
    response = client.post("/api/admin/experts", json=JANE, headers=ADMIN)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["tagging"] == "tagged"
    assert body["tags"] == ["r&d tax credits", "tax law"]
    assert body["findability_score"] == 100.0
    assert (body["tagging_state"], body["tagged_by"], body["tagging_error"]) == (
        "tagged",
        "scripted:test",
        None,
    )
    assert response.headers["location"].endswith("/api/admin/experts/jane_doe_tax")
    stored = parts.repo.get("jane_doe_tax")
    assert stored is not None
    assert stored.tags == ("r&d tax credits", "tax law")
    assert client.get("/api/admin/experts/jane_doe_tax", headers=ADMIN).json() == {
        k: v for k, v in body.items() if k != "tagging"
    }


def test_no_bio_expert_is_saved_and_scored_without_calling_the_tagger(
    client: TestClient, parts: AppParts
) -> None:
    response = client.post(
        "/api/admin/experts",
        json={"username": "nobio", "job_title": "Vet", "profile_url": "https://x.example/n"},
        headers=ADMIN,
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["tagging"], body["tags"], body["findability_score"]) == ("no_bio", None, 25.0)
    assert body["tagging_state"] == "no_bio"
    assert isinstance(parts.tagger, ScriptedTagger)
    assert parts.tagger.calls == []


@pytest.mark.slow
def test_intake_with_the_offline_local_tagger(tmp_path: Path) -> None:
    from enrichment_adapters.local.tagger import LocalTagGenerator

    parts = build_app(tmp_path, tagger=LocalTagGenerator(), intake_timeout_s=120)
    with TestClient(parts.app) as client:
        body = client.post("/api/admin/experts", json=JANE, headers=ADMIN).json()
    assert body["tagging"] == "tagged", body
    assert body["tagged_by"] == "local:all-MiniLM-L6-v2"
    assert 1 <= len(body["tags"]) <= 8
    assert all(tag == tag.strip().lower() for tag in body["tags"])
    assert body["findability_score"] == 100.0


def test_tagger_too_slow_saves_untagged_then_the_background_retry_tags(tmp_path: Path) -> None:
    tagger = ScriptedTagger({"slowpoke": ["hang", ["Supply Chain"]]})
    parts = build_app(tmp_path, tagger=tagger, intake_timeout_s=0.2)
    with TestClient(parts.app) as client:
        body = client.post(
            "/api/admin/experts",
            json={"username": "slowpoke", "bio": "Supply chain."},
            headers=ADMIN,
        ).json()
        assert (body["tagging"], body["tags"]) == ("retry_scheduled", None)
        assert "did not answer in time" in body["tagging_error"]
        later = client.get("/api/admin/experts/slowpoke", headers=ADMIN).json()
    assert later["tags"] == ["supply chain"]
    assert (later["tagging_state"], later["tagging_error"]) == ("tagged", None)


def _gemini_intake(tmp_path: Path, fake: FakeGemini) -> tuple[dict[str, Any], dict[str, Any]]:
    """POST an expert with Gemini behind the fake; the answer, then the expert after the retry."""
    tagger = GeminiTagGenerator(api_key="test-key", base_url=fake.base_url, timeout_s=5)
    parts = build_app(tmp_path, tagger=tagger)
    with TestClient(parts.app) as client:
        created = client.post("/api/admin/experts", json=JANE, headers=ADMIN)
        assert created.status_code == 201, created.text
        # TestClient returns once the background tasks are done: the retry has run.
        later = client.get("/api/admin/experts/jane_doe_tax", headers=ADMIN).json()
        client.portal.call(tagger.aclose)  # type: ignore[union-attr]
    return created.json(), later


def test_gemini_503_saves_untagged_with_score_and_the_background_retry_tags(
    tmp_path: Path,
) -> None:
    with FakeGemini() as fake:
        fake.script("503", "ok")
        created, later = _gemini_intake(tmp_path, fake)
        assert fake.request_count("generateContent") == 2
    assert (created["tagging"], created["tags"], created["tagging_state"]) == (
        "retry_scheduled",
        None,
        "failed",
    )
    assert created["findability_score"] == 75.0  # 100 minus the 25 tag points
    assert "TransientTaggingError" in created["tagging_error"]
    assert later["tagging_state"] == "tagged"
    assert later["tags"]
    assert "r&d tax credits" in later["tags"]
    assert (later["tagged_by"], later["tagging_error"], later["findability_score"]) == (
        "gemini:gemini-2.5-flash",
        None,
        100.0,
    )


def test_background_retry_that_fails_again_is_recorded_and_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with FakeGemini() as fake, caplog.at_level(logging.WARNING, logger="enrichment_core.intake"):
        fake.script("503", "503")
        created, later = _gemini_intake(tmp_path, fake)
    assert created["tagging"] == "retry_scheduled"
    assert (later["tags"], later["tagging_state"]) == (None, "failed")
    assert "unavailable" in later["tagging_error"]
    assert "tagging retry failed" in caplog.text


# --- input problems ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"first_name": "No username"}, "username"),
        ({"username": "has space"}, "username"),
        ({"username": "ok", "profile_url": "javascript:alert(1)"}, "profile_url"),
        ({"username": "ok", "hourly_rate": -5}, "hourly_rate"),
        ({"username": "ok", "hourly_rate": "lots"}, "hourly_rate"),
        ({"username": "ok", "job_title": "t" * 301}, "job_title"),
        ({"username": "ok", "bio": "b" * 20_001}, "bio"),
        ({"username": "ok", "tags": ["hand-made"]}, "tags"),
    ],
)
def test_invalid_intake_is_422_naming_the_field(
    client: TestClient, parts: AppParts, body: dict[str, Any], field: str
) -> None:
    error = assert_error(
        client.post("/api/admin/experts", json=body, headers=ADMIN), 422, error_code(body), field
    )
    assert field in error["message"]
    assert parts.repo.count() == 0


def error_code(body: dict[str, Any]) -> str:
    # pydantic answers for types and sizes; the domain rules answer for usernames and URLs
    domain = body.get("username") == "has space" or "profile_url" in body
    return "invalid_expert" if domain else "validation_error"


def test_body_that_is_not_json_is_422(client: TestClient) -> None:
    headers = {**ADMIN, "Content-Type": "application/json"}
    assert_error(
        client.post("/api/admin/experts", content=b"{nope", headers=headers), 422, "invalid_json"
    )


def test_existing_username_is_409_and_the_stored_expert_is_unchanged(
    client: TestClient, parts: AppParts
) -> None:
    assert client.post("/api/admin/experts", json=JANE, headers=ADMIN).status_code == 201
    again = {**JANE, "bio": "Someone else entirely."}
    assert_error(
        client.post("/api/admin/experts", json=again, headers=ADMIN),
        409,
        "duplicate_username",
        "username",
    )
    stored = parts.repo.get("jane_doe_tax")
    assert stored is not None
    assert stored.bio == LONG_TAX_BIO.strip()


def test_oversize_body_is_413_declared_or_streamed(client: TestClient, parts: AppParts) -> None:
    big = b'{"username": "big", "bio": "' + b"x" * 70_000 + b'"}'
    headers = {**ADMIN, "Content-Type": "application/json"}
    assert_error(
        client.post("/api/admin/experts", content=big, headers=headers), 413, "body_too_large"
    )
    chunks = iter([big[:40_000], big[40_000:]])  # no Content-Length: counted while received
    assert_error(
        client.post("/api/admin/experts", content=chunks, headers=headers), 413, "body_too_large"
    )
    assert parts.repo.count() == 0


# --- listing -------------------------------------------------------------------------------------


def seed_directory(repo: SqlExpertRepo) -> None:
    """zoe tagged (100), cat failed, bob pending, dan without bio, plus 21 more pending."""
    bio = "Long enough bio about tax law. " * 20
    experts = [
        new_expert(
            username="zoe",
            first_name="Zoe",
            last_name="Adams",
            job_title="Tax",
            bio=bio,
            profile_url="https://x.example/zoe",
            hourly_rate=100,
        ),
        new_expert(username="bob", first_name="Bob", last_name="Young", bio="Short bio."),
        new_expert(username="cat", first_name="Cat", last_name="Moss", job_title="Vet", bio=bio),
        new_expert(username="dan", first_name="Dan", last_name="Berg", job_title="Chef"),
    ] + [new_expert(username=f"extra{i:02d}", bio="Pending.") for i in range(21)]
    import_experts(repo, experts)
    zoe, cat = repo.get("zoe"), repo.get("cat")
    assert zoe is not None
    assert zoe.id is not None
    assert cat is not None
    assert cat.id is not None
    repo.save_tags(
        zoe.id,
        tags=["tax law"],
        tagged_by="scripted:test",
        tagged_at=datetime.now(UTC),
        findability_score=100.0,
    )
    repo.record_tagging_failure(cat.id, error="TransientTaggingError: 503")


def usernames(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["username"] for item in response.json()["items"]]


@pytest.mark.parametrize(
    ("state", "expected"),
    [("tagged", ["zoe"]), ("failed", ["cat"]), ("no_bio", ["dan"]), ("pending", ["bob"])],
)
def test_listing_filters_by_tagging_state(
    client: TestClient, parts: AppParts, state: str, expected: list[str]
) -> None:
    seed_directory(parts.repo)
    response = client.get(f"/api/admin/experts?state={state}&limit=200", headers=ADMIN)
    names = usernames(response)
    assert names[: len(expected)] == expected
    assert state == "pending" or names == expected


def test_listing_shows_tags_score_state_producer_and_error(
    client: TestClient, parts: AppParts
) -> None:
    seed_directory(parts.repo)
    items = {
        e["username"]: e
        for e in client.get("/api/admin/experts?limit=200", headers=ADMIN).json()["items"]
    }
    assert len(items) == 25
    assert (items["zoe"]["tags"], items["zoe"]["findability_score"], items["zoe"]["tagged_by"]) == (
        ["tax law"],
        100.0,
        "scripted:test",
    )
    assert (items["cat"]["tagging_state"], items["cat"]["tagging_error"]) == (
        "failed",
        "TransientTaggingError: 503",
    )
    untagged = client.get("/api/admin/experts?state=untagged&limit=200", headers=ADMIN).json()
    assert untagged["total"] == 24


def test_listing_sorts_server_side_and_pages(client: TestClient, parts: AppParts) -> None:
    seed_directory(parts.repo)
    best = client.get("/api/admin/experts?sort=findability&order=desc&limit=2", headers=ADMIN)
    assert usernames(best)[0] == "zoe"
    scores = [
        e["findability_score"]
        for e in client.get(
            "/api/admin/experts?sort=findability&order=asc&limit=200", headers=ADMIN
        ).json()["items"]
    ]
    assert scores == sorted(scores)
    by_name = usernames(client.get("/api/admin/experts?sort=name&order=asc&limit=4", headers=ADMIN))
    assert by_name == ["bob", "cat", "dan", "extra00"]  # "Bob Young" ... then bare usernames
    first = client.get("/api/admin/experts?limit=10", headers=ADMIN).json()
    third = client.get("/api/admin/experts?limit=10&offset=20", headers=ADMIN).json()
    assert (first["total"], len(first["items"]), len(third["items"])) == (25, 10, 5)
    assert {e["username"] for e in first["items"]}.isdisjoint(e["username"] for e in third["items"])


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("offset=-1", "offset"),
        ("state=done", "state"),
        ("sort=rate", "sort"),
        ("order=up", "order"),
    ],
)
def test_listing_rejects_bad_parameters(client: TestClient, query: str, field: str) -> None:
    assert_error(
        client.get(f"/api/admin/experts?{query}", headers=ADMIN), 422, "validation_error", field
    )


def test_unknown_expert_is_404(client: TestClient) -> None:
    assert_error(client.get("/api/admin/experts/nobody", headers=ADMIN), 404, "expert_not_found")


# --- search and the index --------------------------------------------------------------------------


def tag_directory(client: TestClient, *experts: dict[str, Any]) -> None:
    for expert in experts:
        assert (
            client.post("/api/admin/experts", json=expert, headers=ADMIN).json()["tagging"]
            == "tagged"
        )


VET = {
    "username": "dr_paws",
    "job_title": "Veterinary surgeon",
    "bio": "Veterinary surgery for small animals, orthopedics.",
}
CHEF = {
    "username": "chef_al",
    "job_title": "Chef",
    "bio": "Restaurant menus, kitchen operations and catering.",
}


def test_search_is_503_until_an_index_is_promoted_and_admin_keeps_working(
    client: TestClient, parts: AppParts
) -> None:
    error = assert_error(client.get("/api/search?q=tax"), 503, "index_not_ready")
    assert "enrich ingest" in error["message"]
    assert client.post("/api/admin/experts", json=JANE, headers=ADMIN).status_code == 201
    health = client.get("/healthz").json()
    assert (health["status"], health["database"]["ok"], health["index"]["loaded"]) == (
        "degraded",
        True,
        False,
    )


def test_new_experts_reach_search_at_the_next_ingest_picked_up_without_restart(
    client: TestClient, parts: AppParts
) -> None:
    tag_directory(client, JANE, VET)
    assert client.get("/api/search?q=tax").status_code == 503
    promote_index(parts.repo, parts.index_dir, parts.embedder)  # another process, same folder
    hits = client.get("/api/search?q=veterinary surgery for my dog&k=2").json()["hits"]
    assert [h["username"] for h in hits] == ["dr_paws", "jane_doe_tax"]
    assert hits[0]["rank"] == 1
    assert hits[0]["score"] >= hits[1]["score"]
    assert hits[0]["tags"] == ["veterinary surgeon", "consulting"]

    tag_directory(client, CHEF)  # locked decision 12: intake alone does not touch the index
    assert "chef_al" not in [
        h["username"] for h in client.get("/api/search?q=restaurant kitchen").json()["hits"]
    ]
    promote_index(parts.repo, parts.index_dir, parts.embedder)
    top = client.get("/api/search?q=restaurant kitchen catering&k=1").json()["hits"]
    assert top[0]["username"] == "chef_al"
    health = client.get("/healthz").json()
    assert (health["status"], health["index"]["count"], health["embedder"]["matches_index"]) == (
        "ok",
        3,
        True,
    )


def test_index_promoted_before_start_is_loaded_at_start_up(tmp_path: Path) -> None:
    first = build_app(tmp_path)
    with TestClient(first.app) as client:
        tag_directory(client, JANE)
    promote_index(first.repo, first.index_dir, first.embedder)
    second = build_app(tmp_path)
    with TestClient(second.app) as client:
        assert client.get("/healthz").json()["index"]["loaded"] is True
        assert (
            client.get("/api/search?q=tax credits").json()["hits"][0]["username"] == "jane_doe_tax"
        )


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("q=", "q"),
        ("q=%20%20%20", "q"),
        ("q=" + "a" * 501, "q"),
        ("k=5", "q"),
        ("q=tax&k=0", "k"),
        ("q=tax&k=51", "k"),
        ("q=tax&k=ten", "k"),
    ],
)
def test_search_validates_the_query_and_k(client: TestClient, query: str, field: str) -> None:
    response = client.get(f"/api/search?{query}")
    assert response.status_code == 422
    assert response.json()["error"]["field"] == field


# --- error shape, page, mounting ---------------------------------------------------------------


class _BrokenRepo(SqlExpertRepo):
    def page(self, **kwargs: Any) -> Any:
        raise RuntimeError("secret internal detail")


def test_every_error_has_the_one_shape_and_no_stack_trace(tmp_path: Path) -> None:
    parts = build_app(tmp_path)
    assert_error(TestClient(parts.app).get("/no/such/route"), 404, "not_found")
    assert_error(TestClient(parts.app).delete("/api/search"), 405, "method_not_allowed")
    broken = build_app(tmp_path / "broken")
    broken.app.state.services.repo = _BrokenRepo(broken.settings.database_url)
    with TestClient(broken.app, raise_server_exceptions=False) as client:
        error = assert_error(client.get("/api/admin/experts", headers=ADMIN), 500, "internal_error")
    assert "secret internal detail" not in error["message"]


def test_admin_page_and_assets_are_served_with_a_strict_policy(client: TestClient) -> None:
    page = client.get("/admin")
    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]
    assert "Generating tags..." in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    for asset in ("/admin/static/admin.js", "/admin/static/admin.css"):
        assert client.get(asset).status_code == 200
    assert client.get("/", follow_redirects=False).headers["location"] == "/admin"


def test_routers_mount_in_another_service_under_its_prefix_and_dependencies(
    parts: AppParts,
) -> None:
    async def staff_only(x_staff: str = Header(default="")) -> None:
        if x_staff != "yes":
            raise HTTPException(403, "staff only")

    services = ApiServices(
        repo=parts.repo,
        tagger=parts.tagger,
        embedder=parts.embedder,
        index=parts.index,
        admin_key="host-key",
        retry_delay_s=0,
    )
    host = FastAPI()
    host.include_router(
        create_admin_router(services),
        prefix="/internal/experts-admin",
        dependencies=[Depends(staff_only)],
    )
    host.include_router(create_search_router(services), prefix="/v2")
    with TestClient(host) as client:
        url = "/internal/experts-admin/experts"
        assert client.post(url, json=JANE, headers={"X-Admin-Key": "host-key"}).status_code == 403
        created = client.post(url, json=JANE, headers={"X-Admin-Key": "host-key", "X-Staff": "yes"})
        assert created.status_code == 201
        assert created.json()["tagging"] == "tagged"
        assert created.headers["location"].endswith("/internal/experts-admin/experts/jane_doe_tax")
        duplicate = client.post(
            url, json=JANE, headers={"X-Admin-Key": "host-key", "X-Staff": "yes"}
        )
        assert duplicate.status_code == 409  # statuses survive without the host installing handlers
        assert client.get("/v2/search?q=tax").status_code == 503
