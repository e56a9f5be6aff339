"""``TagGenerator`` that needs no key and no network: KeyBERT-style tagging with a local model.

How an expert is tagged (all deterministic: same input, same tags):

1. Bio and job title are untrusted text: ``keyphrases.clean_text`` removes HTML, URLs, e-mail
   addresses and control characters; only the first 3,000 characters count.
2. The expert's document vector is the embedding of "title. bio" (first ``DOC_CHARS``) plus
   ``TITLE_WEIGHT`` times the embedding of the title alone (a title says a lot in few words).
3. Every entry of the controlled vocabulary (embedded once per process) gets a relevance: its
   cosine similarity to the document, plus a bonus for evidence in the text, that is the entry
   itself or a close keyphrase of the bio ("smart contract" for "smart contracts").
4. An entry qualifies when it is close to the document as a whole (near the best entry), or
   when the text mentions it ("Tax Lawyer" mentions "tax law", "NLP" "natural language
   processing") and it still relates to the document. Broad fields ("writing") only fill in
   when fewer than three specific tags qualify. Free keyphrases of the bio
   ("children's book illustration") qualify only when strongly relevant, not covered by a
   vocabulary entry, and at most two of them.
5. Maximal marginal relevance picks 3-8 diverse tags among those that qualify.

The username is not used: it carries no domain words worth a tag and often noise ("dr_paws").
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

import anyio.to_thread
import numpy as np

from enrichment_adapters.local import keyphrases
from enrichment_adapters.local import model as local_model
from enrichment_adapters.local.vocabulary import BROAD_FIELDS, BROAD_WORDS, VOCABULARY
from enrichment_core.errors import InvalidTagOutputError, TaggerUnavailableError
from enrichment_core.ports import TagRequest, Vectors

MIN_TAGS = 3
MAX_TAGS = 8
TITLE_WEIGHT = 0.4
DOC_CHARS = 600  # the document vector reads this much (~130 tokens); matching reads it all
MAX_FREE_CANDIDATES = 8  # keyphrases embedded per expert (vocabulary matches are free)
# Relevance = cosine similarity to the document + EVIDENCE_BONUS * strength of evidence in the
# text, where strength grows from 0 at similarity EVIDENCE_FROM to 1 for a verbatim mention.
EVIDENCE_BONUS = 0.2
EVIDENCE_FROM = 0.7
STRONG_EVIDENCE = 0.85  # a keyphrase this similar counts as a mention of the entry
MENTION_MIN_SIMILARITY = 0.1  # a mentioned entry must still relate to the document...
MENTION_MIN_SIMILARITY_ONE_WORD = 0.28  # ...more so a single word ("communication", "retail")...
MENTION_MIN_SIMILARITY_NAMED = 0.0  # ...unless written as a name ("Figma", "SQL")
INFERRED_FLOOR = 0.55  # an entry not mentioned needs this similarity...
INFERRED_FLOOR_SHARED_WORD = 0.42  # ...or this when it shares a word with the text...
INFERRED_SPREAD = 0.12  # ...and at most this much below the most similar entry
FREE_MIN_SIMILARITY = 0.6  # a free keyphrase needs this similarity (+ per extra word)
FREE_PER_EXTRA_WORD = 0.03
FREE_MIN_DOMAIN = 0.5  # ...and must be this similar to some vocabulary entry
FREE_PENALTY = 0.05  # vocabulary entries are preferred over equal free keyphrases
COVERED_SIMILARITY = 0.8  # a free keyphrase this close to a qualified entry is redundant
MAX_FREE_TAGS = 2
FILL_FLOOR = 0.45  # below MIN_TAGS, entries sharing a word with the text fill up to this
DUPLICATE_SIMILARITY = 0.9  # never two tags this similar
MMR_LAMBDA = 0.7
_CACHE_LIMIT = 50_000

_vocabulary_lock = threading.Lock()
_vocabulary_vectors: dict[tuple[str, ...], Vectors] = {}


@dataclass(frozen=True, slots=True)
class _Prepared:
    title: str
    text: str
    stem_line: str
    free: tuple[str, ...]  # keyphrases that are not vocabulary entries, best first
    named: tuple[int, ...]  # one-word entries written like names: "Figma", "SQL", "PyTorch"


class LocalTagGenerator:
    """Offline tagger: a controlled vocabulary plus keyphrases, ranked by all-MiniLM-L6-v2."""

    def __init__(self, vocabulary: Sequence[str] = VOCABULARY) -> None:
        self._vocabulary = tuple(dict.fromkeys(vocabulary))
        self._index = {entry: i for i, entry in enumerate(self._vocabulary)}
        self._known = self._index.keys()
        self._stems = [keyphrases.stem_line(v) for v in self._vocabulary]
        self._entry_words = [tuple(stems.split()) for stems in self._stems]
        # Words that tie an entry to a text; broad head words ("development") tie nothing.
        self._words = [frozenset(stems.split()) - BROAD_WORDS for stems in self._stems]
        self._one_word = np.array([" " not in v for v in self._vocabulary])
        self._broad = np.array([v in BROAD_FIELDS for v in self._vocabulary])
        self._vocab_vectors: Vectors | None = None
        self._cache: dict[str, Vectors] = {}
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return f"local:{local_model.LOCAL_MODEL_NAME}"

    async def generate_tags(self, request: TagRequest) -> Sequence[str]:
        # abandon_on_cancel: a caller's timeout (the admin intake's) returns at once; the thread
        # finishes its CPU work in the background and its result is dropped.
        return await anyio.to_thread.run_sync(self.tag_one, request, abandon_on_cancel=True)

    def tag_one(self, request: TagRequest) -> list[str]:
        """Tag one expert in the calling thread (blocking CPU work).

        Raises ``InvalidTagOutputError`` when the bio gives nothing to tag (no words once
        cleaned, or no recognizable field of expertise).
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

    def _tag_batch(self, requests: Sequence[TagRequest]) -> list[list[str] | InvalidTagOutputError]:
        prepared: list[_Prepared | InvalidTagOutputError] = []
        for request in requests:
            try:
                prepared.append(self._prepare(request))
            except InvalidTagOutputError as exc:
                prepared.append(exc)
        items = [p for p in prepared if isinstance(p, _Prepared)]
        if not items:
            return [p for p in prepared if isinstance(p, InvalidTagOutputError)]
        vocab = self._vocabulary_vectors()
        texts = iter(_encode([p.text[:DOC_CHARS] for p in items]))
        short = self._short_vectors(
            [p.title for p in items if p.title] + [c for p in items for c in p.free]
        )
        results: list[list[str] | InvalidTagOutputError] = []
        for item in prepared:
            if isinstance(item, InvalidTagOutputError):
                results.append(item)
                continue
            title = short[item.title] if item.title else None
            doc = next(texts) if title is None else next(texts) + TITLE_WEIGHT * title
            doc = doc / max(float(np.linalg.norm(doc)), 1e-12)
            try:
                results.append(self._select(item, doc, vocab, short))
            except InvalidTagOutputError as exc:
                results.append(exc)
        return results

    def _prepare(self, request: TagRequest) -> _Prepared:
        title = keyphrases.clean_text(request.job_title or "", limit=200)
        bio = keyphrases.clean_text(request.bio)
        text = f"{title}.\n{bio}" if title and bio else title or bio
        if not keyphrases.has_words(text):
            raise InvalidTagOutputError("nothing to tag: the bio has no words once cleaned")
        phrases = keyphrases.candidates(title, text)
        free = [c for c in phrases if c not in self._known]
        named = tuple(self._index[c] for c in phrases if c in self._index and " " not in c)
        return _Prepared(
            title=title,
            text=text,
            stem_line=keyphrases.stem_line(text, expand=True),
            free=tuple(free[:MAX_FREE_CANDIDATES]),
            named=named,
        )

    # --- embeddings ---------------------------------------------------------------------------

    def _vocabulary_vectors(self) -> Vectors:
        """The vocabulary's vectors, embedded once per process (shared by every instance)."""
        if self._vocab_vectors is None:
            with _vocabulary_lock:
                vectors = _vocabulary_vectors.get(self._vocabulary)
                if vectors is None:
                    vectors = _vocabulary_vectors[self._vocabulary] = _encode(self._vocabulary)
            self._vocab_vectors = vectors
        return self._vocab_vectors

    def _short_vectors(self, phrases: Sequence[str]) -> dict[str, Vectors]:
        """Vectors for titles and keyphrases, through a cache that lives as long as the tagger."""
        wanted = list(dict.fromkeys(phrases))
        with self._lock:
            found = {p: self._cache[p] for p in wanted if p in self._cache}
        missing = [p for p in wanted if p not in found]
        if missing:
            fresh = dict(zip(missing, _encode(missing), strict=True))
            found.update(fresh)
            with self._lock:
                if len(self._cache) + len(fresh) > _CACHE_LIMIT:
                    self._cache.clear()
                self._cache.update(fresh)
        return found

    # --- ranking ------------------------------------------------------------------------------

    def _select(
        self,
        item: _Prepared,
        doc: Vectors,
        vocab: Vectors,
        short: dict[str, Vectors],
    ) -> list[str]:
        similarity = vocab @ doc
        evidence = np.array(keyphrases.mentions(item.stem_line, self._entry_words), np.float32)
        free = np.stack([short[p] for p in item.free]) if item.free else np.zeros((0, doc.size))
        free_to_vocab = free @ vocab.T  # (free keyphrases, vocabulary)
        if item.free:
            evidence = np.maximum(evidence, free_to_vocab.max(axis=0))
        strength = np.clip((evidence - EVIDENCE_FROM) / (1 - EVIDENCE_FROM), 0.0, 1.0)
        relevance = similarity + EVIDENCE_BONUS * strength

        mention_floor = np.where(
            self._one_word, MENTION_MIN_SIMILARITY_ONE_WORD, MENTION_MIN_SIMILARITY
        )
        mention_floor[list(item.named)] = MENTION_MIN_SIMILARITY_NAMED
        mentioned = (evidence >= STRONG_EVIDENCE) & (similarity >= mention_floor)
        words = set(item.stem_line.split())
        shares_a_word = np.array([not words.isdisjoint(w) for w in self._words])
        floor = np.where(shares_a_word, INFERRED_FLOOR_SHARED_WORD, INFERRED_FLOOR)
        inferred = similarity >= np.maximum(floor, float(similarity.max()) - INFERRED_SPREAD)
        qualified = np.flatnonzero((mentioned | inferred) & ~self._broad)
        if len(qualified) < MIN_TAGS:
            # Few specific tags: named broad fields ("writing") and entries that share a word
            # with the text may fill up, best first.
            spare = (mentioned & self._broad) | ((relevance >= FILL_FLOOR) & shares_a_word)
            spare[qualified] = False
            ranked = [i for i in np.argsort(-relevance, kind="stable") if spare[i]]
            fill = np.array(ranked[: MIN_TAGS - len(qualified)], dtype=np.int64)
            qualified = np.union1d(qualified, fill)

        names = [self._vocabulary[i] for i in qualified]
        scores = [float(relevance[i]) for i in qualified]
        vectors = [vocab[i] for i in qualified]
        for k in _free_keyphrases(item.free, free @ doc, free_to_vocab, qualified):
            names.append(item.free[k])
            scores.append(float(free[k] @ doc) - FREE_PENALTY)
            vectors.append(free[k])
        if not names:
            raise InvalidTagOutputError("the bio names no field of expertise the tagger knows")
        return _mmr(names, np.array(scores), np.stack(vectors), free_from=len(qualified))


