"""Tag-aware ranking for the search use case: tag vectors, the fused score, one page of hits.

The ``CANDIDATES`` nearest experts by the dense score (query vs the expert's embedding text,
which already ends with its tags) are re-ranked by

    dense + TAG_WEIGHT * tag_match,   tag_match = (best tag similarity + centroid similarity) / 2

where a tag's similarity is the cosine of the query and the tag name embedded by the same
embedder ("my dog is limping" is close to "veterinary medicine"), and the centroid is the mean
of the expert's tag vectors. Tag vectors are kept per embedder in a ``TagTable`` (tags come from a
bounded vocabulary, so the table warms up after a few queries). The weight was chosen on real
dev data (``benchmarks/search_quality.py``): a tag match counts as much as the text match.

A server ranks every query's ~100 candidates, so what does not depend on the query is computed
once per distinct value and remembered (bounded): an expert's distinct tags, a text's cache key
(``cached_text_hash``); the per-query work is two gathers, two matrix-vector products, one sort,
and ``SearchHit`` objects for the page only.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import Protocol

import numpy as np

from enrichment_core.explain import explain_hits
from enrichment_core.filters import SearchFilters
from enrichment_core.ingest import embedder_key, text_hash
from enrichment_core.ports import Embedder, SearchHit, SearchIndex, VectorCache, Vectors
from enrichment_core.tag_table import TagTable, TagVectors

TAG_WEIGHT = 1.0
CANDIDATES = 100  # dense hits re-ranked with their tags
_tables_lock = threading.Lock()
_TABLES_LIMIT = 16
_MEMO_SIZE = 1 << 16


@lru_cache(maxsize=_MEMO_SIZE)
def cached_text_hash(text: str) -> str:
    """``ingest.text_hash``, remembered for the tags and sentences searches see again and again."""
    return text_hash(text)


@lru_cache(maxsize=_MEMO_SIZE)
def _distinct(tags: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(tags))


def tag_match(query: Vectors, tag_vectors: Vectors) -> float:
    """How well one expert's tags match the query: mean of the best tag's and the centroid's cosine."""
    if len(tag_vectors) == 0:
        return 0.0
    centroid = tag_vectors.mean(axis=0)
    norm = float(np.linalg.norm(centroid))
    centroid_similarity = float(centroid @ query) / norm if norm > 0 else 0.0
    return 0.5 * float((tag_vectors @ query).max()) + 0.5 * centroid_similarity


def fused_scores(
    query: Vectors,
    hits: Sequence[SearchHit],
    tag_vectors: TagVectors,
    *,
    weight: float = TAG_WEIGHT,
    table: TagTable | None = None,
) -> np.ndarray:
    """``dense + weight * tag_match`` of each hit (float64, in ``hits`` order).

    ``tag_match`` of the whole page at once from ``table`` (``table_for(embedder)`` keeps the
    tags and tag sets of earlier queries; default: a table for this call only, filled through
    ``tag_vectors``): the best tag of each hit and the cosine of its tags' centroid.
    """
    sets = [_distinct(hit.record.tags) for hit in hits]
    tagged = [i for i, tag_set in enumerate(sets) if tag_set]
    match = np.zeros(len(hits), dtype=np.float64)
    if tagged:
        q = np.asarray(query, dtype=np.float32)
        table = table or TagTable(len(q))
        page = table.page([sets[i] for i in tagged], tag_vectors)
        best = np.maximum.reduceat(page.tags[page.rows] @ q, page.starts)
        centroid = page.centroids[page.centroid_rows] @ q
        match[tagged] = 0.5 * best + 0.5 * centroid
    dense = np.fromiter((hit.score for hit in hits), dtype=np.float64, count=len(hits))
    return dense + weight * match


