"""Tag-aware ranking for the search use case: tag vectors and the fused score.

``dense + TAG_WEIGHT * tag_match``, where ``tag_match`` is the mean of the query's cosine to the
expert's best tag and to the centroid of its tags (see ``enrichment_core.search``).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from enrichment_core.ingest import embedder_key, text_hash
from enrichment_core.ports import Embedder, SearchHit, VectorCache, Vectors
from enrichment_core.tag_table import TagTable, TagVectors

TAG_WEIGHT = 1.0
_tables_lock = threading.Lock()
_TABLES_LIMIT = 16


def tag_match(query: Vectors, tag_vectors: Vectors) -> float:
    """How well one expert's tags match the query: mean of the best tag's and the centroid's cosine."""
    if len(tag_vectors) == 0:
        return 0.0
    centroid = tag_vectors.mean(axis=0)
    norm = float(np.linalg.norm(centroid))
    centroid_similarity = float(centroid @ query) / norm if norm > 0 else 0.0
    return 0.5 * float((tag_vectors @ query).max()) + 0.5 * centroid_similarity


def rerank_with_tags(
    query: Vectors,
    hits: Sequence[SearchHit],
    tag_vectors: TagVectors,
    *,
    weight: float = TAG_WEIGHT,
    table: TagTable | None = None,
) -> list[SearchHit]:
    """``hits`` re-scored ``dense + weight * tag_match`` and sorted, best first (stable).

    ``tag_match`` of the whole page at once from ``table`` (``table_for(embedder)`` keeps the
    tags and tag sets of earlier queries; default: a table for this call only, filled through
    ``tag_vectors``): the best tag of each hit and the cosine of its tags' centroid.
    """
    sets = [tuple(dict.fromkeys(hit.record.tags)) for hit in hits]
    tagged = [i for i, tag_set in enumerate(sets) if tag_set]
    match = np.zeros(len(hits), dtype=np.float64)
    if tagged:
        q = np.asarray(query, dtype=np.float32)
        table = table or TagTable(len(q))
        page = table.page([sets[i] for i in tagged], tag_vectors)
        best = np.maximum.reduceat(page.tags[page.rows] @ q, page.starts)
        centroid = page.centroids[page.centroid_rows] @ q
        match[tagged] = 0.5 * best + 0.5 * centroid
    scored = [
        SearchHit(record=hit.record, score=float(hit.score) + weight * float(m))
        for hit, m in zip(hits, match, strict=True)
    ]
    return sorted(scored, key=lambda hit: hit.score, reverse=True)


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
        hashes = {t: text_hash(t) for t in tags}
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
