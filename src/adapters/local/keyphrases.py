"""Text handling for the offline tagger: untrusted bio -> plain text -> keyphrase candidates.

Pure Python, no model: cleaning strips everything that must never become a tag (HTML and
script bodies, URLs, e-mail addresses, control characters); candidates are the 1-3 word chunks
a directory tag could be made of.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence

from enrichment_adapters.local.vocabulary import (
    ALIASES,
    GENERIC_WORDS,
    PARTICIPLES,
    ROLE_TO_FIELD,
    ROLE_WORDS,
    STOPWORDS,
    VERBS,
)

MAX_TEXT_CHARS = 3_000
MAX_PHRASE_CHARS = 40

_RAW_LIMIT = MAX_TEXT_CHARS * 4  # bound the regex work on a hostile, huge bio
_SCRIPT_RE = re.compile(r"<(script|style)\b[^>]*>.*?(?:</\1\s*>|$)", re.IGNORECASE | re.DOTALL)
# Block-level tags end a phrase ("<div>Tax</div>Veterinary" is two); inline tags do not.
_BLOCK_RE = re.compile(
    r"</?(?:address|article|aside|blockquote|br|dd|div|dl|dt|footer|h[1-6]|header|hr|li|main|"
    r"nav|ol|p|pre|section|table|td|th|tr|ul)\b[^<>]{0,500}>",
    re.IGNORECASE,
)
_MARKUP_RE = re.compile(r"<[^<>]{0,500}>")
_URL_RE = re.compile(r"(?:\b(?:https?|ftp)://|\bwww\.)\S+", re.IGNORECASE)
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_TOKEN_RE = re.compile(r"\S+")
_TLDS = {"com", "org", "net", "io", "co", "dev", "app", "edu", "gov", "info", "biz", "me", "uk"}
_CONTROL_RE = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff<>]"
)
_SPACE_RE = re.compile(r"[ \t\r\f\v]+")
WORD_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9+#&'.-]*[A-Za-z0-9+#]|[A-Za-z0-9]")
_LETTER_RE = re.compile(r"[a-z]", re.IGNORECASE)
_NAME_SHAPE_RE = re.compile(r"[A-Z0-9+#.]")
# Chunks never cross punctuation or a new line (the "." of "node.js" and "&" of "r&d" are no
# punctuation).
_SEGMENT_RE = re.compile(r"[^\w\s+#&'.-]|(?<!\w)[.&]|[.&](?!\w)|\n")


def clean_text(raw: str, *, limit: int = MAX_TEXT_CHARS) -> str:
    """Untrusted bio or title -> plain text: no markup, URLs, e-mails or control characters."""
    text = unicodedata.normalize("NFKC", raw[:_RAW_LIMIT])
    text = html.unescape(text)
    text = _SCRIPT_RE.sub("\n", text)
    text = _BLOCK_RE.sub("\n", text)
    text = _MARKUP_RE.sub(" ", text)
    text = _URL_RE.sub(" ", text)
    text = _TOKEN_RE.sub(_drop_address, text)
    text = _CONTROL_RE.sub(" ", text)
    text = _SPACE_RE.sub(" ", text)
    return re.sub(r"\s*\n\s*", "\n", text).strip()[:limit]


def _drop_address(match: re.Match[str]) -> str:
    """An e-mail address or a bare domain ("horsevet.com/about") becomes a space.

    Checked one whitespace-free run at a time: a regex scanning the whole text for domains
    takes quadratic time on hostile input like "a.a.a.a...".
    """
    token = match.group()
    if "." not in token and "@" not in token:
        return token
    core = token.strip("()[]{}\"'`,;:!?.")
    if "@" in core:
        return " " if _EMAIL_RE.fullmatch(core) else token
    host = core.split("/", 1)[0].lower()
    labels = host.split(".")
    is_domain = len(labels) > 1 and labels[-1] in _TLDS and all(labels) and host != "asp.net"
    return " " if is_domain else token


def has_words(text: str) -> bool:
    return any(_LETTER_RE.search(w) for w in WORD_RE.findall(text))


def stem(word: str) -> str:
    """Crude plural folding ("audits" -> "audit") and role to field ("lawyers" -> "law")."""
    word = _singular(word.lower().removesuffix("'s"))
    return ROLE_TO_FIELD.get(word, word)


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def stem_line(text: str, *, expand: bool = False) -> str:
    """``" stem stem stem "``: a phrase is in the text when ``f" {stems} "`` is in this line.

    ``expand`` spells out abbreviations ("nlp" -> "natural language processing").
    """
    words = WORD_RE.findall(text)
    if expand:
        words = [ALIASES.get(w.lower(), w) for w in words]
    return " " + " ".join(stem(w) for w in " ".join(words).split()) + " "


# Head words of organisation names ("Harbor Logistics Group"); a phrase ending in one is a name.
ORG_WORDS = frozenset(
    [
        "hospital",
        "clinic",
        "group",
        "partners",
        "associates",
        "llc",
        "llp",
        "inc",
        "ltd",
        "gmbh",
        "corp",
        "company",
        "labs",
        "foundation",
        "university",
        "college",
        "bank",
        "ventures",
        "agency",
        "studio",
        "studios",
        "holdings",
        "institute",
    ]
)


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


def candidates(title: str, text: str) -> list[str]:
    """Lowercase 1-3 word chunks between stopwords, generic words, verbs and punctuation.

    Best first: frequent, in the title, multi-word, early. A single word is a candidate only
    when it looks like a name (acronym, product, technology).
    """
    stats: dict[str, list[float]] = {}  # phrase -> [count, first position, in title]
    title_lower = title.lower()
    position = 0
    for line in text.split("\n"):
        trust_case = not _title_cased(line)
        for segment in _SEGMENT_RE.split(line):
            position = _count_chunks(segment, trust_case, title_lower, position, stats)

    def priority(item: tuple[str, list[float]]) -> tuple[float, float, str]:
        phrase, (count, first, in_title) = item
        return (-(min(count, 3) + 2 * in_title + 0.5 * (" " in phrase)), first, phrase)

    return [p for p, _ in sorted(stats.items(), key=priority) if len(p) <= MAX_PHRASE_CHARS]


def _title_cased(line: str) -> bool:
    """Headlines Capitalize Every Word: there, a capital says nothing about a name."""
    words: list[str] = [
        w for w in WORD_RE.findall(line) if len(w) > 3 and w.lower() not in STOPWORDS
    ]
    return sum(w[0].isupper() for w in words) > len(words) / 2


def _count_chunks(
    segment: str, trust_case: bool, title_lower: str, position: int, stats: dict[str, list[float]]
) -> int:
    """Add the n-grams of one punctuation-free segment to ``stats``; returns the next position."""
    chunk: list[tuple[str, bool]] = []  # (lowercase word, may stand alone as a tag)
    capitals: list[bool] = []  # the word was Capitalized where case carries meaning
    for index, word in enumerate([*WORD_RE.findall(segment), ""]):
        lower = word.lower()
        lower = ROLE_TO_FIELD.get(_singular(lower), lower)  # "2d animator" -> "2d animation"
        if _is_keyword(lower):
            named = _looks_like_a_term(word, starts_segment=index == 0 or not trust_case)
            chunk.append((lower, named))
            capitals.append(trust_case and word[:1].isupper() and not word.isupper())
            continue
        for size in (1, 2, 3):
            for start in range(len(chunk) - size + 1):
                gram = chunk[start : start + size]
                if size == 1 and not gram[0][1]:
                    continue
                if size > 1 and (all(capitals[start : start + size]) or gram[-1][0] in ORG_WORDS):
                    continue  # "Alvarez Animal Hospital": an employer's name, not a field

                phrase = " ".join(w for w, _ in gram)
                entry = stats.setdefault(phrase, [0.0, float(position + start), 0.0])
                entry[0] += 1
                entry[2] = float(phrase in title_lower)
        position += len(chunk) + 1
        chunk = []
        capitals = []
    return position


def mentions(stem_line: str, entries: Sequence[tuple[str, ...]]) -> list[bool]:
    """Which entries (as stem tuples) the text names; one n-gram lookup each, linear time.

    A one-word entry inside a longer named entry is not named on its own: "carbon
    accounting" does not name "accounting".
    """
    words = stem_line.split()
    longest = max(map(len, entries), default=1)
    at: dict[tuple[str, ...], list[int]] = {}  # every n-gram an entry could be -> its starts
    for size in range(1, longest + 1):
        for start in range(len(words) - size + 1):
            at.setdefault(tuple(words[start : start + size]), []).append(start)
    named = [len(entry) > 1 and entry in at for entry in entries]
    covered = {
        p
        for entry, hit in zip(entries, named, strict=True)
        if hit
        for s in at[entry]
        for p in range(s, s + len(entry))
    }
    for i, entry in enumerate(entries):
        if len(entry) == 1 and any(s not in covered for s in at.get(entry, ())):
            named[i] = True
    return named
