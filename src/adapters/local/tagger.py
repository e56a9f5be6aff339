"""``TagGenerator`` that needs no key and no network: vocabulary tags ranked by a local model.

Every tag is an entry of the packaged vocabulary (``vocabulary.py``: O*NET occupations and the
project's fields and skills across all 23 SOC major groups). Nothing is copied from the bio, so
a tag is never an employer, a person, a place or a sentence fragment.

How an expert is tagged (deterministic: same input, same tags):

1. Bio and job title are untrusted text: ``text.clean_text`` removes HTML, URLs, e-mail
   addresses, control characters and mojibake; the first 3,000 characters count. A bio whose
   words say nothing ("n/a", "hello", emoji, a lone URL) is refused.
2. The document vector is the mean of the embeddings of the text's first ``MAX_CHUNKS`` chunks
   of ``CHUNK_CHARS`` characters (all-MiniLM-L6-v2 reads ~256 word pieces), plus the job
   title's embedding when there is a title (a title says a lot in few words).
3. Every entry scores its cosine similarity to the document, minus ``HUB_PENALTY`` times its
   hub value (entries close to every text would otherwise tag every bio: cross-domain
   similarity local scaling), plus ``MENTION_BONUS`` when the text names it (word stems in
   order: "Copywriter" names "copywriting").
4. Tags are the best-scoring entries within ``MARGIN`` of the best, at most ``MAX_TAGS``, never
   two nearly the same (cosine >= ``DUPLICATE``). The best entry always qualifies, so every bio
   that says what someone does gets a tag; and if no broad field was chosen, the best field of
   the best entry's SOC major group is added ("dentist" brings "dentistry").

The username is not used: it carries no domain words worth a tag and often noise ("dr_paws").

Concurrent ``generate_tags`` calls (a batch run's workers) share model passes: a
``MicroBatcher`` hands whatever calls are waiting, at most ``MAX_BATCH``, to one ``_tag_batch``
in its worker thread. A lone call (the admin intake) never waits. Each caller gets its own
expert's tags or error; an error of the whole pass (the model cannot load) reaches every caller
of that pass. The tags do not depend on the batch: each expert's vector is computed from its
own texts (float32 gives the same tags batched as one by one; bfloat16 rounds a little
differently with the batch's shape, which can flip a rare near-tie).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from enrichment_adapters.local import model as local_model
from enrichment_adapters.local import text as text_
from enrichment_adapters.local import vocabulary as vocabulary_
from enrichment_adapters.micro_batching import BatchStats, MicroBatcher
from enrichment_core.errors import InvalidTagOutputError, TaggerUnavailableError
from enrichment_core.ports import TagRequest, Vectors

MAX_TAGS = 8
MARGIN = 0.2  # a tag scores at most this much below the best entry
MENTION_BONUS = 0.1  # an entry the text names outranks an equally similar one it does not
HUB_PENALTY = 0.25  # share of an entry's hub value subtracted from its similarity
DUPLICATE = 0.85  # never two tags this similar to each other
CHUNK_CHARS = 600
MAX_CHUNKS = 3
MAX_BATCH = 64  # experts per shared model pass (~200 texts: a few of the model's own batches)
MAX_WAIT_S = 0.005  # after a pass of several, how long the next one waits for more callers


@dataclass(frozen=True, slots=True)
class _Prepared:
    title: str
    text: str
    chunks: tuple[str, ...]


class LocalTagGenerator:
    """Offline tagger: the packaged vocabulary, ranked by all-MiniLM-L6-v2."""

    def __init__(
        self,
        vocabulary: vocabulary_.Vocabulary | None = None,
        *,
        cache_dir: Path | None = None,
    ) -> None:
        self._vocabulary = vocabulary or vocabulary_.load()
        self._cache_dir = cache_dir
        self._is_field = self._vocabulary.is_field
        self._groups = np.array(self._vocabulary.groups)
        self._entry_stems = [tuple(text_.stems(t)) for t in self._vocabulary.tags]
        # Entries of one or two letters ("r", "c", "go") are never "named": too many false hits.
        by_first: dict[str, list[int]] = {}
        for i, (tag, stems) in enumerate(
            zip(self._vocabulary.tags, self._entry_stems, strict=True)
        ):
            if stems and (len(tag) >= 3 or not tag.isalpha()):
                by_first.setdefault(stems[0], []).append(i)
        self._by_first_stem = by_first
        self._vectors: Vectors | None = None
        self._lock = threading.Lock()
        self._batcher: MicroBatcher[TagRequest, list[str]] = MicroBatcher(
            self._tag_batch, max_batch=MAX_BATCH, max_wait_s=MAX_WAIT_S, name="local-tagger"
        )

    @property
    def name(self) -> str:
        return f"local:{local_model.LOCAL_MODEL_NAME}"

    async def generate_tags(self, request: TagRequest) -> Sequence[str]:
        """Tags for one expert; concurrent calls share model passes (see the module's doc).

        A caller's timeout or cancellation (the admin intake's) returns at once: its expert is
        dropped from the queue, or its result from the pass it is in; nobody else notices.
        """
        return await self._batcher.call_async(request)

    def batching_stats(self) -> BatchStats:
        """Shared passes run by ``generate_tags`` so far, experts in them, the largest pass."""
        return self._batcher.stats()

    def close(self) -> None:
        """Stop the batching worker thread; later calls tag in their own pass."""
        self._batcher.close()

    def tag_one(self, request: TagRequest) -> list[str]:
        """Tag one expert in the calling thread (blocking CPU work).

        Raises ``InvalidTagOutputError`` when the bio says nothing ("n/a", "hello", a URL).
        """
        result = self._tag_batch([request])[0]
        if isinstance(result, InvalidTagOutputError):
            raise result
        return result

    def tag_many(self, requests: Sequence[TagRequest]) -> list[list[str]]:
        """Tag many experts with batched model calls (blocking; for batch jobs and benchmarks).

        Same order as ``requests``; an empty list for an expert that ``tag_one`` would reject.
        """
        return [
            [] if isinstance(r, InvalidTagOutputError) else r for r in self._tag_batch(requests)
        ]

    def vocabulary_vectors(self) -> Vectors:
        """The vocabulary's vectors: from the disk cache, or embedded once and cached."""
        with self._lock:
            if self._vectors is None:
                precision = local_model.resolve_precision()
                self._vectors = vocabulary_.vectors(
                    self._vocabulary,
                    model_key=local_model.LOCAL_MODEL_NAME
                    + local_model.precision_suffix(precision),
                    encode=_encode,
                    cache_dir=self._cache_dir,
                )
            return self._vectors

    # --- steps --------------------------------------------------------------------------------

    def _tag_batch(self, requests: Sequence[TagRequest]) -> list[list[str] | InvalidTagOutputError]:
        prepared = [_prepare(r) for r in requests]
        items = [p for p in prepared if isinstance(p, _Prepared)]
        if not items:
            return [p for p in prepared if isinstance(p, InvalidTagOutputError)]
        vocab = self.vocabulary_vectors()
        chunks = [c for p in items for c in p.chunks]
        titles = [p.title for p in items if p.title]
        encoded = _encode(chunks + titles)
        chunk_vectors, title_vectors = iter(encoded[: len(chunks)]), iter(encoded[len(chunks) :])
        results: list[list[str] | InvalidTagOutputError] = []
        for item in prepared:
            if isinstance(item, InvalidTagOutputError):
                results.append(item)
                continue
            doc = np.mean([next(chunk_vectors) for _ in item.chunks], axis=0)
            if item.title:
                doc = doc + next(title_vectors)
            doc = doc / max(float(np.linalg.norm(doc)), 1e-12)
            results.append(self._select(item, doc, vocab))
        return results

    def _select(self, item: _Prepared, doc: Vectors, vocab: Vectors) -> list[str]:
        named = self._named(text_.stems(item.text))
        score = vocab @ doc - HUB_PENALTY * self._vocabulary.hub + MENTION_BONUS * named
        best = float(score.max())
        chosen: list[int] = []
        for i in np.argsort(-score, kind="stable"):
            if score[i] < best - MARGIN or len(chosen) == MAX_TAGS:
                break
            if chosen and float((vocab[chosen] @ vocab[i]).max()) >= DUPLICATE:
                continue
            chosen.append(int(i))
        if not self._is_field[chosen].any():
            group = self._groups[chosen[0]]
            fields = np.flatnonzero(self._is_field & (self._groups == group))
            field = int(fields[np.argmax(score[fields])])
            chosen[min(len(chosen), MAX_TAGS - 1) :] = [field]
        return [self._vocabulary.tags[i] for i in chosen]

    def _named(self, stems: list[str]) -> np.ndarray:
        """Which entries the text names: their word stems appear in order."""
        found = np.zeros(len(self._vocabulary.tags), dtype=np.float32)
        for k, word in enumerate(stems):
            for i in self._by_first_stem.get(word, ()):
                entry = self._entry_stems[i]
                if tuple(stems[k : k + len(entry)]) == entry:
                    found[i] = 1.0
        return found


