"""An in-memory ``VectorIndex`` over numpy arrays: exact inner product on unit rows, as FAISS's
flat index, with the same staging, promotion and build-lock rules (the index contract runs on
both). Several ``InMemoryVectorIndex`` objects sharing one ``InMemoryIndexStore`` model a writer
and its running readers."""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from enrichment_core.errors import (
    EmbedderMismatchError,
    IndexBusyError,
    IndexNotFoundError,
    IndexVerificationError,
)
from enrichment_core.ports import IndexManifest, IndexRecord, SearchHit, StagedBuild, Vectors
from enrichment_core.promotion import StagedIndexReport


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
