"""The intake use case (synchronous tagging, saved untagged + retry on failure) with in-memory fakes."""

from __future__ import annotations

import logging
from typing import Any

import anyio
import pytest

from enrichment_adapters.memory import InMemoryExpertRepo
from enrichment_core.errors import (
    DuplicateExpertError,
    InvalidExpertError,
    PermanentTaggingError,
    TransientTaggingError,
)
from enrichment_core.experts import Expert, TaggingState
from enrichment_core.intake import (
    IntakeResult,
    IntakeTagging,
    RetryOutcome,
    intake_expert,
    retry_tagging,
)
from enrichment_core.tagging import TaggingOptions, tag_untagged_experts
from tests.support.scripted_tagger import ScriptedTagger

ADA = {
    "username": "ada",
    "job_title": "Tax Attorney",
    "bio": "I help startups claim R&D tax credits. " * 15,
    "profile_url": "https://x.example/ada",
    "hourly_rate": 200,
}


class RecordingScheduler:
    def __init__(self) -> None:
        self.scheduled: list[int] = []

    def schedule_tagging_retry(self, expert_id: int) -> None:
        self.scheduled.append(expert_id)


def intake(
    repo: InMemoryExpertRepo,
    tagger: ScriptedTagger,
    scheduler: RecordingScheduler | None = None,
    timeout_s: float = 2.0,
    **fields: Any,
) -> IntakeResult:
    async def main() -> IntakeResult:
        return await intake_expert(
            fields or ADA,
            repo=repo,
            tagger=tagger,
            retries=scheduler or RecordingScheduler(),
            timeout_s=timeout_s,
        )

    return anyio.run(main)


def stored(repo: InMemoryExpertRepo, username: str = "ada") -> Expert:
    expert = repo.get(username)
    assert expert is not None
    return expert


def test_expert_with_a_bio_is_tagged_and_scored_before_the_call_returns() -> None:
    repo, scheduler = InMemoryExpertRepo(), RecordingScheduler()
    tagger = ScriptedTagger({"ada": [["  R&D Tax Credits ", "Tax Law", "tax law"]]})
    result = intake(repo, tagger, scheduler)
    assert result.tagging is IntakeTagging.TAGGED
    assert result.expert == stored(repo)
    assert result.expert.tags == ("r&d tax credits", "tax law")
    assert result.expert.tagged_by == "scripted:test"
    # 40 bio + 25 tags + 15 URL + 10 title + 10 rate
    assert result.expert.findability_score == 100.0
    assert scheduler.scheduled == []


def test_no_bio_expert_is_saved_and_scored_without_a_tagger_call() -> None:
    repo, tagger = InMemoryExpertRepo(), ScriptedTagger()
    result = intake(repo, tagger, username="nobio", job_title="Vet", bio="   ")
    assert result.tagging is IntakeTagging.NO_BIO
    assert tagger.calls == []
    assert result.expert.tags is None
    assert result.expert.findability_score == 10.0
    assert stored(repo, "nobio").tagging_state is TaggingState.NO_BIO


@pytest.mark.parametrize(
    ("outcome", "error_text"),
    [
        (
            TransientTaggingError("Gemini is unavailable (503)"),
            "TransientTaggingError: Gemini is unavailable",
        ),
        (PermanentTaggingError("bad key"), "PermanentTaggingError: bad key"),
        ([], "InvalidTagOutputError"),
        (RuntimeError("adapter bug"), "RuntimeError: adapter bug"),
        ("hang", "did not answer in time"),
    ],
)
def test_tagging_failure_saves_the_expert_untagged_records_it_and_schedules_a_retry(
    outcome: object, error_text: str, caplog: pytest.LogCaptureFixture
) -> None:
    repo, scheduler = InMemoryExpertRepo(), RecordingScheduler()
    with caplog.at_level(logging.WARNING, logger="enrichment_core.intake"):
        result = intake(repo, ScriptedTagger({"ada": [outcome]}), scheduler, timeout_s=0.2)  # type: ignore[list-item]
    expert = stored(repo)
    assert result.tagging is IntakeTagging.RETRY_SCHEDULED
    assert expert.tags is None
    assert expert.findability_score == 75.0  # everything but the 25 tag points
    assert expert.tagging_state is TaggingState.FAILED
    assert error_text in (expert.tagging_error or "")
    assert result.error == expert.tagging_error
    assert scheduler.scheduled == [expert.id]
    assert "retry scheduled expert=ada" in caplog.text


