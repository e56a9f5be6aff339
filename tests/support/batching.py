"""Helpers for the micro-batching tests: callers on threads, a first pass held open, a queue
watched until the others wait in it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

from enrichment_adapters.micro_batching import MicroBatcher
from tests.support.fake_embedder import GatedEmbedder

K = TypeVar("K", bound=Hashable)
R = TypeVar("R")


def ask_concurrently(
    ask: Callable[[K], R], items: Sequence[K]
) -> tuple[list[threading.Thread], dict[K, R | BaseException]]:
    """One thread per item calling ``ask(item)``; the answers (or errors) by item once joined."""
    answers: dict[K, R | BaseException] = {}

    def one(item: K) -> None:
        try:
            answers[item] = ask(item)
        except BaseException as exc:  # noqa: BLE001 - the test inspects what each caller got
            answers[item] = exc

    threads = [threading.Thread(target=one, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    return threads, answers


def hold_first_pass(ask: Callable[[K], Any], item: K, gated: GatedEmbedder) -> threading.Thread:
    """Start one call whose model pass is held open until ``gated.gate`` is set."""
    gated.gate.clear()
    threads, _ = ask_concurrently(ask, [item])
    assert gated.entered.acquire(timeout=10)
    return threads[0]


def wait_until_queued(batcher: MicroBatcher[Any, Any], count: int) -> None:
    """Block until ``count`` items wait in the batcher's queue (queued before they block)."""
    for _ in range(10_000):
        with batcher._cond:
            if len(batcher._queue) >= count:
                return
        threading.Event().wait(0.001)
    raise AssertionError(f"{count} items never queued")


def join(threads: Sequence[threading.Thread]) -> None:
    for thread in threads:
        thread.join(timeout=10)
        assert not thread.is_alive()
