"""The search use case: a client's question in, the best experts of the promoted index out.

The index records which embedder built it; a query embedded by another model (or another
dimension) would return confident nonsense, so it is refused with a message saying how to fix it.

Ranking uses the tags: the ``CANDIDATES`` nearest experts by the dense score are re-ranked with
their tags (``enrichment_core.tag_ranking``). A server embeds the queries of searches arriving
together in one model call: ``prepare_searches``, then ``finish_search`` each.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from enrichment_core.errors import (
    EmbedderMismatchError,
    EmbeddingError,
    IndexNotFoundError,
    InvalidQueryError,
)
from enrichment_core.filters import NO_FILTERS, SearchFilters
from enrichment_core.ports import (
    Embedder,
    IndexManifest,
    IndexRecord,
    SearchHit,
    SearchIndex,
    VectorCache,
    Vectors,
)
from enrichment_core.tag_ranking import CANDIDATES, TAG_WEIGHT, PageRanking
from enrichment_core.tag_table import TagVectors

__all__ = [
    "CANDIDATES",
    "DEFAULT_K",
    "MAX_K",
    "MAX_OFFSET",
    "MAX_QUERY_CHARS",
    "TAG_WEIGHT",
    "InvalidQueryError",
    "PreparedSearch",
    "SearchPage",
    "SearchRequest",
    "clean_query",
    "finish_search",
    "hit_fields",
    "prepare_searches",
    "search",
    "search_page",
    "search_pages",
]

# The limits both front doors show (the API's query validation, the CLI's -k range) and the use
# case enforces: one source. 500 characters hold any real question (all-MiniLM-L6-v2 reads about
# 1,000 characters at most), and 50 experts is more than anyone reads in one answer.
MAX_QUERY_CHARS = 500
MAX_K = 50
DEFAULT_K = 10
MAX_OFFSET = 1_000

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


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """One search of ``search_pages``: the arguments ``search_page`` takes besides its ports."""

    query: str
    k: int = DEFAULT_K
    offset: int = 0
    filters: SearchFilters = NO_FILTERS


@dataclass(frozen=True, slots=True)
class PreparedSearch:
    """A valid search with its query embedded (``prepare_searches``), ready for
    ``finish_search``: the cleaned query, the ids passing its filters (None: no filter), how
    many pass, and the query vector (None when nobody passes: nothing to embed or rank)."""

    text: str
    request: SearchRequest
    candidates: list[int] | None = None
    total: int = 0
    vector: Vectors | None = None


def _query_vectors(embedder: Embedder, texts: Sequence[str]) -> Vectors:
    """One vector per text: one ``embed_queries`` call when the embedder has it, else
    ``embed_query`` each; refused unless the shape and every value are sound."""
    batch = getattr(embedder, "embed_queries", None)  # BatchQueryEmbedder (a cheaper check)
    if callable(batch):
        vectors = np.asarray(batch(texts), dtype=np.float32)
    else:
        vectors = np.asarray([embedder.embed_query(t) for t in texts], dtype=np.float32)
    if vectors.shape != (len(texts), embedder.dimension) or not np.all(np.isfinite(vectors)):
        raise EmbeddingError(
            f"embedder {embedder.model_id} returned query vectors of shape {vectors.shape}, "
            f"expected ({len(texts)}, {embedder.dimension})"
        )
    return vectors


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
    (answer,) = search_pages(
        [SearchRequest(query, k, offset, filters)],
        embedder=embedder,
        index=index,
        explain_with=explain_with,
        tag_vectors=tag_vectors,
    )
    if isinstance(answer, InvalidQueryError):
        raise answer
    return answer


def search_pages(
    requests: Sequence[SearchRequest],
    *,
    embedder: Embedder,
    index: SearchIndex,
    explain_with: VectorCache | None = None,
    tag_vectors: TagVectors | None = None,
) -> list[SearchPage | InvalidQueryError]:
    """Several searches at once, each answered (or its ``InvalidQueryError`` returned) as
    ``search_page`` would alone: ``prepare_searches`` (one model call), ``finish_search`` each."""
    ranking = PageRanking(embedder, index, explain_with, tag_vectors)
    return [
        p if isinstance(p, InvalidQueryError) else finish_search(p, ranking)
        for p in prepare_searches(requests, embedder=embedder, index=index)
    ]


def prepare_searches(
    requests: Sequence[SearchRequest], *, embedder: Embedder, index: SearchIndex
) -> list[PreparedSearch | InvalidQueryError]:
    """The first half of several searches (a server's concurrent requests): validated, checked
    against the index, filtered, and every query that needs a vector embedded in one model call
    (``embed_queries`` when the embedder has it).

    A request's own mistake (``InvalidQueryError``) is returned in its place and costs the others
    nothing; what concerns them all (``IndexNotFoundError``, ``EmbedderMismatchError``,
    ``EmbeddingError``) is raised. Every request sees the same index snapshot's manifest.
    """
    answers: list[PreparedSearch | InvalidQueryError] = []
    for request in requests:
        try:
            text = clean_query(request.query)
            _check_paging(request.k, request.offset)
        except InvalidQueryError as exc:
            answers.append(exc)
            continue
        answers.append(PreparedSearch(text, request))
    valid = [a for a in answers if isinstance(a, PreparedSearch)]
    if not valid:
        return answers
    manifest = index.manifest()
    if manifest is None:
        raise IndexNotFoundError("no index has been promoted yet: run `enrich ingest`")
    check_embedder(manifest, embedder)
    filtered = _with_candidates(valid, index, manifest.count)
    wanted = [p for p in filtered if p.candidates != []]  # nobody passes: nothing to embed
    embedded: dict[int, PreparedSearch] = {}
    if wanted:
        vectors = _query_vectors(embedder, [p.text for p in wanted])
        embedded = {id(p): replace(p, vector=v) for p, v in zip(wanted, vectors, strict=True)}
    done = iter(embedded.get(id(p), p) for p in filtered)
    return [a if isinstance(a, InvalidQueryError) else next(done) for a in answers]


def finish_search(prepared: PreparedSearch, ranking: PageRanking) -> SearchPage:
    """The second half: the page of a prepared search, ranked by ``ranking`` (a
    ``tag_ranking.PageRanking`` over the ports that prepared it)."""
    request, vector = prepared.request, prepared.vector
    hits = (
        [] if vector is None else ranking.hits(prepared.text, vector, request, prepared.candidates)
    )
    return SearchPage(hits=hits, total=prepared.total, offset=request.offset, k=request.k)


def _with_candidates(
    prepared: list[PreparedSearch], index: SearchIndex, count: int
) -> list[PreparedSearch]:
    """Each search with the ids that pass its filters (None: no filter) and its total."""
    records: Sequence[IndexRecord] | None = None
    done = []
    for search in prepared:
        filters = search.request.filters
        if not filters.active:
            done.append(replace(search, total=count))
            continue
        records = index.records() if records is None else records
        candidates = filters.candidates(records)
        done.append(replace(search, candidates=candidates, total=len(candidates)))
    return done


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
