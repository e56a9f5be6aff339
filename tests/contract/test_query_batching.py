"""``MicroBatchingEmbedder``: the embedder contract, and concurrent queries sharing forward passes."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from enrichment_adapters.query_batching import MicroBatchingEmbedder, batching_queries
from enrichment_core.errors import EmbeddingError
from enrichment_core.ports import Embedder
from tests.contract.embedder_contract import EmbedderContract
from tests.support.batching import ask_concurrently, hold_first_pass, wait_until_queued
from tests.support.fake_embedder import GatedEmbedder, HashingEmbedder


@pytest.fixture
def inner() -> GatedEmbedder:
    return GatedEmbedder()


@pytest.fixture
def batcher(inner: GatedEmbedder) -> Iterator[MicroBatchingEmbedder]:
    embedder = MicroBatchingEmbedder(inner, max_batch=4, max_wait_s=0.001)
    yield embedder
    inner.gate.set()
    embedder.close()


class TestMicroBatchingEmbedder(EmbedderContract):
    @pytest.fixture
    def embedder(self, batcher: MicroBatchingEmbedder) -> Embedder:
        return batcher


def test_queries_waiting_during_a_pass_share_the_next_one_and_get_their_own_vectors(
    batcher: MicroBatchingEmbedder, inner: GatedEmbedder
) -> None:
    first = hold_first_pass(batcher.embed_query, "first query", inner)
    texts = [f"tax credits question {n}" for n in range(3)]
    threads, answers = ask_concurrently(batcher.embed_query, texts)
    wait_until_queued(batcher._batcher, 3)
    inner.gate.set()
    for thread in [first, *threads]:
        thread.join(timeout=10)
    assert len(inner.passes) == 2
    assert sorted(inner.passes[1]) == sorted(texts)
    for text in texts:
        np.testing.assert_array_equal(answers[text], inner.embed_query(text))
    assert batcher.stats().largest == 3


def test_a_pass_never_holds_more_than_max_batch_queries(
    batcher: MicroBatchingEmbedder, inner: GatedEmbedder
) -> None:
    first = hold_first_pass(batcher.embed_query, "first query", inner)
    texts = [f"supply chain question {n}" for n in range(10)]
    threads, answers = ask_concurrently(batcher.embed_query, texts)
    wait_until_queued(batcher._batcher, 10)
    inner.gate.set()
    for thread in [first, *threads]:
        thread.join(timeout=10)
    assert [len(p) for p in inner.passes[1:]] == [4, 4, 2]
    assert all(isinstance(answers[t], np.ndarray) for t in texts)


def test_a_failed_pass_fails_each_of_its_callers_and_the_next_query_is_answered(
    batcher: MicroBatchingEmbedder, inner: GatedEmbedder
) -> None:
    first = hold_first_pass(batcher.embed_query, "first query", inner)
    threads, answers = ask_concurrently(batcher.embed_query, ["a", "b"])
    wait_until_queued(batcher._batcher, 2)
    inner.fail_next = True
    inner.gate.set()
    first.join(timeout=10)
    for thread in threads:
        thread.join(timeout=10)
    # the held first pass failed; "a" and "b" then shared a pass that succeeded
    assert [sorted(p) for p in inner.passes] == [["first query"], ["a", "b"]]
    assert all(isinstance(answers[t], np.ndarray) for t in "ab")
    inner.fail_next = True
    with pytest.raises(EmbeddingError, match="the model failed"):
        batcher.embed_query("c")
    np.testing.assert_array_equal(batcher.embed_query("d"), inner.embed_query("d"))


def test_serial_queries_each_get_a_pass_of_their_own(
    batcher: MicroBatchingEmbedder, inner: GatedEmbedder
) -> None:
    for n in range(5):
        batcher.embed_query(f"query {n}")
    assert inner.passes == [[f"query {n}"] for n in range(5)]


def test_after_close_queries_are_embedded_directly(
    batcher: MicroBatchingEmbedder, inner: GatedEmbedder
) -> None:
    batcher.embed_query("before")
    batcher.close()
    np.testing.assert_array_equal(batcher.embed_query("after"), inner.embed_query("after"))
    assert inner.passes == [["before"]]


def test_only_embedders_that_batch_queries_are_wrapped(inner: GatedEmbedder) -> None:
    plain = HashingEmbedder()
    assert batching_queries(plain) is plain
    wrapped = batching_queries(inner)
    assert isinstance(wrapped, MicroBatchingEmbedder)
    assert batching_queries(wrapped) is wrapped
    assert (wrapped.model_id, wrapped.dimension) == (inner.model_id, inner.dimension)
    wrapped.close()
