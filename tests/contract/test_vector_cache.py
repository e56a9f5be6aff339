"""Both ``VectorCache`` adapters pass the same contract; the SQLite one also survives a reopen."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from enrichment_adapters.vector_index.cache import (
    InMemoryVectorCache,
    SqliteVectorCache,
    VectorCacheUnavailableError,
    default_cache_path,
)
from enrichment_core.ports import VectorCache

KEY = "fake:hashing@4"


def vec(*values: float) -> np.ndarray:
    return np.array(values, dtype=np.float32)


class VectorCacheContract:
    @pytest.fixture
    def cache(self) -> VectorCache:  # pragma: no cover - overridden
        raise NotImplementedError

    def test_vectors_round_trip_as_float32(self, cache: VectorCache) -> None:
        cache.put_many(KEY, {"a": vec(0.5, 0.5, 0.5, 0.5), "b": vec(1, 0, 0, 0)})
        got = cache.get_many(KEY, ["a", "b"])
        assert set(got) == {"a", "b"}
        assert got["a"].dtype == np.float32
        np.testing.assert_array_equal(got["a"], vec(0.5, 0.5, 0.5, 0.5))
        np.testing.assert_array_equal(got["b"], vec(1, 0, 0, 0))

    def test_missing_hashes_are_absent_not_errors(self, cache: VectorCache) -> None:
        cache.put_many(KEY, {"a": vec(1, 0, 0, 0)})
        assert set(cache.get_many(KEY, ["a", "nope", "a"])) == {"a"}
        assert cache.get_many(KEY, []) == {}

    def test_another_embedder_key_never_sees_the_vectors(self, cache: VectorCache) -> None:
        cache.put_many(KEY, {"a": vec(1, 0, 0, 0)})
        assert cache.get_many("fake:hashing@8", ["a"]) == {}
        assert cache.get_many("other:model@4", ["a"]) == {}
        cache.put_many("other:model@4", {"a": vec(0, 1, 0, 0)})
        np.testing.assert_array_equal(cache.get_many(KEY, ["a"])["a"], vec(1, 0, 0, 0))

    def test_putting_a_hash_again_replaces_it(self, cache: VectorCache) -> None:
        cache.put_many(KEY, {"a": vec(1, 0, 0, 0)})
        cache.put_many(KEY, {"a": vec(0, 0, 0, 1)})
        np.testing.assert_array_equal(cache.get_many(KEY, ["a"])["a"], vec(0, 0, 0, 1))

    def test_many_hashes_in_one_call(self, cache: VectorCache) -> None:
        vectors = {f"h{i}": vec(i, 1, 2, 3) for i in range(1_200)}
        cache.put_many(KEY, vectors)
        got = cache.get_many(KEY, list(vectors))
        assert len(got) == 1_200
        np.testing.assert_array_equal(got["h1199"], vec(1199, 1, 2, 3))

    def test_returned_vectors_are_copies(self, cache: VectorCache) -> None:
        cache.put_many(KEY, {"a": vec(1, 0, 0, 0)})
        cache.get_many(KEY, ["a"])["a"][0] = 9.0
        assert cache.get_many(KEY, ["a"])["a"][0] == 1.0


class TestInMemoryVectorCache(VectorCacheContract):
    @pytest.fixture
    def cache(self) -> VectorCache:
        return InMemoryVectorCache()


class TestSqliteVectorCache(VectorCacheContract):
    @pytest.fixture
    def cache(self, tmp_path: Path) -> Iterator[VectorCache]:
        with SqliteVectorCache(default_cache_path(tmp_path / "index")) as cache:
            yield cache


def test_sqlite_cache_keeps_vectors_across_processes_reopening_it(tmp_path: Path) -> None:
    path = default_cache_path(tmp_path)
    with SqliteVectorCache(path) as cache:
        cache.put_many(KEY, {"a": vec(1, 2, 3, 4)})
    with SqliteVectorCache(path) as cache:
        np.testing.assert_array_equal(cache.get_many(KEY, ["a"])["a"], vec(1, 2, 3, 4))
        assert cache.count(KEY) == 1
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_a_damaged_row_is_a_miss_never_a_wrong_vector(tmp_path: Path) -> None:
    path = default_cache_path(tmp_path)
    with SqliteVectorCache(path) as cache:
        cache.put_many(KEY, {"a": vec(1, 2, 3, 4), "b": vec(4, 3, 2, 1)})
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE vectors SET vector = x'0000' WHERE text_hash = 'a'")
    conn.close()
    with SqliteVectorCache(path) as cache:
        assert set(cache.get_many(KEY, ["a", "b"])) == {"b"}


def test_an_unreadable_cache_file_is_set_aside_and_replaced(tmp_path: Path) -> None:
    path = default_cache_path(tmp_path)
    path.write_bytes(b"this is not a sqlite database" * 100)
    with SqliteVectorCache(path) as cache:
        assert cache.get_many(KEY, ["a"]) == {}
        cache.put_many(KEY, {"a": vec(1, 0, 0, 0)})
        assert cache.count() == 1
    assert list(tmp_path.glob(f"{path.name}.corrupt-*"))


# --- issue 10, item 5: only a cache SQLite calls corrupt is moved aside -------------------------


def test_a_busy_cache_is_not_taken_for_corrupt_and_fails_with_a_clear_line(tmp_path: Path) -> None:
    path = tmp_path / "vector-cache.sqlite3"
    SqliteVectorCache(path).close()
    holder = sqlite3.connect(path)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(VectorCacheUnavailableError) as raised:
            SqliteVectorCache(path, busy_timeout_s=0.2)
        assert str(path) in str(raised.value)
        assert "in use" in str(raised.value)
    finally:
        holder.close()
    assert not list(tmp_path.glob("*.corrupt-*"))
    SqliteVectorCache(path).close()  # once released it opens again, contents intact


def test_a_cache_path_that_cannot_be_opened_is_reported_not_renamed(tmp_path: Path) -> None:
    path = tmp_path / "vector-cache.sqlite3"
    path.mkdir()  # a directory where the file should be: SQLite cannot open it
    with pytest.raises(VectorCacheUnavailableError) as raised:
        SqliteVectorCache(path)
    assert str(path) in str(raised.value)
    assert path.is_dir()
    assert not list(tmp_path.glob("*.corrupt-*"))


def test_only_the_latest_corrupt_cache_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "vector-cache.sqlite3"
    for _ in range(3):
        path.write_bytes(b"this is not a database" * 100)
        SqliteVectorCache(path).close()
        time.sleep(0.01)
    assert len(list(tmp_path.glob("*.corrupt-*"))) == 1


def test_the_sqlite_cache_prunes_what_no_build_uses_and_keeps_other_embedders(
    tmp_path: Path,
) -> None:
    vector = np.ones(4, dtype=np.float32)
    with SqliteVectorCache(tmp_path / "cache.sqlite3") as cache:
        cache.put_many("a@4", {f"h{i}": vector for i in range(700)})  # over one chunk of keeps
        cache.put_many("b@4", {"h1": vector})
        assert cache.prune("a@4", keep={f"h{i}" for i in range(600)}) == 100
        assert cache.count("a@4") == 600
        assert cache.count("b@4") == 1
        assert set(cache.get_many("a@4", ["h1", "h650"])) == {"h1"}
