"""Text handling for the offline tagger: untrusted bio -> plain text -> word stems.

Pure Python, no model. Cleaning strips everything that must never reach a tag or the model
(HTML and script bodies, URLs, e-mail addresses, control characters, mojibake such as "â¢");
``stems`` turns text into the word stems that vocabulary entries are matched on ("Copywriter"
and "copywriting" share "copywrit", "engineers" and "engineering" share "engin").
"""

from __future__ import annotations

import html
import re
import unicodedata

MAX_TEXT_CHARS = 3_000
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
# UTF-8 read as Latin-1/CP1252 ("â¢" was a bullet, "â€™" an apostrophe) and replacement marks.
_MOJIBAKE_RE = re.compile(r"[âÂ][\u0080-\u00bf€™œ¦¢]+|\ufffd+")
WORD_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9+#&'.-]*[A-Za-z0-9+#]|[A-Za-z0-9]")
_LETTER_RE = re.compile(r"[a-z]", re.IGNORECASE)


def clean_text(raw: str, *, limit: int = MAX_TEXT_CHARS) -> str:
    """Untrusted bio or title -> plain text: no markup, URLs, e-mails or control characters."""
    text = unicodedata.normalize("NFKC", _MOJIBAKE_RE.sub(" ", raw[:_RAW_LIMIT]))
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


# Words that say nothing about what someone does: a bio made only of these is not tagged.
CONTENTLESS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "with",
        "by",
        "from",
        "as",
        "is",
        "am",
        "are",
        "was",
        "be",
        "been",
        "i",
        "im",
        "me",
        "my",
        "we",
        "our",
        "you",
        "your",
        "he",
        "she",
        "it",
        "they",
        "this",
        "that",
        "there",
        "here",
        "hi",
        "hello",
        "hey",
        "hiya",
        "greetings",
        "welcome",
        "thanks",
        "thank",
        "cheers",
        "yes",
        "no",
        "ok",
        "okay",
        "n",
        "na",
        "tbd",
        "tba",
        "todo",
        "none",
        "null",
        "nil",
        "test",
        "testing",
        "asdf",
        "qwerty",
        "lorem",
        "ipsum",
        "dolor",
        "sit",
        "amet",
        "coming",
        "soon",
        "bio",
        "about",
        "more",
        "info",
        "later",
        "update",
        "updating",
        "xxx",
        "etc",
        "nothing",
    ]
)
_STEM_TOKEN_RE = re.compile(r"[a-z0-9][a-z0-9+#]*(?:[.-][a-z0-9+#]+)*|\.net")
_ALPHA_RE = re.compile(r"[a-z]+")
# Longest first within each family; at most two are stripped ("engineering" -> "engineer" ->
# "engine"), then a final "e" ("engine" -> "engin", "manage" -> "manag").
_SUFFIXES = (
    "ators", "ator", "ations", "ation", "ments", "ment", "ings", "ing", "ers", "er", "ors", "or",
    "ists", "ist", "ants", "ant", "ance", "ents", "ent", "ence", "ions", "ion", "ies", "es", "ed",
    "s",
)  # fmt: skip
_MIN_STEM = 4


def is_contentless(text: str) -> bool:
    """True when no word of the text says anything ("n/a", "hello", emoji, a lone URL)."""
    return all(w in CONTENTLESS for w in _ALPHA_RE.findall(text.lower()))


def stem(word: str) -> str:
    """A crude suffix-stripping stem of one lowercase word; words with digits or symbols stay."""
    if not word.isalpha():
        return word
    for _ in range(2):
        for suffix in _SUFFIXES:
            if (
                word.endswith(suffix)
                and len(word) - len(suffix) >= _MIN_STEM
                and not word.endswith(("ss", "us", "is"))
            ):
                word = word[: -len(suffix)] + ("y" if suffix == "ies" else "")
                break
        else:
            break
    return word[:-1] if word.endswith("e") and len(word) > _MIN_STEM else word


def stems(text: str) -> list[str]:
    """The text's words, lowercased and stemmed, in order ("R&D" -> "r", "and", "d")."""
    return [stem(w) for w in _STEM_TOKEN_RE.findall(text.lower().replace("&", " and "))]
