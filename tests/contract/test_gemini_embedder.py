"""``GeminiEmbedder``: the embedder contract against the local fake (and the real Gemini when a
key is set), plus chunking, task types, normalization and the retry policy."""

from __future__ import annotations

import os
from collections.abc import Iterator

import numpy as np
import pytest

from enrichment_adapters.gemini.embedder import GeminiEmbedder
from enrichment_core.errors import EmbedderUnavailableError, EmbeddingError
from enrichment_core.ports import Embedder
from tests.contract.embedder_contract import DOCS, EmbedderContract
from tests.support.fake_gemini import EMBED, FakeGemini
from tests.support.fake_gemini_model import embed

REAL_KEY = os.environ.get("GEMINI_API_KEY") or os.environ.get("GOOGLE_API_KEY")
REAL_GEMINI_URL = "https://generativelanguage.googleapis.com"


FAKE_GEMINI = {
    "timeout_sleep_s": 2.0
}  # the shared fixtures `fake` / `fake_gemini_server` (conftest)


@pytest.fixture
def sleeps() -> list[float]:
    return []


def make_embedder(fake: FakeGemini, sleeps: list[float], **options: object) -> GeminiEmbedder:
    settings: dict[str, object] = {
        "api_key": "test-key",
        "base_url": fake.base_url,
        "initial_backoff_s": 0.01,
        "max_backoff_s": 0.04,
        "sleep": sleeps.append,
    }
    settings.update(options)
    return GeminiEmbedder(**settings)  # type: ignore[arg-type]


@pytest.fixture
def gemini(fake: FakeGemini, sleeps: list[float]) -> Iterator[GeminiEmbedder]:
    with make_embedder(fake, sleeps) as embedder:
        yield embedder


class TestGeminiEmbedderOnTheFake(EmbedderContract):
    @pytest.fixture
    def embedder(self, gemini: GeminiEmbedder) -> Embedder:
        return gemini


@pytest.mark.real_gemini
@pytest.mark.skipif(
    not REAL_KEY, reason="set GEMINI_API_KEY or GOOGLE_API_KEY to run against the real Gemini"
)
class TestGeminiEmbedderOnRealGemini(EmbedderContract):
    @pytest.fixture
    def embedder(self) -> Iterator[Embedder]:
        with GeminiEmbedder(base_url=REAL_GEMINI_URL, initial_backoff_s=2.0) as embedder:
            yield embedder


# --- requests --------------------------------------------------------------------------------


def test_identity_and_dimension_come_from_configuration(
    fake: FakeGemini, sleeps: list[float]
) -> None:
    with make_embedder(fake, sleeps, dimension=1536, model="gemini-embedding-001") as embedder:
        assert (embedder.model_id, embedder.dimension) == ("gemini:gemini-embedding-001", 1536)
        assert embedder.embed_query("tax").shape == (1536,)
    assert fake.request_count() == 1


def test_250_texts_go_in_three_calls_of_at_most_100_in_order(
    gemini: GeminiEmbedder, fake: FakeGemini
) -> None:
    texts = [f"expert {i} in topic{i}" for i in range(250)]
    vectors = gemini.embed_documents(texts)
    calls = [r for r in fake.requests if r.endpoint == EMBED]
    sent = [[q["content"]["parts"][0]["text"] for q in call.body["requests"]] for call in calls]
    assert [len(batch) for batch in sent] == [100, 100, 50]
    assert [text for batch in sent for text in batch] == texts
    assert vectors.shape == (250, 768)
    for i in (0, 99, 100, 249):
        expected = np.asarray(embed(texts[i], 768), dtype=np.float32)
        np.testing.assert_allclose(vectors[i], expected / np.linalg.norm(expected), atol=1e-6)


def test_documents_and_queries_use_their_task_types_and_the_dimension(
    gemini: GeminiEmbedder, fake: FakeGemini
) -> None:
    gemini.embed_documents(DOCS)
    documents = fake.last_request(EMBED).body["requests"]
    gemini.embed_query("tax credits")
    (query,) = fake.last_request(EMBED).body["requests"]
    assert {q["taskType"] for q in documents} == {"RETRIEVAL_DOCUMENT"}
    assert query["taskType"] == "RETRIEVAL_QUERY"
    assert {q["outputDimensionality"] for q in [*documents, query]} == {768}
    assert fake.last_request(EMBED).api_version == "v1beta"


def test_queries_embedded_together_take_one_request_and_equal_queries_alone(
    gemini: GeminiEmbedder, fake: FakeGemini
) -> None:
    queries = ["tax credits", "my dog is limping", "supply chain"]
    together = gemini.embed_queries(queries)
    (call,) = [r for r in fake.requests if r.endpoint == EMBED]
    assert [q["taskType"] for q in call.body["requests"]] == ["RETRIEVAL_QUERY"] * 3
    alone = np.stack([gemini.embed_query(q) for q in queries])
    np.testing.assert_allclose(together, alone, atol=1e-6)
    assert gemini.embed_queries([]).shape == (0, 768)


