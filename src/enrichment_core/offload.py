"""The threading policy for synchronous ports, in one place.

``ExpertRepo``, ``Embedder`` and the index are synchronous (SQLAlchemy sessions, FAISS, torch).
Async code — the batch tagging run, the intake, the HTTP routes — never calls them on the event
loop: it goes through ``off_thread`` (anyio's worker threads, bounded by anyio's default
capacity limiter) or, for the repository, through ``AsyncExpertRepo``, its async face. Each call
is one repository transaction; none is held across an ``await``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from functools import partial
from typing import ParamSpec, TypeVar

import anyio

from enrichment_core.experts import Expert
from enrichment_core.ports import ExpertRepo

P = ParamSpec("P")
T = TypeVar("T")


async def off_thread(call: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """Run a blocking call in a worker thread and return its result (or raise its error)."""
    return await anyio.to_thread.run_sync(partial(call, *args, **kwargs))


class AsyncExpertRepo:
    """The ``ExpertRepo`` methods the async use cases need, each run off the event loop."""

    def __init__(self, repo: ExpertRepo) -> None:
        self.sync = repo

    async def add(self, expert: Expert) -> Expert:
        return await off_thread(self.sync.add, expert)

    async def get_by_id(self, expert_id: int) -> Expert | None:
        return await off_thread(self.sync.get_by_id, expert_id)

    async def list_experts(self, *, tagged: bool | None = None) -> list[Expert]:
        return await off_thread(self.sync.list_experts, tagged=tagged)

    async def save_tags(
        self,
        expert_id: int,
        *,
        tags: Sequence[str],
        tagged_by: str,
        tagged_at: datetime,
        findability_score: float,
    ) -> bool:
        return await off_thread(
            self.sync.save_tags,
            expert_id,
            tags=tags,
            tagged_by=tagged_by,
            tagged_at=tagged_at,
            findability_score=findability_score,
        )

    async def record_tagging_failure(
        self, expert_id: int, *, error: str, findability_score: float | None = None
    ) -> None:
        await off_thread(
            self.sync.record_tagging_failure,
            expert_id,
            error=error,
            findability_score=findability_score,
        )

    async def save_scores(self, scores: Mapping[int, float]) -> int:
        return await off_thread(self.sync.save_scores, scores)

    async def claim_untagged(
        self, owner: str, *, limit: int, ttl_s: float, among: Sequence[int] | None = None
    ) -> list[Expert]:
        return await off_thread(
            self.sync.claim_untagged, owner, limit=limit, ttl_s=ttl_s, among=among
        )

    async def renew_claims(self, owner: str, *, ttl_s: float) -> int:
        return await off_thread(self.sync.renew_claims, owner, ttl_s=ttl_s)

    async def claim_owners(self) -> list[str]:
        return await off_thread(self.sync.claim_owners)

    async def release_claims(self, owner: str) -> int:
        return await off_thread(self.sync.release_claims, owner)
