"""Virtual time for async tests: waits take no wall-clock time and their order is exact.

``sleep(d)`` wakes its caller when the virtual clock reaches ``now + d``; ``drive()`` (run it in
the test's task group) moves the clock to the earliest waiting sleeper whenever every other task
is blocked. Pass ``clock.monotonic`` and ``clock.sleep`` where the code takes a clock and a
sleep (``RateLimiter``, ``tag_untagged_experts``, ``ScriptedTagger``).
"""

from __future__ import annotations

import heapq
import itertools

import anyio
import anyio.lowlevel


class VirtualClock:
    def __init__(self, start: float = 0.0) -> None:
        self.now = start
        self._sleepers: list[tuple[float, int, anyio.Event]] = []
        self._order = itertools.count()
        self._new_sleeper = anyio.Event()
        self.sleeps: list[float] = []  # every positive delay asked for, in order

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await anyio.lowlevel.checkpoint()
            return
        self.sleeps.append(seconds)
        wake = anyio.Event()
        heapq.heappush(self._sleepers, (self.now + seconds, next(self._order), wake))
        self._new_sleeper.set()
        await wake.wait()

    async def drive(self) -> None:
        """Advance time forever (cancel it when the code under test is done)."""
        while True:
            await anyio.wait_all_tasks_blocked()
            if not self._sleepers:
                self._new_sleeper = anyio.Event()
                await self._new_sleeper.wait()
                continue
            due, _, wake = heapq.heappop(self._sleepers)
            self.now = max(self.now, due)
            wake.set()
