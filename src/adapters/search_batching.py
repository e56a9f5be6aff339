"""``BatchedSearch``: concurrent searches share one model pass, in a two-stage pipeline.

A search server answers each request with the core's search use case. Embedding the query is
most of a search's cost, and on a CPU a forward pass over eight short queries costs little more
than over one. ``BatchedSearch`` runs the use case's two halves on two worker threads, each
behind a ``micro_batching.MicroBatcher``:

1. **embed** — ``search.prepare_searches``: the searches waiting (at most ``max_batch``) are
   validated and their queries embedded in one model call (the local model runs it without
   holding the GIL: ``local.query_model``);
2. **rank** — ``search.finish_search`` for each: dense search, tag re-ranking, match reasons
   (Python, holding the GIL).

While one batch is ranked the next one is embedded, so on two cores the model and the Python
work run side by side instead of one after the other. Each caller gets its own page, or its own
error (an ``InvalidQueryError`` is one request's; an index or embedder problem reaches every
search of the pass that met it).

An async caller (``search_async``, the HTTP route) awaits its page on the event loop without
holding a thread, and is woken once: a prepared search goes from the embedding thread straight
into the ranking queue. A lone search never waits for company (the batcher's adaptive wait).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from enrichment_adapters.micro_batching import BatchStats, MicroBatcher, log_stats
from enrichment_core.ports import Embedder, SearchIndex, VectorCache
from enrichment_core.search import (
    PreparedSearch,
    SearchPage,
    SearchRequest,
    finish_search,
    prepare_searches,
)
from enrichment_core.tag_ranking import PageRanking

_log = logging.getLogger(__name__)

DEFAULT_MAX_BATCH = 16
DEFAULT_MAX_WAIT_S = 0.001


class BatchedSearch:
    """The search use case over ``embedder`` and ``index``, searches arriving together batched.

    A model pass takes the searches waiting, at most ``max_batch`` and at most the searches in
    flight divided by ``groups``: with the default 2, under steady load the searches form two
    groups that alternate between the stages (on 2 cores, 8 closed-loop clients: 313 searches/s
    against 276 with passes limited by ``max_batch`` alone; ``benchmarks/api_latency.py``);
    ``groups=1``: every waiting search up to ``max_batch``.

    ``close()`` stops both worker threads (and logs how many searches shared how many model
    passes); later searches run one by one in the caller's thread.
    """

    def __init__(
        self,
        embedder: Embedder,
        index: SearchIndex,
        *,
        explain_with: VectorCache | None = None,
        max_batch: int = DEFAULT_MAX_BATCH,
        max_wait_s: float = DEFAULT_MAX_WAIT_S,
        groups: int = 2,
    ) -> None:
        if groups < 1:
            raise ValueError("groups must be at least 1")
        self._groups = groups
        self.embedder = embedder
        self.index = index
        self._ranking = PageRanking(embedder, index, explain_with)
        self._in_flight = 0
        self._count_lock = threading.Lock()
        self._embed: MicroBatcher[SearchRequest, PreparedSearch] = MicroBatcher(
            self._prepare,
            max_batch=max_batch,
            max_wait_s=max_wait_s,
            name="search-embed",
            limit=self._pass_limit,
        )
        self._rank: MicroBatcher[PreparedSearch, SearchPage] = MicroBatcher(
            self._finish, max_batch=max_batch, max_wait_s=0.0, name="search-rank"
        )

    def search(self, request: SearchRequest) -> SearchPage:
        """``request``'s page, blocking the calling thread until it is ranked."""
        with self._counted():
            return self._rank.call(self._embed.call(request))

    async def search_async(self, request: SearchRequest) -> SearchPage:
        """``request``'s page, awaited on the running event loop (no thread held meanwhile)."""
        with self._counted():
            return await self._embed.call_async_then(request, self._rank)

    def stats(self) -> BatchStats:
        """Model passes run, searches embedded, and the largest pass so far."""
        return self._embed.stats()

    def close(self) -> None:
        self._embed.close()
        self._rank.close()
        log_stats(_log, self.stats(), "search", "searches", "model passes")

    @contextmanager
    def _counted(self) -> Iterator[None]:
        with self._count_lock:
            self._in_flight += 1
        try:
            yield
        finally:
            with self._count_lock:
                self._in_flight -= 1

    def _pass_limit(self) -> int:
        """The searches in flight split in ``groups`` (rounded up): with two, one group is
        ranked while the other is embedded, so both stages stay busy."""
        return -(-self._in_flight // self._groups)

    def _prepare(self, requests: list[SearchRequest]) -> list[PreparedSearch | BaseException]:
        return list(prepare_searches(requests, embedder=self.embedder, index=self.index))

    def _finish(self, prepared: list[PreparedSearch]) -> list[SearchPage | BaseException]:
        pages: list[SearchPage | BaseException] = []
        for search in prepared:
            try:
                pages.append(finish_search(search, self._ranking))
            except Exception as exc:  # noqa: BLE001 - raised again to this search's caller only
                pages.append(exc)
        return pages
