"""The contract every ``VectorIndex`` adapter passes (both sides: ``IndexBuilder``, ``SearchIndex``).

Subclass ``VectorIndexContract`` and provide an ``open_index`` fixture: a callable returning a
NEW adapter instance on the SAME storage each time it is called (a writer and a reader, like the
CLI and a running server).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import numpy as np
import pytest

from enrichment_core.errors import (
    EmbedderMismatchError,
    IndexBusyError,
    IndexNotFoundError,
    IndexVerificationError,
)
from enrichment_core.ports import IndexManifest, IndexRecord, StagedBuild, VectorIndex, Vectors

DIM = 8
OpenIndex = Callable[[], VectorIndex]


def unit_rows(count: int, seed: int) -> Vectors:
    rows = np.random.default_rng(seed).normal(size=(count, DIM)).astype(np.float32)
    unit: Vectors = rows / np.linalg.norm(rows, axis=1, keepdims=True)
    return unit


def records_for(ids: Sequence[int], label: str = "v1") -> list[IndexRecord]:
    return [
        IndexRecord(
            id=i,
            username=f"{label}_user{i}",
            name=f"Expert {i}",
            job_title="Tax Attorney" if i % 2 else None,
            company=None,
            tags=("tax law", "r&d tax credits"),
            findability_score=72.5 if i % 3 else None,
            profile_url=f"https://example.com/{i}",
            text_hash=f"{i:064x}",
        )
        for i in ids
    ]


def manifest_for(count: int, model: str = "fake:hashing") -> IndexManifest:
    return IndexManifest(
        embedder_model=model, dimension=DIM, count=count, built_at=datetime(2025, 1, 2, tzinfo=UTC)
    )


def build(index: VectorIndex, ids: Sequence[int], *, seed: int = 1, label: str = "v1") -> Vectors:
    """Stage, check and promote an index of ``ids``; returns its vectors."""
    vectors = unit_rows(len(ids), seed)
    index.discard_staging()
    staged = index.stage(vectors, records_for(ids, label), manifest_for(len(ids)))
    report = index.inspect(staged)
    assert report.count == len(ids)
    index.promote(staged)
    return vectors


class VectorIndexContract:
    @pytest.fixture
    def open_index(self) -> OpenIndex:  # pragma: no cover - overridden
        raise NotImplementedError

    def test_nothing_promoted_means_no_manifest_and_search_refused(
        self, open_index: OpenIndex
    ) -> None:
        index = open_index()
        assert index.manifest() is None
        with pytest.raises(IndexNotFoundError, match="enrich ingest"):
            index.search(unit_rows(1, 0)[0], 3)

    def test_staged_index_reads_back_its_count_dimension_and_ids(
        self, open_index: OpenIndex
    ) -> None:
        index = open_index()
        index.discard_staging()
        staged = index.stage(unit_rows(3, 1), records_for([7, 3, 11]), manifest_for(3))
        report = index.inspect(staged)
        assert (report.count, report.dimension, sorted(report.ids)) == (3, DIM, [3, 7, 11])

    def test_staging_is_invisible_until_promoted(self, open_index: OpenIndex) -> None:
        writer = open_index()
        staged = writer.stage(unit_rows(2, 1), records_for([1, 2]), manifest_for(2))
        writer.inspect(staged)
        assert open_index().manifest() is None
        writer.promote(staged)
        assert open_index().manifest() == manifest_for(2)

    def test_promoted_index_answers_nearest_first_with_full_records(
        self, open_index: OpenIndex
    ) -> None:
        index = open_index()
        vectors = build(index, [10, 20, 30, 40])
        hits = index.search(vectors[2], 4)
        assert hits[0].record.id == 30
        assert hits[0].score == pytest.approx(1.0, abs=1e-4)
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
        assert {h.record for h in hits} == set(records_for([10, 20, 30, 40]))

    def test_k_larger_than_the_index_returns_every_expert_once(self, open_index: OpenIndex) -> None:
        index = open_index()
        vectors = build(index, [1, 2, 3])
        hits = index.search(vectors[0], 50)
        assert sorted(h.record.id for h in hits) == [1, 2, 3]

    def test_discard_staging_removes_an_unpromoted_build_only(self, open_index: OpenIndex) -> None:
        index = open_index()
        vectors = build(index, [1, 2])
        assert index.discard_staging() is False
        index.stage(unit_rows(1, 9), records_for([99], "v2"), manifest_for(1))
        assert index.discard_staging() is True
        assert index.discard_staging() is False
        reader = open_index()
        assert reader.manifest() == manifest_for(2)
        assert reader.search(vectors[1], 1)[0].record.id == 2

    def test_a_second_promotion_replaces_the_first(self, open_index: OpenIndex) -> None:
        index = open_index()
        build(index, [1, 2, 3])
        vectors = build(index, [4, 5], seed=2, label="v2")
        hits = open_index().search(vectors[0], 10)
        assert sorted(h.record.id for h in hits) == [4, 5]
        assert all(h.record.username.startswith("v2_") for h in hits)
        assert open_index().manifest() == manifest_for(2)

    def test_a_running_reader_picks_up_a_newly_promoted_index(self, open_index: OpenIndex) -> None:
        writer, reader = open_index(), open_index()
        first = build(writer, [1, 2, 3])
        assert reader.search(first[0], 1)[0].record.id == 1
        second = build(writer, [8, 9], seed=5, label="v2")
        assert reader.search(second[1], 1)[0].record.id == 9
        assert reader.manifest() == manifest_for(2)

    def test_the_staged_build_named_is_the_one_promoted(self, open_index: OpenIndex) -> None:
        index = open_index()
        first = index.stage(unit_rows(2, 1), records_for([1, 2], "a"), manifest_for(2))
        second = index.stage(unit_rows(1, 2), records_for([3], "b"), manifest_for(1))
        assert index.inspect(first).ids == (1, 2)
        assert index.inspect(second).ids == (3,)
        open_index().promote(first)  # another object on the same storage: no hidden state
        assert open_index().manifest() == manifest_for(2)

    def test_an_unknown_staged_build_is_refused(self, open_index: OpenIndex) -> None:
        index = open_index()
        with pytest.raises(IndexVerificationError, match="nothing is staged"):
            index.inspect(StagedBuild("no-such-build"))
        with pytest.raises(IndexVerificationError, match="nothing is staged"):
            index.promote(StagedBuild("no-such-build"))
        assert index.manifest() is None

    def test_a_discarded_staged_build_cannot_be_promoted(self, open_index: OpenIndex) -> None:
        index = open_index()
        staged = index.stage(unit_rows(1, 1), records_for([1]), manifest_for(1))
        assert index.discard_staging() is True
        with pytest.raises(IndexVerificationError):
            index.promote(staged)
        assert index.manifest() is None

    def test_the_build_lock_admits_one_ingest_at_a_time(self, open_index: OpenIndex) -> None:
        first, second = open_index(), open_index()
        with first.exclusive_build(), pytest.raises(IndexBusyError, match="another ingest"):
            second.exclusive_build().__enter__()
        with second.exclusive_build():  # released by its holder
            pass

    def test_a_query_of_another_dimension_is_refused(self, open_index: OpenIndex) -> None:
        index = open_index()
        build(index, [1, 2])
        with pytest.raises(EmbedderMismatchError, match=f"has {DIM}"):
            index.search(np.ones(DIM + 1, dtype=np.float32), 1)

    def test_hits_are_the_adapters_own_unit_scores(self, open_index: OpenIndex) -> None:
        index = open_index()
        vectors = build(index, [1, 2, 3])
        hits = index.search(vectors[1] * 3.0, 3)  # an unnormalized query: the index normalizes
        assert hits[0].record.id == 2
        assert all(-1.0 - 1e-4 <= h.score <= 1.0 + 1e-4 for h in hits)
        assert hits[0].score == pytest.approx(1.0, abs=1e-4)

    def test_search_ranks_only_the_candidates_and_lists_its_records(
        self, open_index: OpenIndex
    ) -> None:
        index = open_index()
        assert list(index.records()) == []
        vectors = build(index, [10, 20, 30, 40, 50])
        assert [r.id for r in index.records()] == [10, 20, 30, 40, 50]
        hits = index.search(vectors[2], 2, candidates=[50, 10, 999])  # 999: not in the index
        assert sorted(h.record.id for h in hits) == [10, 50]
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
        assert index.search(vectors[2], 5, candidates=[]) == []
        assert [h.record.id for h in index.search(vectors[2], 1, candidates=[30, 40])] == [30]

    def test_rate_and_bio_sentences_survive_the_round_trip(self, open_index: OpenIndex) -> None:
        index = open_index()
        record = IndexRecord(
            7, "u", "U", None, None, ("a",), 50.0, None, "0" * 64, 120.5, ("One. ", "Two.")
        )
        staged = index.stage(unit_rows(1, 3), [record], manifest_for(1))
        index.promote(staged)
        assert list(open_index().records()) == [record]
