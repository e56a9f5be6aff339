"""One FAISS build directory on disk: ``index.faiss`` + ``metadata.json``, written and read back.

``metadata.json`` holds the manifest (embedder model, dimension, count, build time), one record
per index row (id, username, name, title, company, tags, findability, profile URL, text hash) and
the sha256 of ``index.faiss``. Reading a build checks that the two files agree, so a truncated or
mismatched pair is reported (``BuildError``), never served. Which build is production is decided
by ``faiss_index``.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import faiss
import numpy as np

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


def read_build(build_dir: Path) -> Build:
    """Load one build from disk and check that its files agree with each other."""
    try:
        raw = (build_dir / INDEX_FILE).read_bytes()
        meta = json.loads((build_dir / METADATA_FILE).read_bytes())
    except FileNotFoundError as exc:
        raise BuildError(f"{Path(exc.filename or '').name or 'a file'} is missing") from None
    except (OSError, ValueError) as exc:
        raise BuildError(f"cannot read its files ({exc})") from None
    try:
        if meta["format"] != FORMAT:
            raise BuildError(f"unknown format {meta['format']!r}")
        if hashlib.sha256(raw).hexdigest() != meta["index_sha256"]:
            raise BuildError(f"{INDEX_FILE} does not match its checksum (truncated or corrupt)")
        m = meta["manifest"]
        manifest = IndexManifest(
            embedder_model=str(m["embedder_model"]),
            dimension=int(m["dimension"]),
            count=int(m["count"]),
            built_at=datetime.fromisoformat(m["built_at"]),
        )
        records = [
            IndexRecord(
                **{**r, "tags": tuple(r["tags"]), "sentences": tuple(r.get("sentences", ()))}
            )
            for r in meta["records"]
        ]
    except BuildError:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise BuildError(f"{METADATA_FILE} is malformed ({exc!r})") from None
    try:
        index: Any = faiss.deserialize_index(np.frombuffer(raw, dtype=np.uint8))
        ids = tuple(int(i) for i in faiss.vector_to_array(index.id_map))
    except (RuntimeError, AttributeError) as exc:
        raise BuildError(f"{INDEX_FILE} is not a FAISS id-mapped index ({exc})") from None
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
