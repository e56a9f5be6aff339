"""Directory insights: the numbers behind the admin page's charts, computed over the ``ExpertRepo``.

How the findability scores are spread (a histogram of fixed-width bins), how many experts are
tagged / pending / failed / without a bio, the most common tags, and the profile fields most
often missing (with the findability points each one costs). Every number names a filter of the
expert list (``ExpertQuery``) that shows exactly the experts it counts, so a chart can link to
the table.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

from enrichment_core.experts import Expert, TaggingState
from enrichment_core.findability import BIO_POINTS, RATE_POINTS, TITLE_POINTS, URL_POINTS
from enrichment_core.ports import ExpertRepo


class GapField(StrEnum):
    """A profile field whose absence the insights count and the ``missing`` listing filter knows."""

    BIO = "bio"
    PROFILE_URL = "profile_url"
    JOB_TITLE = "job_title"
    HOURLY_RATE = "hourly_rate"
    COMPANY = "company"


# Each gap field with the findability points it is worth (one entry per ``GapField``).
GAP_FIELDS: dict[str, float] = {
    GapField.BIO: BIO_POINTS,
    GapField.PROFILE_URL: URL_POINTS,
    GapField.JOB_TITLE: TITLE_POINTS,
    GapField.HOURLY_RATE: RATE_POINTS,
    GapField.COMPANY: 0.0,
}
GAP_LABELS: dict[str, str] = {
    "bio": "bio",
    "profile_url": "profile URL",
    "job_title": "job title",
    "hourly_rate": "hourly rate",
    "company": "company",
}
DEFAULT_BIN_WIDTH = 10
DEFAULT_TOP_TAGS = 12


def is_missing(expert: Expert, field: str) -> bool:
    """True when ``field`` (one of ``GAP_FIELDS``) is empty; a rate of 0 counts as missing."""
    if field not in GAP_FIELDS:
        raise ValueError(f"unknown profile field {field!r}; use one of {', '.join(GAP_FIELDS)}")
    if field == "hourly_rate":
        return expert.hourly_rate is None or expert.hourly_rate <= 0
    value = getattr(expert, field)
    return not (value or "").strip()


@dataclass(frozen=True, slots=True)
class ScoreBin:
    """Experts scored ``low <= score < high`` (the last bin includes 100)."""

    low: float
    high: float
    count: int


@dataclass(frozen=True, slots=True)
class TagCount:
    tag: str
    count: int


@dataclass(frozen=True, slots=True)
class FieldGap:
    field: str
    label: str
    missing: int
    points: float


@dataclass(frozen=True, slots=True)
class DirectoryInsights:
    total: int
    states: dict[str, int]  # TaggingState value -> count, every state present
    unscored: int
    histogram: tuple[ScoreBin, ...]
    top_tags: tuple[TagCount, ...]
    distinct_tags: int
    gaps: tuple[FieldGap, ...]  # most often missing first


def score_bins(width: int = DEFAULT_BIN_WIDTH) -> list[tuple[float, float]]:
    if not 1 <= width <= 100 or 100 % width:
        raise ValueError(f"the bin width must divide 100, got {width}")
    return [(float(low), float(low + width)) for low in range(0, 100, width)]


def _bin_of(score: float, bins: list[tuple[float, float]]) -> int:
    for i, (_, high) in enumerate(bins):
        if score < high:
            return i
    return len(bins) - 1


def directory_insights(
    repo: ExpertRepo, *, bin_width: int = DEFAULT_BIN_WIDTH, top_tags: int = DEFAULT_TOP_TAGS
) -> DirectoryInsights:
    """Aggregate the whole directory in one read of the repository."""
    bins = score_bins(bin_width)
    experts = repo.list_experts()
    states = Counter(e.tagging_state.value for e in experts)
    counts = [0] * len(bins)
    unscored = 0
    tags: Counter[str] = Counter()
    gaps: Counter[str] = Counter()
    for expert in experts:
        if expert.findability_score is None:
            unscored += 1
        else:
            counts[_bin_of(expert.findability_score, bins)] += 1
        tags.update(expert.tags or ())
        gaps.update(f for f in GAP_FIELDS if is_missing(expert, f))
    return DirectoryInsights(
        total=len(experts),
        states={state.value: states.get(state.value, 0) for state in TaggingState},
        unscored=unscored,
        histogram=tuple(
            ScoreBin(low, high, n) for (low, high), n in zip(bins, counts, strict=True)
        ),
        top_tags=tuple(
            TagCount(t, n) for t, n in sorted(tags.items(), key=lambda i: (-i[1], i[0]))[:top_tags]
        ),
        distinct_tags=len(tags),
        gaps=tuple(
            FieldGap(f, GAP_LABELS[f], gaps.get(f, 0), GAP_FIELDS[f])
            for f in sorted(GAP_FIELDS, key=lambda f: (-gaps.get(f, 0), f))
        ),
    )
