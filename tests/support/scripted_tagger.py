"""A scripted ``TagGenerator`` for use-case tests: per-username outcomes, call log, concurrency gauge."""

from __future__ import annotations

import re
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Iterable, Sequence

import anyio

from enrichment_core.ports import TagRequest

Outcome = Sequence[str] | BaseException | str


_MARKUP_RE = re.compile(r"<[^>]*>|[\x00-\x1f\x7f]")


def default_tags(request: TagRequest) -> list[str]:
    """``["<job title without markup>", "Consulting"]``: raw tags, as a real tagger answers."""
    title = " ".join(_MARKUP_RE.sub(" ", request.job_title or "").split())
    return [title or "general", "Consulting"]


class ScriptedTagger:
    """Answers from a per-username script (each call consumes one outcome), then ``default``.

    An outcome is a list of tags, an exception instance to raise, or ``"hang"`` (sleep forever).
    By default the tags are derived from the job title: ``["<title>", "consulting"]``.
    ``clock`` and ``sleep`` (e.g. a ``VirtualClock``'s) time the calls and the ``delay``.
    """

    def __init__(
        self,
        script: dict[str, Iterable[Outcome]] | None = None,
        *,
        delay: float = 0.0,
        name: str = "scripted:test",
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._script = {user: deque(outcomes) for user, outcomes in (script or {}).items()}
        self.delay = delay
        self._name = name
        self.calls: list[str] = []
        self.call_times: list[float] = []
        self.calls_by_user: dict[str, int] = defaultdict(int)
        self.in_flight = 0
        self.max_in_flight = 0

    @property
    def name(self) -> str:
        return self._name

    async def generate_tags(self, request: TagRequest) -> Sequence[str]:
        self.calls.append(request.username)
        self.call_times.append(self._clock())
        self.calls_by_user[request.username] += 1
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.delay:
                await self._sleep(self.delay)
            queue = self._script.get(request.username)
            outcome: Outcome = queue.popleft() if queue else default_tags(request)
            if outcome == "hang":
                await anyio.sleep_forever()
            if isinstance(outcome, BaseException):
                raise outcome
            return list(outcome)
        finally:
            self.in_flight -= 1
