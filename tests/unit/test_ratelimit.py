"""The steady-rate limiter: spacing, pauses on 429, slow-down and recovery (fake clock)."""

from __future__ import annotations

import math

import anyio
import pytest

from enrichment_core.ratelimit import MIN_RATE_FACTOR, Outage, OutageTooLongError, RateLimiter
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
    with pytest.raises(ValueError, match="rpm must be positive"):
        RateLimiter(0)
    with pytest.raises(ValueError, match="rpm must be positive"):
        RateLimiter(math.nan)


def test_an_infinite_rpm_spaces_nothing_but_a_pause_still_holds() -> None:
    clock = Clock()
    limiter = RateLimiter(math.inf, clock=clock)
    assert [limiter.reserve() for _ in range(5)] == [0.0] * 5
    limiter.pause(3.0)
    assert limiter.reserve() == pytest.approx(3.0)
    assert limiter.reserve() == pytest.approx(3.0)  # after the pause, still no spacing


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


# --- outages (issue 10, item 3) -----------------------------------------------------------------


def test_an_outage_backs_off_and_calls_in_flight_together_count_as_one_probe() -> None:
    clock = Clock()
    limiter = RateLimiter(600, clock=clock)
    outage = Outage(limiter, max_wait_s=60, clock=clock)
    started = clock.now
    clock.now += 0.2  # the calls fail a moment after they were sent
    assert outage.unreachable(started) is True  # began: say so once
    first_pause = limiter.reserve()
    for _ in range(7):  # the other workers' calls, in flight before the pause: no escalation
        assert outage.unreachable(started) is False
    assert first_pause == pytest.approx(1.0)
    assert limiter.reserve() == pytest.approx(first_pause + limiter.interval, abs=0.01)
    probe = clock.now = clock.now + 1.5
    clock.now += 0.2
    outage.unreachable(probe)  # the next probe fails: a longer pause
    assert limiter.reserve() == pytest.approx(2.0, abs=0.01)
    assert limiter.current_rpm == 600  # an outage says nothing about the rate


def test_an_outage_ends_when_the_service_answers_and_is_bounded_by_the_total_wait() -> None:
    clock = Clock()
    outage = Outage(RateLimiter(600, clock=clock), max_wait_s=10, clock=clock)
    outage.unreachable(clock.now)
    clock.now += 4
    assert outage.reachable() == pytest.approx(4)
    assert not outage.ongoing
    assert outage.reachable() is None
    assert outage.unreachable(clock.now) is True  # a new outage begins
    clock.now += 10
    with pytest.raises(OutageTooLongError):
        outage.unreachable(clock.now)
