"""The text embedded for one expert (TAGS-03): name, title, company, bio, then its domain tags,
and the hash that keys its cached vector."""

from __future__ import annotations

import hashlib
import re

from enrichment_core.experts import Expert

# all-MiniLM-L6-v2 reads at most 256 word pieces (~1,000 characters of English). Name, title,
# company and up to 8 tags take ~60 of them, so a bio capped at 800 characters keeps the final
# "Domains: ..." part inside the model's window. Longer bios add little signal for search.
MAX_BIO_CHARS = 800

_SPACE_RE = re.compile(r"\s+")


def clean_text(text: str | None) -> str:
    """Whitespace collapsed to single spaces, trimmed (empty for None)."""
    return _SPACE_RE.sub(" ", text or "").strip()


def _cap(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + "…"


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?", "…")) else text + "."


def embedding_text(expert: Expert) -> str:
    """The text embedded for one expert: name, job title, company, bio, then its domain tags.

    Deterministic (same expert, same text, same hash), whitespace-normalized, bio capped to
    ``MAX_BIO_CHARS``. Example: ``"Jane Doe. Tax Attorney at Acme LLP. I advise ... Domains: tax
    law, r&d tax credits."``
    """
    parts = [_sentence(clean_text(expert.display_name))]
    title, company = clean_text(expert.job_title), clean_text(expert.company)
    if title and company:
        parts.append(_sentence(f"{title} at {company}"))
    elif title or company:
        parts.append(_sentence(title or company))
    bio = _cap(clean_text(expert.bio), MAX_BIO_CHARS)
    if bio:
        parts.append(_sentence(bio))
    tags = [clean_text(t) for t in expert.tags or () if clean_text(t)]
    if tags:
        parts.append(f"Domains: {', '.join(tags)}.")
    return " ".join(parts)


def text_hash(text: str) -> str:
    """sha256 hex of the UTF-8 text: the cache key of its vector."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
