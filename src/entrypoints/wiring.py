"""The composition root: settings in, services out. The CLI and the API both build from here.

``Services(settings)`` builds each port on first use (so ``enrich seed`` never needs a Gemini key
and ``enrich search`` never opens the database), derives the use cases' options from the settings
(``TaggingOptions``, the intake and retry timeouts) and closes what it built — never what it was
given, which belongs to the caller: ``with Services(settings) as services:`` in the sync front
doors, ``async with`` in the async ones (``enrich tag``, the API lifespan). ``build_*``
(``enrichment_entrypoints.builders``, re-exported here) make the adapters; nothing else does.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from enrichment_core.tagging import TaggingOptions
from enrichment_entrypoints.builders import (
    EmbedderChoice,
    TaggerChoice,
    build_batch_tagger,
    build_embedder,
    build_gemini_embedder,
    build_gemini_tagger,
    build_index,
    build_repo,
    build_run_store,
    build_search_vectors,
    build_searcher,
    build_tagger,
    build_vector_cache,
    gemini_key,
    missing_database_file,
    price_table,
)
from enrichment_entrypoints.settings import Settings

__all__ = [
    "CALL_TIMEOUT_MARGIN_S",
    "EmbedderChoice",
    "Services",
    "TaggerChoice",
    "build_batch_tagger",
    "build_embedder",
    "build_gemini_embedder",
    "build_gemini_tagger",
    "build_index",
    "build_repo",
    "build_run_store",
    "build_searcher",
    "build_tagger",
    "build_vector_cache",
    "call_timeout_s",
    "gemini_key",
    "missing_database_file",
    "price_table",
    "tagging_options",
]

if TYPE_CHECKING:
    import os

    from enrichment_adapters.csv_import import CsvImport
    from enrichment_adapters.gemini.batch import GeminiBatchTagger
    from enrichment_adapters.search_batching import BatchedSearch
    from enrichment_core.ports import Embedder, ExpertRepo, TagGenerator, VectorCache, VectorIndex
    from enrichment_core.runs import RunStore
    from enrichment_core.usage import PriceTable

# The use cases bound one tagger call by the adapter's own deadline (ENRICH_TAG_TIMEOUT_S) plus this
# margin, so the adapter's clearer timeout error fires first; theirs only catches a hung adapter.
CALL_TIMEOUT_MARGIN_S = 5.0


def call_timeout_s(settings: Settings) -> float:
    """The use cases' deadline for one tagger call (batch run and background intake retry)."""
    return settings.tag_timeout_s + CALL_TIMEOUT_MARGIN_S


def tagging_options(
    settings: Settings,
    *,
    concurrency: int | None = None,
    rpm: float | None = None,
    tagger: TaggerChoice | None = None,
) -> TaggingOptions:
    """The batch run's options: ``Settings.tagging_limits``, overridden by command-line values."""
    limits = settings.tagging_limits(tagger or settings.resolved_tagger())
    return TaggingOptions(
        concurrency=concurrency or limits[0],
        rpm=rpm or limits[1],
        call_timeout_s=call_timeout_s(settings),
        max_quota_wait_s=settings.max_quota_wait_s,
    )


# --- the container ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Owned:
    """A resource the container built: how to close it, synchronously and (if it can) async."""

    close: Callable[[], None]
    aclose: Callable[[], Awaitable[None]] | None = None


