"""FIND-01: a deterministic 0-100 profile-completeness score.

bio       min(40, len(bio.strip()) / 500 * 40)
tags      25 when the expert has a non-empty tag list
URL       15 when a profile URL is present
title     10 when a job title is present
rate      10 when the hourly rate is above zero
Rounded to one decimal.
"""

from __future__ import annotations

from collections.abc import Sequence

from enrichment_core.experts import Expert

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
