"""The composition root: ports built on first use, options derived once, lifetimes owned."""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import anyio
import pytest

from enrichment_adapters.local.tagger import MAX_BATCH as LOCAL_MAX_BATCH
from enrichment_adapters.memory import InMemoryExpertRepo
from enrichment_adapters.vector_index.cache import SqliteVectorCache, default_cache_path
from enrichment_core.errors import EmbedderUnavailableError, TaggerUnavailableError
from enrichment_entrypoints.settings import LOCAL_TAGGING_CONCURRENCY, Settings
from enrichment_entrypoints.wiring import CALL_TIMEOUT_MARGIN_S, Services


def settings(tmp_path: Path, **values: Any) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite:///{tmp_path / 'experts.db'}",
        index_dir=tmp_path / "index",
        **values,
    )


def test_nothing_is_built_before_it_is_used(tmp_path: Path) -> None:
    services = Services(settings(tmp_path, tagger="gemini", embedder="gemini"))
    assert services.repo.count() == 0  # a command that needs only the database works keyless
    with pytest.raises(TaggerUnavailableError, match="No Gemini key found"):
        _ = services.tagger
    with pytest.raises(EmbedderUnavailableError, match="--embedder local"):
        _ = services.embedder
    services.close()


def test_the_call_timeout_is_the_adapters_deadline_plus_the_margin(tmp_path: Path) -> None:
    services = Services(settings(tmp_path, tag_timeout_s=12.0, concurrency=3, rpm=90.0))
    options = services.tagging_options()
    assert options.call_timeout_s == 12.0 + CALL_TIMEOUT_MARGIN_S
    assert (options.concurrency, options.rpm) == (3, 90.0)
    assert services.retry_timeout_s == options.call_timeout_s
    overridden = services.tagging_options(concurrency=1, rpm=5.0)
    assert (overridden.concurrency, overridden.rpm) == (1, 5.0)


def test_the_local_tagger_runs_unlimited_with_enough_calls_to_fill_its_passes(
    tmp_path: Path,
) -> None:
    options = Services(settings(tmp_path), tagger_choice="local").tagging_options()
    assert (options.concurrency, options.rpm) == (LOCAL_TAGGING_CONCURRENCY, math.inf)
    assert LOCAL_TAGGING_CONCURRENCY >= 2 * LOCAL_MAX_BATCH  # one pass runs, one refills
    explicit = Services(settings(tmp_path), tagger_choice="local").tagging_options(
        concurrency=4, rpm=120.0
    )
    assert (explicit.concurrency, explicit.rpm) == (4, 120.0)  # --concurrency / --rpm win


