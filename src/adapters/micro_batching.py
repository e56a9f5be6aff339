"""A small micro-batcher: concurrent calls made one item at a time share one batched pass.

``MicroBatcher(run_pass)`` puts a queue in front of a function that handles several items at once
(``run_pass(items) -> results``, one result per item, in order). One worker thread takes whatever
items are waiting, at most ``max_batch``, runs one pass and hands each caller its own result.
A result that is an exception is raised to that item's caller only; an exception raised by the
pass itself reaches every caller of that pass, and the worker goes on with the next one.

The wait is bounded and adaptive (``query_batching.MicroBatchingEmbedder`` runs on this too): a lone caller
never waits — when the previous pass held one item the next starts at once; after a pass of
several, the worker waits up to ``max_wait_s`` for as many callers, then starts with whoever is
there.

Callers either block (``call``, from any thread) or await (``call_async``, from an asyncio event
loop, without holding a thread). An awaiting caller that is cancelled (a timeout) returns at
once: an item not yet taken is dropped from the queue, an item already in a pass has its result
thrown away, and neither the worker nor the other callers notice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar, cast

import anyio.to_thread

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class BatchStats:
    passes: int
    items: int
    largest: int


def log_stats(log: logging.Logger, stats: BatchStats, what: str, items: str, passes: str) -> None:
    """One INFO line of how many ``items`` shared how many ``passes`` (none when nothing ran)."""
    if stats.passes:
        log.info(
            "%s micro-batching: %d %s in %d %s (%.2f per pass, largest %d)",
            what,
            stats.items,
            items,
            stats.passes,
            passes,
            stats.items / stats.passes,
            stats.largest,
        )


@dataclass(slots=True, eq=False)
class _Ticket(Generic[T]):
    item: T
    done: threading.Event = field(default_factory=threading.Event)
    result: object = None
    error: BaseException | None = None
    abandoned: bool = False
    on_done: Callable[[], None] | None = None


class MicroBatcher(Generic[T, R]):
    """Items submitted from many threads or tasks, handled by ``run_pass`` in shared passes.

    ``close()`` stops the worker thread; later calls are handled one by one in the caller's
    thread: by ``direct`` when given, else by a pass of their own item. ``limit``, when given,
    is asked at the start of each pass how many items it may take (at most ``max_batch``).
    """

    def __init__(
        self,
        run_pass: Callable[[list[T]], Sequence[R | BaseException]],
        *,
        max_batch: int,
        max_wait_s: float,
        name: str = "micro-batcher",
        direct: Callable[[T], R] | None = None,
        limit: Callable[[], int] | None = None,
    ) -> None:
        if max_batch < 1 or max_wait_s < 0:
            raise ValueError("max_batch must be at least 1 and max_wait_s not negative")
        self._run_pass = run_pass
        self._direct_call = direct  # after close: one item without a pass (default: a pass of one)
        self._max_batch = max_batch
        self._limit = limit  # asked at the start of each pass: at most this many items (>= 1)
        self._max_wait_s = max_wait_s
        self._name = name
        self._cond = threading.Condition()
        self._queue: deque[_Ticket[T]] = deque()
        self._worker: threading.Thread | None = None
        self._closed = False
        self._last_batch = 1
        self._passes = self._items = self._largest = 0

    def call(self, item: T) -> R:
        """``item``'s result, blocking the calling thread until its pass is done."""
        ticket = self._submit(item, None)
        if ticket is None:
            return self._direct(item)
        ticket.done.wait()
        return self._outcome(ticket)

    async def call_async(self, item: T) -> R:
        """``item``'s result, awaited in the running asyncio loop (no thread held meanwhile)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()

        def wake() -> None:  # in the worker thread
            with contextlib.suppress(RuntimeError):  # a closed loop: nobody is waiting any more
                loop.call_soon_threadsafe(_settle, future)

        ticket = self._submit(item, wake)
        if ticket is None:  # closed: a pass of its own, off the event loop
            return await anyio.to_thread.run_sync(self._direct, item, abandon_on_cancel=True)
        try:
            await future
        except BaseException:
            with self._cond:  # cancelled: a ticket still queued is never run
                ticket.abandoned = True
            raise
        return self._outcome(ticket)

    def stats(self) -> BatchStats:
        """Passes run, items handled, and the largest pass so far."""
        with self._cond:
            return BatchStats(self._passes, self._items, self._largest)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            worker = self._worker
            self._cond.notify_all()
        if worker is not None and worker is not threading.current_thread():
            worker.join()

    # --- callers ------------------------------------------------------------------------------

    def _submit(self, item: T, on_done: Callable[[], None] | None) -> _Ticket[T] | None:
        ticket = _Ticket(item, on_done=on_done)
        with self._cond:
            if self._closed:
                return None
            self._queue.append(ticket)
            if self._worker is None:
                self._worker = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._worker.start()
            self._cond.notify_all()
        return ticket

    def _direct(self, item: T) -> R:
        if self._direct_call is not None:
            return self._direct_call(item)
        result = self._run_pass([item])[0]
        if isinstance(result, BaseException):
            raise result
        return result

    @staticmethod
    def _outcome(ticket: _Ticket[T]) -> R:
        if ticket.error is not None:
            raise ticket.error
        return cast("R", ticket.result)

    # --- the worker ---------------------------------------------------------------------------

    def _run(self) -> None:
        while (batch := self._next_batch()) is not None:
            self._handle(batch)

    def _most(self) -> int:
        """How many items the next pass may take."""
        if self._limit is None:
            return self._max_batch
        return max(1, min(self._max_batch, self._limit()))

    def _next_batch(self) -> list[_Ticket[T]] | None:
        with self._cond:
            while True:
                while self._queue and self._queue[0].abandoned:
                    self._queue.popleft()
                if self._queue:
                    break
                if self._closed:
                    return None
                self._cond.wait()
            most = self._most()
            wanted = min(most, self._last_batch)
            deadline = time.monotonic() + self._max_wait_s
            while len(self._queue) < wanted and not self._closed:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            batch: list[_Ticket[T]] = []
            while self._queue and len(batch) < most:
                ticket = self._queue.popleft()
                if not ticket.abandoned:
                    batch.append(ticket)
            if batch:
                self._last_batch = len(batch)
                self._passes += 1
                self._items += len(batch)
                self._largest = max(self._largest, len(batch))
            return batch

    def _handle(self, batch: list[_Ticket[T]]) -> None:
        if not batch:
            return
        try:
            results = self._run_pass([t.item for t in batch])
            for ticket, result in zip(batch, results, strict=True):  # a short answer: ValueError
                if isinstance(result, BaseException):
                    ticket.error = result
                else:
                    ticket.result = result
        except Exception as exc:  # noqa: BLE001 - every caller of this pass gets the error
            for ticket in batch:  # (raised again in its own thread or task); the worker goes on
                ticket.error = exc
        finally:
            for ticket in batch:
                ticket.done.set()
                if ticket.on_done is not None:
                    ticket.on_done()


def _settle(future: asyncio.Future[None]) -> None:
    if not future.done():  # a cancelled caller's future is already done
        future.set_result(None)
