"""The Expert entity and the rules every stored expert obeys."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from enrichment_core.errors import InvalidExpertError

# Limits a real directory never reaches; anything larger is hostile or broken input.
MAX_USERNAME = 100
MAX_SHORT_TEXT = 300
MAX_BIO = 20_000
MAX_URL = 2_048
MAX_HOURLY_RATE = 100_000.0

_USERNAME_RE = re.compile(r"^[^\s/\\?#%]+$")
# Unicode categories a username may not contain: controls (Cc), invisible formatting such as
# U+202E RIGHT-TO-LEFT OVERRIDE or U+200B ZERO WIDTH SPACE (Cf, used to spoof names) and
# lone surrogates (Cs). Refused, never stripped: a stripped name is not the name that was sent.
_USERNAME_FORBIDDEN_CATEGORIES = {
    "Cc": "control character",
    "Cf": "invisible formatting character",
    "Cs": "lone surrogate",
}
# C0/C1 control characters except tab and newline; also lone surrogates and BOMs.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff\ud800-\udfff]")


# The fields an expert is created from (CSV columns, the admin form): new_expert's parameters.
PROFILE_FIELDS: tuple[str, ...] = (
    "username",
    "first_name",
    "last_name",
    "job_title",
    "company",
    "bio",
    "hourly_rate",
    "profile_url",
    "profile_url_utm",
    "category",
)


class TaggingState(StrEnum):
    TAGGED = "tagged"
    NO_BIO = "no_bio"
    FAILED = "failed"
    PENDING = "pending"


@dataclass(frozen=True, slots=True)
class Expert:
    """One consultant in the directory.

    ``tags`` is ``None`` while the expert is untagged; once written it is a non-empty tuple of
    normalized tags and never changes (locked decision 14).
    """

    username: str
    first_name: str | None = None
    last_name: str | None = None
    job_title: str | None = None
    company: str | None = None
    bio: str | None = None
    hourly_rate: float | None = None
    profile_url: str | None = None
    profile_url_utm: str | None = None
    category: str | None = None
    tags: tuple[str, ...] | None = None
    tagged_by: str | None = None
    tagged_at: datetime | None = None
    findability_score: float | None = None
    tagging_error: str | None = None
    id: int | None = field(default=None, compare=False)

    @property
    def has_bio(self) -> bool:
        return bool(self.bio and self.bio.strip())

    @property
    def display_name(self) -> str:
        name = " ".join(p for p in (self.first_name, self.last_name) if p)
        return name or self.username

    @property
    def tagging_state(self) -> TaggingState:
        if self.tags is not None:
            return TaggingState.TAGGED
        if not self.has_bio:
            return TaggingState.NO_BIO
        if self.tagging_error:
            return TaggingState.FAILED
        return TaggingState.PENDING

    def with_changes(self, **changes: Any) -> Expert:
        return replace(self, **changes)


def clean_text(value: object, *, field_name: str, limit: int) -> str | None:
    """Strip control characters and surrounding whitespace; ``None`` for empty; reject oversize."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidExpertError(field_name, "must be text")
    text = unicodedata.normalize("NFC", _CONTROL_RE.sub("", value)).strip()
    if len(text) > limit:
        raise InvalidExpertError(field_name, f"is {len(text):,} characters; the limit is {limit:,}")
    return text or None


def parse_hourly_rate(value: object) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise InvalidExpertError("hourly_rate", "must be a number, not true or false")
    raw = value.strip().lstrip("$").replace(",", "") if isinstance(value, str) else value
    if not isinstance(raw, str | int | float):
        raise InvalidExpertError("hourly_rate", f"{value!r} is not a number")
    try:
        rate = float(raw)
    except ValueError:
        raise InvalidExpertError("hourly_rate", f"{value!r} is not a number") from None
    shown = repr(value.strip() if isinstance(value, str) else value)
    if not math.isfinite(rate):
        raise InvalidExpertError("hourly_rate", f"must be a finite number, not {shown}")
    if rate < 0:
        raise InvalidExpertError("hourly_rate", f"{shown} must be zero or a positive number")
    if rate > MAX_HOURLY_RATE:
        raise InvalidExpertError(
            "hourly_rate", f"{shown} is above the limit of {MAX_HOURLY_RATE:,.0f}"
        )
    return rate


def _clean_url(value: object, field_name: str) -> str | None:
    url = clean_text(value, field_name=field_name, limit=MAX_URL)
    if url is None:
        return None
    if not re.match(r"^https?://[^\s/]+", url, flags=re.IGNORECASE):
        raise InvalidExpertError(field_name, "must be an http(s) URL")
    return url


def username_key(username: str) -> str:
    """What makes two usernames the same expert: ``CaseUser`` and ``caseuser`` are one.

    Case-insensitive (Unicode case folding of the NFC form), as directories expect; the
    username itself is stored as given. Repositories keep usernames unique by this key.
    """
    return unicodedata.normalize("NFC", username).casefold()


def clean_username(value: object) -> str:
    """A valid username or ``InvalidExpertError``: required, at most ``MAX_USERNAME``
    characters, no spaces or ``/ \\ ? # %``, not ``.`` or ``..``, no control or invisible
    formatting characters (refused, not stripped). Surrounding spaces are trimmed."""
    if isinstance(value, str):
        for char in value.strip(" "):
            kind = _USERNAME_FORBIDDEN_CATEGORIES.get(unicodedata.category(char))
            if kind is not None:
                raise InvalidExpertError(
                    "username",
                    f"must not contain the {kind} U+{ord(char):04X} "
                    f"({unicodedata.name(char, 'unnamed')})",
                )
    name = clean_text(value, field_name="username", limit=MAX_USERNAME)
    if not name:
        raise InvalidExpertError("username", "is required")
    if not _USERNAME_RE.match(name):
        raise InvalidExpertError("username", "must not contain spaces or any of / \\ ? # %")
    if name in (".", ".."):
        raise InvalidExpertError("username", "cannot be '.' or '..' (they are path names)")
    return name


def new_expert(
    *,
    username: object,
    first_name: object = None,
    last_name: object = None,
    job_title: object = None,
    company: object = None,
    bio: object = None,
    hourly_rate: object = None,
    profile_url: object = None,
    profile_url_utm: object = None,
    category: object = None,
) -> Expert:
    """Validate raw input (CSV row, API body) into an untagged, unscored ``Expert``.

    Raises ``InvalidExpertError`` naming the first offending field.
    """
    name = clean_username(username)

    def short(value: object, field_name: str) -> str | None:
        return clean_text(value, field_name=field_name, limit=MAX_SHORT_TEXT)

    return Expert(
        username=name,
        first_name=short(first_name, "first_name"),
        last_name=short(last_name, "last_name"),
        job_title=short(job_title, "job_title"),
        company=short(company, "company"),
        bio=clean_text(bio, field_name="bio", limit=MAX_BIO),
        hourly_rate=parse_hourly_rate(hourly_rate),
        profile_url=_clean_url(profile_url, "profile_url"),
        profile_url_utm=_clean_url(profile_url_utm, "profile_url_utm"),
        category=short(category, "category"),
    )