def test_the_local_tagger_honours_enrich_rpm_and_enrich_concurrency(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ENRICH_RPM", "300")
    options = Services(settings(tmp_path), tagger_choice="local").tagging_options()
    assert (options.concurrency, options.rpm) == (LOCAL_TAGGING_CONCURRENCY, 300.0)
    monkeypatch.setenv("ENRICH_CONCURRENCY", "5")
    options = Services(settings(tmp_path), tagger_choice="local").tagging_options()
    assert (options.concurrency, options.rpm) == (5, 300.0)


def test_the_gemini_tagger_keeps_its_quota_defaults(tmp_path: Path) -> None:
    options = Services(settings(tmp_path), tagger_choice="gemini").tagging_options()
    assert (options.concurrency, options.rpm) == (8, 600.0)
    keyed = Services(settings(tmp_path, gemini_api_key="k"))  # gemini by default: a key is set
    assert (keyed.tagging_options().concurrency, keyed.tagging_options().rpm) == (8, 600.0)


def test_what_it_built_is_closed_and_what_it_was_given_is_not(tmp_path: Path) -> None:
    given_repo = InMemoryExpertRepo()
    given_cache = SqliteVectorCache(tmp_path / "given.db")
    with Services(settings(tmp_path), repo=given_repo, vector_cache=given_cache) as services:
        assert services.repo is given_repo
        assert services.vector_cache is given_cache
    assert given_cache.count() == 0  # still open: it belongs to the caller
    given_cache.close()

    with Services(settings(tmp_path)) as services:
        built = services.vector_cache
        assert isinstance(built, SqliteVectorCache)
        assert built.path == default_cache_path(tmp_path / "index")
    with pytest.raises(sqlite3.ProgrammingError):
        built.count()


def test_async_close_closes_what_was_built_inside_the_loop(tmp_path: Path) -> None:
    async def use() -> SqliteVectorCache:
        async with Services(settings(tmp_path)) as services:
            cache = services.vector_cache
            assert isinstance(cache, SqliteVectorCache)
            return cache

    cache = anyio.run(use)
    with pytest.raises(sqlite3.ProgrammingError):
        cache.count()


@pytest.mark.parametrize(
    ("tagger", "given", "warm"),
    [("local", False, True), ("local", True, False), ("gemini", False, False)],
)
def test_only_a_local_model_built_here_is_worth_warming_up(
    tmp_path: Path, tagger: str, given: bool, warm: bool
) -> None:
    from tests.support.scripted_tagger import ScriptedTagger

    services = Services(
        settings(tmp_path, tagger=tagger), tagger=ScriptedTagger() if given else None
    )
    assert services.uses_local_model("tagger") is warm


def test_a_searcher_built_here_batches_searches_and_is_closed_with_the_container(
    tmp_path: Path,
) -> None:
    from enrichment_adapters.memory import InMemoryExpertRepo, InMemoryVectorIndex
    from enrichment_adapters.search_batching import BatchedSearch
    from enrichment_adapters.vector_index.cache import InMemoryVectorCache
    from enrichment_core.experts import Expert
    from enrichment_core.ingest import ingest
    from enrichment_core.ports import Vectors
    from enrichment_core.search import SearchRequest
    from tests.support.fake_embedder import HashingEmbedder

    class BatchingHashes(HashingEmbedder):
        def embed_queries(self, texts: Sequence[str]) -> Vectors:
            return self.embed_documents(texts)

    plain, batching, index = HashingEmbedder(), BatchingHashes(), InMemoryVectorIndex()
    repo = InMemoryExpertRepo([Expert(username="ada", bio="Tax attorney.", tags=("tax law",))])
    ingest(repo, batching, index, InMemoryVectorCache())
    with Services(settings(tmp_path), embedder=plain, index=index) as services:
        assert services.searcher is None  # nothing to batch: each search runs on its own
    with Services(settings(tmp_path), embedder=batching, index=index) as services:
        searcher = services.searcher
        assert isinstance(searcher, BatchedSearch)
        assert services.searcher is searcher  # built once
        page = searcher.search(SearchRequest("tax law"))
        assert [hit.record.username for hit in page.hits] == ["ada"]
    assert searcher.stats().passes == 1
    workers = [searcher._embed._worker, searcher._rank._worker]
    assert all(w is not None and not w.is_alive() for w in workers)  # closed with the container


def test_a_local_tagger_built_here_is_closed_with_the_container(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from enrichment_entrypoints import wiring

    closed: list[str] = []

    class Tagger:
        name = "local:fake"

        async def generate_tags(self, request: object) -> Sequence[str]:
            return ["tax law"]

        def close(self) -> None:  # the local tagger's batching worker
            closed.append(self.name)

    monkeypatch.setattr(wiring, "build_tagger", lambda _settings, _choice: Tagger())
    with Services(settings(tmp_path, tagger="local")) as services:
        assert services.tagger.name == "local:fake"
        assert closed == []
    assert closed == ["local:fake"]


def test_a_server_searcher_over_the_local_model_traces_its_queries() -> None:
    from enrichment_adapters.local.embedder import LocalEmbedder
    from enrichment_adapters.memory import InMemoryVectorIndex
    from enrichment_entrypoints.builders import build_searcher

    local = LocalEmbedder(precision="float32")
    searcher = build_searcher(local, InMemoryVectorIndex(), None)
    assert searcher is not None
    try:
        served = searcher.embedder
        assert isinstance(served, LocalEmbedder)
        assert served._traced_queries
        assert not local._traced_queries  # one-off searches stay eager
        assert served.model_id == local.model_id  # the same vectors for the index's check
    finally:
        searcher.close()
