"""Tag normalization (locked decision 13) and validation of a tagger's answer (TAGS-02, decision 15)."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable

from enrichment_core.errors import InvalidTagOutputError

MAX_TAGS = 8
MAX_TAG_LENGTH = 60
MAX_TAG_WORDS = 6

_SPACE_RE = re.compile(r"\s+")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Quotes, bullets and trailing punctuation that LLMs like to wrap tags in.
_EDGE_JUNK = " \t\"'`“”‘’•·-–—*.,;:!?#()[]{}<>"


def normalize_tag(raw: str) -> str:
    """``"  Machine   Learning. "`` -> ``"machine learning"``; empty string when nothing is left."""
    text = unicodedata.normalize("NFKC", raw)
    text = _CONTROL_RE.sub(" ", text)
    text = _SPACE_RE.sub(" ", text).strip(_EDGE_JUNK).strip()
    return text.lower()


def normalize_tags(raw_tags: Iterable[object]) -> tuple[str, ...]:
    """Normalize a tagger's answer into the tags we store.

    Lowercase, trim, collapse inner whitespace, drop empties, duplicates (first wins) and entries
    that are not short tags; keep at most ``MAX_TAGS``. An empty result is a failure
    (``InvalidTagOutputError``), never an empty tag list.
    """
    if isinstance(raw_tags, str | bytes):
        raise InvalidTagOutputError("tags must be a list of strings, got a single string")
    seen: dict[str, None] = {}
    for raw in raw_tags:
        if not isinstance(raw, str):
            continue
        tag = normalize_tag(raw)
        if not tag or len(tag) > MAX_TAG_LENGTH or len(tag.split(" ")) > MAX_TAG_WORDS:
            continue
        seen.setdefault(tag, None)
        if len(seen) == MAX_TAGS:
            break
    if not seen:
        raise InvalidTagOutputError("the tagger returned no usable tag")
    return tuple(seen)


def tags_to_json(tags: Iterable[str] | None) -> str | None:
    return None if tags is None else json.dumps(list(tags), ensure_ascii=False)


def tags_from_json(text: str | None) -> tuple[str, ...] | None:
    """Read a stored ``tags`` column. ``None``/empty/invalid JSON or an empty list mean untagged."""
    if text is None or not text.strip():
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if not isinstance(value, list):
        return None
    tags = tuple(t for t in value if isinstance(t, str) and t)
    return tags or None
