"""``TagTable``: the tag vectors and tag-set centroids that tag-aware ranking reads per query.

Ranking scores each of ~100 candidates by its best tag and the centroid of its tags
(``enrichment_core.tag_ranking``). Gathering those vectors and computing each centroid anew on
every query costs more than the dot products themselves (a few milliseconds of small numpy
calls, under the GIL, per search). An expert's tags change only with a new build, and a tag's
vector only with the embedder, so a table per embedder keeps:

- every tag seen so far as one row of a tag matrix;
- every tag set seen so far (an expert's distinct tags, in order) as the rows of its tags and
  one row of a matrix of unit centroids.

A query then needs two gathers and two matrix-vector products for the whole page. Rows are only
ever appended (a reader's snapshot stays valid while another thread adds rows), and the table
starts afresh beyond ``MAX_ROWS`` tags or tag sets, so memory stays bounded.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np

from enrichment_core.errors import EmbeddingError
from enrichment_core.ports import Vectors

MAX_ROWS = 200_000

TagVectors = Callable[[Sequence[str]], Vectors]


@dataclass(frozen=True, slots=True)
class PageTags:
    """The rows of one page's tag sets: ``tags[rows]`` are its tags, ``starts`` where each set
    begins in ``rows``, ``centroids[centroid_rows]`` their unit centroids."""

    tags: Vectors
    rows: np.ndarray
    starts: np.ndarray
    centroids: Vectors
    centroid_rows: np.ndarray


class _Rows:
    """An append-only float32 matrix that grows by doubling."""

    def __init__(self, dimension: int) -> None:
        self.matrix = np.zeros((64, dimension), dtype=np.float32)
        self.count = 0

    def append(self, rows: Vectors) -> int:
        start, needed = self.count, self.count + len(rows)
        if needed > len(self.matrix):
            grown = np.zeros((max(needed, 2 * len(self.matrix)), self.matrix.shape[1]), np.float32)
            grown[:start] = self.matrix[:start]
            self.matrix = grown  # readers keep the old matrix: its first rows are the same
        self.matrix[start:needed] = rows
        self.count = needed
        return start


class TagTable:
    """Tag and tag-set rows for one embedder of ``dimension`` (thread-safe)."""

    def __init__(self, dimension: int, *, max_rows: int = MAX_ROWS) -> None:
        self.dimension = dimension
        self._max_rows = max_rows
        self._lock = threading.Lock()
        self._reset()

    def _reset(self) -> None:
        self._tags = _Rows(self.dimension)
        self._centroids = _Rows(self.dimension)
        self._tag_row: dict[str, int] = {}
        self._sets: dict[tuple[str, ...], tuple[np.ndarray, int]] = {}

    def page(self, tag_sets: Sequence[tuple[str, ...]], tag_vectors: TagVectors) -> PageTags:
        """The rows of ``tag_sets`` (each non-empty, distinct tags), embedding unknown tags with
        ``tag_vectors`` (one call for all of them)."""
        with self._lock:  # the usual case, once warm: every set is known
            known = [self._sets.get(s) for s in tag_sets]
            tags, centroids = self._tags.matrix, self._centroids.matrix
        if None not in known:
            return _page(tags, centroids, cast("list[tuple[np.ndarray, int]]", known))
        with self._lock:
            new_sets = [s for s in dict.fromkeys(tag_sets) if s not in self._sets]
            new_tags = [t for t in dict.fromkeys(t for s in new_sets for t in s)]
            new_tags = [t for t in new_tags if t not in self._tag_row]
        fresh = self._vectors(new_tags, tag_vectors) if new_tags else None
        with self._lock:
            if len(self._tag_row) + len(new_tags) > self._max_rows or (
                len(self._sets) + len(new_sets) > self._max_rows
            ):
                self._reset()
            if fresh is not None:
                self._add_tags(new_tags, fresh)
            absent = [s for s in dict.fromkeys(tag_sets) if s not in self._sets]
            missing = list(dict.fromkeys(t for s in absent for t in s if t not in self._tag_row))
            if missing:  # forgotten by a reset in between: embed them again (rare)
                self._add_tags(missing, self._vectors(missing, tag_vectors))
            for tag_set in absent:
                self._add_set(tag_set)
            entries = [self._sets[s] for s in tag_sets]
            tags, centroids = self._tags.matrix, self._centroids.matrix
        return _page(tags, centroids, entries)

    def _vectors(self, tags: list[str], tag_vectors: TagVectors) -> Vectors:
        vectors = np.asarray(tag_vectors(tags), dtype=np.float32)
        if vectors.shape != (len(tags), self.dimension) or not np.all(np.isfinite(vectors)):
            raise EmbeddingError(
                f"tag vectors of shape {vectors.shape} for {len(tags)} tags, expected "
                f"({len(tags)}, {self.dimension})"
            )
        return vectors

    def _add_tags(self, tags: list[str], vectors: Vectors) -> None:
        keep = [i for i, t in enumerate(tags) if t not in self._tag_row]
        start = self._tags.append(vectors[keep])
        for offset, i in enumerate(keep):
            self._tag_row[tags[i]] = start + offset

    def _add_set(self, tag_set: tuple[str, ...]) -> None:
        rows = np.fromiter((self._tag_row[t] for t in tag_set), dtype=np.intp)
        total = self._tags.matrix[rows].sum(axis=0)
        norm = float(np.linalg.norm(total))
        centroid = total / norm if norm > 0 else total * 0.0
        self._sets[tag_set] = (rows, self._centroids.append(centroid[None, :]))


def _page(tags: Vectors, centroids: Vectors, entries: list[tuple[np.ndarray, int]]) -> PageTags:
    lengths = [len(rows) for rows, _ in entries]
    return PageTags(
        tags=tags,
        rows=np.concatenate([rows for rows, _ in entries]) if entries else np.zeros(0, np.intp),
        starts=np.cumsum([0, *lengths[:-1]], dtype=np.intp),
        centroids=centroids,
        centroid_rows=np.fromiter((row for _, row in entries), dtype=np.intp, count=len(entries)),
    )
