"""Building the HTTP app for tests and benchmarks: a real SQLite file, a real FAISS index folder,
fake or local taggers, and a uvicorn server on a free 127.0.0.1 port in a thread."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI
from pydantic import SecretStr

from enrichment_adapters.sql.repo import SqlExpertRepo
from enrichment_adapters.vector_index.cache import SqliteVectorCache, default_cache_path
from enrichment_adapters.vector_index.faiss_index import FaissVectorIndex
from enrichment_core.ingest import IngestReport, ingest
from enrichment_core.ports import Embedder, ExpertRepo, TagGenerator
from enrichment_entrypoints.api.app import create_app
from enrichment_entrypoints.settings import Settings
from tests.support.fake_embedder import HashingEmbedder
from tests.support.scripted_tagger import ScriptedTagger

ADMIN_KEY = "test-admin-key-0123456789"
ADMIN = {"X-Admin-Key": ADMIN_KEY}


@dataclass
class AppParts:
    app: FastAPI
    settings: Settings
    repo: SqlExpertRepo
    tagger: TagGenerator
    embedder: Embedder
    index: FaissVectorIndex
    index_dir: Path


def build_app(
    tmp_path: Path,
    *,
    tagger: TagGenerator | None = None,
    embedder: Embedder | None = None,
    admin_key: str | None = ADMIN_KEY,
    intake_timeout_s: float = 5.0,
    retry_delay_s: float = 0.0,
    **settings: Any,
) -> AppParts:
    """The app over a SQLite file and an index folder in ``tmp_path``."""
    index_dir = tmp_path / "index"
    config = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite:///{tmp_path / 'experts.db'}",
        index_dir=index_dir,
        admin_key=SecretStr(admin_key) if admin_key is not None else None,
        intake_timeout_s=intake_timeout_s,
        **settings,
    )
    repo = SqlExpertRepo(config.database_url)
    tagger = tagger if tagger is not None else ScriptedTagger()
    embedder = embedder if embedder is not None else HashingEmbedder()
    index = FaissVectorIndex(index_dir)
    app = create_app(
        config,
        repo=repo,
        tagger=tagger,
        embedder=embedder,
        index=index,
        retry_delay_s=retry_delay_s,
    )
    return AppParts(app, config, repo, tagger, embedder, index, index_dir)


def promote_index(repo: ExpertRepo, index_dir: Path, embedder: Embedder) -> IngestReport:
    """What `enrich ingest` does, from another index object (as another process would), with
    the vector cache file the server reads its explanations from."""
    with SqliteVectorCache(default_cache_path(index_dir)) as cache:
        return ingest(repo, embedder, FaissVectorIndex(index_dir), cache)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """uvicorn serving ``app`` on 127.0.0.1:<free port> in a daemon thread (a context manager)."""

    def __init__(self, app: FastAPI, *, port: int | None = None) -> None:
        self.port = port or free_port()
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            ws="none",
            http="h11",
            lifespan="on",
            access_log=False,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="uvicorn-test", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"uvicorn did not start on port {self.port}")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
