"""``GeminiBatchTagger``: the Batch API adapter against the fake Gemini (and the real one when a
key is set): the same requests and the same validation as the online tagger, inline or as a
JSONL file, states and ``batchStats`` counts, per-request errors, the enqueued-token cap."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator

import anyio
import pytest

from enrichment_adapters.gemini.batch import GeminiBatchTagger, job_state
from enrichment_adapters.gemini.tagger import GeminiTagGenerator
from enrichment_core.batch_plan import BatchLimits, BatchStatus
from enrichment_core.errors import InvalidTagOutputError, RateLimitedError, TransientTaggingError
from enrichment_core.ports import TagRequest
from enrichment_core.runs import JobState
from enrichment_core.tags import normalize_tags
from tests.contract.tagger_contract import HOSTILE_HTML, INJECTION, TAX_LAWYER, VET
from tests.support.fake_gemini import BATCH_CREATE, BATCH_REQUEST, FakeGemini

REAL_KEY = os.environ.get("GEMINI_API_KEY") or os.environ.get("GOOGLE_API_KEY")
REQUESTS = [TAX_LAWYER, VET, INJECTION, HOSTILE_HTML]


FAKE_GEMINI = {
    "batch_pending_s": 0.05,
    "batch_running_s": 0.1,
}  # the shared fixtures `fake` / `fake_gemini_server` (conftest)


@pytest.fixture
def batch(fake: FakeGemini) -> Iterator[GeminiBatchTagger]:
    tagger = GeminiBatchTagger(api_key="test-key", base_url=fake.base_url)
    yield tagger
    tagger.close()


def items(requests: list[TagRequest]) -> list[tuple[str, TagRequest]]:
    return [(str(i), r) for i, r in enumerate(requests)]


def wait_until_done(batch: GeminiBatchTagger, name: str, timeout: float = 20.0) -> BatchStatus:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = batch.job_status(name)
        if status.state not in (JobState.PENDING, JobState.RUNNING):
            return status
        time.sleep(0.05)
    raise AssertionError(f"{name} did not end within {timeout}s")


def online_tags(fake: FakeGemini, request: TagRequest) -> tuple[str, ...]:
    async def call() -> tuple[str, ...]:
        async with GeminiTagGenerator(api_key="test-key", base_url=fake.base_url) as online:
            return normalize_tags(await online.generate_tags(request))

    return anyio.run(call)


def test_a_job_gives_the_online_answers_for_the_same_requests(
    fake: FakeGemini, batch: GeminiBatchTagger
) -> None:
    name = batch.create_job("key-1", items(REQUESTS))
    status = wait_until_done(batch, name)
    assert (status.state, status.total, status.succeeded, status.failed) == (
        JobState.SUCCEEDED,
        4,
        4,
        0,
    )
    results = {r.key: r for r in batch.job_results(name)}
    for i, request in enumerate(REQUESTS):
        assert results[str(i)].error is None
        assert normalize_tags(results[str(i)].tags or ()) == online_tags(fake, request)
        assert results[str(i)].usage.requests == 1
        assert results[str(i)].usage.prompt > 0
    assert "hacked" not in {t for r in results.values() for t in r.tags or ()}


def test_the_batch_request_is_the_online_request(
    fake: FakeGemini, batch: GeminiBatchTagger
) -> None:
    batch.create_job("key-1", items([VET]))
    [sent] = fake.last_request(BATCH_CREATE).body["batch"]["inputConfig"]["requests"]["requests"]
    assert fake.last_request(BATCH_CREATE).body["batch"]["displayName"] == "key-1"
    online_tags(fake, VET)
    online = fake.last_request("generateContent").body
    assert sent["metadata"] == {"key": "0"}
    assert {k: v for k, v in sent["request"].items() if k != "model"} == online


def test_a_large_job_travels_as_a_jsonl_file_with_the_same_requests(fake: FakeGemini) -> None:
    with GeminiBatchTagger(
        api_key="test-key", base_url=fake.base_url, inline_limit_bytes=10
    ) as batch:
        name = batch.create_job("file-job", items(REQUESTS))
        assert "fileName" in fake.last_request(BATCH_CREATE).body["batch"]["inputConfig"]
        uploaded = next(f for f in fake.batches.files.values() if f.display_name == "file-job")
        lines = [json.loads(line) for line in bytes(uploaded.data).decode().splitlines()]
        assert [line["key"] for line in lines] == ["0", "1", "2", "3"]
        wait_until_done(batch, name)
        results = {r.key: r for r in batch.job_results(name)}
    assert normalize_tags(results["1"].tags or ()) == online_tags(fake, VET)
    with GeminiBatchTagger(api_key="test-key", base_url=fake.base_url) as inline:
        inline.create_job("inline-job", items(REQUESTS))
    sent = fake.last_request(BATCH_CREATE).body["batch"]["inputConfig"]["requests"]["requests"]
    # each JSONL line is exactly what the SDK itself sends inline for the same request
    assert [line["request"] for line in lines] == [
        {k: v for k, v in item["request"].items() if k != "model"} for item in sent
    ]


def test_per_request_errors_and_invalid_answers_are_tagging_errors(
    fake: FakeGemini, batch: GeminiBatchTagger
) -> None:
    fake.script("503", "invalid_json", "empty_tags", endpoint=BATCH_REQUEST)
    name = batch.create_job("k", items(REQUESTS))
    wait_until_done(batch, name)
    results = {r.key: r for r in batch.job_results(name)}
    assert isinstance(results["0"].error, TransientTaggingError)
    assert results["0"].tags is None
    assert isinstance(results["1"].error, InvalidTagOutputError)
    assert isinstance(results["2"].error, InvalidTagOutputError)
    assert results["3"].error is None
    assert results["3"].tags


def test_an_expired_job_is_reported_expired(fake: FakeGemini, batch: GeminiBatchTagger) -> None:
    fake.script_batch_jobs("expired")
    assert wait_until_done(batch, batch.create_job("k", items([VET]))).state is JobState.EXPIRED


def test_the_enqueued_token_cap_refusal_is_a_rate_limit() -> None:
    with (
        FakeGemini(batch_token_limit=10) as small,
        GeminiBatchTagger(api_key="test-key", base_url=small.base_url) as refused,
        pytest.raises(RateLimitedError, match="Enqueued tokens"),
    ):
        refused.create_job("k", items([VET]))


def test_a_job_can_be_found_again_by_its_key(batch: GeminiBatchTagger) -> None:
    name = batch.create_job("enrich-7-abc", items([VET]))
    assert batch.find_job("enrich-7-abc") == name
    assert batch.find_job("enrich-7-zzz") is None


def test_size_estimates_grow_with_the_bio_and_stay_under_the_limits(
    batch: GeminiBatchTagger,
) -> None:
    short, long = batch.size_of(VET), batch.size_of(TagRequest("x", None, "word " * 2000))
    assert 0 < short.tokens < long.tokens
    assert short.bytes < long.bytes
    assert isinstance(batch.limits, BatchLimits)


@pytest.mark.parametrize(
    ("raw", "state"),
    [
        ("BATCH_STATE_PENDING", JobState.PENDING),
        ("JOB_STATE_RUNNING", JobState.RUNNING),
        ("BATCH_STATE_SUCCEEDED", JobState.SUCCEEDED),
        ("JOB_STATE_EXPIRED", JobState.EXPIRED),
        ("BATCH_STATE_CANCELLED", JobState.CANCELLED),
        ("JOB_STATE_FAILED", JobState.FAILED),
    ],
)
def test_provider_states_map_to_ours(raw: str, state: JobState) -> None:
    assert job_state(raw) is state


@pytest.mark.real_gemini
@pytest.mark.skipif(
    not REAL_KEY, reason="set GEMINI_API_KEY or GOOGLE_API_KEY to run against the real Gemini"
)
def test_the_real_batch_api_accepts_a_job_reports_its_state_and_cancels_it() -> None:
    with GeminiBatchTagger(api_key=REAL_KEY) as batch:
        name = batch.create_job(f"enrich-contract-{int(time.time())}", items([VET, TAX_LAWYER]))
        try:
            assert name.startswith("batches/")
            assert batch.job_status(name).state in {
                JobState.PENDING,
                JobState.RUNNING,
                JobState.SUCCEEDED,
            }
        finally:
            batch.cancel_job(name)
