"""Shared fixtures: real databases (a SQLite file, a PostgreSQL server) and the fake Gemini."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# The offline tagger's vocabulary vectors are cached on disk: never in the user's cache during
# tests (subprocesses of the CLI tests inherit this too).
os.environ["ENRICH_CACHE_DIR"] = tempfile.mkdtemp(prefix="enrich-test-cache-")

from tests.support.fake_gemini import FakeGemini

DEFAULT_POSTGRES_URL = "postgresql+psycopg://@/enrich_test?host=/var/run/postgresql"


def postgres_url() -> str:
    return os.environ.get("ENRICH_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The URL of a reachable PostgreSQL database; skips only outside CI when none is running."""
    url = postgres_url()
    try:
        engine = create_engine(url)
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
    except (OperationalError, ModuleNotFoundError) as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL must be reachable in CI at {url}: {exc}")
        pytest.skip(f"no PostgreSQL server at {url} (start one, or set ENRICH_TEST_POSTGRES_URL)")
    return url


@pytest.fixture
def postgres_url_clean(postgres_server: str) -> Iterator[str]:
    """A PostgreSQL database with no ``experts`` table, dropped again afterwards."""
    engine = create_engine(postgres_server)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS experts"))
    yield postgres_server
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS experts"))
    engine.dispose()


@pytest.fixture(scope="module")
def fake_gemini_server(request: pytest.FixtureRequest) -> Iterator[FakeGemini]:
    """One wire-faithful fake Gemini on 127.0.0.1 per test module.

    A module configures it with ``FAKE_GEMINI = {...}`` (``FakeGemini`` keyword arguments:
    latency, quota, retry delay...).
    """
    options: dict[str, Any] = getattr(request.module, "FAKE_GEMINI", {})
    with FakeGemini(**options) as server:
        yield server


@pytest.fixture
def fake(fake_gemini_server: FakeGemini) -> FakeGemini:
    """The module's fake Gemini, reset for each test (no scripts, counters or quota windows)."""
    fake_gemini_server.reset()
    return fake_gemini_server
