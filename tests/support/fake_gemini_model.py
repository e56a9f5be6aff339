"""The deterministic "model" behind ``FakeGemini``: tags from a small vocabulary, hashed vectors.

No randomness and no state: the same text always gives the same tags and the same vector, in
every process (hashing is blake2b, never Python's salted ``hash``).
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter

MAX_TAGS = 6
MIN_TAGS = 3

# (tag as the "model" writes it, phrases that trigger it). Matching is case-insensitive, on
# word boundaries, with an optional plural "s". Some tags are capitalised on purpose so that
# the core's normalization is exercised.
VOCABULARY: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("R&D Tax Credits", ("r&d tax credit", "research and development tax credit")),
    ("Tax Law", ("tax law", "tax attorney", "tax lawyer")),
    ("tax planning", ("tax planning",)),
    ("Tax Compliance", ("tax compliance",)),
    ("IRS audits", ("irs audit", "irs")),
    ("international tax", ("international tax",)),
    ("corporate finance", ("corporate finance", "equity")),
    ("startups", ("startup", "founder")),
    ("Veterinary Surgery", ("veterinary surgeon", "veterinary surgery")),
    ("veterinary medicine", ("veterinary", "veterinarian", "animal hospital")),
    ("small animal orthopedics", ("small animal orthopedic", "orthopedic")),
    ("Soft Tissue Surgery", ("soft tissue surgery",)),
    ("anesthesia", ("anesthesia", "anaesthesia")),
    ("Machine Learning", ("machine learning", "deep learning", "ml model")),
    ("data science", ("data scientist", "data science")),
    ("demand forecasting", ("demand forecasting", "forecasting")),
    ("retail", ("retail",)),
    ("Supply Chain", ("supply chain",)),
    ("logistics", ("logistics",)),
    ("inventory planning", ("inventory planning", "inventory")),
    ("manufacturing", ("manufacturer", "manufacturing")),
    ("procurement", ("procurement",)),
    ("React", ("react",)),
    ("TypeScript", ("typescript",)),
    ("frontend development", ("frontend", "front-end", "web application")),
    ("fintech", ("fintech",)),
    ("Cloud Architecture", ("cloud architecture", "aws", "kubernetes")),
    ("cybersecurity", ("cybersecurity", "security audit", "penetration testing")),
    ("digital marketing", ("digital marketing", "seo", "growth marketing")),
    ("Healthcare", ("healthcare", "clinical")),
    ("real estate", ("real estate",)),
    ("Intellectual Property", ("intellectual property", "patent")),
    ("employment law", ("employment law",)),
    ("product management", ("product manager", "product management")),
    ("UX design", ("ux design", "user experience")),
    ("renewable energy", ("renewable energy", "solar", "wind energy")),
)

STOPWORDS = frozenset(
    [
        "a",
        "about",
        "after",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "been",
        "being",
        "both",
        "but",
        "by",
        "can",
        "could",
        "do",
        "does",
        "for",
        "from",
        "had",
        "has",
        "have",
        "he",
        "her",
        "here",
        "him",
        "his",
        "how",
        "i",
        "i'm",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "just",
        "me",
        "more",
        "most",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "out",
        "over",
        "own",
        "she",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "up",
        "us",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "will",
        "with",
        "would",
        "you",
        "your",
        "years",
        "year",
        "experience",
        "experienced",
        "expert",
        "consultant",
        "consulting",
        "professional",
        "help",
        "helping",
        "work",
        "working",
        "services",
        "service",
        "based",
        "profile",
        "username",
        "job",
        "title",
        "bio",
        "tag",
        "tags",
        "data",
        "text",
        "instructions",
        "ignore",
        "previous",
        "respond",
        "former",
        "actually",
    ]
)

_TOKEN_RE = re.compile(r"[a-z0-9][a-z0-9&+#]*")
_ESCAPE_RE = re.compile(r"\\u[0-9a-fA-F]{4}|\\[nrtbf\"\\/]")
_PATTERNS = tuple(
    (
        tag,
        re.compile("|".join(rf"(?<![a-z0-9]){re.escape(p)}(?:e?s)?(?![a-z0-9])" for p in phrases)),
    )
    for tag, phrases in VOCABULARY
)


def _clean(text: str) -> str:
    """Lower-case, with JSON escapes (``\\u0000``, ``\\n``) turned into spaces."""
    return _ESCAPE_RE.sub(" ", text).lower()


def stem(token: str) -> str:
    """Crude plural stripping so that "startup"/"startups" and "credit"/"credits" meet."""
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 3 and token.endswith("s") and not token.endswith("ss"):
        return token[:-1]
    return token


def tokens(text: str) -> list[str]:
    """Content words of ``text``: lower-cased, stopwords dropped, plurals stripped."""
    return [stem(t) for t in _TOKEN_RE.findall(_clean(text)) if t not in STOPWORDS and len(t) > 1]


def derive_tags(text: str) -> list[str]:
    """3-6 tags for ``text``: vocabulary phrases first (most frequent, then earliest), then the
    most frequent content words. Deterministic."""
    lowered = _clean(text)
    found: list[tuple[int, int, str]] = []
    for tag, pattern in _PATTERNS:
        matches = list(pattern.finditer(lowered))
        if matches:
            found.append((-len(matches), matches[0].start(), tag))
    tags = [tag for _, _, tag in sorted(found)][:MAX_TAGS]
    if len(tags) < MIN_TAGS:
        taken = {t.lower() for t in tags}
        counts = Counter(t for t in tokens(text) if not t.isdigit())
        for word, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
            if len(tags) >= MIN_TAGS:
                break
            if word not in taken:
                tags.append(word)
                taken.add(word)
    return tags or ["general"]


def embed(text: str, dimension: int) -> list[float]:
    """A hashed bag-of-words vector of ``dimension`` floats.

    Each content word adds weight at a blake2b-chosen coordinate (positive only, so words never
    cancel out into a zero vector). Like the real ``gemini-embedding-001``, only full-size (3072)
    vectors are unit length; smaller ones are not.
    """
    vector = [0.0] * dimension
    words = tokens(text) or ["<empty>"]
    for word in words:
        digest = hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest()
        vector[int.from_bytes(digest, "big") % dimension] += 0.25
    if dimension >= 3072:
        norm = math.sqrt(sum(v * v for v in vector))
        vector = [v / norm for v in vector]
    return vector


def estimate_tokens(text: str) -> int:
    """Roughly what Gemini would count (about four characters a token)."""
    return max(1, len(text) // 4)
