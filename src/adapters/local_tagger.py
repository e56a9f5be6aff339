"""``TagGenerator`` that needs no key and no network: KeyBERT-style tagging with a local model.

How an expert is tagged:

1. The bio and job title are treated as untrusted text: HTML (and script/style bodies), URLs,
   e-mail addresses and control characters are removed; only the first ``MAX_TEXT_CHARS`` count.
2. The expert's document vector is the embedding of "title. bio" plus ``TITLE_WEIGHT`` times the
   embedding of the title alone (a title says a lot in few words).
3. Candidates are the controlled vocabulary (``tag_vocabulary.VOCABULARY``, embedded once per
   process) and free keyphrases: 1-3 word chunks of the text between stopwords, generic career
   words ("years", "clients", "help") and punctuation, never ending on a role ("attorney").
4. Relevance is cosine similarity to the document vector; a vocabulary entry found in the text
   gains a lexical bonus; a free keyphrase is kept only when strongly relevant and not already
   covered by a vocabulary entry.
5. Maximal marginal relevance picks 3-8 diverse tags, stopping when relevance falls off.

Everything is deterministic: same input, same tags. The username is not used (it carries no
domain words worth a tag, and often noise like "dr_paws").
"""

from __future__ import annotations

import html
import re
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import anyio.to_thread
import numpy as np

from adapters import local_model
from adapters.tag_vocabulary import (
    GENERIC_WORDS,
    PARTICIPLES,
    ROLE_WORDS,
    STOPWORDS,
    VERBS,
    VOCABULARY,
)
from enrichment_core.errors import InvalidTagOutputError, TaggerUnavailableError
from enrichment_core.ports import TagRequest, Vectors

MAX_TEXT_CHARS = 3_000
MIN_TAGS = 3
MAX_TAGS = 8
TITLE_WEIGHT = 0.4
MAX_FREE_CANDIDATES = 16
# Relevance rules (cosine similarity to the document vector, plus bonuses).
PHRASE_BONUS = 0.12  # the vocabulary entry appears verbatim in the text
WORDS_BONUS = 0.05  # all its words appear, in any order
FREE_MIN_RELEVANCE = 0.6  # a free keyphrase must be at least this relevant...
FREE_PENALTY = 0.04  # ...and then still ranks a bit below an equal vocabulary entry
COVERED_SIMILARITY = 0.8  # a free keyphrase this close to a vocabulary entry is redundant
DUPLICATE_SIMILARITY = 0.9  # never pick two tags this similar
MMR_LAMBDA = 0.7
RELEVANCE_FLOOR = 0.4  # beyond MIN_TAGS, stop below this...
RELEVANCE_SPREAD = 0.15  # ...or this far below the best tag
FILL_FLOOR = 0.3  # up to MIN_TAGS, take the best tags down to this
FREE_PER_EXTRA_WORD = 0.03  # longer free keyphrases must be more relevant
MAX_FREE_TAGS = 2
HUB_WEIGHT = 0.0
VOCABULARY_POOL = 40
_CACHE_LIMIT = 50_000

# Career boilerplate: vocabulary entries close to it match every bio a little (hubs).
GENERIC_TEXTS = (
    "I have many years of experience helping clients and businesses succeed.",
    "Experienced professional consultant and expert advisor.",
    "I work with companies of all sizes to deliver great results.",
)
_vocabulary_lock = threading.Lock()
_vocabulary_vectors: dict[tuple[str, ...], Vectors] = {}

_RAW_LIMIT = MAX_TEXT_CHARS * 4  # bound the regex work on a hostile, huge bio
_SCRIPT_RE = re.compile(r"<(script|style)\b[^>]*>.*?(?:</\1\s*>|$)", re.IGNORECASE | re.DOTALL)
_MARKUP_RE = re.compile(r"<[^<>]{0,500}>")
_URL_RE = re.compile(
    r"(?:\b(?:https?|ftp)://|\bwww\.)\S+"
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|io|co|dev|app|edu|gov|info|biz|me|uk|de|fr)\b\S*",
    re.IGNORECASE,
)
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_CONTROL_RE = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff<>]"
)
_SPACE_RE = re.compile(r"[ \t\r\f\v]+")
_WORD_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9+#&'.-]*[A-Za-z0-9+#]|[A-Za-z0-9]")
_LETTER_RE = re.compile(r"[a-z]", re.IGNORECASE)
_NAME_SHAPE_RE = re.compile(r"[A-Z0-9+#.]")
_SEGMENT_RE = re.compile(r"[^\w\s+#&'.-]|(?<!\w)\.|\.(?!\w)|\n")


