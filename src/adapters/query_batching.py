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
as many callers as the previous pass served, then starts with whoever is there.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np

from enrichment_core.errors import EmbeddingError
from enrichment_core.ports import Embedder, Vectors

_log = logging.getLogger(__name__)

DEFAULT_MAX_BATCH = 16
DEFAULT_MAX_WAIT_S = 0.004


@runtime_checkable
class BatchQueryEmbedder(Embedder, Protocol):
    """An ``Embedder`` that embeds several queries in one call, each as ``embed_query`` would."""

    def embed_queries(self, texts: Sequence[str]) -> Vectors: ...


@dataclass(slots=True, eq=False)
class _Pending:
    text: str
    done: threading.Event = field(default_factory=threading.Event)
    vector: Vectors | None = None
    error: BaseException | None = None


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
        if max_batch < 1 or max_wait_s < 0:
            raise ValueError("max_batch must be at least 1 and max_wait_s not negative")
        self._inner = inner
        self._max_batch = max_batch
        self._max_wait_s = max_wait_s
        self._cond = threading.Condition()
        self._queue: deque[_Pending] = deque()
        self._worker: threading.Thread | None = None
        self._closed = False
        self._last_batch = 1
        self._passes = self._queries = self._largest = 0

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
        pending = _Pending(text)
        with self._cond:
            if self._closed:
                return self._inner.embed_query(text)
            self._queue.append(pending)
            if self._worker is None:
                self._worker = threading.Thread(target=self._run, name="query-batcher", daemon=True)
                self._worker.start()
            self._cond.notify_all()
        pending.done.wait()
        if pending.error is not None:
            raise pending.error
        assert pending.vector is not None
        return pending.vector

    def stats(self) -> BatchingStats:
        """Forward passes run, queries embedded, and the largest pass so far."""
        with self._cond:
            return BatchingStats(self._passes, self._queries, self._largest)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            worker = self._worker
            self._cond.notify_all()
        if worker is not None and worker is not threading.current_thread():
            worker.join()
        stats = self.stats()
        if stats.passes:
            _log.info(
                "query micro-batching: %d queries in %d forward passes (%.2f per pass, largest %d)",
                stats.queries,
                stats.passes,
                stats.queries / stats.passes,
                stats.largest,
            )

    # --- the worker --------------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            batch = self._next_batch()
            if batch is None:
                return
            self._embed(batch)

    def _next_batch(self) -> list[_Pending] | None:
        with self._cond:
            while not self._queue:
                if self._closed:
                    return None
                self._cond.wait()
            wanted = min(self._max_batch, self._last_batch)
            deadline = time.monotonic() + self._max_wait_s
            while len(self._queue) < wanted and not self._closed:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            size = min(len(self._queue), self._max_batch)
            batch = [self._queue.popleft() for _ in range(size)]
            self._last_batch = size
            self._passes += 1
            self._queries += size
            self._largest = max(self._largest, size)
            return batch

    def _embed(self, batch: list[_Pending]) -> None:
        try:
            vectors = self._vectors_for([p.text for p in batch])
            for pending, vector in zip(batch, vectors, strict=True):
                pending.vector = vector
        except Exception as exc:  # noqa: BLE001 - every caller of this pass gets the error
            for pending in batch:  # (re-raised in its own thread); the worker goes on
                pending.error = exc
        finally:
            for pending in batch:
                pending.done.set()

    def _vectors_for(self, texts: list[str]) -> Vectors:
        vectors = np.asarray(self._inner.embed_queries(texts), dtype=np.float32)
        if vectors.shape != (len(texts), self._inner.dimension):
            raise EmbeddingError(
                f"embedder {self._inner.model_id} returned query vectors of shape "
                f"{vectors.shape}, expected ({len(texts)}, {self._inner.dimension})"
            )
        return vectors


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
