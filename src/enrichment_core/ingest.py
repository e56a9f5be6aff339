"""The ingest use case (TAGS-03, TAGS-04): rebuild the semantic index from the database.

Tagged experts are read from the ``ExpertRepo`` (never a CSV), each becomes one embedding text
that ends with its domain tags, and the vectors go to a new staged build of the ``IndexBuilder`` (under its build lock).
The staged index is read back, checked by the promotion policy (count == tagged experts loaded,
dimension, ids) and only then promoted; production is never touched by a refused or crashed run.

Embeddings are incremental: vectors are cached by (embedder key, text hash), so an unchanged text
is never embedded twice, a run with nothing to embed never calls the embedder (the local model is
never loaded), and a run killed half-way resumes with the batches it had already cached. The texts
to embed are sorted by length across the whole run before batching, which lets a full ingest run
at the model's own speed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from enrichment_core.embedding_text import MAX_BIO_CHARS, clean_text, embedding_text, text_hash
from enrichment_core.errors import EmbeddingError, IndexVerificationError
from enrichment_core.experts import Expert
from enrichment_core.explain import bio_sentences
from enrichment_core.ports import (
    Embedder,
    ExpertRepo,
    IndexBuilder,
    IndexManifest,
    IndexRecord,
    VectorCache,
    Vectors,
)
from enrichment_core.promotion import decide_promotion

__all__ = [
    "MAX_BIO_CHARS",
    "IngestReport",
    "embedder_key",
    "embedding_text",
    "index_record",
    "ingest",
    "text_hash",
]

_log = logging.getLogger("enrichment_core.ingest")


@dataclass(frozen=True, slots=True)
class IngestReport:
    """What one ingest did. ``embedded + reused`` covers every distinct expert text."""

    indexed: int
    total: int
    untagged: int
    embedded: int
    reused: int
    explanation_texts: int  # distinct tags and bio sentences whose vectors explain matches
    explanation_embedded: int  # of those, embedded by this run (the rest were cached)
    stale_staging_removed: bool
    embedder_model: str
    dimension: int
    seconds: float


def embedder_key(embedder: Embedder) -> str:
    """``model@dimension``: a cached vector is only ever served to the model and size that made it."""
    return f"{embedder.model_id}@{embedder.dimension}"


def index_record(expert: Expert, hash_: str) -> IndexRecord:
    if expert.id is None:
        raise ValueError(
            f"expert {expert.username!r} has no id; only stored experts can be indexed"
        )
    return IndexRecord(
        id=expert.id,
        username=expert.username,
        name=expert.display_name,
        job_title=expert.job_title,
        company=expert.company,
        tags=tuple(expert.tags or ()),
        findability_score=expert.findability_score,
        profile_url=expert.profile_url,
        text_hash=hash_,
        hourly_rate=expert.hourly_rate,
        sentences=bio_sentences(clean_text(expert.bio)),
    )


def _checked(vectors: Vectors, rows: int, dimension: int, model: str) -> Vectors:
    """Float32, the expected shape, finite and unit length (re-normalized if slightly off)."""
    array = np.asarray(vectors, dtype=np.float32)
    if array.shape != (rows, dimension):
        raise EmbeddingError(
            f"embedder {model} returned vectors of shape {array.shape}, expected ({rows}, "
            f"{dimension}): check the embedder configuration"
        )
    if not np.all(np.isfinite(array)):
        raise EmbeddingError(f"embedder {model} returned non-finite values")
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    return np.ascontiguousarray(array / np.where(norms > 0, norms, 1.0), dtype=np.float32)


def _vectors_for(
    texts: dict[str, str],
    *,
    embedder: Embedder,
    cache: VectorCache,
    batch_size: int,
    on_plan: Callable[[int], None] | None,
    on_embedded: Callable[[int], None] | None,
    first: Collection[str] = (),
) -> tuple[dict[str, Vectors], set[str]]:
    """Vectors for every text (keyed by hash): cached ones reused, the rest embedded in batches.

    Returns the vectors and the hashes newly embedded. Texts named in ``first`` (the experts'
    own) are embedded before the others; within each group the texts are ordered by length,
    longest first, before being cut into batches: a transformer pads each batch to its longest
    text, so batches of similar lengths waste no work (batches cut in
    input order ran at about half the model's speed). Each batch is cached as soon as it is
    done (one transaction, about a millisecond against a second of embedding), so a run killed
    half-way keeps its finished batches.
    """
    key, dimension = embedder_key(embedder), embedder.dimension
    vectors = {
        h: v
        for h, v in cache.get_many(key, list(texts)).items()
        if h in texts and v.shape == (dimension,) and np.all(np.isfinite(v))
    }
    priority = set(first)
    missing = sorted(
        (h for h in texts if h not in vectors), key=lambda h: (h not in priority, -len(texts[h]))
    )
    if on_plan is not None:
        on_plan(len(missing))
    for start in range(0, len(missing), batch_size):
        hashes = missing[start : start + batch_size]
        batch = _checked(
            embedder.embed_documents([texts[h] for h in hashes]),
            len(hashes),
            dimension,
            embedder.model_id,
        )
        fresh = {h: batch[i] for i, h in enumerate(hashes)}
        cache.put_many(key, fresh)
        vectors.update(fresh)
        if on_embedded is not None:
            on_embedded(len(hashes))
    return vectors, set(missing)


def ingest(
    repo: ExpertRepo,
    embedder: Embedder,
    index: IndexBuilder,
    cache: VectorCache,
    *,
    batch_size: int = 64,
    on_plan: Callable[[int], None] | None = None,
    on_embedded: Callable[[int], None] | None = None,
    log: logging.Logger = _log,
    explain: bool = True,
) -> IngestReport:
    """Rebuild the index from the tagged experts in ``repo`` and promote it once verified.

    The index's build lock is held for the whole run: a second ingest on the same index stops
    with ``IndexBusyError`` before touching anything. ``on_plan(n)`` is called once with the
    number of texts to embed, then ``on_embedded(n)`` after each batch (drive a progress bar with
    them). Raises ``IndexVerificationError`` when there is nothing to index or the staged index
    fails the checks (production is unchanged), ``EmbeddingError`` when the embedder fails
    (finished batches stay cached for the next run).

    ``explain`` (default on) also embeds every distinct tag and the first bio sentences of each
    expert into ``cache``, so search can say why an expert matched (``enrichment_core.explain``)
    without another model call; they are part of the same plan and progress.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    with index.exclusive_build():
        return _ingest_locked(
            repo,
            embedder,
            index,
            cache,
            batch_size=batch_size,
            on_plan=on_plan,
            on_embedded=on_embedded,
            log=log,
            explain=explain,
        )


def _ingest_locked(
    repo: ExpertRepo,
    embedder: Embedder,
    index: IndexBuilder,
    cache: VectorCache,
    *,
    batch_size: int,
    on_plan: Callable[[int], None] | None,
    on_embedded: Callable[[int], None] | None,
    log: logging.Logger,
    explain: bool,
) -> IngestReport:
    started = time.perf_counter()
    stale_removed = index.discard_staging()
    if stale_removed:
        log.warning("Removed a stale staging index left by an interrupted ingest")

    experts, total = _tagged_experts(repo)
    texts = [embedding_text(e) for e in experts]
    hashes = [text_hash(t) for t in texts]
    records = [index_record(e, h) for e, h in zip(experts, hashes, strict=True)]
    # The tags and bio sentences that explain a match (``explain``), embedded in the same run.
    extra = {text_hash(t): t for r in records for t in (*r.tags, *r.sentences)} if explain else {}
    vectors, fresh = _vectors_for(
        dict(zip(hashes, texts, strict=True)) | extra,
        embedder=embedder,
        cache=cache,
        batch_size=batch_size,
        on_plan=on_plan,
        on_embedded=on_embedded,
        first=hashes,  # the experts' texts before the reasons: they are what the index needs
    )
    matrix = np.stack([vectors[h] for h in hashes]).astype(np.float32, copy=False)
    embedded = len(fresh & set(hashes))
    manifest = IndexManifest(
        embedder_model=embedder.model_id,
        dimension=embedder.dimension,
        count=len(records),
        built_at=datetime.now(UTC),
    )
    _stage_verify_promote(index, matrix, records, manifest)
    _prune(cache, embedder_key(embedder), set(hashes) | set(extra), enabled=explain)

    untagged = total - len(records)
    log.info(
        "Indexed %d experts (of %d total; %d not indexed — untagged)", len(records), total, untagged
    )
    return IngestReport(
        indexed=len(records),
        total=total,
        untagged=untagged,
        embedded=embedded,
        reused=len(set(hashes)) - embedded,
        explanation_texts=len(extra),
        explanation_embedded=len(fresh - set(hashes)),
        stale_staging_removed=stale_removed,
        embedder_model=embedder.model_id,
        dimension=embedder.dimension,
        seconds=time.perf_counter() - started,
    )


def _prune(cache: VectorCache, key: str, keep: set[str], *, enabled: bool) -> None:
    if enabled:  # keep what the promoted build uses (a killed ingest prunes nothing)
        try:
            cache.prune(key, keep)
        except Exception as exc:  # noqa: BLE001 - only a bound is lost; the ingest succeeded
            _log.warning("could not prune the vector cache: %s", exc)


def _tagged_experts(repo: ExpertRepo) -> tuple[list[Expert], int]:
    """The experts to index and the directory's size; refused when nobody is tagged yet."""
    experts = repo.list_experts(tagged=True)
    total = max(repo.count(), len(experts))
    if not experts:
        raise IndexVerificationError(
            f"no tagged experts to index ({total} experts in the database, none tagged): "
            "run `enrich tag` first, then `enrich ingest`; the current index was left unchanged"
        )
    return experts, total


def _stage_verify_promote(
    index: IndexBuilder, matrix: Vectors, records: list[IndexRecord], manifest: IndexManifest
) -> None:
    """Stage the build, read it back, apply the promotion policy, promote or discard it."""
    try:
        staged = index.stage(matrix, records, manifest)
        decision = decide_promotion(
            index.inspect(staged),
            expected_ids=[r.id for r in records],
            expected_dimension=manifest.dimension,
        )
    except BaseException:
        index.discard_staging()
        raise
    if not decision.promote:
        index.discard_staging()
        raise IndexVerificationError(
            f"the new index was not promoted: {decision.reason}. The production index is "
            "unchanged; re-run `enrich ingest`, and report a bug if it fails again"
        )
    index.promote(staged)
