"""The batch tagging use case with in-memory fakes."""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from datetime import datetime

import anyio
import pytest

from enrichment_adapters.memory import InMemoryExpertRepo
from enrichment_core.errors import (
    InvalidTagOutputError,
    PermanentTaggingError,
    RateLimitedError,
    TransientTaggingError,
)
from enrichment_core.experts import Expert, new_expert
from enrichment_core.findability import compute_findability_score
from enrichment_core.tagging import TaggingOptions, TaggingReport, TagOutcome, tag_untagged_experts
from tests.support.scripted_tagger import ScriptedTagger
from tests.support.virtual_clock import VirtualClock

FAST = TaggingOptions(concurrency=4, rpm=60_000, retry_delay_s=0.0, default_quota_delay_s=0.01)


def directory(*usernames: str, no_bio: Sequence[str] = ()) -> InMemoryExpertRepo:
    return InMemoryExpertRepo(
        [
            new_expert(
                username=u,
                job_title=f"{u} title",
                bio=None if u in no_bio else f"{u} has a long bio " * 5,
                profile_url=f"https://x.example/{u}",
            )
            for u in usernames
        ]
    )


def run(
    repo: InMemoryExpertRepo,
    tagger: ScriptedTagger,
    options: TaggingOptions = FAST,
    outcomes: list[TagOutcome] | None = None,
    stop: anyio.Event | None = None,
    clock: VirtualClock | None = None,
) -> TaggingReport:
    """One run on virtual time: the rate limiter's and the retry's waits take no real time."""
    virtual = clock or VirtualClock()

    async def main() -> TaggingReport:
        try:
            async with anyio.create_task_group() as group:
                group.start_soon(virtual.drive)
                report = await tag_untagged_experts(
                    repo,
                    tagger,
                    options,
                    on_progress=(outcomes.append if outcomes is not None else None),
                    stop=stop,
                    clock=virtual.monotonic,
                    sleep=virtual.sleep,
                )
                group.cancel_scope.cancel()
        except BaseExceptionGroup as group_error:  # the run's own error, not the clock's group
            raise group_error.exceptions[0] from None
        return report

    return anyio.run(main)


def stored(repo: InMemoryExpertRepo, username: str) -> Expert:
    expert = repo.get(username)
    assert expert is not None
    return expert


def test_tags_every_untagged_expert_and_records_who_and_when() -> None:
    repo = directory("ada", "bob")
    report = run(repo, ScriptedTagger({"ada": [["Tax Law", " R&D  Credits "]]}))
    ada = stored(repo, "ada")
    assert ada.tags == ("tax law", "r&d credits")
    assert ada.tagged_by == "scripted:test"
    assert isinstance(ada.tagged_at, datetime)
    assert ada.findability_score == compute_findability_score(ada)
    assert (report.tagged, report.failed, report.clean) == (2, [], True)


def test_no_bio_expert_is_scored_but_never_sent_to_the_tagger() -> None:
    repo = directory("ada", "nobio", no_bio=["nobio"])
    tagger = ScriptedTagger()
    report = run(repo, tagger)
    assert tagger.calls == ["ada"]
    nobio = stored(repo, "nobio")
    assert nobio.tags is None
    assert nobio.findability_score == 25.0  # URL 15 + title 10, 0 for tags
    assert report.skipped_no_bio == 1
    assert not report.clean


def test_a_failure_is_retried_once_then_succeeds() -> None:
    repo = directory("ada")
    tagger = ScriptedTagger({"ada": [TransientTaggingError("503 overloaded"), ["ok tag"]]})
    report = run(repo, tagger)
    assert tagger.calls_by_user["ada"] == 2
    assert stored(repo, "ada").tags == ("ok tag",)
    assert report.retries == 1
    assert report.failed == []


@pytest.mark.parametrize(
    "error",
    [
        TransientTaggingError("timeout"),
        InvalidTagOutputError("bad json"),
        PermanentTaggingError("400"),
    ],
)
def test_two_failures_skip_the_expert_record_it_and_the_run_goes_on(
    error: Exception, caplog: pytest.LogCaptureFixture
) -> None:
    repo = directory("ada", "bob", "cy")
    tagger = ScriptedTagger({"bob": [error, error]})
    with caplog.at_level(logging.WARNING, logger="enrichment_core.tagging"):
        report = run(repo, tagger)
    assert tagger.calls_by_user["bob"] == 2
    assert [f.username for f in report.failed] == ["bob"]
    assert report.failed[0].error_class == type(error).__name__
    bob = stored(repo, "bob")
    assert bob.tags is None
    assert bob.tagging_error
    assert type(error).__name__ in bob.tagging_error
    assert bob.findability_score is not None
    assert stored(repo, "cy").tags is not None
    record = next(r for r in caplog.records if getattr(r, "expert", None) == "bob")
    assert record.error_class == type(error).__name__  # type: ignore[attr-defined]


