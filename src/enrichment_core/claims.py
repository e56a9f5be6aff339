"""How concurrent tagging runs share the work: each expert is claimed before it is sent.

A run takes its experts from the repository a few at a time (``ExpertRepo.claim_untagged``),
keeps its claims alive while it works (``renew_claims`` every third of the time to live) and
gives back what it still holds when it ends (``release_claims``). Two runs at once, or several
workers on one PostgreSQL database, therefore never send the same expert to the tagger twice;
a killed run's claims lapse after ``CLAIM_TTL_S`` and the next run takes those experts — at
once when that run was on the same machine (its process is gone, so its claims are released).

The rules every ``ExpertRepo`` keeps: a claim is atomic (two claimers never get the same
expert) and skips experts whose claim has not expired; writing tags ends the claim; recording a
failure keeps it (the run that failed does not take the expert again; the next run does). Any
owner string works: a batch tagging run uses ``run:<host>:<pid>:<random>``; a long-lived job (a
Gemini batch job) may claim with a long ``ttl_s`` and release its claims once results are saved.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections import deque
from collections.abc import Awaitable, Callable, Sequence

import anyio

from enrichment_core.experts import Expert
from enrichment_core.offload import AsyncExpertRepo

log = logging.getLogger("enrichment_core.tagging")

CLAIM_TTL_S = 60.0
CLAIM_WINDOW = 500  # candidate ids per claim query (well under SQLite's parameter limit)


def run_owner() -> str:
    """A claim owner unique to this run: ``run:<host>:<pid>:<random>``."""
    return f"run:{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def is_dead_local_run(owner: str) -> bool:
    """True when ``owner`` is a run of this machine whose process no longer exists."""
    parts = owner.split(":")
    if parts[0] != "run" or len(parts) < 4 or ":".join(parts[1:-2]) != socket.gethostname():
        return False
    try:
        pid = int(parts[-2])
    except ValueError:
        return False
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # it exists but belongs to someone else
        return False
    return False


class ClaimedWork:
    """The experts one run may send, claimed in batches of ``batch`` as the workers need them."""

    def __init__(
        self,
        repo: AsyncExpertRepo,
        candidates: Sequence[int],
        *,
        batch: int,
        owner: str | None = None,
        ttl_s: float = CLAIM_TTL_S,
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
    ) -> None:
        self.repo = repo
        self.owner = owner or run_owner()
        self.batch = max(1, batch)
        self.ttl_s = ttl_s
        self._sleep = sleep
        self._buffer: deque[Expert] = deque()
        self._lock = anyio.Lock()
        # Only these experts (the run's selection, by id), asked for a window at a time.
        self._windows = [
            list(candidates[i : i + CLAIM_WINDOW]) for i in range(0, len(candidates), CLAIM_WINDOW)
        ]
        self.claimed = 0

    async def take_over_dead_runs(self) -> int:
        """Release the claims of runs on this machine that were killed; returns how many."""
        released = 0
        for owner in await self.repo.claim_owners():
            if is_dead_local_run(owner):
                count = await self.repo.release_claims(owner)
                log.info("released %d claims of %s, which is no longer running", count, owner)
                released += count
        return released

    async def next(self) -> Expert | None:
        """The next expert to send, or None when no unclaimed untagged expert is left."""
        async with self._lock:
            while not self._buffer and self._windows:
                batch = await self.repo.claim_untagged(
                    self.owner, limit=self.batch, ttl_s=self.ttl_s, among=self._windows[0]
                )
                if not batch:  # everyone in this window is tagged or held by another run
                    self._windows.pop(0)
                self.claimed += len(batch)
                self._buffer.extend(batch)
            return self._buffer.popleft() if self._buffer else None

    async def keep_alive(self) -> None:
        """Renew this run's claims until cancelled."""
        while True:
            await self._sleep(self.ttl_s / 3)
            try:
                await self.repo.renew_claims(self.owner, ttl_s=self.ttl_s)
            except Exception as exc:  # noqa: BLE001 - a missed renewal only risks a duplicate call
                log.warning("could not renew the run's claims: %s", exc)

    async def release(self) -> None:
        """Give back every claim this run still holds (its failures, its unsent experts)."""
        with anyio.CancelScope(shield=True):
            try:
                await self.repo.release_claims(self.owner)
            except Exception as exc:  # noqa: BLE001 - they lapse on their own after ttl_s
                log.warning("could not release the run's claims (they expire anyway): %s", exc)
