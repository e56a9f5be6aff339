"""Directory insights and per-expert findability advice, from the core's formula."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from enrichment_adapters.memory import InMemoryExpertRepo
from enrichment_core.experts import Expert, new_expert
from enrichment_core.findability import compute_findability_score, findability_advice
from enrichment_core.insights import directory_insights

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def test_advice_names_each_missing_part_with_its_points() -> None:
    expert = new_expert(username="jo", bio="x" * 250, job_title="Vet")
    advice = [tip.advice for tip in findability_advice(expert)]
    assert advice == [
        "get tags with `enrich tag`: +25",
        "lengthen the bio to 500 characters (now 250): +20",
        "add a profile URL: +15",
        "add an hourly rate: +10",
    ]


def test_advice_for_a_complete_profile_is_empty() -> None:
    expert = new_expert(
        username="jo",
        bio="x" * 600,
        job_title="Vet",
        hourly_rate=10,
        profile_url="https://x.example/jo",
    ).with_changes(tags=("veterinary",))
    assert findability_advice(expert) == ()
    assert compute_findability_score(expert) == 100.0


def test_an_expert_without_bio_is_told_tags_need_a_bio() -> None:
    advice = {t.field: t.advice for t in findability_advice(new_expert(username="jo"))}
    assert advice["bio"] == "add a bio of 500+ characters: +40"
    assert advice["tags"] == "get tags (needs a bio first): +25"


@given(
    bio=st.text(max_size=700),
    title=st.none() | st.text(max_size=5),
    url=st.none() | st.just("https://x.example/p"),
    rate=st.none() | st.floats(min_value=0, max_value=500),
    tagged=st.booleans(),
)
def test_score_plus_advice_is_always_100(
    bio: str, title: str | None, url: str | None, rate: float | None, tagged: bool
) -> None:
    expert = Expert(
        username="u",
        bio=bio,
        job_title=title,
        profile_url=url,
        hourly_rate=rate,
        tags=("t",) if tagged else None,
    )
    total = compute_findability_score(expert) + sum(t.points for t in findability_advice(expert))
    assert abs(total - 100.0) <= 0.11


def _directory() -> InMemoryExpertRepo:
    repo = InMemoryExpertRepo()
    rows = [
        ("tagged1", "bio one", ("tax law", "audit"), 95.0, None),
        ("tagged2", "bio two", ("tax law",), 100.0, None),
        ("failed", "bio three", None, 20.0, "timeout"),
        ("pending", "bio four", None, 19.9, None),
        ("nobio", None, None, 0.0, None),
        ("unscored", None, None, None, None),
    ]
    for username, bio, tags, score, error in rows:
        stored = repo.add(new_expert(username=username, bio=bio, company="Acme" if tags else None))
        assert stored.id is not None
        if tags:
            repo.save_tags(
                stored.id, tags=tags, tagged_by="t", tagged_at=NOW, findability_score=score or 0
            )
        elif error:
            repo.record_tagging_failure(stored.id, error=error, findability_score=score)
        elif score is not None:
            repo.save_scores({stored.id: score})
    return repo


def test_insights_count_states_scores_tags_and_gaps() -> None:
    insights = directory_insights(_directory())
    assert insights.total == 6
    assert insights.states == {"tagged": 2, "no_bio": 2, "failed": 1, "pending": 1}
    assert insights.unscored == 1
    counts = {(b.low, b.high): b.count for b in insights.histogram}
    assert len(counts) == 10
    assert sum(counts.values()) == 5
    assert counts[(0.0, 10.0)] == 1
    assert counts[(10.0, 20.0)] == 1  # 19.9
    assert counts[(20.0, 30.0)] == 1
    assert counts[(90.0, 100.0)] == 2  # 100 falls in the last bin
    assert [(t.tag, t.count) for t in insights.top_tags] == [("tax law", 2), ("audit", 1)]
    assert insights.distinct_tags == 2
    gaps = {g.field: g.missing for g in insights.gaps}
    assert gaps == {"profile_url": 6, "job_title": 6, "hourly_rate": 6, "company": 4, "bio": 2}
    assert insights.gaps[-1].field == "bio"  # least often missing last


def test_each_insight_number_is_the_size_of_its_table_filter() -> None:
    repo = _directory()
    insights = directory_insights(repo)
    for score_bin in insights.histogram:
        below = None if score_bin.high >= 100 else score_bin.high
        page = repo.page(min_findability=score_bin.low, findability_below=below)
        assert page.total == score_bin.count
    for tag in insights.top_tags:
        assert repo.page(tag=tag.tag).total == tag.count
    for gap in insights.gaps:
        assert repo.page(missing=gap.field).total == gap.missing
