"""One adapter each, from the settings: the half of the composition root that knows the adapters.

``wiring.Services`` calls these (and re-exports them); nothing else in the entrypoints constructs
an adapter. Heavy adapters are imported here, lazily, so a command pays only for what it uses.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

from enrichment_entrypoints.settings import Settings

if TYPE_CHECKING:
    from enrichment_adapters.gemini.batch import GeminiBatchTagger
    from enrichment_adapters.gemini.embedder import GeminiEmbedder
    from enrichment_adapters.gemini.tagger import GeminiTagGenerator
    from enrichment_adapters.search_batching import BatchedSearch
    from enrichment_adapters.sql.repo import SqlExpertRepo
    from enrichment_adapters.sql.runs import SqlRunStore
    from enrichment_adapters.vector_index.cache import SqliteVectorCache
    from enrichment_adapters.vector_index.faiss_index import FaissVectorIndex
    from enrichment_adapters.vector_index.memo import MemoizedVectorCache
    from enrichment_core.ports import Embedder, SearchIndex, TagGenerator, VectorCache
    from enrichment_core.usage import PriceTable

TaggerChoice = Literal["gemini", "local"]
EmbedderChoice = Literal["local", "gemini"]


def gemini_key(settings: Settings, error: type[Exception], alternative: str) -> str:
    """The configured Gemini key, or ``error`` saying how to set one or what to use instead."""
    key = settings.gemini_api_key.get_secret_value() if settings.gemini_api_key else None
    if not key:
        raise error(
            f"No Gemini key found - set GEMINI_API_KEY (or GOOGLE_API_KEY), or use {alternative}"
        )
    return key


def missing_database_file(settings: Settings) -> Path | None:
    """The SQLite file ``settings`` names when it does not exist yet (None otherwise)."""
    from enrichment_adapters.sql.schema import sqlite_file

    path = sqlite_file(settings.database_url)
    return path if path is not None and not path.exists() else None


def build_repo(settings: Settings) -> SqlExpertRepo:
    from enrichment_adapters.sql.repo import SqlExpertRepo

    return SqlExpertRepo(settings.database_url)


def build_gemini_tagger(settings: Settings) -> GeminiTagGenerator:
    from enrichment_adapters.gemini.tagger import GeminiTagGenerator
    from enrichment_core.errors import TaggerUnavailableError

    return GeminiTagGenerator(
        api_key=gemini_key(
            settings, TaggerUnavailableError, "the offline tagger with --tagger local"
        ),
        model=settings.tag_model,
        base_url=settings.gemini_base_url,
        timeout_s=settings.tag_timeout_s,
    )


def build_tagger(settings: Settings, choice: str | None = None) -> TagGenerator:
    """The configured tagger: ``gemini`` when a key is set (or asked for), else the offline one."""
    if (choice or settings.resolved_tagger()) == "gemini":
        return build_gemini_tagger(settings)
    from enrichment_adapters.local import model as local_model
    from enrichment_adapters.local.tagger import LocalTagGenerator

    local_model.set_default_precision(settings.local_precision)  # the tagger names none
    return LocalTagGenerator()


def build_gemini_embedder(settings: Settings) -> GeminiEmbedder:
    from enrichment_adapters.gemini.embedder import GeminiEmbedder
    from enrichment_core.errors import EmbedderUnavailableError

    return GeminiEmbedder(
        api_key=gemini_key(
            settings, EmbedderUnavailableError, "the local embedder with --embedder local"
        ),
        model=settings.embedding_model,
        dimension=settings.embedding_dimension,
        base_url=settings.gemini_base_url,
    )


def build_embedder(settings: Settings, choice: str | None = None) -> Embedder:
    if (choice or settings.embedder) == "gemini":
        return build_gemini_embedder(settings)
    from enrichment_adapters.local.embedder import LocalEmbedder

    return LocalEmbedder(precision=settings.local_precision)


def build_searcher(
    embedder: Embedder, index: SearchIndex, explain_with: VectorCache | None
) -> BatchedSearch | None:
    """The search use case for a server, searches arriving together sharing one model pass, when
    ``embedder`` can embed several queries in one call; None when it cannot (each search then
    runs on its own). The searcher owns a worker thread: whoever builds it closes it."""
    from enrichment_adapters.local.embedder import LocalEmbedder
    from enrichment_adapters.search_batching import BatchedSearch
    from enrichment_core.ports import BatchQueryEmbedder

    if isinstance(embedder, LocalEmbedder):  # a server: worth tracing the model once
        embedder = embedder.with_traced_queries()
    if not isinstance(embedder, BatchQueryEmbedder):
        return None
    return BatchedSearch(embedder, index, explain_with=explain_with)


def build_index(settings: Settings) -> FaissVectorIndex:
    from enrichment_adapters.vector_index.faiss_index import FaissVectorIndex

    return FaissVectorIndex(Path(settings.index_dir))


def build_vector_cache(settings: Settings) -> SqliteVectorCache:
    from enrichment_adapters.vector_index.cache import SqliteVectorCache, default_cache_path

    return SqliteVectorCache(default_cache_path(Path(settings.index_dir)))


def build_search_vectors(cache: VectorCache) -> MemoizedVectorCache:
    from enrichment_adapters.vector_index.memo import MemoizedVectorCache

    return MemoizedVectorCache(cache)


def build_run_store(settings: Settings, repo: object | None = None) -> SqlRunStore:
    """Run records and batch jobs, in the experts' database (sharing ``repo``'s engine if SQL)."""
    from enrichment_adapters.sql.runs import SqlRunStore

    engine = getattr(repo, "engine", None)
    return SqlRunStore(engine if engine is not None else settings.database_url)


def build_batch_tagger(settings: Settings) -> GeminiBatchTagger:
    from enrichment_adapters.gemini.batch import GeminiBatchTagger
    from enrichment_core.batch_plan import BatchLimits
    from enrichment_core.errors import TaggerUnavailableError

    return GeminiBatchTagger(
        api_key=gemini_key(settings, TaggerUnavailableError, "the online path without --batch"),
        model=settings.tag_model,
        base_url=settings.gemini_base_url,
        limits=BatchLimits(
            max_requests=settings.batch_max_requests,
            max_enqueued_tokens=settings.batch_enqueued_tokens,
        ),
    )


def price_table(settings: Settings) -> PriceTable:
    """``ENRICH_PRICES`` as the core's price table."""
    from enrichment_core.usage import ModelPrice, ModelPricing, PriceTable

    return PriceTable(
        {
            model: ModelPricing(
                online=ModelPrice(p.input, p.cached, p.output),
                batch=ModelPrice(p.batch_input, p.batch_cached, p.batch_output),
            )
            for model, p in settings.prices.items()
        }
    )
