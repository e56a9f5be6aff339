"""Micro-batching of query embeddings: concurrent searches share one forward pass.

A server embeds each search query with one model. On a CPU a forward pass over eight short
queries costs little more than over one, but calls made one at a time from eight request
threads queue behind each other (the model is serialized). ``MicroBatchingEmbedder`` puts a small
queue in front of an embedder that can embed several queries at once (``embed_queries``): one
worker thread takes whatever queries are waiting, at most ``max_batch``, embeds them in one call
and hands each caller its own vector.

The wait is bounded and adaptive. A lone caller never waits: when the previous pass held a single
query, the next one starts at once, so a one-client search is as fast as without the queue. Under
concurrent load (the previous pass held several queries) the worker waits up to ``max_wait_s`` for
as many callers as the previous pass served, then starts with whoever is there. The queue and its
worker are the generic ``micro_batching.MicroBatcher`` (the local tagger uses the same one).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from enrichment_adapters.micro_batching import MicroBatcher, log_stats
from enrichment_core.errors import EmbeddingError
from enrichment_core.ports import BatchQueryEmbedder, Embedder, Vectors

_log = logging.getLogger(__name__)

DEFAULT_MAX_BATCH = 16
DEFAULT_MAX_WAIT_S = 0.004


@dataclass(frozen=True, slots=True)
class BatchingStats:
    passes: int
    queries: int
    largest: int


class MicroBatchingEmbedder:
    """An ``Embedder`` whose ``embed_query`` calls from several threads share forward passes.

    ``model_id``, ``dimension`` and ``embed_documents`` are the inner embedder's. ``close()``
    stops the worker thread; later queries are embedded directly.
    """

    def __init__(
        self,
        inner: BatchQueryEmbedder,
        *,
        max_batch: int = DEFAULT_MAX_BATCH,
        max_wait_s: float = DEFAULT_MAX_WAIT_S,
    ) -> None:
        self._inner = inner
        self._batcher: MicroBatcher[str, Vectors] = MicroBatcher(
            self._vectors_for,
            max_batch=max_batch,
            max_wait_s=max_wait_s,
            name="query-batcher",
            direct=inner.embed_query,
        )
        # The batcher's lock, queue and worker thread, as the tests watch them.
        self._cond = self._batcher._cond
        self._queue = self._batcher._queue

    @property
    def _worker(self) -> threading.Thread | None:
        return self._batcher._worker

    @property
    def inner(self) -> BatchQueryEmbedder:
        return self._inner

    @property
    def model_id(self) -> str:
        return self._inner.model_id

    @property
    def dimension(self) -> int:
        return self._inner.dimension

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        return self._inner.embed_documents(texts)

    def embed_query(self, text: str) -> Vectors:
        return self._batcher.call(text)

    def stats(self) -> BatchingStats:
        """Forward passes run, queries embedded, and the largest pass so far."""
        stats = self._batcher.stats()
        return BatchingStats(stats.passes, stats.items, stats.largest)

    def close(self) -> None:
        self._batcher.close()
        log_stats(_log, self._batcher.stats(), "query", "queries", "forward passes")

    def _vectors_for(self, texts: list[str]) -> list[Vectors]:
        vectors = np.asarray(self._inner.embed_queries(texts), dtype=np.float32)
        if vectors.shape != (len(texts), self._inner.dimension):
            raise EmbeddingError(
                f"embedder {self._inner.model_id} returned query vectors of shape "
                f"{vectors.shape}, expected ({len(texts)}, {self._inner.dimension})"
            )
        return list(vectors)


def batching_queries(
    embedder: Embedder,
    *,
    max_batch: int = DEFAULT_MAX_BATCH,
    max_wait_s: float = DEFAULT_MAX_WAIT_S,
) -> Embedder:
    """``embedder`` behind a ``MicroBatchingEmbedder`` when it can embed several queries at once;
    otherwise ``embedder`` itself."""
    if isinstance(embedder, MicroBatchingEmbedder) or not isinstance(embedder, BatchQueryEmbedder):
        return embedder
    return MicroBatchingEmbedder(embedder, max_batch=max_batch, max_wait_s=max_wait_s)
