"""``FaissVectorIndex`` against the ``VectorIndex`` contract, plus its on-disk guarantees."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from enrichment_adapters.vector_index.faiss_index import (
    CURRENT_FILE,
    INDEX_FILE,
    METADATA_FILE,
    FaissVectorIndex,
)
from enrichment_core.errors import IndexNotFoundError, IndexVerificationError
from enrichment_core.ports import StagedBuild
from tests.contract.vector_index_contract import (
    OpenIndex,
    VectorIndexContract,
    build,
    manifest_for,
    records_for,
    unit_rows,
)


class TestFaissVectorIndex(VectorIndexContract):
    @pytest.fixture
    def open_index(self, tmp_path: Path) -> OpenIndex:
        return lambda: FaissVectorIndex(tmp_path / "index")


def builds(index_dir: Path) -> set[str]:
    return {p.name for p in (index_dir / "builds").iterdir()}


def current_build(index_dir: Path) -> Path:
    name: str = json.loads((index_dir / CURRENT_FILE).read_text())["build"]
    return index_dir / "builds" / name


def test_only_production_and_the_previous_build_are_kept(tmp_path: Path) -> None:
    index = FaissVectorIndex(tmp_path)
    for n in range(4):
        build(index, [1, 2, 3], seed=n)
    pointer = json.loads((tmp_path / CURRENT_FILE).read_text())
    assert builds(tmp_path) == {pointer["build"], pointer["previous"]}


def test_crash_leftovers_are_discarded_and_production_kept(tmp_path: Path) -> None:
    index = FaissVectorIndex(tmp_path)
    vectors = build(index, [1, 2])
    kept = builds(tmp_path)
    (tmp_path / "builds" / "20990101T000000000000Z-deadbeef").mkdir()  # killed mid-write
    (tmp_path / "builds" / "20990101T000000000000Z-deadbeef" / INDEX_FILE).write_bytes(b"half")
    (tmp_path / ".CURRENT.0123.tmp").write_text("{")  # killed mid-promotion
    assert FaissVectorIndex(tmp_path).discard_staging() is True
    assert builds(tmp_path) == kept
    assert not list(tmp_path.glob(".CURRENT.*"))
    assert FaissVectorIndex(tmp_path).search(vectors[1], 1)[0].record.id == 2


@pytest.mark.parametrize("damaged", [INDEX_FILE, METADATA_FILE])
def test_corrupt_production_files_give_a_clear_error(tmp_path: Path, damaged: str) -> None:
    vectors = build(FaissVectorIndex(tmp_path), [1, 2, 3])
    path = current_build(tmp_path) / damaged
    path.write_bytes(path.read_bytes()[:40])
    with pytest.raises(IndexNotFoundError, match=r"cannot be loaded.*enrich ingest"):
        FaissVectorIndex(tmp_path).search(vectors[0], 1)


def test_missing_production_file_gives_a_clear_error(tmp_path: Path) -> None:
    build(FaissVectorIndex(tmp_path), [1])
    (current_build(tmp_path) / INDEX_FILE).unlink()
    with pytest.raises(IndexNotFoundError, match=f"{INDEX_FILE} is missing"):
        FaissVectorIndex(tmp_path).manifest()


def test_unreadable_pointer_gives_a_clear_error_and_a_rebuild_fixes_it(tmp_path: Path) -> None:
    build(FaissVectorIndex(tmp_path), [1])
    (tmp_path / CURRENT_FILE).write_text("not json")
    with pytest.raises(IndexNotFoundError, match="enrich ingest"):
        FaissVectorIndex(tmp_path).manifest()
    vectors = build(FaissVectorIndex(tmp_path), [5], seed=3)
    assert FaissVectorIndex(tmp_path).search(vectors[0], 1)[0].record.id == 5


def test_staging_is_checked_from_disk_not_from_memory(tmp_path: Path) -> None:
    index = FaissVectorIndex(tmp_path)
    staged = index.stage(unit_rows(2, 1), records_for([1, 2]), manifest_for(2))
    build_dir = tmp_path / "builds" / staged.build_id
    (build_dir / INDEX_FILE).write_bytes(b"\0" * 10)
    with pytest.raises(IndexVerificationError, match="cannot be read back"):
        index.inspect(staged)


def test_a_staged_build_id_cannot_name_a_path_outside_the_builds(tmp_path: Path) -> None:
    with pytest.raises(IndexVerificationError, match="nothing is staged"):
        FaissVectorIndex(tmp_path).promote(StagedBuild("../../etc"))


def test_concurrent_searches_during_promotions_never_fail(tmp_path: Path) -> None:
    writer, reader = FaissVectorIndex(tmp_path), FaissVectorIndex(tmp_path)
    build(writer, [1, 2, 3])
    errors: list[BaseException] = []
    stop = threading.Event()

    def search_forever() -> None:
        query = unit_rows(1, 42)[0]
        while not stop.is_set():
            try:
                hits = reader.search(query, 3)
                assert len(hits) in (2, 3)
            except BaseException as exc:  # noqa: BLE001 - report any failure; the test asserts none
                errors.append(exc)
                return

    threads = [threading.Thread(target=search_forever) for _ in range(4)]
    for thread in threads:
        thread.start()
    for n in range(15):
        build(writer, [1, 2, 3] if n % 2 else [4, 5], seed=n)
    stop.set()
    for thread in threads:
        thread.join()
    assert errors == []


def test_searching_leaves_the_callers_openmp_setting_alone(tmp_path: Path) -> None:
    import faiss

    vectors = build(FaissVectorIndex(tmp_path), [1, 2])
    before = faiss.omp_get_max_threads()
    for threads in (1, 2, None):
        FaissVectorIndex(tmp_path, search_threads=threads).search(vectors[0], 1)
        assert faiss.omp_get_max_threads() == before
