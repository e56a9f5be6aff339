"""`enrich search` answered by a running `enrich serve` of the same index, and only then.

The server runs in a thread of the test process (uvicorn on 127.0.0.1), leaves the note that
`enrich serve` leaves, and counts the queries it embeds; embedding goes to the fake Gemini.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from enrichment_core.ports import Embedder, Vectors
from enrichment_entrypoints import server_link, wiring
from enrichment_entrypoints.api.app import create_app
from enrichment_entrypoints.settings import Settings
from tests.e2e.test_cli import FAKE_GEMINI, bios, enrich, env, write_csv  # noqa: F401 - fixtures
from tests.support.api_harness import LiveServer
from tests.support.fake_embedder import HashingEmbedder


class CountingEmbedder:
    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.queries: list[str] = []

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> Vectors:
        self.queries.append(text)
        return self.inner.embed_query(text)


def settings_of(env: dict[str, str]) -> Settings:  # noqa: F811
    keys: dict[str, Any] = {  # these two fields are set by their environment names
        "GOOGLE_API_KEY": env["GOOGLE_API_KEY"],
        "GOOGLE_GEMINI_BASE_URL": env["GOOGLE_GEMINI_BASE_URL"],
    }
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=env["ENRICH_DATABASE_URL"],
        index_dir=Path(env["ENRICH_INDEX_DIR"]),
        tagger="gemini",
        embedder="gemini",
        embedding_dimension=int(env["ENRICH_EMBEDDING_DIMENSION"]),
        admin_key=SecretStr("k"),
        **keys,
    )


@pytest.fixture
def indexed(env: dict[str, str], tmp_path: Path) -> dict[str, str]:  # noqa: F811
    enrich(env, "seed", str(write_csv(tmp_path / "e.csv", bios(9))))
    enrich(env, "tag")
    assert enrich(env, "ingest").exit_code == 0
    return env


@pytest.fixture
def server(indexed: dict[str, str]) -> Iterator[tuple[str, CountingEmbedder]]:
    settings = settings_of(indexed)
    embedder = CountingEmbedder(wiring.build_embedder(settings))
    with LiveServer(create_app(settings, embedder=embedder, warm_up=False)) as live:
        with server_link.advertised(settings.index_dir, live.url) as note:
            assert note is not None
            assert note.is_file()
            yield live.url, embedder
        assert not note.exists()  # the note goes with the server


def test_search_is_answered_by_the_running_server_of_the_same_index(
    indexed: dict[str, str], server: tuple[str, CountingEmbedder]
) -> None:
    url, embedder = server
    remote = enrich(indexed, "search", "R&D tax credits", "-k", "3", "--json")
    assert remote.exit_code == 0, remote.output
    assert embedder.queries == ["R&D tax credits"]
    assert f"answered by `enrich serve` at {url}" in remote.stderr

    local = enrich(indexed, "search", "R&D tax credits", "-k", "3", "--json", "--no-server")
    assert local.exit_code == 0
    assert "answered by" not in local.stderr
    assert embedder.queries == ["R&D tax credits"]  # the server was not asked
    assert json.loads(remote.stdout) == json.loads(local.stdout)

    table = enrich(indexed, "search", "veterinary surgery", "-k", "2")
    assert " 1. " in table.stdout
    assert "tags:" in table.stdout
    assert embedder.queries[-1] == "veterinary surgery"


def test_a_server_with_another_embedder_is_not_asked(indexed: dict[str, str]) -> None:
    settings = settings_of(indexed)
    other = CountingEmbedder(HashingEmbedder(dimension=256))
    with (
        LiveServer(create_app(settings, embedder=other, warm_up=False)) as live,
        server_link.advertised(settings.index_dir, live.url),
    ):
        result = enrich(indexed, "search", "tax credits", "--json")
    assert result.exit_code == 0
    assert "answered by" not in result.stderr
    assert other.queries == []
    assert json.loads(result.stdout)


def test_notes_of_dead_or_silent_servers_are_ignored(indexed: dict[str, str]) -> None:
    index_dir = Path(indexed["ENRICH_INDEX_DIR"])
    dead = server_link.note_path(index_dir, pid=2**22 + 12345)
    dead.write_text(json.dumps({"url": "http://127.0.0.1:9", "pid": 2**22 + 12345}))
    silent = server_link.note_path(index_dir, pid=os.getpid())
    silent.write_text(json.dumps({"url": "http://127.0.0.1:9", "pid": os.getpid()}))
    (index_dir / ".server-garbage.json").write_text("{not json")

    result = enrich(indexed, "search", "tax credits", "-k", "2", "--json")
    assert result.exit_code == 0, result.output
    assert "answered by" not in result.stderr
    assert len(json.loads(result.stdout)) == 2
    assert not dead.exists()  # a dead server's note is removed
    assert silent.exists()  # a live process that does not answer is left alone


@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("127.0.0.1", "http://127.0.0.1:8000"),
        ("0.0.0.0", "http://127.0.0.1:8000"),
        ("::", "http://[::1]:8000"),
        ("example.internal", "http://example.internal:8000"),
    ],
)
def test_the_advertised_url_is_how_a_local_client_reaches_the_bind_address(
    host: str, url: str
) -> None:
    assert server_link.connect_url(host, 8000) == url


def test_filters_and_paging_reach_the_server_and_match_a_local_search(
    indexed: dict[str, str], server: tuple[str, CountingEmbedder]
) -> None:
    url, _ = server
    options = ["tax credits", "--tag", "tax law", "--max-rate", "100", "-k", "2", "--offset", "1"]
    remote = enrich(indexed, "search", *options)
    local = enrich(indexed, "search", *options, "--no-server")
    assert remote.exit_code == 0, remote.output
    assert local.exit_code == 0, local.output
    assert f"answered by `enrich serve` at {url}" in remote.stderr
    assert remote.stdout == local.stdout
    assert "of " in remote.stdout
    assert " candidates" in remote.stdout
    as_json = enrich(indexed, "search", *options, "--json")
    assert all("tax law" in hit["tags"] for hit in json.loads(as_json.stdout))


def test_enrich_serve_removes_its_note_when_it_is_stopped(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    import httpx

    from enrichment_adapters.sql.repo import SqlExpertRepo
    from tests.support.api_harness import free_port

    SqlExpertRepo(f"sqlite:///{tmp_path}/e.db").close()  # serve needs an existing database
    port, index_dir = free_port(), tmp_path / "index"
    server_env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "GOOGLE_API_KEY": "unused",
        "GOOGLE_GEMINI_BASE_URL": "http://127.0.0.1:9",
        "ENRICH_TAGGER": "gemini",
        "ENRICH_EMBEDDER": "gemini",
    }
    command = [sys.executable, "-m", "enrichment_entrypoints", "--db", f"sqlite:///{tmp_path}/e.db"]
    command += ["--index-dir", str(index_dir), "serve", "--port", str(port)]
    server = subprocess.Popen(
        command, env=server_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        note = server_link.note_path(index_dir, pid=server.pid)
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, "enrich serve stopped"
            assert time.monotonic() < deadline, "enrich serve did not start"
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code < 600:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        assert json.loads(note.read_text())["url"] == f"http://127.0.0.1:{port}"
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    finally:
        if server.poll() is None:
            server.kill()
    assert not note.exists()
