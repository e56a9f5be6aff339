"""The batch tagging use case (``run_tagging`` with a batch tagger) through the real Gemini
adapters against the fake: records before relying, resumes instead of re-creating, applies
results with the online rules, sends errored answers online once and lost jobs online in full,
and leaves experts of open jobs alone on the online path."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import anyio
import pytest

from enrichment_adapters.gemini.batch import GeminiBatchTagger
from enrichment_adapters.gemini.tagger import GeminiTagGenerator
from enrichment_adapters.memory import InMemoryExpertRepo
from enrichment_adapters.memory_runs import InMemoryRunStore
from enrichment_core.batch_plan import BatchLimits
from enrichment_core.batch_tagging import BatchOptions
from enrichment_core.experts import Expert, new_expert
from enrichment_core.findability import compute_findability_score
from enrichment_core.ports import TagRequest
from enrichment_core.runs import BatchJobRecord, JobState, RunStatus
from enrichment_core.tag_runs import RunResult, run_tagging
from enrichment_core.tagging import TaggingOptions
from enrichment_core.usage import ModelPrice, ModelPricing, PriceTable, TokenUsage
from tests.support.fake_gemini import BATCH_CREATE, BATCH_REQUEST, GENERATE, FakeGemini
from tests.support.fake_gemini_model import estimate_tokens
from tests.support.fake_gemini_wire import prompt_text

BIOS = [
    "Tax attorney advising startups on R&D tax credits and IRS audits.",
    "Veterinary surgeon for small animal orthopedics and soft tissue surgery.",
    "Data scientist building machine learning models for demand forecasting in retail.",
    "Supply chain and logistics consultant for manufacturing and procurement.",
    "React and TypeScript frontend development for fintech web applications.",
    "Cybersecurity lead running penetration testing and security audits.",
]
PRICES = PriceTable(
    {"gemini-2.5-flash": ModelPricing(ModelPrice(0.30, 0.03, 2.50), ModelPrice(0.15, 0.03, 1.25))}
)
FAST = TaggingOptions(concurrency=2, rpm=6000, retry_delay_s=0.01)


def cost(usage: TokenUsage, *, batch: bool) -> float:
    priced = PRICES.cost("gemini-2.5-flash", usage, batch=batch)
    assert priced is not None
    return priced


def directory() -> list[Expert]:
    experts = [
        new_expert(username=f"e{i}", job_title="Consultant", bio=b) for i, b in enumerate(BIOS)
    ]
    return [*experts, new_expert(username="nobio", job_title="Consultant")]


FAKE_GEMINI = {
    "batch_pending_s": 0.05,
    "batch_running_s": 0.1,
}  # the shared fixtures `fake` / `fake_gemini_server` (conftest)


class Setup:
    def __init__(
        self, fake: FakeGemini, *, max_requests: int = 4, max_tokens: int = 3_000_000
    ) -> None:
        self.fake = fake
        self.repo = InMemoryExpertRepo(directory())
        self.store = InMemoryRunStore()
        self.batch = GeminiBatchTagger(
            api_key="k", base_url=fake.base_url,
            limits=BatchLimits(max_requests=max_requests, max_enqueued_tokens=max_tokens),
        )  # fmt: skip
        self.tagger = GeminiTagGenerator(api_key="k", base_url=fake.base_url)

    def run(self, *, batch: bool = True, stop_after_s: float | None = None) -> RunResult:
        async def main() -> RunResult:
            stop = anyio.Event()
            async with anyio.create_task_group() as group:
                if stop_after_s is not None:

                    async def later() -> None:
                        await anyio.sleep(stop_after_s)
                        stop.set()

                    group.start_soon(later)
                result = await run_tagging(
                    self.repo, self.tagger, self.store, FAST, prices=PRICES,
                    batch=self.batch if batch else None,
                    batch_options=BatchOptions(poll_interval_s=0.05), stop=stop,
                )  # fmt: skip
                group.cancel_scope.cancel()
            return result

        return anyio.run(main)

    def tags(self) -> dict[str, tuple[str, ...] | None]:
        return {e.username: e.tags for e in self.repo.list_experts()}


def test_a_batch_run_tags_and_scores_exactly_like_the_online_run(fake: FakeGemini) -> None:
    online, batched = Setup(fake), Setup(fake)
    online.run(batch=False)
    fake.reset()
    result = batched.run()
    assert result.batch is not None
    assert not result.batch.lost_jobs
    assert not result.report.failed
    assert batched.tags() == online.tags()
    assert batched.tags()["e0"]
    assert fake.request_count(GENERATE) == 0  # nothing needed the online path
    assert result.batch.jobs_created == 2
    assert result.batch.requests_sent == 6
    for expert in batched.repo.list_experts():
        assert expert.findability_score == compute_findability_score(expert)
        if expert.tags:
            assert expert.tagged_by == "gemini:gemini-2.5-flash"
    assert batched.store.open_jobs() == []
    assert batched.store.claimed_expert_ids() == set()


def test_the_run_is_recorded_with_batch_tokens_and_a_batch_price(fake: FakeGemini) -> None:
    setup = Setup(fake)
    result = setup.run()
    [run] = setup.store.list_runs()
    assert (run.mode, run.status, run.tagged, run.skipped_no_bio, run.batch_jobs) == (
        "batch", RunStatus.COMPLETED, 6, 1, 2,
    )  # fmt: skip
    assert run.usage == result.usage
    assert run.usage.requests == 6
    assert run.usage.prompt > 0
    assert run.cost_usd == pytest.approx(cost(run.usage, batch=True))
    assert run.cost_usd == pytest.approx(cost(run.usage, batch=False) / 2, rel=0.05)


def test_each_job_is_recorded_holding_its_experts_before_it_is_created(fake: FakeGemini) -> None:
    setup = Setup(fake)
    seen: list[tuple[JobState, set[int]]] = []
    create = setup.batch.create_job

    def recording_create(key: str, items: Sequence[tuple[str, TagRequest]]) -> str:
        [job] = [j for j in setup.store.open_jobs() if j.key == key]
        seen.append((job.state, setup.store.claimed_expert_ids() & set(job.expert_ids)))
        return create(key, items)

    setup.batch.create_job = recording_create  # type: ignore[method-assign]
    setup.run()
    assert [state for state, _ in seen] == [JobState.CREATING, JobState.CREATING]
    assert all(len(held) >= 2 for _, held in seen)


def test_a_job_created_by_a_run_that_died_before_recording_its_name_is_adopted(
    fake: FakeGemini,
) -> None:
    setup = Setup(fake, max_requests=10)
    experts = [e for e in setup.repo.list_experts() if e.has_bio]
    key = "enrich-1-crashed"
    setup.store.record_job(
        BatchJobRecord(
            key=key, model="gemini-2.5-flash", state=JobState.CREATING,
            created_at=datetime.now(UTC), expert_ids=tuple(e.id or 0 for e in experts),
        )
    )  # fmt: skip
    setup.batch.create_job(key, [(str(e.id), TagRequest.for_expert(e)) for e in experts])
    result = setup.run()
    assert fake.request_count(BATCH_CREATE) == 1  # adopted, never created twice
    assert result.batch is not None
    assert result.batch.jobs_created == 0
    assert result.batch.jobs_resumed == 1
    assert all(tags for name, tags in setup.tags().items() if name != "nobio")


def test_an_errored_answer_counts_as_the_first_attempt_and_is_retried_online_once(
    fake: FakeGemini,
) -> None:
    setup = Setup(fake, max_requests=10)
    fake.script("500", "invalid_json", endpoint=BATCH_REQUEST)
    # One of the two online retries meets a 503, the other succeeds; which one gets the 503
    # depends on which retry reaches the fake first (they run concurrently).
    fake.script("503", "ok", endpoint=GENERATE)
    result = setup.run()
    assert result.batch is not None
    assert result.batch.request_errors == 2
    assert fake.request_count(GENERATE) == 2  # one online call each, never a third attempt
    [failed] = [f.username for f in result.report.failed]
    assert failed in {"e0", "e1"}
    loser = setup.repo.get(failed)
    assert loser is not None
    assert loser.tags is None
    assert "Transient" in (loser.tagging_error or "")
    assert setup.tags()["e1" if failed == "e0" else "e0"]
    assert not result.clean


def test_an_expired_job_is_reported_and_its_experts_take_the_full_online_path(
    fake: FakeGemini,
) -> None:
    setup = Setup(fake)
    fake.script_batch_jobs("expired", "ok")
    fake.script("503", endpoint=GENERATE)  # the first online call fails; its retry succeeds
    result = setup.run()
    assert result.batch is not None
    assert len(result.batch.lost_jobs) == 1
    assert "expired" in result.batch.lost_jobs[0]
    assert fake.request_count(GENERATE) == 5  # 4 experts of the lost job + one retry
    assert all(tags for name, tags in setup.tags().items() if name != "nobio")
    assert not result.clean  # a lost job is worth a summary
    [run] = setup.store.list_runs()
    assert run.cost_usd == pytest.approx(
        cost(result.batch.usage, batch=True) + cost(result.usage - result.batch.usage, batch=False)
    )


def test_the_online_path_leaves_experts_of_an_open_job_alone(fake: FakeGemini) -> None:
    setup = Setup(fake)
    held = [e for e in setup.repo.list_experts() if e.has_bio][:3]
    setup.store.record_job(
        BatchJobRecord(
            key="other-run", model="gemini-2.5-flash", state=JobState.RUNNING, name="batches/x",
            created_at=datetime.now(UTC), expert_ids=tuple(e.id or 0 for e in held),
        )
    )  # fmt: skip
    result = setup.run(batch=False)
    assert result.report.excluded == 3
    assert fake.request_count(GENERATE) == 3
    assert all(setup.tags()[e.username] is None for e in held)


def test_a_refused_create_waits_for_the_enqueued_tokens_to_drain(fake: FakeGemini) -> None:
    setup = Setup(fake, max_requests=3)
    one = setup.batch.rest_request(TagRequest("e0", "Consultant", BIOS[0]))
    fake.batches.token_limit = estimate_tokens(prompt_text(one)) * 4  # one job of 3 fits, not two
    result = setup.run()
    assert fake.stats().by_status.get(429, 0) >= 1  # the second job was refused at first
    assert result.batch is not None
    assert result.batch.jobs_created == 2
    assert all(tags for name, tags in setup.tags().items() if name != "nobio")


def test_an_interrupted_run_leaves_its_jobs_open_and_the_next_run_collects_them(
    fake: FakeGemini,
) -> None:
    fake.batches.pending_s = 0.6
    setup = Setup(fake)
    first = setup.run(stop_after_s=0.2)
    assert first.batch is not None
    assert first.batch.cancelled
    assert first.batch.still_open == 2
    assert setup.store.list_runs()[0].status is RunStatus.INTERRUPTED
    assert fake.request_count(GENERATE) == 0  # held experts were not sent online
    second = setup.run()
    assert second.batch is not None
    assert (second.batch.jobs_resumed, second.batch.jobs_created) == (
        2,
        0,
    )
    assert fake.request_count(BATCH_CREATE) == 2
    assert all(tags for name, tags in setup.tags().items() if name != "nobio")


def test_experts_an_online_run_has_claimed_are_not_put_in_a_batch_job(fake: FakeGemini) -> None:
    setup = Setup(fake, max_requests=10)
    e0 = setup.repo.get("e0")
    assert e0 is not None
    assert e0.id is not None
    assert setup.repo.claim_untagged("run:elsewhere:1:abc", limit=1, ttl_s=600, among=[e0.id])
    result = setup.run()
    [job] = setup.store.list_jobs()
    assert e0.id not in job.expert_ids
    assert len(job.expert_ids) == 5
    assert result.batch is not None
    assert result.batch.requests_sent == 5
    assert setup.tags()["e0"] is None  # left to the run that holds it
    assert setup.repo.claim_owners() == ["run:elsewhere:1:abc"]  # ours were released
