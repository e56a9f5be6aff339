"""How the batch run calls the tagger for one expert (locked decision 6).

Each attempt goes out through the run's ``QuotaGate`` (``quota``): a steady request rate, the
call bounded by ``call_timeout_s``, 429s and outages waited out without spending the expert's
retry. Any other failure — timeout, API error, a permanent refusal, an invalid or empty answer —
uses the expert's one retry: a transient one (timeout, connection, 5xx) waits ``retry_delay_s``
first, an invalid answer is retried at once. Refused credentials or a tagger that cannot start
are raised at once: the whole run stops.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING

from enrichment_core.errors import (
    TaggerCredentialsError,
    TaggerUnavailableError,
    TransientTaggingError,
)
from enrichment_core.ports import TagGenerator, TagRequest
from enrichment_core.quota import QuotaGate
from enrichment_core.tag_one import describe_error
from enrichment_core.tags import normalize_tags

if TYPE_CHECKING:
    from enrichment_core.tagging import TaggingOptions, TaggingReport

log = logging.getLogger("enrichment_core.tagging")

MAX_ATTEMPTS = 2  # locked decision 6: retry once, then skip
# Errors that are not one expert's: the whole run stops.
RUN_STOPPING_ERRORS = (TaggerCredentialsError, TaggerUnavailableError)
# Failures worth a pause before the retry (the same call may succeed a moment later).
TRANSIENT_ERRORS = (TransientTaggingError, TimeoutError, OSError)


class TagCallPolicy:
    """The calling policy of one batch run, shared by its workers (one gate, one rate)."""

    def __init__(
        self,
        tagger: TagGenerator,
        options: TaggingOptions,
        report: TaggingReport,
        *,
        on_notice: Callable[[str], None] | None,
        clock: Callable[[], float],
        sleep: Callable[[float], Awaitable[None]],
    ) -> None:
        self.options = options
        self.report = report  # counts the retries
        self.sleep = sleep
        self.gate = QuotaGate(
            tagger,
            rpm=options.rpm,
            call_timeout_s=options.call_timeout_s,
            max_wait_s=options.max_quota_wait_s,
            default_quota_delay_s=options.default_quota_delay_s,
            on_notice=on_notice,
            clock=clock,
            sleep=sleep,
        )

    def waits(self) -> tuple[int, int]:
        """How often the run waited: ``(429s, outage waits)``."""
        return self.gate.rate_limited, self.gate.outage_waits

    async def call_with_retry(self, request: TagRequest) -> Sequence[str]:
        """Up to ``options.max_attempts`` attempts (at most ``MAX_ATTEMPTS``), each normalized (an
        empty answer is a failed attempt); the last failure is raised. Run-stopping errors are
        raised at once; a transient failure waits ``retry_delay_s`` before the retry."""
        attempts = self.options.max_attempts
        for attempt in range(1, attempts + 1):
            try:
                return normalize_tags(await self.gate.call(request))
            except RUN_STOPPING_ERRORS:
                raise
            except Exception as exc:
                if attempt == attempts:
                    raise
                self.report.retries += 1
                error_class, message = describe_error(exc)
                log.info("retrying expert=%s after %s: %s", request.username, error_class, message)
                if isinstance(exc, TRANSIENT_ERRORS):
                    await self.sleep(self.options.retry_delay_s)
        raise AssertionError("unreachable: the last attempt returns or raises")
