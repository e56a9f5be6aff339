"""Tag-aware re-ranking: the vectorized fused score equals the per-expert formula, and the
shared ``TagTable`` keeps it so across queries, resets and threads."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enrichment_core.errors import EmbeddingError
from enrichment_core.ports import IndexRecord, SearchHit
from enrichment_core.tag_ranking import rerank_with_tags, tag_match
from enrichment_core.tag_table import TagTable, TagVectors

VOCABULARY = [f"tag {n}" for n in range(12)]


def hit(n: int, tags: Sequence[str], score: float) -> SearchHit:
    record = IndexRecord(
        id=n,
        username=f"u{n}",
        name=f"U {n}",
        job_title=None,
        company=None,
        tags=tuple(tags),
        findability_score=None,
        profile_url=None,
        text_hash=f"h{n}",
    )
    return SearchHit(record=record, score=score)


def reference(
    query: np.ndarray, hits: Sequence[SearchHit], vectors: dict[str, np.ndarray]
) -> list[float]:
    """The fused score one expert at a time, as the module doc states it."""
    scores = []
    for h in hits:
        own = [vectors[t] for t in dict.fromkeys(h.record.tags)]
        scores.append(h.score + (tag_match(query, np.stack(own)) if own else 0.0))
    return scores


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    tag_lists=st.lists(st.lists(st.sampled_from(VOCABULARY), max_size=9), min_size=1, max_size=40),
)
def test_the_vectorized_rerank_gives_each_expert_the_formulas_score(
    seed: int, tag_lists: list[list[str]]
) -> None:
    rng = np.random.default_rng(seed)
    vectors = {t: rng.normal(size=16).astype(np.float32) for t in VOCABULARY}
    vectors["tag 0"] = np.zeros(16, np.float32)  # a zero vector: centroid norm 0 is handled
    query = rng.normal(size=16).astype(np.float32)
    query /= np.linalg.norm(query)
    hits = [hit(n, tags, float(rng.uniform(0, 1))) for n, tags in enumerate(tag_lists)]
    asked: list[list[str]] = []

    def tag_vectors(tags: Sequence[str]) -> np.ndarray:
        asked.append(list(tags))
        return np.stack([vectors[t] for t in tags])

    ranked = rerank_with_tags(query, hits, tag_vectors)
    expected = dict(zip((h.record.id for h in hits), reference(query, hits, vectors), strict=True))
    assert sorted(h.record.id for h in ranked) == [h.record.id for h in hits]
    for h in ranked:
        assert abs(h.score - expected[h.record.id]) < 1e-5
    assert [h.score for h in ranked] == sorted((h.score for h in ranked), reverse=True)
    assert len(asked) <= 1  # one call for every distinct tag of the page
    if asked:
        assert sorted(asked[0]) == sorted({t for tags in tag_lists for t in tags})


def test_an_expert_whose_tags_match_the_query_overtakes_an_equal_text_match() -> None:
    vectors = {"tax law": np.array([1, 0, 0], np.float32), "pets": np.array([0, 1, 0], np.float32)}
    query = np.array([1, 0, 0], np.float32)
    hits = [hit(1, ["pets"], 0.5), hit(2, ["tax law", "pets"], 0.5), hit(3, [], 0.6)]
    ranked = rerank_with_tags(query, hits, lambda tags: np.stack([vectors[t] for t in tags]))
    assert [h.record.username for h in ranked] == ["u2", "u3", "u1"]
    # u2: best tag 1.0, centroid cos(45 degrees); u1: best 0, centroid 0
    assert abs(ranked[0].score - (0.5 + 0.5 * 1.0 + 0.5 * np.sqrt(0.5))) < 1e-6


def test_a_page_without_tags_keeps_its_dense_order() -> None:
    hits = [hit(1, [], 0.2), hit(2, [], 0.9)]
    asked: list[str] = []
    ranked = rerank_with_tags(np.ones(3, np.float32), hits, counting({}, asked))
    assert [h.record.id for h in ranked] == [2, 1]
    assert asked == []  # nothing to embed


def counting(vectors: dict[str, np.ndarray], asked: list[str]) -> TagVectors:
    def tag_vectors(tags: Sequence[str]) -> np.ndarray:
        asked.extend(tags)
        return np.stack([vectors[t] for t in tags])

    return tag_vectors


def test_a_shared_table_embeds_each_tag_once_across_queries() -> None:
    rng = np.random.default_rng(3)
    vectors = {t: rng.normal(size=8).astype(np.float32) for t in VOCABULARY}
    asked: list[str] = []
    table = TagTable(8)
    pages = [[hit(n, VOCABULARY[n % 5 : n % 5 + 3], 0.1) for n in range(20)] for _ in range(3)]
    pages.append([hit(99, ["tag 11", "tag 0"], 0.1)])
    for page in pages:
        query = rng.normal(size=8).astype(np.float32)
        ranked = rerank_with_tags(query, page, counting(vectors, asked), table=table)
        expected = reference(query, page, vectors)
        assert sorted(h.score for h in ranked) == pytest.approx(sorted(expected), abs=1e-5)
    assert sorted(asked) == sorted([*VOCABULARY[:7], "tag 11"])


def test_a_full_table_starts_afresh_and_still_scores_right() -> None:
    rng = np.random.default_rng(4)
    vectors = {t: rng.normal(size=8).astype(np.float32) for t in VOCABULARY}
    table = TagTable(8, max_rows=4)
    for n in range(10):
        page = [
            hit(m, [VOCABULARY[(n + m) % 12], VOCABULARY[(n + 2 * m) % 12]], 0.0) for m in range(3)
        ]
        query = rng.normal(size=8).astype(np.float32)
        ranked = rerank_with_tags(query, page, counting(vectors, []), table=table)
        expected = dict(
            zip((h.record.id for h in page), reference(query, page, vectors), strict=True)
        )
        for h in ranked:
            assert h.score == pytest.approx(expected[h.record.id], abs=1e-5)


def test_tag_vectors_of_the_wrong_shape_are_an_embedding_error() -> None:
    page = [hit(1, ["tag 1", "tag 2"], 0.0)]
    with pytest.raises(EmbeddingError, match="tag vectors of shape"):
        rerank_with_tags(np.ones(8, np.float32), page, lambda tags: np.ones((1, 8), np.float32))


def test_concurrent_pages_through_one_table_score_like_the_formula() -> None:
    rng = np.random.default_rng(5)
    vectors = {t: rng.normal(size=8).astype(np.float32) for t in VOCABULARY}
    table = TagTable(8, max_rows=30)  # resets while other threads read
    wrong: list[int] = []

    def work(seed: int) -> None:
        local = np.random.default_rng(seed)
        for _ in range(40):
            page = [
                hit(
                    m, list(local.choice(VOCABULARY, int(local.integers(1, 5)), replace=False)), 0.0
                )
                for m in range(6)
            ]
            query = local.normal(size=8).astype(np.float32)
            ranked = rerank_with_tags(query, page, counting(vectors, []), table=table)
            expected = dict(
                zip((h.record.id for h in page), reference(query, page, vectors), strict=True)
            )
            wrong.extend(h.record.id for h in ranked if abs(h.score - expected[h.record.id]) > 1e-4)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []
