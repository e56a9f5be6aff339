"""The search use case: a client's question in, the best experts of the promoted index out.

The index records which embedder built it; a query embedded by another model (or another
dimension) would return confident nonsense, so it is refused with a message saying how to fix it.

Ranking uses the tags. The ``CANDIDATES`` nearest experts by the dense score (query vs the
expert's embedding text, which already ends with its tags) are re-ranked by

    dense + TAG_WEIGHT * tag_match,   tag_match = (best tag similarity + centroid similarity) / 2

where a tag's similarity is the cosine of the query and the tag name embedded by the same
embedder ("my dog is limping" is close to "veterinary medicine"), and the centroid is the mean
of the expert's tag vectors. Tag vectors are kept per embedder in a ``TagTable`` (tags come from a
bounded vocabulary, so the table warms up after a few queries). The weight was chosen on real
dev data (``benchmarks/search_quality.py``): a tag match counts as much as the text match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from enrichment_core.errors import (
    EmbedderMismatchError,
    EmbeddingError,
    IndexNotFoundError,
    InvalidQueryError,
)
from enrichment_core.explain import explain_hits
from enrichment_core.filters import NO_FILTERS, SearchFilters
from enrichment_core.ingest import embedder_key, text_hash
from enrichment_core.ports import (
    Embedder,
    IndexManifest,
    SearchHit,
    SearchIndex,
    VectorCache,
    Vectors,
)
from enrichment_core.tag_ranking import (
    TAG_WEIGHT,
    from_cache,
    rerank_with_tags,
    table_for,
)
from enrichment_core.tag_table import TagVectors

__all__ = [
    "DEFAULT_K",
    "MAX_K",
    "MAX_OFFSET",
    "MAX_QUERY_CHARS",
    "TAG_WEIGHT",
    "InvalidQueryError",
    "SearchPage",
    "clean_query",
    "hit_fields",
    "search",
    "search_page",
]

# The limits both front doors show (the API's query validation, the CLI's -k range) and the use
# case enforces: one source. 500 characters hold any real question (all-MiniLM-L6-v2 reads about
# 1,000 characters at most), and 50 experts is more than anyone reads in one answer.
MAX_QUERY_CHARS = 500
MAX_K = 50
DEFAULT_K = 10
MAX_OFFSET = 1_000
CANDIDATES = 100  # dense hits re-ranked with their tags

_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SPACE_RE = re.compile(r"\s+")


def clean_query(query: str) -> str:
    """Strip control characters and collapse whitespace; reject empty and oversize queries."""
    if not isinstance(query, str):
        raise InvalidQueryError("the search query must be text")
    text = _SPACE_RE.sub(" ", _CONTROL_RE.sub(" ", query)).strip()
    if not text:
        raise InvalidQueryError(
            "the search query is empty: describe what you need, e.g. 'R&D tax credits for a startup'"
        )
    if len(text) > MAX_QUERY_CHARS:
        raise InvalidQueryError(
            f"the search query is {len(text):,} characters; shorten it to at most "
            f"{MAX_QUERY_CHARS:,}"
        )
    return text


def check_embedder(manifest: IndexManifest, embedder: Embedder) -> None:
    """Refuse a query embedder that is not the one that built the index."""
    if manifest.embedder_model == embedder.model_id and manifest.dimension == embedder.dimension:
        return
    raise EmbedderMismatchError(
        f"the index was built with {manifest.embedder_model} ({manifest.dimension} dimensions) but "
        f"the configured embedder is {embedder.model_id} ({embedder.dimension} dimensions): "
        f"re-run `enrich ingest` with the configured embedder, or configure "
        f"{manifest.embedder_model} for search"
    )


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of results: ``hits`` ranked ``offset + 1``... of ``total`` candidates."""

    hits: list[SearchHit]
    total: int  # experts in the index that pass the filters (all of them when unfiltered)
    offset: int
    k: int


def _check_paging(k: int, offset: int) -> None:
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise InvalidQueryError(f"k must be a whole number from 1 to {MAX_K}, got {k!r}")
    if isinstance(offset, bool) or not isinstance(offset, int) or not 0 <= offset <= MAX_OFFSET:
        raise InvalidQueryError(
            f"offset must be a whole number from 0 to {MAX_OFFSET}, got {offset!r}"
        )


