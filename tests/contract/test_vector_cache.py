"""Both ``VectorCache`` adapters pass the same contract; the SQLite one also survives a reopen."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from enrichment_adapters.vector_index.cache import (
    InMemoryVectorCache,
    SqliteVectorCache,
    VectorCacheUnavailableError,
    default_cache_path,
)
from enrichment_adapters.vector_index.memo import MemoizedVectorCache
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

    def test_a_caller_cannot_change_the_cached_vectors(self, cache: VectorCache) -> None:
        cache.put_many(KEY, {"a": vec(1, 0, 0, 0)})
        got = cache.get_many(KEY, ["a"])["a"]
        if got.flags.writeable:  # a private copy, or a read-only shared array
            got[0] = 9.0
        else:
            with pytest.raises(ValueError, match="read-only"):
                got[0] = 9.0
        assert cache.get_many(KEY, ["a"])["a"][0] == 1.0


class TestInMemoryVectorCache(VectorCacheContract):
    @pytest.fixture
    def cache(self) -> VectorCache:
        return InMemoryVectorCache()


class TestMemoizedSqliteVectorCache(VectorCacheContract):
    @pytest.fixture
    def cache(self, tmp_path: Path) -> Iterator[VectorCache]:
        with SqliteVectorCache(default_cache_path(tmp_path / "index")) as inner:
            yield MemoizedVectorCache(inner)


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


class CountingCache(InMemoryVectorCache):
    """An inner cache that counts the hashes asked of it."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[str] = []

    def get_many(self, embedder_key: str, text_hashes: Sequence[str]) -> dict[str, np.ndarray]:
        self.asked.extend(text_hashes)
        return super().get_many(embedder_key, text_hashes)


def test_the_memo_reads_each_vector_from_the_inner_cache_once() -> None:
    inner = CountingCache()
    inner.put_many(KEY, {"a": vec(1, 0, 0, 0), "b": vec(0, 1, 0, 0)})
    memo = MemoizedVectorCache(inner)
    for _ in range(3):
        got = memo.get_many(KEY, ["a", "b", "nope"])
        assert set(got) == {"a", "b"}
        np.testing.assert_array_equal(got["b"], vec(0, 1, 0, 0))
    # a miss is asked again (it may be written later); a hit never is
    assert sorted(inner.asked) == ["a", "b", "nope", "nope", "nope"]
    assert (memo.hits, memo.misses) == (4, 5)


def test_the_memo_is_bounded_and_forgets_the_least_recently_used() -> None:
    inner = CountingCache()
    inner.put_many(KEY, {h: vec(i, 0, 0, 1) for i, h in enumerate("abc")})
    memo = MemoizedVectorCache(inner, max_vectors=2)
    memo.get_many(KEY, ["a", "b"])
    memo.get_many(KEY, ["a"])  # a is now more recent than b
    memo.get_many(KEY, ["c"])  # evicts b
    assert len(memo) == 2
    inner.asked.clear()
    memo.get_many(KEY, ["a", "b", "c"])
    assert inner.asked == ["b"]


def test_the_memo_forgets_what_prune_removes_and_sees_a_vector_put_again() -> None:
    memo = MemoizedVectorCache(InMemoryVectorCache())
    memo.put_many(KEY, {"a": vec(1, 0, 0, 0), "b": vec(0, 1, 0, 0)})
    memo.get_many(KEY, ["a", "b"])
    assert memo.prune(KEY, keep={"a"}) == 1
    assert set(memo.get_many(KEY, ["a", "b"])) == {"a"}
    memo.put_many(KEY, {"a": vec(0, 0, 1, 0)})
    np.testing.assert_array_equal(memo.get_many(KEY, ["a"])["a"], vec(0, 0, 1, 0))


def test_concurrent_readers_of_the_memo_each_get_their_own_vectors() -> None:
    inner = InMemoryVectorCache()
    inner.put_many(KEY, {f"h{i}": vec(i, i, 0, 1) for i in range(400)})
    memo = MemoizedVectorCache(inner, max_vectors=150)  # evicting all along
    wrong: list[str] = []

    def read(offset: int) -> None:
        for n in range(300):
            i = (offset * 37 + n) % 400
            got = memo.get_many(KEY, [f"h{i}", f"h{(i + 1) % 400}"])
            if got[f"h{i}"][0] != i or got[f"h{(i + 1) % 400}"][0] != (i + 1) % 400:
                wrong.append(f"h{i}")

    threads = [threading.Thread(target=read, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []
    assert len(memo) <= 150
