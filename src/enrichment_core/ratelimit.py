"""A steady request-rate limiter shared by concurrent tasks, that a quota answer (429) slows down.

Requests are spaced ``60 / rpm`` seconds apart (a steady rate, not bursts of ``rpm`` at the top
of each minute). A 429 pauses every caller for the server's ``retryDelay`` and lowers the rate;
the rate climbs back gradually as calls succeed.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

import anyio

MIN_RATE_FACTOR = 0.25
SLOWDOWN = 0.8
RECOVERY_STEP = 0.02


class RateLimiter:
    """``clock`` and ``sleep`` are injectable (tests drive them with a virtual clock)."""

    def __init__(
        self,
        rpm: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
    ) -> None:
        if rpm <= 0:
            raise ValueError("rpm must be positive")
        self.rpm = rpm
        self._clock = clock
        self._sleep = sleep
        self._factor = 1.0
        self._next_slot = 0.0
        self._paused_until = 0.0

    @property
    def interval(self) -> float:
        """Seconds between two requests at the current (possibly slowed) rate."""
        return 60.0 / (self.rpm * self._factor)

    @property
    def current_rpm(self) -> float:
        return self.rpm * self._factor

    def reserve(self) -> float:
        """Book the next free slot and return how long the caller must wait for it."""
        now = self._clock()
        slot = max(now, self._next_slot, self._paused_until)
        self._next_slot = slot + self.interval
        return slot - now

    async def acquire(self) -> None:
        """Wait for a slot; a pause that began while waiting sends the caller back in line."""
        while True:
            delay = self.reserve()
            if delay > 0:
                await self._sleep(delay)
            if self._clock() >= self._paused_until:
                return

    def pause(self, seconds: float) -> None:
        """The quota answered: nobody sends before ``seconds`` from now, and the rate drops."""
        self._paused_until = max(self._paused_until, self._clock() + max(0.0, seconds))
        self._factor = max(MIN_RATE_FACTOR, self._factor * SLOWDOWN)

    def succeeded(self) -> None:
        """A call went through: creep back towards the configured rate."""
        self._factor = min(1.0, self._factor + RECOVERY_STEP)
