"""``MicroBatcher``, the queue the local tagger and the query embedder share: what a lone caller
and a closed batcher do (the sharing itself is tested through both users)."""

from __future__ import annotations

import anyio
import pytest

from enrichment_adapters.micro_batching import MicroBatcher


def doubled(items: list[int]) -> list[int | BaseException]:
    return [ValueError(f"odd {i}") if i % 2 else i * 2 for i in items]


def test_a_lone_caller_never_waits_for_company() -> None:
    # An hour of bounded wait: a lone caller that waited for it would hang this test.
    batcher = MicroBatcher(doubled, max_batch=8, max_wait_s=3600)
    assert [batcher.call(i) for i in (2, 4, 6)] == [4, 8, 12]
    assert anyio.run(batcher.call_async, 10) == 20
    assert batcher.stats().passes == 4
    batcher.close()


def test_an_item_error_is_raised_to_its_caller_only() -> None:
    batcher = MicroBatcher(doubled, max_batch=8, max_wait_s=0)
    with pytest.raises(ValueError, match="odd 3"):
        batcher.call(3)
    assert batcher.call(4) == 8
    batcher.close()


def test_after_close_calls_are_handled_one_by_one_without_the_worker() -> None:
    seen: list[list[int]] = []

    def recording(items: list[int]) -> list[int | BaseException]:
        seen.append(items)
        return doubled(items)

    batcher = MicroBatcher(recording, max_batch=8, max_wait_s=0, direct=lambda i: -i)
    batcher.close()
    assert batcher.call(2) == -2
    assert anyio.run(batcher.call_async, 4) == -4
    assert seen == []
    plain = MicroBatcher(recording, max_batch=8, max_wait_s=0)
    plain.close()
    assert plain.call(6) == 12
    assert seen == [[6]]


def test_limits_are_validated() -> None:
    with pytest.raises(ValueError, match="max_batch"):
        MicroBatcher(doubled, max_batch=0, max_wait_s=0)
    with pytest.raises(ValueError, match="max_wait_s"):
        MicroBatcher(doubled, max_batch=1, max_wait_s=-1)


def test_a_limit_asked_at_each_pass_caps_it_within_max_batch() -> None:
    import threading

    seen: list[list[int]] = []
    gate = threading.Event()

    def held(items: list[int]) -> list[int | BaseException]:
        seen.append(items)
        gate.wait(10)
        return doubled(items)

    limits = iter([1, 2, 0, 99, 99])  # 0 still takes one item; 99 is capped by max_batch
    batcher = MicroBatcher(held, max_batch=3, max_wait_s=0, limit=lambda: next(limits))
    results: dict[int, int] = {}
    first = threading.Thread(target=lambda: results.update({0: batcher.call(0)}))
    first.start()
    while not seen:
        threading.Event().wait(0.001)
    callers = [
        threading.Thread(target=lambda i=i: results.update({i: batcher.call(i)}))
        for i in (2, 4, 6, 8, 10, 12)
    ]
    for caller in callers:
        caller.start()
    while len(batcher._queue) < 6:
        threading.Event().wait(0.001)
    gate.set()
    for thread in [first, *callers]:
        thread.join(10)
    batcher.close()
    assert [len(items) for items in seen] == [1, 2, 1, 3]
    assert results == {i: 2 * i for i in (0, 2, 4, 6, 8, 10, 12)}
