"""FIND-01: a deterministic 0-100 profile-completeness score.

bio       min(40, len(bio.strip()) / 500 * 40)
tags      25 when the expert has a non-empty tag list
URL       15 when a profile URL is present
title     10 when a job title is present
rate      10 when the hourly rate is above zero
Rounded to one decimal.

``rescore_all`` applies it to a whole directory (the end of every batch run, ``enrich score``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from enrichment_core.experts import Expert

if TYPE_CHECKING:
    from enrichment_core.ports import ExpertRepo

BIO_POINTS = 40.0
BIO_FULL_LENGTH = 500
TAG_POINTS = 25.0
URL_POINTS = 15.0
TITLE_POINTS = 10.0
RATE_POINTS = 10.0


def compute_findability_score(expert: Expert, tags: Sequence[str] | None = None) -> float:
    """Score ``expert``; ``tags`` overrides the expert's own tags (used just before writing them)."""
    bio = (expert.bio or "").strip()
    score = min(BIO_POINTS, len(bio) / BIO_FULL_LENGTH * BIO_POINTS)
    effective_tags = tags if tags is not None else expert.tags
    if effective_tags:
        score += TAG_POINTS
    if (expert.profile_url or "").strip():
        score += URL_POINTS
    if (expert.job_title or "").strip():
        score += TITLE_POINTS
    if expert.hourly_rate is not None and expert.hourly_rate > 0:
        score += RATE_POINTS
    return round(score, 1)


# --- what would raise a score ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FindabilityTip:
    """One change that would raise an expert's score, e.g. ``add a profile URL: +15``."""

    field: str
    points: float
    advice: str


def _tip(field: str, points: float, action: str) -> FindabilityTip:
    points = round(points, 1)
    return FindabilityTip(field=field, points=points, advice=f"{action}: +{points:g}")


def findability_advice(expert: Expert) -> tuple[FindabilityTip, ...]:
    """What would raise ``expert``'s score, most points first, from the formula above.

    The points of all tips add up to what the expert is missing of 100 (up to rounding).
    Tags come from tagging (``enrich tag``), which needs a bio (locked decision 2).
    """
    tips: list[FindabilityTip] = []
    bio = (expert.bio or "").strip()
    if not bio:
        tips.append(_tip("bio", BIO_POINTS, f"add a bio of {BIO_FULL_LENGTH}+ characters"))
    elif len(bio) < BIO_FULL_LENGTH:
        missing = BIO_POINTS - len(bio) / BIO_FULL_LENGTH * BIO_POINTS
        tips.append(
            _tip(
                "bio", missing, f"lengthen the bio to {BIO_FULL_LENGTH} characters (now {len(bio)})"
            )
        )
    if not expert.tags:
        action = "get tags with `enrich tag`" if bio else "get tags (needs a bio first)"
        tips.append(_tip("tags", TAG_POINTS, action))
    if not (expert.profile_url or "").strip():
        tips.append(_tip("profile_url", URL_POINTS, "add a profile URL"))
    if not (expert.job_title or "").strip():
        tips.append(_tip("job_title", TITLE_POINTS, "add a job title"))
    if expert.hourly_rate is None or expert.hourly_rate <= 0:
        tips.append(_tip("hourly_rate", RATE_POINTS, "add an hourly rate"))
    return tuple(sorted(tips, key=lambda tip: -tip.points))


# --- the whole directory ---------------------------------------------------------------------


def rescore_all(repo: ExpertRepo) -> int:
    """FIND-03: store every expert's current score, tagged or not, in one transaction.

    Returns how many scores changed (only those are written).
    """
    scores = {}
    for expert in repo.list_experts():
        if expert.id is None:
            raise ValueError(
                f"expert {expert.username!r} has no id; only stored experts are scored"
            )
        score = compute_findability_score(expert)
        if expert.findability_score != score:
            scores[expert.id] = score
    repo.save_scores(scores)
    return len(scores)
