"""The promotion policy: count, dimension and ids must all match what was loaded."""

from __future__ import annotations

from enrichment_core.promotion import StagedIndexReport, decide_promotion


def staged(
    ids: tuple[int, ...], dimension: int = 384, count: int | None = None
) -> StagedIndexReport:
    return StagedIndexReport(
        count=len(ids) if count is None else count, dimension=dimension, ids=ids
    )


def test_a_matching_index_is_promoted() -> None:
    decision = decide_promotion(staged((1, 2, 3)), expected_ids=[3, 2, 1], expected_dimension=384)
    assert decision.promote, decision.reason


def test_count_is_the_tagged_experts_loaded_not_a_fixed_number() -> None:
    decision = decide_promotion(staged((1, 2)), expected_ids=[1, 2, 3], expected_dimension=384)
    assert not decision.promote
    assert "count mismatch" in decision.reason
    assert "3 tagged experts" in decision.reason


def test_wrong_dimension_is_refused() -> None:
    decision = decide_promotion(
        staged((1,), dimension=768), expected_ids=[1], expected_dimension=384
    )
    assert not decision.promote
    assert "dimension" in decision.reason


def test_duplicate_or_foreign_ids_are_refused() -> None:
    dup = decide_promotion(staged((1, 1)), expected_ids=[1, 2], expected_dimension=384)
    assert not dup.promote
    assert "duplicate" in dup.reason
    foreign = decide_promotion(staged((1, 9)), expected_ids=[1, 2], expected_dimension=384)
    assert not foreign.promote
    assert "missing [2]" in foreign.reason
    assert "unexpected [9]" in foreign.reason


def test_ids_that_disagree_with_the_count_are_refused() -> None:
    decision = decide_promotion(
        staged((1, 2), count=3), expected_ids=[1, 2, 3], expected_dimension=384
    )
    assert not decision.promote


def test_an_empty_index_matches_an_empty_load() -> None:
    assert decide_promotion(staged(()), expected_ids=[], expected_dimension=384).promote
