"""``MicroBatcher``, the queue the local tagger and the query embedder share: what a lone caller
and a closed batcher do (the sharing itself is tested through both users)."""

from __future__ import annotations

from collections.abc import Callable

import anyio
import pytest

from enrichment_adapters.micro_batching import BatchStats, MicroBatcher


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


def plus_one(items: list[int]) -> list[int | BaseException]:
    return [ValueError(f"negative {i}") if i < 0 else i + 1 for i in items]


def test_a_chained_call_gets_the_last_stage_result_or_the_first_stage_error() -> None:
    second_saw: list[list[int]] = []

    def recording(items: list[int]) -> list[int | BaseException]:
        second_saw.append(items)
        return plus_one(items)

    first = MicroBatcher(doubled, max_batch=8, max_wait_s=0)
    second = MicroBatcher(recording, max_batch=8, max_wait_s=0)
    assert anyio.run(first.call_async_then, 5 - 1, second) == 9  # (4 * 2) + 1
    with pytest.raises(ValueError, match="odd 3"):  # stage one's error: stage two never sees it
        anyio.run(first.call_async_then, 3, second)
    assert second_saw == [[8]]

    def negated(items: list[int]) -> list[int | BaseException]:
        return [-i for i in items]

    halves = MicroBatcher(negated, max_batch=8, max_wait_s=0)
    with pytest.raises(ValueError, match="negative -2"):  # stage two's error
        anyio.run(halves.call_async_then, 2, second)
    for batcher in (first, second, halves):
        batcher.close()


def test_a_chained_call_whose_next_stage_or_first_stage_is_closed_is_still_answered() -> None:
    first = MicroBatcher(doubled, max_batch=8, max_wait_s=0)
    second = MicroBatcher(plus_one, max_batch=8, max_wait_s=0, direct=lambda i: i + 100)
    second.close()  # the first stage's worker hands the result to `direct` itself
    assert anyio.run(first.call_async_then, 2, second) == 104
    first.close()  # both closed: handled off the event loop, one by one
    assert anyio.run(first.call_async_then, 6, second) == 112


async def until(condition: Callable[[], bool]) -> None:
    for _ in range(10_000):
        if condition():
            return
        await anyio.sleep(0.001)
    raise AssertionError("never happened")


def test_every_caller_of_a_pass_is_woken_by_one_call_into_their_event_loop() -> None:
    import threading

    gate = threading.Event()

    def held(items: list[int]) -> list[int | BaseException]:
        gate.wait(10)
        return doubled(items)

    batcher = MicroBatcher(held, max_batch=8, max_wait_s=0)
    wakes: list[object] = []

    async def main() -> list[int]:
        import asyncio

        loop = asyncio.get_running_loop()
        real = loop.call_soon_threadsafe

        def counted(*args: object, **kwargs: object) -> object:
            wakes.append(args[0])
            return real(*args, **kwargs)  # type: ignore[arg-type]

        loop.call_soon_threadsafe = counted  # type: ignore[method-assign,assignment]
        results: list[int] = []

        async def one(i: int) -> None:
            results.append(await batcher.call_async(i))

        async with anyio.create_task_group() as group:
            group.start_soon(one, 0)  # the first pass, held open
            await until(lambda: batcher.stats().passes == 1)
            for i in (2, 4, 6, 8):
                group.start_soon(one, i)
            await until(lambda: len(batcher._queue) == 4)
            gate.set()
        return sorted(results)

    assert anyio.run(main) == [0, 4, 8, 12, 16]
    assert batcher.stats() == BatchStats(passes=2, items=5, largest=4)
    assert len(wakes) == 2  # one per pass, not one per caller
    batcher.close()


def test_a_caller_cancelled_in_the_first_stage_never_reaches_the_second() -> None:
    import threading

    gate = threading.Event()
    second_saw: list[list[int]] = []

    def held(items: list[int]) -> list[int | BaseException]:
        gate.wait(10)
        return doubled(items)

    def recording(items: list[int]) -> list[int | BaseException]:
        second_saw.append(items)
        return plus_one(items)

    first = MicroBatcher(held, max_batch=8, max_wait_s=0)
    second = MicroBatcher(recording, max_batch=8, max_wait_s=0)

    async def main() -> None:
        with anyio.move_on_after(0.05) as scope:
            await first.call_async_then(2, second)
        assert scope.cancelled_caught
        gate.set()
        assert await first.call_async_then(4, second) == 9

    anyio.run(main)
    assert second_saw == [[8]]  # the cancelled caller's item (4) stopped after stage one
    first.close()
    second.close()