@pytest.mark.parametrize("answer", [[], ["", "  "], [None]])
def test_an_empty_tag_list_is_a_failure_not_an_empty_list(answer: list[object]) -> None:
    repo = directory("ada")
    report = run(repo, ScriptedTagger({"ada": [answer, answer]}))  # type: ignore[list-item]
    assert [f.error_class for f in report.failed] == ["InvalidTagOutputError"]
    assert stored(repo, "ada").tags is None


def test_an_unexpected_adapter_bug_does_not_abort_the_run() -> None:
    repo = directory("ada", "bob")
    report = run(repo, ScriptedTagger({"ada": [KeyError("oops"), KeyError("oops")]}))
    assert [f.error_class for f in report.failed] == ["KeyError"]
    assert stored(repo, "bob").tags is not None


def test_a_hanging_call_times_out_and_counts_as_an_attempt() -> None:
    repo = directory("ada")
    options = TaggingOptions(concurrency=1, rpm=60_000, call_timeout_s=0.05, retry_delay_s=0)
    report = run(repo, ScriptedTagger({"ada": ["hang", ["late but fine"]]}), options)
    assert report.retries == 1
    assert stored(repo, "ada").tags == ("late but fine",)


def test_429s_are_waited_out_and_not_counted_as_attempts() -> None:
    repo = directory("ada")
    quota = RateLimitedError("429", retry_after=0.01)
    tagger = ScriptedTagger({"ada": [quota, quota, quota, ["fine"]]})
    report = run(repo, tagger)
    assert stored(repo, "ada").tags == ("fine",)
    assert report.rate_limited == 3
    assert report.retries == 0
    assert report.failed == []


def test_429s_beyond_the_wait_budget_count_as_a_failed_attempt() -> None:
    repo = directory("ada")
    quota = RateLimitedError("429", retry_after=1.0)
    options = TaggingOptions(concurrency=1, rpm=60_000, max_quota_wait_s=0.5, retry_delay_s=0)
    report = run(repo, ScriptedTagger({"ada": [quota, quota]}), options)
    assert [f.error_class for f in report.failed] == ["RateLimitedError"]


def test_a_429_pauses_the_whole_run() -> None:
    clock = VirtualClock()
    repo = directory(*[f"u{i}" for i in range(6)])
    tagger = ScriptedTagger(
        {"u0": [RateLimitedError("429", retry_after=0.3)]},
        delay=0.01,
        clock=clock.monotonic,
        sleep=clock.sleep,
    )
    options = TaggingOptions(concurrency=3, rpm=60_000, retry_delay_s=0)
    report = run(repo, tagger, options, clock=clock)
    assert report.tagged == 6
    first = tagger.call_times[0]
    later = [t - first for t in tagger.call_times[3:]]
    assert min(later) >= 0.3  # calls after the 429 waited for the server's delay


def test_concurrency_is_bounded() -> None:
    clock = VirtualClock()
    repo = directory(*[f"u{i}" for i in range(20)])
    tagger = ScriptedTagger(delay=0.02, clock=clock.monotonic, sleep=clock.sleep)
    run(repo, tagger, TaggingOptions(concurrency=3, rpm=60_000), clock=clock)
    assert tagger.max_in_flight == 3


def test_requests_per_minute_are_a_steady_rate() -> None:
    clock = VirtualClock()
    repo = directory(*[f"u{i}" for i in range(6)])
    tagger = ScriptedTagger(clock=clock.monotonic)
    run(repo, tagger, TaggingOptions(concurrency=6, rpm=600), clock=clock)  # one call per 0.1 s
    gaps = [b - a for a, b in zip(tagger.call_times, tagger.call_times[1:], strict=False)]
    assert gaps == pytest.approx([0.1] * 5)


def test_a_transient_failure_waits_before_its_retry_and_an_invalid_answer_does_not() -> None:
    clock = VirtualClock()
    repo = directory("ada", "bob")
    tagger = ScriptedTagger(
        {"ada": [TransientTaggingError("503"), ["ok"]], "bob": [InvalidTagOutputError("x"), ["ok"]]}
    )
    options = TaggingOptions(concurrency=1, rpm=60_000, retry_delay_s=7.0)
    report = run(repo, tagger, options, clock=clock)
    assert report.retries == 2
    assert report.failed == []
    assert clock.sleeps.count(7.0) == 1  # only the transient failure paused


def test_a_permanent_error_is_retried_once_like_any_failure() -> None:
    repo = directory("ada")
    tagger = ScriptedTagger({"ada": [PermanentTaggingError("400 bad request"), ["fine"]]})
    report = run(repo, tagger)
    assert tagger.calls_by_user["ada"] == 2  # locked decision 6: retry once, then skip
    assert stored(repo, "ada").tags == ("fine",)
    assert report.retries == 1


