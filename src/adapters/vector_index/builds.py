"""One FAISS build directory on disk: ``index.faiss`` + ``metadata.json``, written and read back.

``metadata.json`` holds the manifest (embedder model, dimension, count, build time), one record
per index row (id, username, name, title, company, tags, findability, profile URL, text hash) and
the sha256 of ``index.faiss``. Reading a build checks that the two files agree, so a truncated or
mismatched pair is reported (``BuildError``), never served. Which build is production is decided
by ``faiss_index``. ``build_lock`` is the folder's one-ingest-at-a-time lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from enrichment_adapters.vector_index.records import parse_manifest, parse_records
from enrichment_core.errors import IndexBusyError
from enrichment_core.ports import IndexManifest, IndexRecord, Vectors

FORMAT = 1
INDEX_FILE = "index.faiss"
METADATA_FILE = "metadata.json"


class BuildError(Exception):
    """A build directory cannot be read back; the caller says whether it was staging or production."""


@dataclass(frozen=True, slots=True)
class Build:
    name: str
    index: Any
    ids: tuple[int, ...]
    records: dict[int, IndexRecord]
    manifest: IndexManifest


@contextlib.contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """Hold ``index_dir``'s build lock, so that two ingests never clean up or promote each other's
    staging (``IndexBusyError`` for the second one). An OS file lock: the OS releases it when
    the process dies, even on SIGKILL, so a crash never leaves a stale lock behind."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with (index_dir / ".build.lock").open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexBusyError(
                f"another ingest is rebuilding the index in {index_dir}; "
                "wait for it to finish, then run `enrich ingest` again"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def write_durably(path: Path, data: bytes) -> None:
    with open(path, "wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())


def fsync_dir(path: Path) -> None:
    if not hasattr(os, "O_DIRECTORY"):  # pragma: no cover - Windows has no directory fsync
        return
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def manifest_to_json(manifest: IndexManifest) -> dict[str, Any]:
    return {
        "embedder_model": manifest.embedder_model,
        "dimension": manifest.dimension,
        "count": manifest.count,
        "built_at": manifest.built_at.isoformat(),
    }


def encode_build(
    vectors: Vectors, records: Sequence[IndexRecord], manifest: IndexManifest
) -> tuple[bytes, bytes]:
    """The bytes of ``index.faiss`` (unit rows, ids = expert ids) and of ``metadata.json``."""
    matrix = np.ascontiguousarray(vectors, dtype=np.float32)
    if matrix.ndim != 2 or matrix.shape[0] != len(records):
        raise ValueError(
            f"{len(records)} records need a ({len(records)}, d) matrix, got {matrix.shape}"
        )
    matrix = matrix.copy()
    faiss.normalize_L2(matrix)
    index = faiss.IndexIDMap2(faiss.IndexFlatIP(matrix.shape[1]))
    index.add_with_ids(matrix, np.array([r.id for r in records], dtype=np.int64))
    raw = faiss.serialize_index(index).tobytes()
    metadata = {
        "format": FORMAT,
        "manifest": manifest_to_json(manifest),
        "index_sha256": hashlib.sha256(raw).hexdigest(),
        "records": [
            {
                "id": r.id,
                "username": r.username,
                "name": r.name,
                "job_title": r.job_title,
                "company": r.company,
                "tags": list(r.tags),
                "findability_score": r.findability_score,
                "profile_url": r.profile_url,
                "text_hash": r.text_hash,
                "hourly_rate": r.hourly_rate,
                "sentences": list(r.sentences),
            }
            for r in records
        ],
    }
    return raw, json.dumps(metadata, ensure_ascii=False).encode("utf-8")


def _read_files(build_dir: Path) -> tuple[bytes, Any]:
    try:
        raw = (build_dir / INDEX_FILE).read_bytes()
        meta = json.loads((build_dir / METADATA_FILE).read_bytes())
    except FileNotFoundError as exc:
        raise BuildError(f"{Path(exc.filename or '').name or 'a file'} is missing") from None
    except (OSError, ValueError) as exc:
        raise BuildError(f"cannot read its files ({exc})") from None
    except RecursionError:
        raise BuildError(f"{METADATA_FILE} is nested too deeply to be a build's metadata") from None
    return raw, meta


def _check_header(raw: bytes, meta: Any) -> None:
    """The format and the checksum of ``index.faiss`` (``KeyError``/``TypeError`` if malformed)."""
    if meta["format"] != FORMAT:
        raise BuildError(f"unknown format {meta['format']!r}")
    if hashlib.sha256(raw).hexdigest() != meta["index_sha256"]:
        raise BuildError(f"{INDEX_FILE} does not match its checksum (truncated or corrupt)")


def _parse_metadata(raw: bytes, meta: Any) -> tuple[IndexManifest, list[IndexRecord]]:
    try:
        _check_header(raw, meta)
        manifest = parse_manifest(meta["manifest"])
        records = parse_records(meta["records"])
    except (KeyError, TypeError, ValueError) as exc:
        raise BuildError(f"{METADATA_FILE} is malformed ({exc})") from None
    return manifest, records


def _load_index(raw: bytes) -> tuple[Any, tuple[int, ...]]:
    try:
        index: Any = faiss.deserialize_index(np.frombuffer(raw, dtype=np.uint8))
        ids = tuple(int(i) for i in faiss.vector_to_array(index.id_map))
    except (RuntimeError, AttributeError) as exc:
        raise BuildError(f"{INDEX_FILE} is not a FAISS id-mapped index ({exc})") from None
    return index, ids


def read_build(build_dir: Path) -> Build:
    """Load one build from disk and check that its files agree with each other."""
    raw, meta = _read_files(build_dir)
    manifest, records = _parse_metadata(raw, meta)
    index, ids = _load_index(raw)
    if index.ntotal != manifest.count or len(records) != manifest.count:
        raise BuildError(
            f"{METADATA_FILE} describes {manifest.count} experts with {len(records)} records but "
            f"{INDEX_FILE} holds {index.ntotal} vectors"
        )
    if ids != tuple(r.id for r in records):
        raise BuildError(f"the ids in {INDEX_FILE} differ from the records in {METADATA_FILE}")
    if index.d != manifest.dimension:
        raise BuildError(
            f"{INDEX_FILE} has dimension {index.d}, metadata says {manifest.dimension}"
        )
    return Build(build_dir.name, index, ids, {r.id: r for r in records}, manifest)


def search_build(
    build: Build, vector: Vectors, limit: int, selected: Any = None, *, threads: int | None = 1
) -> tuple[Any, Any]:
    """FAISS search of one loaded build, restricted to the ``selected`` expert ids (an
    ``IDSelectorBatch``) when given, on ``threads`` OpenMP threads (None: FAISS's default). The
    calling thread's OpenMP setting is restored afterwards."""
    index: Any = build.index
    params = selector = None
    if selected is not None:
        selector = faiss.IDSelectorBatch(selected)  # kept referenced until the search ends
        params = faiss.SearchParameters()
        params.sel = selector
    previous = faiss.omp_get_max_threads()  # OpenMP settings are per calling thread
    if threads is not None:
        faiss.omp_set_num_threads(threads)
    try:
        scores, ids = index.search(vector, limit, params=params)
    finally:
        faiss.omp_set_num_threads(previous)
    return scores, ids
