"""``VectorCache`` adapters: vectors keyed by (embedder key, text hash).

The embedder key is ``model@dimension`` (``enrichment_core.ingest.embedder_key``), so a cache can
never serve a vector made by another model or of another size: switching embedders simply misses.

``SqliteVectorCache`` keeps them in one SQLite file (stdlib ``sqlite3``, WAL), by default beside the
index (``default_cache_path(index_dir)``). Each ``put_many`` is one committed transaction, so
the batches an interrupted ingest finished are there for the next run. ``InMemoryVectorCache`` is
for tests and for services that do not want a file.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

import numpy as np

from enrichment_core.errors import EnrichmentError
from enrichment_core.ports import Vectors

CACHE_FILE = "vector-cache.sqlite3"
_CHUNK = 500  # stay well under SQLite's bound-parameter limit

_log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS vectors (
    embedder_key TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    dim INTEGER NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (embedder_key, text_hash)
) WITHOUT ROWID
"""


def default_cache_path(index_dir: Path | str) -> Path:
    return Path(index_dir) / CACHE_FILE


def _as_row(vector: Vectors) -> Vectors:
    row = np.ascontiguousarray(vector, dtype=np.float32)
    if row.ndim != 1 or row.size == 0:
        raise ValueError(f"a cached vector must be one non-empty row, got shape {row.shape}")
    return row


class VectorCacheUnavailableError(EnrichmentError):
    """The vector cache file exists but cannot be used now (held by another process, or a path
    SQLite cannot open). Unlike a corrupt cache, it is never moved aside."""


# What SQLite says about a file that is not (or no longer) a database: only then is it set aside.
_CORRUPT = frozenset({"SQLITE_CORRUPT", "SQLITE_NOTADB"})
_BUSY = frozenset({"SQLITE_BUSY", "SQLITE_LOCKED"})