class Services:
    """Every port the front doors need, built from ``settings`` on first use, closed by ``close``.

    Ports passed in are used as they are and never closed here. ``tagger_choice`` and
    ``embedder_choice`` override the settings (the CLI's ``--tagger`` and ``--embedder``).
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        repo: ExpertRepo | None = None,
        tagger: TagGenerator | None = None,
        embedder: Embedder | None = None,
        index: VectorIndex | None = None,
        vector_cache: VectorCache | None = None,
        tagger_choice: TaggerChoice | None = None,
        embedder_choice: EmbedderChoice | None = None,
    ) -> None:
        self.settings = settings if settings is not None else Settings()
        self._repo = repo
        self._tagger = tagger
        self._embedder = embedder
        self._searcher: BatchedSearch | None = None
        self._searcher_built = False
        self._index = index
        self._vector_cache = vector_cache
        self._search_vectors: VectorCache | None = None
        self._run_store: RunStore | None = None
        self._repo_given = repo is not None
        self._batch_tagger: GeminiBatchTagger | None = None
        self.tagger_kind: TaggerChoice = tagger_choice or self.settings.resolved_tagger()
        self.embedder_kind: EmbedderChoice = embedder_choice or self.settings.embedder
        self._warm = {
            "tagger": tagger is None and self.tagger_kind == "local",
            "embedder": embedder is None and self.embedder_kind == "local",
        }
        self._owned: list[_Owned] = []

    # --- the ports (built on first use) -----------------------------------------------------

    @property
    def repo(self) -> ExpertRepo:
        if self._repo is None:
            repo = build_repo(self.settings)
            self._owned.append(_Owned(repo.close))
            self._repo = repo
        return self._repo

    @property
    def tagger(self) -> TagGenerator:
        if self._tagger is None:
            if self.tagger_kind == "gemini":
                gemini = build_gemini_tagger(self.settings)
                self._owned.append(_Owned(gemini.close, gemini.aclose))
                self._tagger = gemini
            else:
                self._tagger = local = build_tagger(self.settings, "local")
                self._owned.append(_Owned(getattr(local, "close", lambda: None)))  # its worker
        return self._tagger

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            if self.embedder_kind == "gemini":
                gemini = build_gemini_embedder(self.settings)
                self._owned.append(_Owned(gemini.close))
                self._embedder = gemini
            else:
                self._embedder = build_embedder(self.settings, "local")
        return self._embedder

    @property
    def searcher(self) -> BatchedSearch | None:
        """The search use case for a server: searches arriving together share one model pass
        (None when the embedder cannot embed several queries at once)."""
        if not self._searcher_built:
            self._searcher_built = True
            self._searcher = build_searcher(self.embedder, self.index, self.search_vectors)
            if self._searcher is not None:
                self._owned.append(_Owned(self._searcher.close))  # its worker thread
        return self._searcher

    @property
    def index(self) -> VectorIndex:
        if self._index is None:
            self._index = build_index(self.settings)
        return self._index

    @property
    def vector_cache(self) -> VectorCache:
        if self._vector_cache is None:
            cache = build_vector_cache(self.settings)
            self._owned.append(_Owned(cache.close))
            self._vector_cache = cache
        return self._vector_cache

    @property
    def search_vectors(self) -> VectorCache:
        """``vector_cache`` behind an in-memory memo: a server's searches re-read the same vectors."""
        if self._search_vectors is None:
            self._search_vectors = build_search_vectors(self.vector_cache)
        return self._search_vectors

    @property
    def run_store(self) -> RunStore:
        """Tag-run records and batch jobs, beside the experts."""
        if self._run_store is None:
            engine = getattr(self.repo, "engine", None)
            if self._repo_given and engine is None:
                # A repository passed in that is not SQL (tests, an in-memory service): keep the
                # run records beside it in memory rather than open the configured database.
                from enrichment_adapters.memory_runs import InMemoryRunStore

                self._run_store = InMemoryRunStore()
            else:
                store = build_run_store(self.settings, self.repo)
                if store.engine is not engine:
                    self._owned.append(_Owned(store.engine.dispose))
                self._run_store = store
        return self._run_store

    @property
    def batch_tagger(self) -> GeminiBatchTagger:
        """The Gemini Batch API tagger (``enrich tag --batch``)."""
        if self._batch_tagger is None:
            batch = build_batch_tagger(self.settings)
            self._owned.append(_Owned(batch.close))
            self._batch_tagger = batch
        return self._batch_tagger

    @property
    def prices(self) -> PriceTable:
        return price_table(self.settings)

    def uses_local_model(self, port: Literal["tagger", "embedder"]) -> bool:
        """True when that port is (or will be) the offline model built here (worth warming up)."""
        return self._warm[port]

    def read_experts_csv(self, path: str | os.PathLike[str]) -> CsvImport:
        """An experts CSV, read and validated (bad rows reported by line)."""
        from enrichment_adapters.csv_import import read_experts_csv

        return read_experts_csv(path)

    # --- options -----------------------------------------------------------------------------

    def tagging_options(
        self, *, concurrency: int | None = None, rpm: float | None = None
    ) -> TaggingOptions:
        kind = self.tagger_kind
        return tagging_options(self.settings, concurrency=concurrency, rpm=rpm, tagger=kind)

    @property
    def intake_timeout_s(self) -> float:
        """The synchronous tagging deadline of the admin "add expert" call."""
        return self.settings.intake_timeout_s

    @property
    def retry_timeout_s(self) -> float:
        """The deadline of a background intake retry: one tagger call, as in a batch run."""
        return call_timeout_s(self.settings)

    # --- lifetime ----------------------------------------------------------------------------

    def _take_owned(self) -> list[_Owned]:
        owned, self._owned = self._owned, []
        return owned[::-1]  # last built, first closed

    def close(self) -> None:
        """Close what this container built (synchronously)."""
        for resource in self._take_owned():
            resource.close()

    async def aclose(self) -> None:
        """Close what this container built, awaiting async closes (inside the loop that used them)."""
        for resource in self._take_owned():
            if resource.aclose is not None:
                await resource.aclose()
            else:
                resource.close()

    def __enter__(self) -> Services:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    async def __aenter__(self) -> Services:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
