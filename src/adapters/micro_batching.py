"""A small micro-batcher: concurrent calls made one item at a time share one batched pass.

``MicroBatcher(run_pass)`` puts a queue in front of a function that handles several items at once
(``run_pass(items) -> results``, one result per item, in order). One worker thread takes whatever
items are waiting, at most ``max_batch``, runs one pass and hands each caller its own result.
A result that is an exception is raised to that item's caller only; an exception raised by the
pass itself reaches every caller of that pass, and the worker goes on with the next one.

The wait is bounded and adaptive (``query_batching.MicroBatchingEmbedder`` runs on this too): a
lone caller never waits — when the previous pass held one item the next starts at once; after a
pass of several, the worker waits up to ``max_wait_s`` for as many callers, then starts with
whoever is there.

Callers either block (``call``, from any thread) or await (``call_async``, from an asyncio event
loop, without holding a thread). Batchers chain into a pipeline (``call_async_then``): a result
goes from one worker straight into the next batcher's queue, and the awaiting task is woken
once, at the end. A worker wakes each event loop once per pass, whatever the number of its
callers there (one ``call_soon_threadsafe``, not one each). An awaiting caller that is
cancelled (a timeout) returns at once: an item not yet taken is dropped from the queue, an item
already in a pass has its result thrown away (and goes on to no further stage), and neither the
worker nor the other callers notice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

import anyio.to_thread

T = TypeVar("T")
R = TypeVar("R")
S = TypeVar("S")


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


class _Waiter:
    """Where one caller's outcome goes: a thread blocked on ``event``, or a task awaiting
    ``future`` on ``loop``. It follows the item from stage to stage (``call_async_then``)."""

    __slots__ = ("abandoned", "error", "event", "future", "loop", "result")

    def __init__(
        self,
        event: threading.Event | None = None,
        loop: asyncio.AbstractEventLoop | None = None,
        future: asyncio.Future[None] | None = None,
    ) -> None:
        self.event, self.loop, self.future = event, loop, future
        self.result: object = None
        self.error: BaseException | None = None
        self.abandoned = False  # the caller is gone (cancelled): nothing left to do for it


@dataclass(slots=True, eq=False)
class _Ticket(Generic[T]):
    item: T
    waiter: _Waiter
    then: MicroBatcher[Any, Any] | None = None  # the stage the result goes on to


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
        done = threading.Event()
        waiter = _Waiter(event=done)
        if not self._submit(_Ticket(item, waiter)):
            return self._direct(item)
        done.wait()
        return cast("R", _outcome(waiter))

    async def call_async(self, item: T) -> R:
        """``item``'s result, awaited in the running asyncio loop (no thread held meanwhile)."""
        return cast("R", await self._await(item, None))

    async def call_async_then(self, item: T, then: MicroBatcher[R, S]) -> S:
        """``then``'s result for this batcher's result for ``item``, awaited as ``call_async``.

        The result goes from this batcher's worker straight into ``then``'s queue: the caller
        is woken once, when the last stage is done (or at the first stage that fails it), with
        no trip through the event loop in between.
        """
        return cast("S", await self._await(item, then))

    async def _await(self, item: T, then: MicroBatcher[Any, Any] | None) -> object:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        waiter = _Waiter(loop=loop, future=future)
        if not self._submit(_Ticket(item, waiter, then)):  # closed: handled off the event loop
            return await anyio.to_thread.run_sync(
                self._direct_then, item, then, abandon_on_cancel=True
            )
        try:
            await future
        except BaseException:
            waiter.abandoned = True  # still queued: never run; in a pass: its result dropped
            raise
        return _outcome(waiter)

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

    def _submit(self, ticket: _Ticket[T]) -> bool:
        """Queue ``ticket`` (False, and nothing queued, once closed)."""
        with self._cond:
            if self._closed:
                return False
            self._queue.append(ticket)
            if self._worker is None:
                self._worker = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._worker.start()
            self._cond.notify_all()
        return True

    def _direct(self, item: T) -> R:
        if self._direct_call is not None:
            return self._direct_call(item)
        result = self._run_pass([item])[0]
        if isinstance(result, BaseException):
            raise result
        return result

    def _direct_then(self, item: T, then: MicroBatcher[R, Any] | None) -> object:
        result = self._direct(item)
        return result if then is None else then.call(result)

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
                while self._queue and self._queue[0].waiter.abandoned:
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
                if not ticket.waiter.abandoned:
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
        wakes: dict[asyncio.AbstractEventLoop, list[asyncio.Future[None]]] = {}
        for ticket, outcome in zip(batch, self._outcomes(batch), strict=True):
            if ticket.then is not None and not isinstance(outcome, BaseException):
                outcome = _forward(ticket, outcome)
                if outcome is _FORWARDED:
                    continue  # on to the next stage, whose worker wakes the caller
            waiter = ticket.waiter
            if isinstance(outcome, BaseException):
                waiter.error = outcome
            else:
                waiter.result = outcome
            if waiter.event is not None:
                waiter.event.set()
            elif waiter.loop is not None and waiter.future is not None:
                wakes.setdefault(waiter.loop, []).append(waiter.future)
        for loop, futures in wakes.items():  # one wake-up of each loop for the whole pass
            with contextlib.suppress(RuntimeError):  # a closed loop: nobody is waiting any more
                loop.call_soon_threadsafe(_settle, futures)

    def _outcomes(self, batch: list[_Ticket[T]]) -> Sequence[object]:
        """One result or exception per ticket; a pass that raises (or answers for the wrong
        number of items) gives every ticket its error, and the worker goes on."""
        try:
            outcomes = self._run_pass([t.item for t in batch])
        except Exception as exc:  # noqa: BLE001 - raised again to each caller of this pass
            return [exc] * len(batch)
        if len(outcomes) != len(batch):
            error = ValueError(f"a pass of {len(batch)} items gave {len(outcomes)} results")
            return [error] * len(batch)
        return outcomes


_FORWARDED = object()


def _forward(ticket: _Ticket[Any], result: object) -> object:
    """Queue ``result`` in the ticket's next stage (``_FORWARDED``); when that stage is closed,
    its outcome computed here instead."""
    then = cast("MicroBatcher[Any, Any]", ticket.then)
    if ticket.waiter.abandoned or then._submit(_Ticket(result, ticket.waiter)):
        return _FORWARDED
    try:
        return then._direct(result)
    except Exception as exc:  # noqa: BLE001 - this caller's error
        return exc


def _outcome(waiter: _Waiter) -> object:
    if waiter.error is not None:
        raise waiter.error
    return waiter.result


def _settle(futures: list[asyncio.Future[None]]) -> None:
    for future in futures:
        if not future.done():  # a cancelled caller's future is already done
            future.set_result(None)