def test_invalid_input_is_refused_naming_the_field_and_nothing_is_saved() -> None:
    repo, tagger = InMemoryExpertRepo(), ScriptedTagger()
    with pytest.raises(InvalidExpertError) as bad_url:
        intake(repo, tagger, username="ada", profile_url="javascript:alert(1)")
    assert bad_url.value.field == "profile_url"
    with pytest.raises(InvalidExpertError) as unknown:
        intake(repo, tagger, username="ada", tags=["x"])
    assert unknown.value.field == "tags"
    assert repo.count() == 0
    assert tagger.calls == []


def test_existing_username_is_refused_before_any_tagger_call() -> None:
    repo = InMemoryExpertRepo()
    intake(repo, ScriptedTagger())
    tagger = ScriptedTagger()
    with pytest.raises(DuplicateExpertError):
        intake(repo, tagger)
    assert tagger.calls == []
    assert repo.count() == 1


def _retry(repo: InMemoryExpertRepo, tagger: ScriptedTagger, expert_id: int) -> RetryOutcome:
    async def main() -> RetryOutcome:
        return await retry_tagging(expert_id, repo, tagger, timeout_s=0.5)

    return anyio.run(main)


def test_background_retry_tags_the_expert_and_clears_the_recorded_failure() -> None:
    repo, scheduler = InMemoryExpertRepo(), RecordingScheduler()
    intake(repo, ScriptedTagger({"ada": [TransientTaggingError("503")]}), scheduler)
    outcome = _retry(repo, ScriptedTagger({"ada": [["Tax Law"]]}), scheduler.scheduled[0])
    expert = stored(repo)
    assert outcome is RetryOutcome.TAGGED
    assert (expert.tags, expert.tagging_error, expert.findability_score) == (
        ("tax law",),
        None,
        100.0,
    )


def test_retry_that_fails_again_is_recorded_and_logged_never_raised(
    caplog: pytest.LogCaptureFixture,
) -> None:
    repo, scheduler = InMemoryExpertRepo(), RecordingScheduler()
    intake(repo, ScriptedTagger({"ada": [TransientTaggingError("first 503")]}), scheduler)
    with caplog.at_level(logging.WARNING, logger="enrichment_core.intake"):
        outcome = _retry(repo, ScriptedTagger({"ada": [TransientTaggingError("second 503")]}), 1)
    assert outcome is RetryOutcome.FAILED
    assert "second 503" in (stored(repo).tagging_error or "")
    assert stored(repo).tags is None
    assert "tagging retry failed" in caplog.text


def test_retry_leaves_an_expert_tagged_meanwhile_alone() -> None:
    repo, scheduler = InMemoryExpertRepo(), RecordingScheduler()
    intake(repo, ScriptedTagger({"ada": [TransientTaggingError("503")]}), scheduler)
    run_batch(repo, ScriptedTagger({"ada": [["Batch Tag"]]}))
    late = ScriptedTagger()
    assert _retry(repo, late, 1) is RetryOutcome.ALREADY_TAGGED
    assert late.calls == []
    assert stored(repo).tags == ("batch tag",)


def test_retry_of_a_deleted_expert_is_a_logged_no_op() -> None:
    assert _retry(InMemoryExpertRepo(), ScriptedTagger(), 42) is RetryOutcome.MISSING


def run_batch(repo: InMemoryExpertRepo, tagger: ScriptedTagger) -> None:
    async def main() -> None:
        await tag_untagged_experts(repo, tagger, TaggingOptions(rpm=60_000, retry_delay_s=0))

    anyio.run(main)


def test_expert_whose_retry_was_lost_is_tagged_by_the_next_batch_run() -> None:
    repo, scheduler = InMemoryExpertRepo(), RecordingScheduler()
    intake(repo, ScriptedTagger({"ada": [TransientTaggingError("503")]}), scheduler)
    # the process restarts: the scheduled retry never runs
    run_batch(repo, ScriptedTagger({"ada": [["Tax Law"]]}))
    expert = stored(repo)
    assert expert.tags == ("tax law",)
    assert expert.tagging_error is None
    assert expert.findability_score == 100.0
