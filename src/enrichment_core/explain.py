"""Why an expert matched: the tags that match the query and the bio sentence closest to it.

No model call per hit. Ingest embeds, besides each expert's text, every distinct tag and the
first ``MAX_EVIDENCE_SENTENCES`` sentences of each bio, into the same content-addressed
``VectorCache`` (key: embedder + sha256 of the text), so an unchanged tag or sentence is embedded
once, ever. A search then needs only the query vector it already has: one cache read fetches the
vectors of the hits' tags and sentences, and the rest is dot products.

- ``matched_tags``: tags whose words all occur in the query, or whose vector is within
  ``TAG_MATCH_MIN`` cosine of it; best first.
- ``evidence``: the bio sentence with the highest cosine to the query, when at least
  ``EVIDENCE_MIN``; ``None`` otherwise (or when its vectors are not in the cache, e.g. an index
  built before this feature: re-run ``enrich ingest``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import lru_cache

import numpy as np

from enrichment_core.ports import SearchHit, VectorCache, Vectors

MAX_EVIDENCE_SENTENCES = 8
MAX_SENTENCE_CHARS = 300
MIN_SENTENCE_WORDS = 4
TAG_MATCH_MIN = 0.5
EVIDENCE_MIN = 0.2
MAX_MATCHED_TAGS = 5

_SENTENCE_END_RE = re.compile(r"(?<=[.!?…])\s+(?=[\"'(\[]?[A-Z0-9])")
_WORD_RE = re.compile(r"[\w&+#]+")


def bio_sentences(bio: str) -> tuple[str, ...]:
    """The sentences of a (whitespace-normalized) bio worth quoting as evidence, in order."""
    sentences = []
    for raw in _SENTENCE_END_RE.split(bio.strip()):
        sentence = raw.strip()
        if len(_WORD_RE.findall(sentence)) < MIN_SENTENCE_WORDS:
            continue
        if len(sentence) > MAX_SENTENCE_CHARS:
            cut = sentence[:MAX_SENTENCE_CHARS]
            sentence = cut[: cut.rfind(" ")].rstrip(" ,;:") + "…" if " " in cut else cut
        sentences.append(sentence)
        if len(sentences) == MAX_EVIDENCE_SENTENCES:
            break
    return tuple(sentences)


@lru_cache(maxsize=1 << 16)  # tags recur on every query that ranks their experts
def _words(text: str) -> frozenset[str]:
    return frozenset(w.casefold().removesuffix("s") for w in _WORD_RE.findall(text))


def _unit(vector: Vectors) -> Vectors:
    array = np.asarray(vector, dtype=np.float32).reshape(-1)
    norm = float(np.linalg.norm(array))
    return array / norm if norm > 0 else array


def explain_hits(
    query: str,
    query_vector: Vectors,
    hits: Sequence[SearchHit],
    *,
    cache: VectorCache,
    embedder_key: str,
    text_hash: Callable[[str], str],
) -> list[SearchHit]:
    """``hits`` with ``matched_tags`` and ``evidence`` filled in (same order, same scores).

    ``text_hash`` is the cache's key function (``ingest.text_hash``), passed in to keep this
    module free of the ingest use case.
    """
    if not hits:
        return list(hits)
    texts = {t for h in hits for t in (*h.record.tags, *h.record.sentences)}
    hashes = {t: text_hash(t) for t in texts}
    vectors = cache.get_many(embedder_key, sorted(set(hashes.values())))
    q = _unit(query_vector)
    query_words = _words(query)
    # One matrix product for every cached tag and sentence vector of the hits.
    found = [h for h, v in vectors.items() if v.shape == q.shape]
    sims: dict[str, float] = {}
    if found:
        matrix = np.stack([vectors[h] for h in found]).astype(np.float32, copy=False)
        norms = np.linalg.norm(matrix, axis=1)
        scores = (matrix @ q) / np.where(norms > 0, norms, 1.0)
        sims = dict(zip(found, scores.tolist(), strict=True))

    def similarity(text: str) -> float | None:
        return sims.get(hashes[text])

    explained = []
    for hit in hits:
        scored_tags = []
        for tag in hit.record.tags:
            sim = similarity(tag)
            words = _words(tag)
            lexical = bool(words) and words <= query_words
            if lexical or (sim is not None and sim >= TAG_MATCH_MIN):
                scored_tags.append((1.0 + (sim or 0.0) if lexical else sim or 0.0, tag))
        scored_tags.sort(key=lambda item: -item[0])
        best: tuple[float, str] | None = None
        for sentence in hit.record.sentences:
            sim = similarity(sentence)
            if sim is not None and sim >= EVIDENCE_MIN and (best is None or sim > best[0]):
                best = (sim, sentence)
        explained.append(
            replace(
                hit,
                matched_tags=tuple(t for _, t in scored_tags[:MAX_MATCHED_TAGS]),
                evidence=None if best is None else best[1],
            )
        )
    return explained