def _free_keyphrases(
    phrases: Sequence[str], similarity: np.ndarray, to_vocab: np.ndarray, qualified: np.ndarray
) -> list[int]:
    """Indexes of the free keyphrases worth a tag: relevant, domain-like, not yet covered."""
    chosen: list[int] = []
    used_words: set[str] = set()
    for k in sorted(range(len(phrases)), key=lambda k: (-similarity[k], phrases[k])):
        words = set(phrases[k].split())
        needed = FREE_MIN_SIMILARITY + FREE_PER_EXTRA_WORD * (len(words) - 1)
        if similarity[k] < needed or words & used_words:
            continue
        used_words |= words  # overlapping n-grams of one chunk: the best speaks for all
        if float(to_vocab[k].max()) < FREE_MIN_DOMAIN:
            continue  # "coffeeshop addict": relevant to the text, but no field of expertise
        if len(qualified) and float(to_vocab[k, qualified].max()) >= COVERED_SIMILARITY:
            continue
        chosen.append(k)
    return chosen


def _mmr(
    names: Sequence[str], scores: np.ndarray, vectors: Vectors, *, free_from: int
) -> list[str]:
    """Maximal marginal relevance: relevant, mutually different tags, best first.

    Takes at most ``MAX_FREE_TAGS`` free keyphrases (the indexes from ``free_from`` on).
    """
    similarity = vectors @ vectors.T
    remaining = sorted(range(len(names)), key=lambda i: (-scores[i], names[i]))
    chosen: list[int] = []
    free_taken = 0
    while remaining and len(chosen) < MAX_TAGS:
        redundancy = (
            similarity[np.ix_(remaining, chosen)].max(axis=1)
            if chosen
            else np.zeros(len(remaining))
        )
        mmr = MMR_LAMBDA * scores[remaining] - (1 - MMR_LAMBDA) * redundancy
        order = sorted(range(len(remaining)), key=lambda k: (-mmr[k], names[remaining[k]]))
        pick = next((k for k in order if redundancy[k] < DUPLICATE_SIMILARITY), None)
        if pick is None:
            break
        index = remaining.pop(pick)
        if index >= free_from:
            if free_taken == MAX_FREE_TAGS:
                continue
            free_taken += 1
        chosen.append(index)
    return [names[i] for i in chosen]


def _encode(texts: Sequence[str]) -> Vectors:
    return local_model.encode(texts, unavailable=TaggerUnavailableError)
