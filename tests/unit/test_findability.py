"""FIND-01: the findability formula, by hand-computed examples and by properties."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enrichment_core.experts import Expert
from enrichment_core.findability import compute_findability_score

texts = st.one_of(st.none(), st.text(max_size=1200))
rates = st.one_of(st.none(), st.floats(min_value=0, max_value=10_000, allow_nan=False))


@st.composite
def experts(draw: st.DrawFn) -> Expert:
    bio = draw(texts)
    has_bio = bool(bio and bio.strip())
    tags = draw(
        st.one_of(st.none(), st.lists(st.text(min_size=1, max_size=10), min_size=1, max_size=8))
    )
    return Expert(
        username="u",
        bio=bio,
        job_title=draw(texts),
        profile_url=draw(st.one_of(st.none(), st.just(""), st.just("https://x.example/u"))),
        hourly_rate=draw(rates),
        # the domain never tags an expert without a bio (locked decision 2)
        tags=tuple(tags) if tags and has_bio else None,
    )


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, 0.0),
        (
            {
                "bio": "x" * 500,
                "tags": ("a",),
                "profile_url": "https://u",
                "job_title": "T",
                "hourly_rate": 1.0,
            },
            100.0,
        ),
        ({"bio": "x" * 250}, 20.0),
        ({"bio": "  " + "x" * 100 + "  "}, 8.0),  # stripped before measuring
        ({"bio": "x" * 123}, 9.8),  # 123/500*40 = 9.84 -> 9.8
        ({"bio": "x" * 10_000, "tags": ("a",)}, 65.0),
        ({"profile_url": "https://u", "job_title": "T", "hourly_rate": 50.0}, 35.0),
        ({"hourly_rate": 0.0, "job_title": "  "}, 0.0),
        ({"bio": "x" * 7, "hourly_rate": 0.01}, 10.6),  # 0.56 + 10
    ],
)
def test_hand_computed_examples(fields: dict[str, Any], expected: float) -> None:
    assert compute_findability_score(Expert(username="u", **fields)) == pytest.approx(
        expected, abs=0.05
    )


def test_explicit_tags_override_the_experts_own() -> None:
    expert = Expert(username="u", bio="x" * 500)
    assert compute_findability_score(expert) == 40.0
    assert compute_findability_score(expert, ["tax law"]) == 65.0
    assert compute_findability_score(expert.with_changes(tags=("a",)), []) == 40.0


@given(experts())
def test_always_within_0_and_100_with_one_decimal(expert: Expert) -> None:
    score = compute_findability_score(expert)
    assert 0.0 <= score <= 100.0
    assert round(score, 1) == score


@given(experts())
def test_no_bio_means_at_most_35(expert: Expert) -> None:
    if not (expert.bio and expert.bio.strip()):
        assert compute_findability_score(expert) <= 35.0


@given(experts(), st.sampled_from(["bio", "tags", "profile_url", "job_title", "hourly_rate"]))
def test_adding_a_field_never_lowers_the_score(expert: Expert, field: str) -> None:
    filled = {
        "bio": (expert.bio or "") + " more words about the expert",
        "tags": expert.tags or ("added",),
        "profile_url": "https://x.example/filled",
        "job_title": "Consultant",
        "hourly_rate": (expert.hourly_rate or 0) + 10,
    }
    assert compute_findability_score(
        expert.with_changes(**{field: filled[field]})
    ) >= compute_findability_score(expert)


@given(st.integers(min_value=500, max_value=5000), st.integers(min_value=0, max_value=5000))
def test_bio_beyond_500_characters_adds_nothing(length: int, extra: int) -> None:
    short = Expert(username="u", bio="b" * length)
    longer = Expert(username="u", bio="b" * (length + extra))
    assert compute_findability_score(short) == compute_findability_score(longer) == 40.0


@given(experts())
def test_deterministic(expert: Expert) -> None:
    assert compute_findability_score(expert) == compute_findability_score(expert)