def _query_vector(embedder: Embedder, text: str) -> Vectors:
    vector = np.asarray(embedder.embed_query(text), dtype=np.float32)
    if vector.shape != (embedder.dimension,) or not np.all(np.isfinite(vector)):
        raise EmbeddingError(
            f"embedder {embedder.model_id} returned a query vector of shape {vector.shape}, "
            f"expected ({embedder.dimension},)"
        )
    return vector


def search_page(
    query: str,
    *,
    embedder: Embedder,
    index: SearchIndex,
    k: int = DEFAULT_K,
    offset: int = 0,
    filters: SearchFilters = NO_FILTERS,
    explain_with: VectorCache | None = None,
    tag_vectors: TagVectors | None = None,
) -> SearchPage:
    """Hits ``offset+1 .. offset+k`` of the experts nearest the query that pass ``filters``.

    Filters are applied before ranking (the index searches only the candidates), so a page is
    full whenever enough experts pass. With ``explain_with`` (the ingest's vector cache) each hit
    carries ``matched_tags`` and ``evidence`` (``enrichment_core.explain``), at no model call.
    Ranking: the ``max(offset + k, CANDIDATES)`` dense nearest are re-ranked with their tags
    (module doc); ``tag_vectors`` embeds tag names (default: the embedder, kept in its ``TagTable``); a hit's
    score is the fused score.

    Raises ``InvalidQueryError`` (empty or over ``MAX_QUERY_CHARS`` characters, ``k`` outside
    1..``MAX_K``, ``offset`` outside 0..``MAX_OFFSET``), ``IndexNotFoundError`` (nothing promoted
    yet), ``EmbedderMismatchError`` (the index was built by another embedder), ``EmbeddingError``.
    """
    text = clean_query(query)
    _check_paging(k, offset)
    manifest = index.manifest()
    if manifest is None:
        raise IndexNotFoundError("no index has been promoted yet: run `enrich ingest`")
    check_embedder(manifest, embedder)
    candidates: list[int] | None = None
    total = manifest.count
    if filters.active:
        candidates = filters.candidates(index.records())
        total = len(candidates)
        if not candidates:  # nothing passes: no need to embed the query
            return SearchPage(hits=[], total=0, offset=offset, k=k)
    vector = _query_vector(embedder, text)
    dense = index.search(vector, max(offset + k, CANDIDATES), candidates=candidates)
    table = None  # tag vectors given by the caller are theirs: not kept for other searches
    if tag_vectors is None:
        embed = embedder.embed_documents  # the table keeps what it embeds
        tag_vectors = embed if explain_with is None else from_cache(explain_with, embedder, embed)
        table = table_for(embedder)
    ranked = rerank_with_tags(vector, dense, tag_vectors, table=table)
    # The index may have been replaced between reading its records and searching it: re-check.
    hits = [h for h in ranked if filters.matches(h.record)][offset : offset + k]
    if explain_with is not None:
        hits = explain_hits(
            text,
            vector,
            hits,
            cache=explain_with,
            embedder_key=embedder_key(embedder),
            text_hash=text_hash,
        )
    return SearchPage(hits=hits, total=total, offset=offset, k=k)


def search(
    query: str, *, embedder: Embedder, index: SearchIndex, k: int = DEFAULT_K
) -> list[SearchHit]:
    """The ``k`` experts nearest the query, best first (``search_page`` without its options)."""
    return search_page(query, embedder=embedder, index=index, k=k).hits


def hit_fields(hit: SearchHit) -> dict[str, Any]:
    """One hit as the front doors show it (the CLI's ``--json``, the API's search answer)."""
    record = hit.record
    return {
        "username": record.username,
        "score": round(float(hit.score), 4),
        "name": record.name,
        "job_title": record.job_title,
        "company": record.company,
        "tags": list(record.tags),
        "findability_score": record.findability_score,
        "profile_url": record.profile_url,
        "hourly_rate": record.hourly_rate,
        "matched_tags": list(hit.matched_tags),
        "evidence": hit.evidence,
    }
