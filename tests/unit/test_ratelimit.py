"""The steady-rate limiter: spacing, pauses on 429, slow-down and recovery (fake clock)."""

from __future__ import annotations

import anyio
import pytest

from enrichment_core.ratelimit import MIN_RATE_FACTOR, RateLimiter
from tests.support.virtual_clock import VirtualClock


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_slots_are_spaced_evenly_not_in_bursts() -> None:
    clock = Clock()
    limiter = RateLimiter(120, clock=clock)  # one every 0.5 s
    waits = [limiter.reserve() for _ in range(4)]
    assert waits == pytest.approx([0.0, 0.5, 1.0, 1.5])


def test_idle_time_is_not_banked_into_a_burst() -> None:
    clock = Clock()
    limiter = RateLimiter(60, clock=clock)
    limiter.reserve()
    clock.now += 100
    assert limiter.reserve() == 0.0
    assert limiter.reserve() == pytest.approx(1.0)


def test_a_pause_holds_everyone_and_slows_the_rate() -> None:
    clock = Clock()
    limiter = RateLimiter(600, clock=clock)
    limiter.pause(26.0)
    assert limiter.reserve() == pytest.approx(26.0)
    assert limiter.current_rpm < 600
    assert limiter.reserve() == pytest.approx(26.0 + limiter.interval)


def test_the_rate_recovers_gradually_but_never_above_the_configured_one() -> None:
    limiter = RateLimiter(600, clock=Clock())
    for _ in range(20):
        limiter.pause(0)
    assert limiter.current_rpm == pytest.approx(600 * MIN_RATE_FACTOR)
    for _ in range(1000):
        limiter.succeeded()
    assert limiter.current_rpm == pytest.approx(600)


def test_rpm_must_be_positive() -> None:
    with pytest.raises(ValueError):
        RateLimiter(0)


def test_acquire_waits_for_its_slot_with_the_injected_sleep() -> None:
    clock = VirtualClock(start=100.0)
    limiter = RateLimiter(120, clock=clock.monotonic, sleep=clock.sleep)  # one every 0.5 s

    async def main() -> None:
        async with anyio.create_task_group() as group:
            group.start_soon(clock.drive)
            for _ in range(3):
                await limiter.acquire()
            group.cancel_scope.cancel()

    anyio.run(main)
    assert clock.sleeps == pytest.approx([0.5, 0.5])
    assert clock.now == pytest.approx(101.0)
