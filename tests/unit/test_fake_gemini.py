"""The fake Gemini server itself: wire shapes, scripting, quota, determinism, limits."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from google import genai
from google.genai import types

from tests.support.fake_gemini import EMBED, GENERATE, FakeGemini
from tests.support.fake_gemini_model import derive_tags, embed

GENERATE_PATH = "/v1beta/models/gemini-2.5-flash:generateContent"
EMBED_PATH = "/v1beta/models/gemini-embedding-001:batchEmbedContents"
REPO_ROOT = Path(__file__).resolve().parents[2]


def generate_body(text: str, *, json_mode: bool = True) -> dict[str, Any]:
    config = {"responseMimeType": "application/json"} if json_mode else {}
    return {"contents": [{"parts": [{"text": text}], "role": "user"}], "generationConfig": config}


def embed_body(texts: list[str], dimension: int | None = 768) -> dict[str, Any]:
    requests = []
    for text in texts:
        request: dict[str, Any] = {
            "model": "models/gemini-embedding-001",
            "content": {"parts": [{"text": text}]},
            "taskType": "RETRIEVAL_DOCUMENT",
        }
        if dimension is not None:
            request["outputDimensionality"] = dimension
        requests.append(request)
    return {"requests": requests}


def post(
    fake: FakeGemini, path: str, body: object, *, key: str | None = "test-key"
) -> tuple[int, Any, str]:
    """(status, JSON body or text, content type) of one raw HTTP call."""
    headers = {"Content-Type": "application/json"}
    if key:
        headers["x-goog-api-key"] = key
    request = urllib.request.Request(
        fake.base_url + path, data=json.dumps(body).encode(), headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, raw, content_type = (
                response.status,
                response.read(),
                response.headers["Content-Type"],
            )
    except urllib.error.HTTPError as error:
        with error:
            status, raw, content_type = error.code, error.read(), error.headers["Content-Type"]
    text = raw.decode()
    return (
        status,
        json.loads(text) if content_type.startswith("application/json") else text,
        content_type,
    )


def answer_text(payload: dict[str, Any]) -> str:
    return str(payload["candidates"][0]["content"]["parts"][0]["text"])


FAKE_GEMINI = {
    "timeout_sleep_s": 0.3
}  # the shared fixtures `fake` / `fake_gemini_server` (conftest)


# --- generateContent -------------------------------------------------------------------------


def test_generate_answers_in_the_documented_wire_shape(fake: FakeGemini) -> None:
    status, payload, content_type = post(fake, GENERATE_PATH, generate_body("I am a tax attorney."))
    assert status == 200
    assert content_type.startswith("application/json")
    candidate = payload["candidates"][0]
    assert candidate["finishReason"] == "STOP"
    assert candidate["index"] == 0
    assert candidate["content"]["role"] == "model"
    assert json.loads(candidate["content"]["parts"][0]["text"])["tags"]
    usage = payload["usageMetadata"]
    assert usage["totalTokenCount"] == usage["promptTokenCount"] + usage["candidatesTokenCount"]
    assert payload["modelVersion"] == "gemini-2.5-flash"


def test_tags_come_from_the_vocabulary_in_mixed_case_and_are_deterministic(
    fake: FakeGemini,
) -> None:
    bio = "Tax attorney: R&D tax credits for startups, IRS audits and corporate tax planning."
    first = answer_text(post(fake, GENERATE_PATH, generate_body(bio))[1])
    second = answer_text(post(fake, GENERATE_PATH, generate_body(bio))[1])
    assert first == second
    tags = json.loads(first)["tags"]
    assert 3 <= len(tags) <= 6
    assert "R&D Tax Credits" in tags
    assert "Tax Law" in tags
    assert any(tag != tag.lower() for tag in tags)


def test_without_a_vocabulary_phrase_the_most_frequent_words_are_the_tags() -> None:
    assert derive_tags("I bake sourdough bread and pastries. Bread, bread and more pastries.") == [
        "bread",
        "pastry",
        "bake",
    ]


def test_without_json_mode_the_answer_is_plain_text(fake: FakeGemini) -> None:
    payload = post(fake, GENERATE_PATH, generate_body("supply chain logistics", json_mode=False))[1]
    assert answer_text(payload).startswith("Supply Chain, logistics")


def test_v1_and_v1beta_paths_both_answer_but_v1_rejects_a_response_schema(fake: FakeGemini) -> None:
    v1 = "/v1/models/gemini-2.5-flash:generateContent"
    assert post(fake, v1, generate_body("react"))[0] == 200
    body = generate_body("react")
    body["generationConfig"]["responseSchema"] = {"type": "OBJECT"}
    status, payload, _ = post(fake, v1, body)
    assert status == 400
    assert "responseSchema" in payload["error"]["message"]
    assert post(fake, GENERATE_PATH, body)[0] == 200


def test_a_missing_key_gets_a_permission_error_in_the_google_shape(fake: FakeGemini) -> None:
    status, payload, content_type = post(fake, GENERATE_PATH, generate_body("x"), key=None)
    assert status == 403
    assert content_type.startswith("application/json")
    assert payload["error"]["status"] == "PERMISSION_DENIED"
    assert payload["error"]["code"] == 403


def test_an_unknown_key_is_rejected_when_valid_keys_are_configured() -> None:
    with FakeGemini(api_keys={"good-key"}) as fake:
        assert post(fake, GENERATE_PATH, generate_body("x"), key="good-key")[0] == 200
        status, payload, _ = post(fake, GENERATE_PATH, generate_body("x"), key="bad-key")
    assert status == 400
    assert payload["error"]["details"][0]["reason"] == "API_KEY_INVALID"


def test_unknown_routes_are_404(fake: FakeGemini) -> None:
    assert post(fake, "/v1beta/models/gemini-2.5-flash:countTokens", {})[0] == 404


# --- scripting -------------------------------------------------------------------------------


def test_scripted_outcomes_are_consumed_first_in_first_out(fake: FakeGemini) -> None:
    fake.script("503", "ok", "429", "400")
    statuses = [post(fake, GENERATE_PATH, generate_body("react"))[0] for _ in range(5)]
    assert statuses == [503, 200, 429, 400, 200]
    assert fake.pending_script == []
    stats = fake.stats()
    assert stats.rate_limited == 1
    assert stats.errors == 3
    assert stats.requests == {GENERATE: 5}


def test_errors_have_the_google_body(fake: FakeGemini) -> None:
    fake.script("503", "500")
    overloaded = post(fake, GENERATE_PATH, generate_body("x"))[1]["error"]
    internal = post(fake, GENERATE_PATH, generate_body("x"))[1]["error"]
    assert overloaded == {
        "code": 503,
        "message": "The model is overloaded. Please try again later.",
        "status": "UNAVAILABLE",
    }
    assert internal["status"] == "INTERNAL"


def test_a_429_carries_retry_info_unless_scripted_without_details(fake: FakeGemini) -> None:
    fake.script("429", "429:26s", "429_no_details")
    errors = [post(fake, GENERATE_PATH, generate_body("x"))[1]["error"] for _ in range(3)]
    delays = [
        [d["retryDelay"] for d in e.get("details", []) if d["@type"].endswith("RetryInfo")]
        for e in errors
    ]
    assert delays == [["1.5s"], ["26s"], []]
    assert all(e["status"] == "RESOURCE_EXHAUSTED" for e in errors)


def test_a_502_is_an_html_page_like_google_front_end(fake: FakeGemini) -> None:
    fake.script("502")
    status, text, content_type = post(fake, GENERATE_PATH, generate_body("x"))
    assert (status, content_type.split(";")[0]) == (502, "text/html")
    assert "502" in text


@pytest.mark.parametrize(
    ("outcome", "finish_reason", "text_check"),
    [
        ("invalid_json", "STOP", lambda text: not text.startswith("{")),
        (
            "truncated",
            "MAX_TOKENS",
            lambda text: text.startswith('{"tags"') and not text.endswith("}"),
        ),
        ("empty_tags", "STOP", lambda text: json.loads(text) == {"tags": []}),
        ("wrong_schema", "STOP", lambda text: "labels" in json.loads(text)),
    ],
)
def test_content_outcomes_shape_the_answer(
    fake: FakeGemini, outcome: str, finish_reason: str, text_check: Any
) -> None:
    fake.script(outcome)
    payload = post(fake, GENERATE_PATH, generate_body("machine learning for retail"))[1]
    assert payload["candidates"][0]["finishReason"] == finish_reason
    assert text_check(answer_text(payload))


def test_safety_has_no_text_and_blocked_has_no_candidates(fake: FakeGemini) -> None:
    fake.script("safety", "blocked")
    safety = post(fake, GENERATE_PATH, generate_body("x"))[1]
    blocked = post(fake, GENERATE_PATH, generate_body("x"))[1]
    assert safety["candidates"][0]["finishReason"] == "SAFETY"
    assert "content" not in safety["candidates"][0]
    assert "candidates" not in blocked
    assert blocked["promptFeedback"]["blockReason"] == "SAFETY"


def test_a_script_for_one_endpoint_leaves_the_other_alone(fake: FakeGemini) -> None:
    fake.script("503", endpoint=EMBED)
    assert post(fake, GENERATE_PATH, generate_body("x"))[0] == 200
    assert post(fake, EMBED_PATH, embed_body(["x"]))[0] == 503


def test_an_unknown_outcome_is_refused_when_scripted(fake: FakeGemini) -> None:
    with pytest.raises(ValueError, match="unknown fake Gemini outcome"):
        fake.script("ok", "teapot")
    assert fake.pending_script == []


def test_timeout_sleeps_before_answering_and_disconnect_closes(fake: FakeGemini) -> None:
    fake.script("timeout", "disconnect")
    started = time.monotonic()
    assert post(fake, GENERATE_PATH, generate_body("x"))[0] == 200
    assert time.monotonic() - started >= 0.3
    with pytest.raises((urllib.error.URLError, ConnectionError)):
        post(fake, GENERATE_PATH, generate_body("x"))


def test_slow_mode_delays_every_answer(fake: FakeGemini) -> None:
    with fake.slow(0.2):
        started = time.monotonic()
        assert post(fake, GENERATE_PATH, generate_body("x"))[0] == 200
        assert time.monotonic() - started >= 0.2
    assert fake.latency_s == 0.0


# --- quota and random errors -----------------------------------------------------------------


def test_the_rpm_quota_answers_429_with_the_time_left_then_recovers() -> None:
    with FakeGemini(rpm=2, rpm_window_s=0.4) as fake:
        statuses = [post(fake, GENERATE_PATH, generate_body("x"))[0] for _ in range(2)]
        status, payload, _ = post(fake, GENERATE_PATH, generate_body("x"))
        retry = payload["error"]["details"][-1]
        assert statuses == [200, 200]
        assert status == 429
        assert retry["@type"] == "type.googleapis.com/google.rpc.RetryInfo"
        assert 0 < float(retry["retryDelay"].removesuffix("s")) <= 0.4
        assert post(fake, EMBED_PATH, embed_body(["x"]))[0] == 200  # quota is per model
        time.sleep(0.45)
        assert post(fake, GENERATE_PATH, generate_body("x"))[0] == 200
        assert fake.rate_limited_count == 1


def test_random_errors_follow_the_seed() -> None:
    def run(seed: int) -> list[int]:
        with FakeGemini(error_rate=0.5, seed=seed) as fake:
            return [post(fake, GENERATE_PATH, generate_body("x"))[0] for _ in range(20)]

    first, second = run(7), run(7)
    assert first == second
    assert set(first) <= {200, 500, 503}
    assert 200 in first
    assert 500 in first or 503 in first


# --- batchEmbedContents ----------------------------------------------------------------------


def test_embeddings_keep_order_and_size_and_are_not_unit_length_below_3072(
    fake: FakeGemini,
) -> None:
    texts = ["veterinary surgeon", "tax attorney", "supply chain"]
    status, payload, _ = post(fake, EMBED_PATH, embed_body(texts))
    vectors = [e["values"] for e in payload["embeddings"]]
    assert status == 200
    assert [len(v) for v in vectors] == [768, 768, 768]
    assert vectors == [embed(t, 768) for t in texts]
    assert all(abs(math.hypot(*v) - 1.0) > 0.01 for v in vectors)


def test_full_size_embeddings_are_unit_length(fake: FakeGemini) -> None:
    payload = post(fake, EMBED_PATH, embed_body(["machine learning"], dimension=None))[1]
    values = payload["embeddings"][0]["values"]
    assert len(values) == 3072
    assert abs(math.hypot(*values) - 1.0) < 1e-9


def test_singular_and_plural_words_embed_alike() -> None:
    assert embed("startup founder", 768) == embed("Startups founders", 768)
    assert embed("tax credits", 768) != embed("veterinary surgery", 768)


def test_more_than_100_texts_in_one_call_is_invalid(fake: FakeGemini) -> None:
    status, payload, _ = post(fake, EMBED_PATH, embed_body(["x"] * 101))
    assert status == 400
    assert payload["error"]["status"] == "INVALID_ARGUMENT"
    assert "at most 100" in payload["error"]["message"]
    assert post(fake, EMBED_PATH, embed_body(["x"] * 100))[0] == 200


# --- observation, concurrency, real SDK, CLI -------------------------------------------------


def test_recent_request_bodies_are_kept_for_assertions() -> None:
    with FakeGemini(history=2) as fake:
        for word in ("one", "two", "three"):
            post(fake, GENERATE_PATH, generate_body(word))
        assert [r.texts() for r in fake.requests] == [["two"], ["three"]]
        last = fake.last_request(GENERATE)
        assert last.headers["x-goog-api-key"] == "test-key"
        assert (last.model, last.api_version) == ("gemini-2.5-flash", "v1beta")
        assert fake.request_count() == 3
        with pytest.raises(LookupError):
            fake.last_request(EMBED)


def test_many_concurrent_clients_are_all_answered(fake: FakeGemini) -> None:
    with ThreadPoolExecutor(max_workers=32) as pool:
        statuses = list(
            pool.map(lambda i: post(fake, GENERATE_PATH, generate_body(f"react {i}"))[0], range(64))
        )
    assert statuses == [200] * 64
    assert fake.request_count(GENERATE) == 64


def test_the_real_sdk_works_against_it_also_through_the_environment(
    fake: FakeGemini, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", fake.base_url)
    with genai.Client(
        api_key="sdk-key", http_options=types.HttpOptions(api_version="v1beta")
    ) as client:
        answer = client.models.generate_content(
            model="gemini-2.5-flash",
            contents="Veterinary surgeon",
            config=types.GenerateContentConfig(response_mime_type="application/json"),
        )
        vectors = client.models.embed_content(
            model="gemini-embedding-001",
            contents=["a", "b"],
            config=types.EmbedContentConfig(output_dimensionality=128),
        )
    assert answer.text
    assert "Veterinary Surgery" in json.loads(answer.text)["tags"]
    assert [len(e.values or []) for e in vectors.embeddings or []] == [128, 128]
    assert fake.last_request().headers["x-goog-api-key"] == "sdk-key"


def test_it_runs_as_a_module_for_demos_and_benchmarks() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.support.fake_gemini", "--port", "0", "--latency", "0.01"],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        export = process.stdout.readline()
        base_url = export.strip().split("=", 1)[1]
        assert base_url in banner
        request = urllib.request.Request(
            base_url + GENERATE_PATH,
            data=json.dumps(generate_body("react")).encode(),
            headers={"x-goog-api-key": "k", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
    finally:
        process.terminate()
        out, _ = process.communicate(timeout=10)
    assert process.returncode == 0
    assert "stopped" in out
