"""In-memory adapters: an ``ExpertRepo`` and a ``VectorIndex`` (numpy), for tests and for services
that want the use cases without a database or FAISS.

Thread-safe, and faithful to their ports' rules (usernames unique regardless of case, immutable tags, one
"transaction" per call; staged builds invisible until promoted, one build lock), so the same
contract suites run on them as on the SQL repository and the FAISS index.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import threading
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

import numpy as np

from enrichment_core.errors import (
    DuplicateExpertError,
    EmbedderMismatchError,
    ExpertNotFoundError,
    IndexBusyError,
    IndexNotFoundError,
    IndexVerificationError,
)
from enrichment_core.experts import Expert, TaggingState, username_key
from enrichment_core.insights import is_missing
from enrichment_core.ports import (
    ExpertPage,
    ExpertSort,
    IndexManifest,
    IndexRecord,
    SearchHit,
    StagedBuild,
    Vectors,
)
from enrichment_core.promotion import StagedIndexReport
from enrichment_core.tags import normalize_tag


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
            return True

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


# --- vector index ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Build:
    vectors: Vectors
    records: tuple[IndexRecord, ...]
    manifest: IndexManifest


@dataclass(slots=True)
class InMemoryIndexStore:
    """The storage several ``InMemoryVectorIndex`` objects share (a writer and its readers)."""

    builds: dict[str, _Build] = field(default_factory=dict)
    production: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    build_lock: threading.Lock = field(default_factory=threading.Lock)
    counter: Iterator[int] = field(default_factory=itertools.count)


class InMemoryVectorIndex:
    """A ``VectorIndex`` over numpy arrays: exact inner product on unit rows, as FAISS's flat index.

    Pass the same ``store`` to several instances to model a writer and a running reader.
    """

    def __init__(self, store: InMemoryIndexStore | None = None) -> None:
        self.store = store if store is not None else InMemoryIndexStore()

    @contextlib.contextmanager
    def exclusive_build(self) -> Iterator[None]:
        if not self.store.build_lock.acquire(blocking=False):
            raise IndexBusyError(
                "another ingest is rebuilding this in-memory index; wait for it to finish"
            )
        try:
            yield
        finally:
            self.store.build_lock.release()

    def discard_staging(self) -> bool:
        with self.store.lock:
            staged = [name for name in self.store.builds if name != self.store.production]
            for name in staged:
                del self.store.builds[name]
        return bool(staged)

    def stage(
        self, vectors: Vectors, records: Sequence[IndexRecord], manifest: IndexManifest
    ) -> StagedBuild:
        matrix = np.array(vectors, dtype=np.float32, copy=True)
        if matrix.ndim != 2 or matrix.shape[0] != len(records):
            raise ValueError(
                f"{len(records)} records need a ({len(records)}, d) matrix, got {matrix.shape}"
            )
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        matrix /= np.where(norms > 0, norms, 1.0)
        with self.store.lock:
            name = f"build-{next(self.store.counter)}"
            self.store.builds[name] = _Build(matrix, tuple(records), manifest)
        return StagedBuild(name)

    def _staged(self, staged: StagedBuild) -> _Build:
        with self.store.lock:
            build = self.store.builds.get(staged.build_id)
        if build is None:
            raise IndexVerificationError(
                f"nothing is staged as {staged.build_id!r}: stage a build before checking or "
                "promoting it"
            )
        return build

    def inspect(self, staged: StagedBuild) -> StagedIndexReport:
        build = self._staged(staged)
        return StagedIndexReport(
            count=int(build.vectors.shape[0]),
            dimension=int(build.vectors.shape[1]),
            ids=tuple(r.id for r in build.records),
        )

    def promote(self, staged: StagedBuild) -> None:
        self._staged(staged)
        with self.store.lock:
            previous, self.store.production = self.store.production, staged.build_id
            if previous is not None and previous != staged.build_id:
                self.store.builds.pop(previous, None)

    def _production(self) -> _Build | None:
        with self.store.lock:
            name = self.store.production
            return None if name is None else self.store.builds[name]

    def manifest(self) -> IndexManifest | None:
        build = self._production()
        return None if build is None else build.manifest

    def records(self) -> Sequence[IndexRecord]:
        build = self._production()
        return () if build is None else build.records

    def search(
        self, query: Vectors, k: int, *, candidates: Collection[int] | None = None
    ) -> list[SearchHit]:
        build = self._production()
        if build is None:
            raise IndexNotFoundError("no index has been promoted yet: run `enrich ingest`")
        vector = np.asarray(query, dtype=np.float32).reshape(-1)
        if vector.shape[0] != build.vectors.shape[1]:
            raise EmbedderMismatchError(
                f"the query vector has {vector.shape[0]} dimensions but the index "
                f"({build.manifest.embedder_model}) has {build.vectors.shape[1]}: search with the "
                "embedder that built the index, or re-run `enrich ingest`"
            )
        norm = float(np.linalg.norm(vector))
        scores = build.vectors @ (vector / norm if norm > 0 else vector)
        if candidates is not None:  # a mask: only the candidates can be ranked
            allowed = set(candidates)
            mask = np.fromiter((r.id in allowed for r in build.records), bool, len(build.records))
            scores = np.where(mask, scores, -np.inf)
            k = min(int(k), int(mask.sum()))
        order = np.argsort(-scores, kind="stable")[: max(0, int(k))]
        return [SearchHit(record=build.records[i], score=float(scores[i])) for i in order]
