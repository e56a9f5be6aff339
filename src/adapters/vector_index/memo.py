"""``MemoizedVectorCache``: a bounded in-memory memo in front of another ``VectorCache``.

A search server reads the vectors of every hit's tags and bio sentences on every query (tag
ranking and match reasons). From the SQLite cache that is one query behind one connection's
lock per search, and under concurrent load the searches queue on that lock. The vectors are
content-addressed (embedder key + hash of the text), so a vector once read can never become
wrong: the memo needs no invalidation, only a size bound. Reads are served from memory; misses
are read from the inner cache (outside the memo's lock) and remembered, least recently used
evicted beyond ``max_vectors``. Writes and prunes go to the inner cache; a write replaces a
remembered vector, and ``prune`` forgets the pruned ones, so the memo always agrees with the
cache.

Vectors handed out are read-only arrays shared between callers (no copy per read): a caller
cannot change what the next one reads.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Collection, Mapping, Sequence

import numpy as np

from enrichment_core.ports import VectorCache, Vectors

# 200,000 vectors of 384 float32 = 293 MiB at most; the 1,558-expert demo directory needs
# ~8,500 (13 MiB): every tag and sentence of the index stays in memory.
DEFAULT_MAX_VECTORS = 200_000


class MemoizedVectorCache:
    """``inner`` with a bounded, thread-safe memo of the vectors read through it."""

    def __init__(self, inner: VectorCache, *, max_vectors: int = DEFAULT_MAX_VECTORS) -> None:
        if max_vectors < 1:
            raise ValueError("max_vectors must be at least 1")
        self._inner = inner
        self._max = max_vectors
        self._lock = threading.Lock()
        self._memo: OrderedDict[tuple[str, str], Vectors] = OrderedDict()
        self.hits = self.misses = 0

    @property
    def inner(self) -> VectorCache:
        return self._inner

    def get_many(self, embedder_key: str, text_hashes: Sequence[str]) -> dict[str, Vectors]:
        found: dict[str, Vectors] = {}
        missing: list[str] = []
        with self._lock:
            for h in dict.fromkeys(text_hashes):
                vector = self._memo.get((embedder_key, h))
                if vector is None:
                    missing.append(h)
                else:
                    self._memo.move_to_end((embedder_key, h))
                    found[h] = vector
            self.hits += len(found)
            self.misses += len(missing)
        if missing:
            fresh = {h: _frozen(v) for h, v in self._inner.get_many(embedder_key, missing).items()}
            self._remember(embedder_key, fresh)
            found.update(fresh)
        return found

    def put_many(self, embedder_key: str, vectors: Mapping[str, Vectors]) -> None:
        self._inner.put_many(embedder_key, vectors)
        with self._lock:  # a vector put again replaces the remembered one (nothing new is added)
            for h, vector in vectors.items():
                if (embedder_key, h) in self._memo:
                    self._memo[(embedder_key, h)] = _frozen(vector)

    def prune(self, embedder_key: str, keep: Collection[str]) -> int:
        wanted = set(keep)
        with self._lock:
            for key in [k for k in self._memo if k[0] == embedder_key and k[1] not in wanted]:
                del self._memo[key]
        return self._inner.prune(embedder_key, keep)

    def __len__(self) -> int:
        with self._lock:
            return len(self._memo)

    def _remember(self, embedder_key: str, vectors: Mapping[str, Vectors]) -> None:
        with self._lock:
            for h, vector in vectors.items():
                self._memo[(embedder_key, h)] = vector
                self._memo.move_to_end((embedder_key, h))
            while len(self._memo) > self._max:
                self._memo.popitem(last=False)


def _frozen(vector: Vectors) -> Vectors:
    array = np.array(vector, dtype=np.float32)  # a private copy, then read-only
    array.flags.writeable = False
    return array