def test_vectors_are_unit_length_although_the_api_sends_them_unnormalized(
    gemini: GeminiEmbedder,
) -> None:
    raw = np.asarray([embed(text, 768) for text in DOCS])
    assert not np.allclose(np.linalg.norm(raw, axis=1), 1.0)
    vectors = gemini.embed_documents(DOCS)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-6)


def test_no_texts_make_no_call(gemini: GeminiEmbedder, fake: FakeGemini) -> None:
    assert gemini.embed_documents([]).shape == (0, 768)
    assert fake.request_count() == 0


# --- retries ---------------------------------------------------------------------------------


def test_a_429_waits_the_servers_retry_delay_then_succeeds(
    gemini: GeminiEmbedder, fake: FakeGemini, sleeps: list[float]
) -> None:
    fake.script("429:0.02s")
    assert gemini.embed_documents(DOCS).shape == (3, 768)
    assert sleeps == [0.02]
    assert fake.request_count(EMBED) == 2


def test_a_long_retry_delay_is_capped(fake: FakeGemini, sleeps: list[float]) -> None:
    fake.script("429:30s")
    with make_embedder(fake, sleeps, max_retry_delay_s=0.05) as embedder:
        embedder.embed_query("tax")
    assert sleeps == [0.05]


def test_a_429_without_retry_info_backs_off_exponentially(
    gemini: GeminiEmbedder, fake: FakeGemini, sleeps: list[float]
) -> None:
    fake.script("429_no_details", "429_no_details", "429_no_details")
    gemini.embed_query("tax")
    assert sleeps == [0.01, 0.02, 0.04]


@pytest.mark.parametrize("outcome", ["503", "500", "502", "disconnect"])
def test_server_and_transport_failures_are_retried(
    gemini: GeminiEmbedder, fake: FakeGemini, sleeps: list[float], outcome: str
) -> None:
    fake.script(outcome)
    assert gemini.embed_query("tax").shape == (768,)
    assert len(sleeps) == 1


def test_a_call_that_hangs_times_out_and_is_retried(fake: FakeGemini, sleeps: list[float]) -> None:
    fake.script("timeout")
    with make_embedder(fake, sleeps, timeout_s=0.2) as embedder:
        assert embedder.embed_query("tax").shape == (768,)
    assert len(sleeps) == 1


def test_a_persistent_500_gives_an_embedding_error_after_bounded_attempts(
    fake: FakeGemini, sleeps: list[float]
) -> None:
    fake.script(*["500"] * 5)
    with (
        make_embedder(fake, sleeps, max_attempts=3) as embedder,
        pytest.raises(EmbeddingError) as caught,
    ):
        embedder.embed_documents(DOCS)
    assert fake.request_count(EMBED) == 3
    assert len(sleeps) == 2
    assert "3 time(s)" in str(caught.value)
    assert "500" in str(caught.value)


def test_the_total_wait_is_bounded(fake: FakeGemini, sleeps: list[float]) -> None:
    fake.script(*["503"] * 10)
    with (
        make_embedder(
            fake,
            sleeps,
            max_attempts=10,
            initial_backoff_s=0.03,
            max_backoff_s=1.0,
            max_total_wait_s=0.1,
        ) as embedder,
        pytest.raises(EmbeddingError),
    ):
        embedder.embed_query("tax")
    assert sleeps == [0.03, 0.06]  # a third wait (0.12) would pass 0.1 s in total
    assert fake.request_count(EMBED) == 3


def test_a_bad_request_fails_at_once(
    gemini: GeminiEmbedder, fake: FakeGemini, sleeps: list[float]
) -> None:
    fake.script("400")
    with pytest.raises(EmbeddingError, match="rejected the embedding request"):
        gemini.embed_query("tax")
    assert sleeps == []
    assert fake.request_count(EMBED) == 1


def test_a_rejected_key_fails_at_once_and_says_what_to_do(sleeps: list[float]) -> None:
    with FakeGemini(api_keys={"good-key"}) as fake:
        with (
            make_embedder(fake, sleeps, api_key="bad-key") as embedder,
            pytest.raises(EmbeddingError) as caught,
        ):
            embedder.embed_query("tax")
        assert fake.request_count(EMBED) == 1
    assert "GEMINI_API_KEY" in str(caught.value)
    assert sleeps == []


# --- configuration ---------------------------------------------------------------------------


def test_no_key_at_all_is_reported_at_construction(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOOGLE_API_KEY", raising=False)
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    with pytest.raises(EmbedderUnavailableError, match="GEMINI_API_KEY"):
        GeminiEmbedder()


@pytest.mark.parametrize(
    "options", [{"dimension": 0}, {"dimension": 4096}, {"batch_size": 101}, {"max_attempts": 0}]
)
def test_impossible_settings_are_refused(options: dict[str, int]) -> None:
    with pytest.raises(ValueError, match=r"must be (between|at least)"):
        GeminiEmbedder(api_key="test-key", **options)  # type: ignore[arg-type]


def test_the_base_url_comes_from_the_environment_when_not_given(
    fake: FakeGemini, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", fake.base_url)
    with GeminiEmbedder(api_key="test-key") as embedder:
        embedder.embed_query("tax")
    assert fake.request_count(EMBED) == 1