def clean_text(raw: str, *, limit: int = MAX_TEXT_CHARS) -> str:
    """Untrusted bio or title -> plain text: no markup, URLs, e-mails or control characters."""
    text = unicodedata.normalize("NFKC", raw[:_RAW_LIMIT])
    text = html.unescape(text)
    text = _SCRIPT_RE.sub(" ", text)
    text = _MARKUP_RE.sub(" ", text)
    text = _EMAIL_RE.sub(" ", text)
    text = _URL_RE.sub(" ", text)
    text = _CONTROL_RE.sub(" ", text)
    text = _SPACE_RE.sub(" ", text)
    return re.sub(r"\s*\n\s*", "\n", text).strip()[:limit]


def _stem(word: str) -> str:
    """Crude plural folding, enough to match "audits" with "irs audits" or "visas" with "visa"."""
    word = word.removesuffix("'s")
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _content_stems(phrase: str) -> list[str]:
    return [_stem(w) for w in _WORD_RE.findall(phrase.lower()) if w not in STOPWORDS]


def _is_keyword(word: str) -> bool:
    """May this (lowercase) word be part of a free keyphrase?"""
    return (
        len(word) >= 2
        and _LETTER_RE.search(word) is not None
        and word not in STOPWORDS
        and word not in GENERIC_WORDS
        and word not in ROLE_WORDS
        and word not in VERBS
        and not word.endswith("ly")
        and (not word.endswith("ed") or word in PARTICIPLES)
    )


def _looks_like_a_term(word: str, *, starts_segment: bool) -> bool:
    """A single word makes a tag only when its shape says "name": AWS, PyTorch, C++, Solidity."""
    return bool(_NAME_SHAPE_RE.search(word[1:])) or (word[0].isupper() and not starts_segment)


@dataclass(frozen=True, slots=True)
class _Prepared:
    title: str
    text: str
    stem_line: str  # " stem stem stem " for phrase lookups
    candidates: tuple[str, ...]


def _prepare(request: TagRequest) -> _Prepared:
    title = clean_text(request.job_title or "", limit=200)
    bio = clean_text(request.bio)
    text = f"{title}.\n{bio}" if title and bio else title or bio
    words = [w.lower() for w in _WORD_RE.findall(text)]
    if not any(_LETTER_RE.search(w) for w in words):
        raise InvalidTagOutputError("nothing to tag: the bio has no words once markup is removed")
    stem_line = " " + " ".join(_stem(w) for w in words) + " "
    return _Prepared(title, text, stem_line, _free_candidates(title, text))


def _free_candidates(title: str, text: str) -> tuple[str, ...]:
    """1-3 word chunks between stopwords, generic words, verbs and punctuation, best first."""
    stats: dict[str, list[float]] = {}  # phrase -> [count, first position, in title]
    title_lower = title.lower()
    position = 0
    for segment in _SEGMENT_RE.split(text):
        chunk: list[tuple[str, bool]] = []  # (lowercase word, may stand alone as a tag)
        for index, word in enumerate([*_WORD_RE.findall(segment), ""]):
            lower = word.lower()
            if _is_keyword(lower):
                chunk.append((lower, _looks_like_a_term(word, starts_segment=index == 0)))
                continue
            for size in (1, 2, 3):
                for start in range(len(chunk) - size + 1):
                    gram = chunk[start : start + size]
                    if size == 1 and not gram[0][1]:
                        continue
                    phrase = " ".join(w for w, _ in gram)
                    entry = stats.setdefault(phrase, [0.0, float(position + start), 0.0])
                    entry[0] += 1
                    entry[2] = float(phrase in title_lower)
            position += len(chunk) + 1
            chunk = []

    def priority(item: tuple[str, list[float]]) -> tuple[float, float, str]:
        phrase, (count, first, in_title) = item
        return (-(min(count, 3) + 2 * in_title + 0.5 * (" " in phrase)), first, phrase)

    ranked = [phrase for phrase, _ in sorted(stats.items(), key=priority) if len(phrase) <= 40]
    return tuple(ranked[:MAX_FREE_CANDIDATES])


