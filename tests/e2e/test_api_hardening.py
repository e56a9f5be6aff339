"""Defects found by an adversarial run of the HTTP API (issue 10), each pinned by a test."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from enrichment_adapters.sql.repo import SqlExpertRepo
from tests.support.api_harness import ADMIN, AppParts, build_app, promote_index
from tests.support.scripted_tagger import ScriptedTagger


@pytest.fixture
def parts(tmp_path: Path) -> AppParts:
    return build_app(tmp_path, tagger=ScriptedTagger())


@pytest.fixture
def client(parts: AppParts) -> Iterator[TestClient]:
    with TestClient(parts.app, raise_server_exceptions=False) as test_client:
        yield test_client


def error_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    return dict(body["error"])


# --- 1. usernames outside Latin-1 -----------------------------------------------------------


@pytest.mark.parametrize("username", ["łukasz", "josé2", "山田_太郎"])
def test_intake_of_a_non_latin1_username_answers_201_with_a_percent_encoded_location(
    client: TestClient, parts: AppParts, username: str
) -> None:
    response = client.post(
        "/api/admin/experts", json={"username": username, "bio": "Tax attorney"}, headers=ADMIN
    )
    assert response.status_code == 201, response.text
    assert response.json()["username"] == username
    location = response.headers["location"]
    assert location.isascii()
    assert location.endswith("/api/admin/experts/" + quote(username, safe=""))
    again = client.get(location, headers=ADMIN)
    assert again.status_code == 200
    assert again.json()["username"] == username


# --- 9. validation gaps ------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["true", "false"])
def test_a_boolean_hourly_rate_is_refused_not_stored_as_a_number(
    client: TestClient, parts: AppParts, raw: str
) -> None:
    body = '{"username": "ada", "bio": "Tax attorney", "hourly_rate": ' + raw + "}"
    error = error_of(
        client.post(
            "/api/admin/experts",
            content=body.encode(),
            headers={**ADMIN, "Content-Type": "application/json"},
        ),
        422,
    )
    assert error["field"] == "hourly_rate"
    assert parts.repo.count() == 0


@pytest.mark.parametrize("raw", ["NaN", "Infinity", "-Infinity"])
def test_a_nan_or_infinite_hourly_rate_is_called_not_finite(
    client: TestClient, parts: AppParts, raw: str
) -> None:
    body = '{"username": "ada", "hourly_rate": ' + raw + "}"
    error = error_of(
        client.post(
            "/api/admin/experts",
            content=body.encode(),
            headers={**ADMIN, "Content-Type": "application/json"},
        ),
        422,
    )
    assert error["field"] == "hourly_rate"
    assert "finite" in error["message"]
    assert parts.repo.count() == 0


@pytest.mark.parametrize("username", [".", "..", "ad\u202emin", "ad\u200bmin", "ada\u0007"])
def test_spoofing_and_path_like_usernames_are_refused(
    client: TestClient, parts: AppParts, username: str
) -> None:
    error = error_of(
        client.post("/api/admin/experts", json={"username": username}, headers=ADMIN), 422
    )
    assert error["field"] == "username"
    assert parts.repo.count() == 0


def test_a_username_differing_only_in_case_is_the_same_expert(
    client: TestClient, parts: AppParts
) -> None:
    first = client.post("/api/admin/experts", json={"username": "CaseUser"}, headers=ADMIN)
    assert first.status_code == 201
    error = error_of(
        client.post("/api/admin/experts", json={"username": "caseuser"}, headers=ADMIN), 409
    )
    assert error["code"] == "duplicate_username"
    found = client.get("/api/admin/experts/CASEUSER", headers=ADMIN)
    assert found.status_code == 200
    assert found.json()["username"] == "CaseUser"
    assert parts.repo.count() == 1


# --- 7. public routes reveal no server details ------------------------------------------------


def corrupt_the_promoted_index(index_dir: Path) -> None:
    """Garbage vectors whose checksum matches, so FAISS itself refuses them (C++ error text)."""
    pointer = json.loads((index_dir / "CURRENT.json").read_text())
    build = index_dir / "builds" / pointer["build"]
    garbage = b"not a faiss index at all" * 10
    (build / "index.faiss").write_bytes(garbage)
    metadata = json.loads((build / "metadata.json").read_text())
    metadata["index_sha256"] = hashlib.sha256(garbage).hexdigest()
    (build / "metadata.json").write_text(json.dumps(metadata))


def assert_no_server_details(text: str, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in text
    assert ".cpp" not in text
    assert "Traceback" not in text


def test_health_and_search_do_not_reveal_the_index_folder_or_faiss_errors(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    parts = build_app(tmp_path, tagger=ScriptedTagger())
    with TestClient(parts.app) as client:
        no_index = client.get("/api/search", params={"q": "tax law"})
        assert no_index.status_code == 503
        assert_no_server_details(no_index.text, str(tmp_path))
        assert_no_server_details(client.get("/healthz").text, str(tmp_path))
        client.post("/api/admin/experts", json={"username": "ada", "bio": "Tax"}, headers=ADMIN)
        promote_index(parts.repo, parts.index_dir, parts.embedder)
        corrupt_the_promoted_index(parts.index_dir)
    fresh = build_app(tmp_path / "again", tagger=ScriptedTagger())
    fresh.app.state.services.index = type(parts.index)(parts.index_dir)
    with caplog.at_level(logging.WARNING), TestClient(fresh.app) as client:
        health = client.get("/healthz")
        search = client.get("/api/search", params={"q": "tax law"})
    assert health.status_code == 200
    assert health.json()["index"]["loaded"] is False
    assert health.json()["index"]["problem"]
    assert search.status_code == 503
    for response in (health, search):
        assert_no_server_details(response.text, str(tmp_path))
    assert str(parts.index_dir) in caplog.text  # the details go to the log


def test_a_database_driver_error_is_not_shown_to_the_public(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    socket_dir = tmp_path / "no-postgres-here"
    repo = SqlExpertRepo(
        f"postgresql+psycopg://nobody@/nodb?host={socket_dir}", migrate_schema=False
    )
    parts = build_app(tmp_path, tagger=ScriptedTagger())
    app = parts.app
    app.state.services.repo = repo  # the database goes away after start-up
    with caplog.at_level(logging.WARNING), TestClient(app) as client:
        health = client.get("/healthz")
        listing = client.get("/api/admin/experts", headers=ADMIN)
    assert health.status_code == 503
    assert health.json()["database"]["ok"] is False
    assert health.json()["database"]["problem"]
    assert listing.status_code == 503
    for response in (health, listing):
        assert_no_server_details(response.text, str(socket_dir))
    assert str(socket_dir) in caplog.text
    repo.close()