def test_reruns_skip_tagged_experts_and_tags_are_immutable() -> None:
    repo = directory("ada", "bob")
    run(repo, ScriptedTagger({"bob": [TransientTaggingError("x"), TransientTaggingError("x")]}))
    before = stored(repo, "ada")
    tagger = ScriptedTagger({"ada": [["different"]]})
    report = run(repo, tagger)
    assert tagger.calls == ["bob"]
    assert stored(repo, "ada") == before
    assert report.tagged == 1
    assert stored(repo, "bob").tagging_error is None


def test_tags_and_score_are_written_together_or_not_at_all() -> None:
    class CrashingRepo(InMemoryExpertRepo):
        def save_tags(self, expert_id: int, **kwargs: object) -> bool:
            raise RuntimeError("disk full")

    repo = CrashingRepo(directory("ada").list_experts())
    with pytest.raises(BaseException, match="disk full"):
        run(repo, ScriptedTagger())
    ada = stored(repo, "ada")
    assert ada.tags is None
    assert ada.findability_score is None


def test_every_expert_is_rescored_at_the_end() -> None:
    repo = directory("ada", "nobio", no_bio=["nobio"])
    report = run(repo, ScriptedTagger())
    assert all(e.findability_score is not None for e in repo.list_experts())
    assert report.scored >= 1


def test_progress_reports_every_untagged_expert_once() -> None:
    repo = directory("a", "b", "c", no_bio=["c"])
    outcomes: list[TagOutcome] = []
    run(repo, ScriptedTagger({"b": [PermanentTaggingError("x")] * 2}), outcomes=outcomes)
    assert sorted((o.expert.username, o.status) for o in outcomes) == [
        ("a", "tagged"),
        ("b", "failed"),
        ("c", "no_bio"),
    ]


def test_stop_ends_the_run_cleanly_and_a_rerun_finishes_the_rest() -> None:
    repo = directory(*[f"u{i:02}" for i in range(30)])
    stop = anyio.Event()
    tagger = ScriptedTagger(delay=0.01)

    def on_progress(outcome: TagOutcome) -> None:
        if sum(1 for e in repo.list_experts() if e.tags) >= 5:
            stop.set()

    async def main() -> TaggingReport:
        return await tag_untagged_experts(
            repo,
            tagger,
            TaggingOptions(concurrency=2, rpm=60_000),
            on_progress=on_progress,
            stop=stop,
        )

    report = anyio.run(main)
    assert report.cancelled
    assert not report.clean
    done = {e.username for e in repo.list_experts(tagged=True)}
    assert 5 <= len(done) < 30
    second = ScriptedTagger()
    report2 = run(repo, second)
    assert not set(second.calls) & done
    assert report2.tagged == 30 - len(done)
    assert repo.count(tagged=True) == 30


def test_an_expert_tagged_meanwhile_is_not_overwritten() -> None:
    repo = directory("ada")

    class Racer(ScriptedTagger):
        async def generate_tags(self, request):  # type: ignore[no-untyped-def]
            expert = repo.get(request.username)
            assert expert is not None
            assert expert.id is not None
            repo.save_tags(
                expert.id,
                tags=["theirs"],
                tagged_by="intake",
                tagged_at=datetime.now(),
                findability_score=1.0,
            )
            return ["mine"]

    report = run(repo, Racer())
    assert stored(repo, "ada").tags == ("theirs",)
    assert report.already_tagged == 1


def test_an_infinite_rpm_sends_every_call_at_once() -> None:
    clock = VirtualClock()
    repo = directory(*[f"u{i}" for i in range(6)])
    tagger = ScriptedTagger(clock=clock.monotonic)
    report = run(repo, tagger, TaggingOptions(concurrency=6, rpm=math.inf), clock=clock)
    assert report.tagged == 6
    assert tagger.call_times == [tagger.call_times[0]] * 6  # no spacing on the virtual clock


def test_options_are_validated() -> None:
    with pytest.raises(ValueError, match="concurrency"):
        TaggingOptions(concurrency=0)
    with pytest.raises(ValueError, match="rpm"):
        TaggingOptions(rpm=0)
    with pytest.raises(ValueError, match="rpm"):
        TaggingOptions(rpm=math.nan)
    assert TaggingOptions(rpm=math.inf).rpm == math.inf  # no limit


def test_refused_credentials_stop_the_run_instead_of_failing_every_expert() -> None:
    from enrichment_core.errors import TaggerCredentialsError

    repo = directory(*[f"u{i}" for i in range(10)])
    tagger = ScriptedTagger(
        {f"u{i}": [TaggerCredentialsError("API key not valid")] for i in range(10)}
    )
    report = run(repo, tagger, TaggingOptions(concurrency=1, rpm=60_000))
    assert report.aborted
    assert "API key not valid" in report.aborted
    assert len(tagger.calls) == 1
    assert report.failed == []
    assert not report.clean
    assert all(e.tagging_error is None for e in repo.list_experts())
