"""In-memory adapters: an ``ExpertRepo`` here and a ``VectorIndex`` (numpy, ``memory_index``,
re-exported), for tests and for services that want the use cases without a database or FAISS.

Thread-safe, and faithful to their ports' rules (usernames unique regardless of case, immutable tags, one
"transaction" per call; staged builds invisible until promoted, one build lock), so the same
contract suites run on them as on the SQL repository and the FAISS index.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from enrichment_adapters.memory_index import InMemoryIndexStore, InMemoryVectorIndex
from enrichment_core.errors import (
    DuplicateExpertError,
    ExpertNotFoundError,
)
from enrichment_core.experts import Expert, TaggingState, username_key
from enrichment_core.insights import is_missing
from enrichment_core.ports import (
    ExpertPage,
    ExpertSort,
)
from enrichment_core.tags import normalize_tag

__all__ = ["InMemoryExpertRepo", "InMemoryIndexStore", "InMemoryVectorIndex", "sort_key"]


def sort_key(sort: ExpertSort) -> object:
    if sort is ExpertSort.FINDABILITY:
        return lambda e: (e.findability_score if e.findability_score is not None else -1.0, e.id)
    if sort is ExpertSort.NAME:
        return lambda e: (e.display_name.casefold(), e.id)
    return lambda e: e.id


class InMemoryExpertRepo:
    def __init__(self, experts: Sequence[Expert] = ()) -> None:
        self._lock = threading.Lock()
        self._by_id: dict[int, Expert] = {}
        self._claims: dict[int, tuple[str, float]] = {}  # expert id -> (owner, until)
        self._next_id = 1
        for expert in experts:
            self.add(expert)

    def add(self, expert: Expert) -> Expert:
        with self._lock:
            return self._insert(expert)

    def _insert(self, expert: Expert) -> Expert:
        key = username_key(expert.username)
        if any(username_key(e.username) == key for e in self._by_id.values()):
            raise DuplicateExpertError(expert.username)
        stored = replace(expert, id=self._next_id)
        self._by_id[self._next_id] = stored
        self._next_id += 1
        return stored

    def add_new(self, experts: Sequence[Expert]) -> list[Expert]:
        with self._lock:
            known = {username_key(e.username) for e in self._by_id.values()}
            inserted = []
            for expert in experts:
                key = username_key(expert.username)
                if key in known:
                    continue
                known.add(key)
                inserted.append(self._insert(expert))
            return inserted

    def get(self, username: str) -> Expert | None:
        with self._lock:
            key = username_key(username)
            return next((e for e in self._by_id.values() if username_key(e.username) == key), None)

    def get_by_id(self, expert_id: int) -> Expert | None:
        with self._lock:
            return self._by_id.get(expert_id)

    def list_experts(self, *, tagged: bool | None = None) -> list[Expert]:
        with self._lock:
            experts = sorted(self._by_id.values(), key=lambda e: e.id or 0)
        if tagged is None:
            return experts
        return [e for e in experts if (e.tags is not None) is tagged]

    def count(self, *, tagged: bool | None = None) -> int:
        return len(self.list_experts(tagged=tagged))

    def save_tags(
        self,
        expert_id: int,
        *,
        tags: Sequence[str],
        tagged_by: str,
        tagged_at: datetime,
        findability_score: float,
    ) -> bool:
        with self._lock:
            expert = self._by_id.get(expert_id)
            if expert is None:
                raise ExpertNotFoundError(expert_id)
            if expert.tags is not None:
                return False
            self._by_id[expert_id] = replace(
                expert,
                tags=tuple(tags),
                tagged_by=tagged_by,
                tagged_at=tagged_at,
                findability_score=findability_score,
                tagging_error=None,
            )
            self._claims.pop(expert_id, None)
            return True

    def claim_untagged(
        self, owner: str, *, limit: int, ttl_s: float, among: Sequence[int] | None = None
    ) -> list[Expert]:
        wanted = None if among is None else set(among)
        with self._lock:
            now = time.time()
            free = [
                e
                for i, e in sorted(self._by_id.items())
                if e.tags is None
                and e.has_bio
                and self._claims.get(i, ("", 0.0))[1] <= now
                and (wanted is None or i in wanted)
            ][: max(0, limit)]
            for e in free:
                self._claims[e.id or 0] = (owner, now + ttl_s)
            return free

    def renew_claims(self, owner: str, *, ttl_s: float) -> int:
        with self._lock:
            now = time.time()
            mine = [i for i, (who, until) in self._claims.items() if who == owner and until > now]
            for expert_id in mine:
                self._claims[expert_id] = (owner, now + ttl_s)
            return len(mine)

    def claim_owners(self) -> list[str]:
        with self._lock:
            now = time.time()
            return sorted({who for who, until in self._claims.values() if until > now})

    def release_claims(self, owner: str, *, expert_ids: Sequence[int] | None = None) -> int:
        with self._lock:
            now = time.time()
            wanted = set(self._claims) if expert_ids is None else set(expert_ids)
            mine = [
                i
                for i, (who, until) in self._claims.items()
                if who == owner and until > now and i in wanted
            ]
            for expert_id in mine:
                del self._claims[expert_id]
            return len(mine)

    def record_tagging_failure(
        self, expert_id: int, *, error: str, findability_score: float | None = None
    ) -> None:
        with self._lock:
            expert = self._by_id.get(expert_id)
            if expert is None:
                raise ExpertNotFoundError(expert_id)
            score = expert.findability_score if findability_score is None else findability_score
            self._by_id[expert_id] = replace(expert, tagging_error=error, findability_score=score)

    def save_scores(self, scores: Mapping[int, float]) -> int:
        with self._lock:
            updated = 0
            for expert_id, score in scores.items():
                expert = self._by_id.get(expert_id)
                if expert is not None:
                    self._by_id[expert_id] = replace(expert, findability_score=score)
                    updated += 1
            return updated

    def page(
        self,
        *,
        offset: int = 0,
        limit: int = 50,
        state: TaggingState | None = None,
        tagged: bool | None = None,
        sort: ExpertSort = ExpertSort.ID,
        descending: bool = False,
        tag: str | None = None,
        min_findability: float | None = None,
        findability_below: float | None = None,
        missing: str | None = None,
    ) -> ExpertPage:
        experts = self.list_experts(tagged=tagged)
        if state is not None:
            experts = [e for e in experts if e.tagging_state is state]
        if tag is not None:
            wanted = normalize_tag(tag)
            experts = [e for e in experts if wanted in (e.tags or ())]
        if min_findability is not None or findability_below is not None:
            low = -math.inf if min_findability is None else min_findability
            high = math.inf if findability_below is None else findability_below
            experts = [
                e
                for e in experts
                if e.findability_score is not None and low <= e.findability_score < high
            ]
        if missing is not None:
            experts = [e for e in experts if is_missing(e, missing)]
        experts.sort(key=sort_key(sort), reverse=descending)  # type: ignore[arg-type]
        return ExpertPage(experts=experts[offset : offset + limit], total=len(experts))