class SqliteVectorCache:
    """Vectors in a SQLite file. Thread-safe (one connection behind a lock).

    A cache SQLite calls corrupt is moved aside (``<name>.corrupt-<time>``, only the latest kept)
    and an empty one started: only a speed-up is lost. A cache held by another process is waited
    for ``busy_timeout_s``, then refused with ``VectorCacheUnavailableError``, as is a path SQLite
    cannot open (a read-only folder, a directory): those files are left as they are.
    """

    def __init__(self, path: Path | str, *, busy_timeout_s: float = 30.0) -> None:
        self._path = Path(path)
        self._busy_timeout_s = busy_timeout_s
        self._path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        try:
            self._conn = self._open()
        except sqlite3.DatabaseError as exc:
            if getattr(exc, "sqlite_errorname", None) not in _CORRUPT:
                raise self._unavailable(exc) from None
            self._set_aside(exc)
            self._conn = self._open()

    def _unavailable(self, exc: sqlite3.Error) -> VectorCacheUnavailableError:
        if getattr(exc, "sqlite_errorname", None) in _BUSY:
            return VectorCacheUnavailableError(
                f"the vector cache {self._path} is in use by another process (waited "
                f"{self._busy_timeout_s:g}s); wait for it to finish, then run again"
            )
        return VectorCacheUnavailableError(
            f"cannot open the vector cache {self._path} ({exc}); check that the index folder "
            "is writable and the path is a file"
        )

    def _set_aside(self, exc: sqlite3.Error) -> None:
        """Only a speed-up is lost: move the damaged file aside (keeping only the latest one)."""
        for old in self._path.parent.glob(f"{self._path.name}.corrupt-*"):
            old.unlink(missing_ok=True)
        aside = self._path.with_name(f"{self._path.name}.corrupt-{int(time.time())}")
        _log.warning("Vector cache %s is corrupt (%s); moved to %s", self._path, exc, aside)
        self._path.replace(aside)
        for suffix in ("-wal", "-shm"):
            Path(f"{self._path}{suffix}").unlink(missing_ok=True)

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self._path, check_same_thread=False, timeout=self._busy_timeout_s)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(_SCHEMA)
            conn.commit()
        except sqlite3.DatabaseError:
            conn.close()
            raise
        return conn

    @property
    def path(self) -> Path:
        return self._path

    def get_many(self, embedder_key: str, text_hashes: Sequence[str]) -> dict[str, Vectors]:
        wanted = list(dict.fromkeys(text_hashes))
        found: dict[str, Vectors] = {}
        with self._lock:
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = self._conn.execute(
                    f"SELECT text_hash, dim, vector FROM vectors "
                    f"WHERE embedder_key = ? AND text_hash IN ({marks})",
                    [embedder_key, *chunk],
                ).fetchall()
                for text_hash, dim, blob in rows:
                    if len(blob) == dim * 4:  # a damaged row is a miss, never a wrong vector
                        found[text_hash] = np.frombuffer(blob, dtype=np.float32).copy()
        return found

    def put_many(self, embedder_key: str, vectors: Mapping[str, Vectors]) -> None:
        rows = []
        for text_hash, vector in vectors.items():
            row = _as_row(vector)
            rows.append((embedder_key, text_hash, row.size, row.tobytes()))
        with self._lock, self._conn:
            self._conn.executemany(
                "INSERT OR REPLACE INTO vectors (embedder_key, text_hash, dim, vector) "
                "VALUES (?, ?, ?, ?)",
                rows,
            )

    def prune(self, embedder_key: str, keep: Collection[str]) -> int:
        """Drop ``embedder_key``'s vectors that are not in ``keep`` (one transaction)."""
        with self._lock, self._conn:
            self._conn.execute("CREATE TEMP TABLE IF NOT EXISTS keep_hashes (h TEXT PRIMARY KEY)")
            self._conn.execute("DELETE FROM keep_hashes")
            self._conn.executemany(
                "INSERT OR IGNORE INTO keep_hashes VALUES (?)", [(h,) for h in keep]
            )
            removed = self._conn.execute(
                "DELETE FROM vectors WHERE embedder_key = ? "
                "AND text_hash NOT IN (SELECT h FROM keep_hashes)",
                (embedder_key,),
            ).rowcount
            self._conn.execute("DELETE FROM keep_hashes")
        return int(removed)

    def count(self, embedder_key: str | None = None) -> int:
        """How many vectors are cached (for one embedder key, or in all)."""
        with self._lock:
            if embedder_key is None:
                row = self._conn.execute("SELECT COUNT(*) FROM vectors").fetchone()
            else:
                row = self._conn.execute(
                    "SELECT COUNT(*) FROM vectors WHERE embedder_key = ?", (embedder_key,)
                ).fetchone()
        return int(row[0])

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> SqliteVectorCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class InMemoryVectorCache:
    """Vectors in a dict: for tests and for library users who need no persistence."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._vectors: dict[tuple[str, str], Vectors] = {}

    def get_many(self, embedder_key: str, text_hashes: Sequence[str]) -> dict[str, Vectors]:
        with self._lock:
            return {
                h: self._vectors[(embedder_key, h)].copy()
                for h in text_hashes
                if (embedder_key, h) in self._vectors
            }

    def put_many(self, embedder_key: str, vectors: Mapping[str, Vectors]) -> None:
        rows = {(embedder_key, h): _as_row(v).copy() for h, v in vectors.items()}
        with self._lock:
            self._vectors.update(rows)

    def prune(self, embedder_key: str, keep: Collection[str]) -> int:
        wanted = set(keep)
        with self._lock:
            stale = [k for k in self._vectors if k[0] == embedder_key and k[1] not in wanted]
            for k in stale:
                del self._vectors[k]
        return len(stale)

    def count(self, embedder_key: str | None = None) -> int:
        with self._lock:
            return sum(1 for key, _ in self._vectors if embedder_key in (None, key))