def _prepare(request: TagRequest) -> _Prepared | InvalidTagOutputError:
    title = text_.clean_text(request.job_title or "", limit=200)
    bio = text_.clean_text(request.bio)
    if not text_.has_words(bio) or text_.is_contentless(bio):
        return InvalidTagOutputError("nothing to tag: the bio says nothing about what they do")
    # A bio that opens with its title (a headline used as both) does not repeat it.
    text = bio if not title or bio.lower().startswith(title.lower()) else f"{title}.\n{bio}"
    return _Prepared(title=title, text=text, chunks=_chunks(text))


def _chunks(text: str) -> tuple[str, ...]:
    """The first ``MAX_CHUNKS`` pieces of about ``CHUNK_CHARS`` characters, cut at spaces."""
    chunks: list[str] = []
    start = 0
    while start < len(text) and len(chunks) < MAX_CHUNKS:
        end = min(len(text), start + CHUNK_CHARS)
        if end < len(text):
            space = text.rfind(" ", start + CHUNK_CHARS // 2, end)
            end = space if space > 0 else end
        piece = text[start:end].strip()
        if piece:
            chunks.append(piece)
        start = end
    return tuple(chunks) or (text,)


def _encode(texts: Sequence[str]) -> Vectors:
    return local_model.encode(texts, unavailable=TaggerUnavailableError)
