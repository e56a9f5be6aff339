"""The composition root: settings in, adapters out. The CLI and the API both build from here."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from enrichment_entrypoints.settings import Settings

if TYPE_CHECKING:
    from enrichment_adapters.sql.repo import SqlExpertRepo
    from enrichment_adapters.vector_index.cache import SqliteVectorCache
    from enrichment_adapters.vector_index.faiss_index import FaissVectorIndex
    from enrichment_core.ports import Embedder, TagGenerator


def gemini_key(settings: Settings, error: type[Exception], alternative: str) -> str:
    """The configured Gemini key, or ``error`` saying how to set one or what to use instead."""
    key = settings.gemini_api_key.get_secret_value() if settings.gemini_api_key else None
    if not key:
        raise error(
            f"No Gemini key found - set GEMINI_API_KEY (or GOOGLE_API_KEY), or use {alternative}"
        )
    return key


def build_repo(settings: Settings) -> SqlExpertRepo:
    from enrichment_adapters.sql.repo import SqlExpertRepo

    return SqlExpertRepo(settings.database_url)


def build_tagger(settings: Settings, choice: str | None = None) -> TagGenerator:
    """The configured tagger: ``gemini`` when a key is set (or asked for), else the offline one."""
    kind = choice or settings.resolved_tagger()
    if kind == "gemini":
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
    from enrichment_adapters.local.tagger import LocalTagGenerator

    return LocalTagGenerator()


def build_embedder(settings: Settings, choice: str | None = None) -> Embedder:
    kind = choice or settings.embedder
    if kind == "gemini":
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
    from enrichment_adapters.local.embedder import LocalEmbedder

    return LocalEmbedder()


def build_index(settings: Settings) -> FaissVectorIndex:
    from enrichment_adapters.vector_index.faiss_index import FaissVectorIndex

    return FaissVectorIndex(Path(settings.index_dir))


def build_vector_cache(settings: Settings) -> SqliteVectorCache:
    from enrichment_adapters.vector_index.cache import SqliteVectorCache, default_cache_path

    return SqliteVectorCache(default_cache_path(Path(settings.index_dir)))