class LocalTagGenerator:
    """Offline tagger: controlled vocabulary plus keyphrases, ranked by all-MiniLM-L6-v2."""

    def __init__(self, vocabulary: Sequence[str] = VOCABULARY) -> None:
        self._vocabulary = tuple(dict.fromkeys(vocabulary))
        self._vocab_stems = [" " + " ".join(_content_stems(v)) + " " for v in self._vocabulary]
        self._known = frozenset(self._vocabulary)
        self._vocab_vectors: Vectors | None = None
        self._hub: Vectors | None = None
        self._cache: dict[str, Vectors] = {}
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return f"local:{local_model.LOCAL_MODEL_NAME}"

    async def generate_tags(self, request: TagRequest) -> Sequence[str]:
        return await anyio.to_thread.run_sync(self.tag_one, request)

    def tag_one(self, request: TagRequest) -> list[str]:
        """Tag one expert in the calling thread (blocking CPU work)."""
        return self.tag_many([request])[0]

    def tag_many(self, requests: Sequence[TagRequest]) -> list[list[str]]:
        """Tag many experts, batching the model calls; blocking, for batch jobs and benchmarks."""
        prepared = [_prepare(r) for r in requests]
        if not prepared:
            return []
        vocab = self._vocabulary_vectors()
        texts = _encode([p.text for p in prepared])
        short = self._short_vectors(
            [p.title for p in prepared if p.title]
            + [c for p in prepared for c in p.candidates if c not in self._known]
        )
        results = []
        for item, text_vector in zip(prepared, texts, strict=True):
            doc = text_vector + TITLE_WEIGHT * short[item.title] if item.title else text_vector
            doc = doc / max(float(np.linalg.norm(doc)), 1e-12)
            results.append(self._select(item, doc, vocab, short))
        return results

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
        """Vectors for titles and keyphrases, through a process-lifetime cache."""
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
        self, item: _Prepared, doc: Vectors, vocab: Vectors, short: dict[str, Vectors]
    ) -> list[str]:
        relevance = vocab @ doc - HUB_WEIGHT * self._hubness(vocab)
        for i, stems in enumerate(self._vocab_stems):
            if stems in item.stem_line:
                relevance[i] += PHRASE_BONUS
            elif all(f" {s} " in item.stem_line for s in stems.split()):
                relevance[i] += WORDS_BONUS
        top = np.argsort(-relevance, kind="stable")[:VOCABULARY_POOL]
        names = [self._vocabulary[i] for i in top]
        scores = [float(relevance[i]) for i in top]
        vectors = [vocab[i] for i in top]
        pool_matrix = vocab[top]
        free_words: set[str] = set()
        free = sorted(
            ((float(short[p] @ doc), p) for p in item.candidates if p not in self._known),
            key=lambda pair: (-pair[0], pair[1]),
        )
        for score, phrase in free:
            words = set(phrase.split())
            needed = FREE_MIN_RELEVANCE + FREE_PER_EXTRA_WORD * (len(words) - 1)
            if score < needed or words & free_words:
                continue
            free_words |= words  # overlapping n-grams of one chunk: the best one speaks for all
            if float(np.max(pool_matrix @ short[phrase])) >= COVERED_SIMILARITY:
                continue
            names.append(phrase)
            scores.append(score - FREE_PENALTY)
            vectors.append(short[phrase])
        return _mmr(names, np.asarray(scores), np.stack(vectors), free_from=len(top))

    def _hubness(self, vocab: Vectors) -> Vectors:
        """How close each entry sits to a generic career text: hubs match every bio a little."""
        if self._hub is None:
            generic = _encode(GENERIC_TEXTS).mean(axis=0)
            self._hub = vocab @ (generic / np.linalg.norm(generic))
        return self._hub


def _mmr(names: Sequence[str], scores: np.ndarray, vectors: Vectors, *, free_from: int) -> list[str]:
    """Maximal marginal relevance among the relevant tags: relevant, mutually different, best first.

    Relevant means within ``RELEVANCE_SPREAD`` of the best and above ``RELEVANCE_FLOOR``; when
    fewer than ``MIN_TAGS`` are, the best of the rest above ``FILL_FLOOR`` fill up. At most
    ``MAX_FREE_TAGS`` free keyphrases (indexes from ``free_from`` on) are taken.
    """
    cutoff = max(RELEVANCE_FLOOR, float(scores.max()) - RELEVANCE_SPREAD)
    ranked = sorted(range(len(names)), key=lambda i: (-scores[i], names[i]))
    remaining = [i for i in ranked if scores[i] >= cutoff]
    if len(remaining) < MIN_TAGS:
        remaining = [i for i in ranked if scores[i] >= FILL_FLOOR][:MIN_TAGS] or ranked[:1]
    similarity = vectors @ vectors.T
    chosen: list[int] = []
    free_taken = 0
    while remaining and len(chosen) < MAX_TAGS:
        redundancy = (
            similarity[np.ix_(remaining, chosen)].max(axis=1) if chosen else np.zeros(len(remaining))
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
