"""The promotion policy (TAGS-04): a staged index goes to production only when it matches what was
loaded. A pure function so that every adapter and every test applies the same rule."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class StagedIndexReport:
    """What the staged index says about itself (read back from disk, not from memory)."""

    count: int
    dimension: int
    ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class PromotionDecision:
    promote: bool
    reason: str


def decide_promotion(
    staged: StagedIndexReport, *, expected_ids: Collection[int], expected_dimension: int
) -> PromotionDecision:
    """Promote only when count, dimension and ids all match the tagged experts that were loaded.

    The count check is ``ntotal == number of tagged experts loaded`` (locked decision 4), never a
    hard-coded directory size.
    """
    expected = set(expected_ids)
    if len(expected) != len(expected_ids):
        return PromotionDecision(False, "the loaded experts contain duplicate ids")
    if staged.count != len(expected_ids):
        return PromotionDecision(
            False,
            f"count mismatch: the staged index holds {staged.count} vectors, "
            f"{len(expected_ids)} tagged experts were loaded",
        )
    if staged.dimension != expected_dimension:
        return PromotionDecision(
            False,
            f"dimension mismatch: the staged index has {staged.dimension}, "
            f"the embedder produces {expected_dimension}",
        )
    if len(staged.ids) != staged.count:
        return PromotionDecision(
            False, f"the staged index reports {staged.count} vectors but {len(staged.ids)} ids"
        )
    duplicates = [i for i, n in Counter(staged.ids).items() if n > 1]
    if duplicates:
        return PromotionDecision(
            False, f"duplicate ids in the staged index: {sorted(duplicates)[:5]}"
        )
    staged_set = set(staged.ids)
    if staged_set != expected:
        missing = sorted(expected - staged_set)[:5]
        extra = sorted(staged_set - expected)[:5]
        return PromotionDecision(False, f"id mismatch: missing {missing}, unexpected {extra}")
    return PromotionDecision(
        True, f"{staged.count} vectors of dimension {staged.dimension} verified"
    )
