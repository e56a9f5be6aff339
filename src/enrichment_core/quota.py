"""The way every call of a batch run goes out: a steady rate, 429s and outages waited out.

``QuotaGate.call`` is one attempt as the expert sees it. A 429 (the quota) pauses every caller
for the server's ``retryDelay`` and lowers the rate; an unreachable service (refused or reset
connection, DNS failure) pauses every caller with a growing delay between probes and is said
once, through ``on_notice``. Neither spends the expert's retry; both are bounded by
``max_wait_s`` (per expert for 429s, per outage for an unreachable service).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Sequence

import anyio

from enrichment_core.errors import (
    RateLimitedError,
    TaggerUnavailableError,
    TaggerUnreachableError,
)
from enrichment_core.ports import TagGenerator, TagRequest
from enrichment_core.ratelimit import Outage, OutageTooLongError, RateLimiter

log = logging.getLogger("enrichment_core.tagging")


class QuotaGate:
    """The rate limiter and outage state shared by the workers of one run, and their counts."""

    def __init__(
        self,
        tagger: TagGenerator,
        *,
        rpm: float,
        call_timeout_s: float,
        max_wait_s: float,
        default_quota_delay_s: float,
        on_notice: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
    ) -> None:
        self.tagger = tagger
        self.call_timeout_s = call_timeout_s
        self.max_wait_s = max_wait_s
        self.default_quota_delay_s = default_quota_delay_s
        self.clock = clock
        self.limiter = RateLimiter(rpm, clock=clock, sleep=sleep)
        self.outage = Outage(self.limiter, max_wait_s, clock=clock)
        self.on_notice = on_notice or (lambda _message: None)
        self.rate_limited = 0
        self.outage_waits = 0

    async def call(self, request: TagRequest) -> Sequence[str]:
        """One attempt. 429s and outages are waited out (bounded total wait) and do not count
        as attempts."""
        waited = 0.0
        undated = 0
        while True:
            await self.limiter.acquire()
            started = self.clock()
            try:
                with anyio.fail_after(self.call_timeout_s):
                    raw = await self.tagger.generate_tags(request)
            except TaggerUnreachableError as exc:
                self.wait_out_outage(exc, started)
                continue
            except RateLimitedError as exc:
                self.rate_limited += 1
                delay = exc.retry_after
                if delay is None:  # no retryDelay from the server: back off exponentially
                    delay = self.default_quota_delay_s * 2 ** min(undated, 5)
                    undated += 1
                if waited + delay > self.max_wait_s:
                    raise
                waited += delay
                self.limiter.pause(delay)
                log.info(
                    "quota reached; waiting %.1fs (rate now %.0f rpm) expert=%s",
                    delay,
                    self.limiter.current_rpm,
                    request.username,
                )
                continue
            self.limiter.succeeded()
            if (lasted := self.outage.reachable()) is not None:
                log.info("%s answers again after %.1fs", self.tagger.name, lasted)
            return raw

    def wait_out_outage(self, exc: TaggerUnreachableError, call_started: float) -> None:
        """The service is unreachable: pause every worker (say so once per outage), or stop
        the run when the outage has outlasted ``max_quota_wait_s``."""
        self.outage_waits += 1
        try:
            began = self.outage.unreachable(call_started)
        except OutageTooLongError as too_long:
            raise TaggerUnavailableError(
                f"the {exc.service} service has been unreachable for {too_long.waited_s:.0f}s "
                f"(the limit, ENRICH_MAX_QUOTA_WAIT_S, is {self.max_wait_s:g}s); "
                f"nothing was lost: run `enrich tag` again once it is back. Last error: {exc}"
            ) from None
        if began:
            self.on_notice(
                f"The {exc.service} service is unreachable; waiting for it to come back "
                f"(up to {self.max_wait_s:g}s) — nothing fails meanwhile."
            )
        log.info("tagger unreachable; waiting expert-independent: %s", exc)