def rerank_with_tags(
    query: Vectors,
    hits: Sequence[SearchHit],
    tag_vectors: TagVectors,
    *,
    weight: float = TAG_WEIGHT,
    table: TagTable | None = None,
) -> list[SearchHit]:
    """``hits`` re-scored ``dense + weight * tag_match`` (``fused_scores``), best first (stable)."""
    scores = fused_scores(query, hits, tag_vectors, weight=weight, table=table)
    return [
        SearchHit(record=hits[i].record, score=float(scores[i]))
        for i in np.argsort(-scores, kind="stable")
    ]


class PageSpec(Protocol):
    """Which page of which experts (``search.SearchRequest``)."""

    @property
    def k(self) -> int: ...
    @property
    def offset(self) -> int: ...
    @property
    def filters(self) -> SearchFilters: ...


class PageRanking:
    """One page of hits for a query vector: dense search, tag re-ranking, match reasons.

    ``tag_vectors`` embeds tag names (default: the embedder, through the ingest's vector cache
    ``explain_with`` when given, kept in the embedder's ``TagTable``).
    """

    def __init__(
        self,
        embedder: Embedder,
        index: SearchIndex,
        explain_with: VectorCache | None = None,
        tag_vectors: TagVectors | None = None,
    ) -> None:
        self._index = index
        self._explain_with = explain_with
        self._key = embedder_key(embedder)
        self._table = None  # tag vectors given by the caller are theirs: not kept for others
        if tag_vectors is None:
            embed = embedder.embed_documents  # the table keeps what it embeds
            cache = explain_with
            tag_vectors = embed if cache is None else from_cache(cache, embedder, embed)
            self._table = table_for(embedder)
        self._tag_vectors = tag_vectors

    def hits(
        self, text: str, vector: Vectors, page: PageSpec, candidates: list[int] | None
    ) -> list[SearchHit]:
        """Hits ``offset+1 .. offset+k`` of ``page`` among the ``max(offset + k, CANDIDATES)``
        dense nearest (among ``candidates`` when given), re-ranked with their tags."""
        k, offset, filters = page.k, page.offset, page.filters
        dense = self._index.search(vector, max(offset + k, CANDIDATES), candidates=candidates)
        scores = fused_scores(vector, dense, self._tag_vectors, table=self._table)
        hits: list[SearchHit] = []
        for i in np.argsort(-scores, kind="stable"):
            # The index may have been replaced between reading its records and searching it.
            if filters.matches(dense[i].record):
                hits.append(SearchHit(record=dense[i].record, score=float(scores[i])))
                if len(hits) == offset + k:
                    break
        hits = hits[offset:]
        if self._explain_with is None or not hits:
            return hits
        return explain_hits(
            text,
            vector,
            hits,
            cache=self._explain_with,
            embedder_key=self._key,
            text_hash=cached_text_hash,
        )


_tables: dict[tuple[str, int], tuple[Embedder, TagTable]] = {}


def table_for(embedder: Embedder) -> TagTable:
    """One ``TagTable`` per embedder object (a process normally has one)."""
    key = (embedder.model_id, id(embedder))
    with _tables_lock:
        entry = _tables.get(key)
        if entry is None or entry[0] is not embedder:
            if len(_tables) >= _TABLES_LIMIT:
                _tables.clear()
            entry = _tables[key] = (embedder, TagTable(embedder.dimension))
        return entry[1]


def from_cache(cache: VectorCache, embedder: Embedder, fallback: TagVectors) -> TagVectors:
    """Tag vectors from the ingest's vector cache (it holds every indexed tag's vector when the
    index was built with explanations), embedding only what it lacks."""
    key = embedder_key(embedder)

    def vectors(tags: Sequence[str]) -> Vectors:
        hashes = {t: cached_text_hash(t) for t in tags}
        found = cache.get_many(key, sorted(set(hashes.values())))
        known = {
            t: found[h]
            for t, h in hashes.items()
            if h in found and found[h].shape == (embedder.dimension,)
        }
        missing = [t for t in tags if t not in known]
        if missing:
            known.update(zip(missing, fallback(missing), strict=True))
        return np.stack([known[t] for t in tags]) if tags else np.zeros((0, 0), np.float32)

    return vectors
