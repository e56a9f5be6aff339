"""The fake Gemini's Batch and Files APIs and its implicit prefix cache, on the wire."""

from __future__ import annotations

import io
import json
import urllib.request
from typing import Any

import pytest
from google import genai
from google.genai import errors, types

from tests.support.fake_gemini import BATCH_REQUEST, FakeGemini
from tests.unit.test_fake_gemini import GENERATE_PATH, generate_body, post

CREATE_PATH = "/v1beta/models/gemini-2.5-flash:batchGenerateContent"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


FAKE_GEMINI = {
    "batch_pending_s": 10,
    "batch_running_s": 100,
    "batch_token_limit": 5_000,
}  # the shared fixtures `fake` / `fake_gemini_server` (conftest)


@pytest.fixture
def clock(fake: FakeGemini) -> Clock:
    clock = Clock()
    fake.batches.clock = clock
    return clock


def inline_body(texts: list[str]) -> dict[str, Any]:
    requests = [
        {"request": generate_body(text), "metadata": {"key": f"k{i}"}}
        for i, text in enumerate(texts)
    ]
    return {"batch": {"displayName": "job-1", "inputConfig": {"requests": {"requests": requests}}}}


def get(fake: FakeGemini, path: str) -> Any:
    request = urllib.request.Request(fake.base_url + path, headers={"x-goog-api-key": "k"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_a_job_goes_pending_running_succeeded_with_batch_stats_as_strings(
    fake: FakeGemini, clock: Clock
) -> None:
    status, created, _ = post(fake, CREATE_PATH, inline_body(["tax law"] * 10))
    assert status == 200
    assert created["name"].startswith("batches/")
    meta = created["metadata"]
    assert meta["state"] == "BATCH_STATE_PENDING"
    assert meta["displayName"] == "job-1"
    assert meta["batchStats"] == {"requestCount": "10", "pendingRequestCount": "10"}
    clock.now += 10 + 40  # 40% through the running phase
    running = get(fake, f"/v1beta/{created['name']}")["metadata"]
    assert running["state"] == "BATCH_STATE_RUNNING"
    assert running["batchStats"] == {
        "requestCount": "10",
        "successfulRequestCount": "4",
        "pendingRequestCount": "6",
    }
    clock.now += 60
    done = get(fake, f"/v1beta/{created['name']}")
    assert done["done"] is True
    assert done["metadata"]["state"] == "BATCH_STATE_SUCCEEDED"
    results = done["metadata"]["output"]["inlinedResponses"]["inlinedResponses"]
    assert [r["metadata"]["key"] for r in results] == [f"k{i}" for i in range(10)]
    assert all(
        "Tax Law" in r["response"]["candidates"][0]["content"]["parts"][0]["text"] for r in results
    )


def test_per_request_errors_and_bad_answers_are_scripted_inside_a_job(
    fake: FakeGemini, clock: Clock
) -> None:
    fake.script("500", "invalid_json", endpoint=BATCH_REQUEST)
    _, created, _ = post(fake, CREATE_PATH, inline_body(["tax law"] * 3))
    clock.now += 200
    done = get(fake, f"/v1beta/{created['name']}")
    first, second, third = done["metadata"]["output"]["inlinedResponses"]["inlinedResponses"]
    assert first["error"]["code"] == 500
    assert "response" not in first
    assert second["response"]["candidates"][0]["content"]["parts"][0]["text"].startswith("Sure!")
    assert json.loads(third["response"]["candidates"][0]["content"]["parts"][0]["text"])["tags"]
    assert done["metadata"]["batchStats"]["failedRequestCount"] == "1"


def test_a_scripted_job_expires_after_its_pending_time(fake: FakeGemini, clock: Clock) -> None:
    fake.script_batch_jobs("expired")
    _, created, _ = post(fake, CREATE_PATH, inline_body(["tax law"]))
    clock.now += 11
    expired = get(fake, f"/v1beta/{created['name']}")
    assert expired["metadata"]["state"] == "BATCH_STATE_EXPIRED"
    assert expired["done"] is True
    assert "output" not in expired["metadata"]


def test_creating_past_the_enqueued_token_cap_is_a_429_until_a_job_ends(
    fake: FakeGemini, clock: Clock
) -> None:
    big = ["tax law " * 600] * 3  # ~3,600 estimated tokens per job; the cap is 5,000
    assert post(fake, CREATE_PATH, inline_body(big))[0] == 200
    status, body, _ = post(fake, CREATE_PATH, inline_body(big))
    assert status == 429
    assert body["error"]["status"] == "RESOURCE_EXHAUSTED"
    assert "Enqueued tokens" in body["error"]["message"]
    clock.now += 200  # the first job has finished: its tokens are no longer enqueued
    assert post(fake, CREATE_PATH, inline_body(big))[0] == 200


def test_the_sdk_uploads_a_jsonl_file_runs_it_and_downloads_the_results(
    fake: FakeGemini, clock: Clock
) -> None:
    client = genai.Client(
        api_key="k", http_options=types.HttpOptions(base_url=fake.base_url, api_version="v1beta")
    )
    lines = [{"key": f"e{i}", "request": generate_body("supply chain logistics")} for i in range(3)]
    data = "".join(json.dumps(line) + "\n" for line in lines).encode()
    uploaded = client.files.upload(
        file=io.BytesIO(data), config={"mime_type": "jsonl", "display_name": "in"}
    )
    assert uploaded.name
    assert uploaded.size_bytes == len(data)
    job = client.batches.create(
        model="gemini-2.5-flash", src=uploaded.name, config={"display_name": "file-job"}
    )
    assert job.state == types.JobState.JOB_STATE_PENDING
    clock.now += 200
    done = client.batches.get(name=job.name or "")
    assert done.state == types.JobState.JOB_STATE_SUCCEEDED
    assert done.dest
    assert done.dest.file_name
    results = [
        json.loads(line) for line in client.files.download(file=done.dest.file_name).splitlines()
    ]
    assert [r["key"] for r in results] == ["e0", "e1", "e2"]
    assert all(
        "Supply Chain" in r["response"]["candidates"][0]["content"]["parts"][0]["text"]
        for r in results
    )
    assert [j.display_name for j in client.batches.list()] == ["file-job"]
    client.close()


def test_a_cancelled_job_ends_cancelled(fake: FakeGemini, clock: Clock) -> None:
    client = genai.Client(
        api_key="k", http_options=types.HttpOptions(base_url=fake.base_url, api_version="v1beta")
    )
    job = client.batches.create(
        model="gemini-2.5-flash", src=[types.InlinedRequest(contents="tax law")]
    )
    client.batches.cancel(name=job.name or "")
    clock.now += 500
    assert client.batches.get(name=job.name or "").state == types.JobState.JOB_STATE_CANCELLED
    with pytest.raises(errors.ClientError) as missing:
        client.batches.get(name="batches/nope")
    assert missing.value.code == 404
    client.close()


def test_a_shared_prefix_over_the_threshold_is_reported_cached() -> None:
    prefix = "Fixed instructions that every request repeats. " * 100  # ~1,200 estimated tokens
    with FakeGemini(cache_min_tokens=1024) as fake:

        def usage(text: str) -> dict[str, Any]:
            body = generate_body(text)
            body["systemInstruction"] = {"parts": [{"text": prefix}]}
            usage: dict[str, Any] = post(fake, GENERATE_PATH, body)[1]["usageMetadata"]
            return usage

        first, second = usage("tax law for startups"), usage("veterinary surgery")
        short = post(fake, GENERATE_PATH, generate_body("tax law"))[1]["usageMetadata"]
    assert "cachedContentTokenCount" not in first  # nothing seen before
    assert 1024 <= second["cachedContentTokenCount"] < second["promptTokenCount"]
    assert "cachedContentTokenCount" not in short  # a short prompt never reaches the threshold
