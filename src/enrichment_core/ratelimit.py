"""A steady request-rate limiter shared by concurrent tasks, that a quota answer (429) slows down.

Requests are spaced ``60 / rpm`` seconds apart (a steady rate, not bursts of ``rpm`` at the top
of each minute). A 429 pauses every caller for the server's ``retryDelay`` and lowers the rate;
the rate climbs back gradually as calls succeed.

``Outage`` is the same idea for a service that cannot be reached at all: every caller pauses,
with a growing delay between probes, until it answers or the total wait runs out.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

import anyio

MIN_RATE_FACTOR = 0.25
SLOWDOWN = 0.8
RECOVERY_STEP = 0.02


class RateLimiter:
    """``clock`` and ``sleep`` are injectable (tests drive them with a virtual clock).

    ``rpm=math.inf`` means no limit: requests are not spaced, only a pause (a 429, an outage)
    holds them back.
    """

    def __init__(
        self,
        rpm: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
    ) -> None:
        if not rpm > 0:  # NaN too
            raise ValueError("rpm must be positive (math.inf for no limit)")
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

    def pause(self, seconds: float, *, slow_down: bool = True) -> None:
        """The quota answered: nobody sends before ``seconds`` from now, and the rate drops
        (unless ``slow_down`` is False: an outage says nothing about the rate)."""
        self._paused_until = max(self._paused_until, self._clock() + max(0.0, seconds))
        if slow_down:
            self._factor = max(MIN_RATE_FACTOR, self._factor * SLOWDOWN)

    def succeeded(self) -> None:
        """A call went through: creep back towards the configured rate."""
        self._factor = min(1.0, self._factor + RECOVERY_STEP)


OUTAGE_FIRST_DELAY_S = 1.0
OUTAGE_MAX_DELAY_S = 30.0


class OutageTooLongError(Exception):
    """The service stayed unreachable for longer than the allowed total wait."""

    def __init__(self, waited_s: float) -> None:
        super().__init__(f"unreachable for {waited_s:.0f}s")
        self.waited_s = waited_s


class Outage:
    """An unreachable service, shared by the concurrent callers of one ``RateLimiter``.

    Each failed probe pauses the limiter (1 s, 2 s, 4 s ... at most 30 s between probes); calls
    that were already in flight when the pause began only wait, so N workers failing at once
    count as one probe. ``unreachable`` returns True when an outage begins (say so once) and
    raises ``OutageTooLongError`` once the outage has lasted ``max_wait_s``; ``reachable``
    ends it.
    """

    def __init__(
        self,
        limiter: RateLimiter,
        max_wait_s: float,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._limiter = limiter
        self._max_wait_s = max_wait_s
        self._clock = clock
        self._since: float | None = None
        self._last_pause = float("-inf")
        self._next_delay = OUTAGE_FIRST_DELAY_S

    @property
    def ongoing(self) -> bool:
        return self._since is not None

    def unreachable(self, call_started: float) -> bool:
        now = self._clock()
        began = self._since is None
        if self._since is None:
            self._since = now
        elif call_started < self._last_pause:
            return False  # in flight before the current pause: wait in line, do not escalate
        waited = now - self._since
        if waited >= self._max_wait_s:
            raise OutageTooLongError(waited)
        delay = min(self._next_delay, self._max_wait_s - waited)
        self._next_delay = min(self._next_delay * 2, OUTAGE_MAX_DELAY_S)
        self._last_pause = now
        self._limiter.pause(delay, slow_down=False)
        return began

    def reachable(self) -> float | None:
        """The service answered: the outage (if any) is over; returns how long it lasted."""
        if self._since is None:
            return None
        lasted = self._clock() - self._since
        self._since, self._next_delay = None, OUTAGE_FIRST_DELAY_S
        return lasted
