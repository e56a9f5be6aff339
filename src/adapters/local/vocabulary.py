"""The offline tagger's vocabulary: directory tags for the whole world of work, with their vectors.

``data/vocabulary.json`` is built by ``scripts/build_vocabulary.py`` from O*NET-SOC occupation
titles (O*NET® Database by USDOL/ETA, used under CC BY 4.0) and the project's own list of
fields and domain skills, one block per SOC major group; every entry records its source and
license. Entries are lowercase directory tags of three kinds: ``field`` ("law", "dentistry",
"supply chain"), ``occupation`` ("tax preparer", "veterinarian") and ``skill`` ("tax law",
"small animal surgery", "java"). Each carries its SOC major group and ``hub``, its mean
similarity to the nearest O*NET occupation descriptions (see the builder).

The entries' vectors are computed once per model (and precision) and vocabulary version, and
kept on disk in the cache directory, keyed by both: a new process loads them instead of
re-embedding ~2,000 entries.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from enrichment_core.ports import Vectors

KINDS = ("field", "occupation", "skill")
_DATA = "vocabulary.json"


def default_cache_dir() -> Path:
    """``$ENRICH_CACHE_DIR``, else ``$XDG_CACHE_HOME/expert-enrichment`` (``~/.cache/...``)."""
    explicit = os.environ.get("ENRICH_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "expert-enrichment"


@dataclass(frozen=True)
class Vocabulary:
    """The entries, in file order, and their per-entry attributes as arrays."""

    tags: tuple[str, ...]
    kinds: tuple[str, ...]
    groups: tuple[str, ...]
    hub: np.ndarray
    digest: str  # sha256 of the data file: part of the vector cache key
    major_groups: dict[str, str] = field(default_factory=dict)

    @property
    def is_field(self) -> np.ndarray:
        return np.array([k == "field" for k in self.kinds])

    def group_of(self, tag: str) -> str | None:
        """The SOC major group name of a tag, or None when it is not a vocabulary entry."""
        try:
            return self.major_groups[self.groups[self.tags.index(tag)]]
        except ValueError:
            return None


def parse(raw: bytes) -> Vocabulary:
    document = json.loads(raw)
    entries = document["entries"]
    return Vocabulary(
        tags=tuple(e["tag"] for e in entries),
        kinds=tuple(e["kind"] for e in entries),
        groups=tuple(e["soc_major"] for e in entries),
        hub=np.array([e["hub"] for e in entries], dtype=np.float32),
        digest=hashlib.sha256(raw).hexdigest(),
        major_groups=dict(document["major_groups"]),
    )


_loaded: Vocabulary | None = None
_load_lock = threading.Lock()


def load() -> Vocabulary:
    """The packaged vocabulary (parsed once per process)."""
    global _loaded
    with _load_lock:
        if _loaded is None:
            raw = resources.files("enrichment_adapters.local").joinpath("data", _DATA).read_bytes()
            _loaded = parse(raw)
        return _loaded


def vectors(
    vocabulary: Vocabulary,
    *,
    model_key: str,
    encode: Callable[[list[str]], Vectors],
    cache_dir: Path | None = None,
) -> Vectors:
    """The vocabulary's vectors for a model: read from the disk cache, or embedded and stored.

    The cache file is named by ``model_key`` (model and precision) and the vocabulary's digest,
    so a new model or a rebuilt vocabulary never reads stale vectors. A cache that cannot be
    read or written (read-only home, a truncated file) only costs a re-embedding.
    """
    directory = cache_dir if cache_dir is not None else default_cache_dir()
    safe_key = "".join(c if c.isalnum() or c in "-_.+" else "_" for c in model_key)
    path = directory / f"vocabulary-{safe_key}-{vocabulary.digest[:16]}.npy"
    expected = (len(vocabulary.tags),)
    try:
        cached: Vectors = np.load(path, allow_pickle=False)
        if (
            cached.shape[:1] == expected
            and cached.dtype == np.float32
            and np.isfinite(cached).all()
        ):
            return cached
    except (OSError, ValueError):
        pass
    fresh = np.ascontiguousarray(encode(list(vocabulary.tags)), dtype=np.float32)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        with partial.open("wb") as handle:
            np.save(handle, fresh, allow_pickle=False)
        os.replace(partial, path)
    except OSError:
        pass
    return fresh
