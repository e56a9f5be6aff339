"""Search filters, applied before ranking: the index searches only the experts that pass them.

A filtered search therefore still returns ``k`` experts when ``k`` pass (filtering the top ``k``
afterwards would return fewer, or none). The filters read what the index stores about each
expert (``IndexRecord``), so they agree with the index snapshot being searched.

- ``max_rate``: hourly rate known and at most this (an expert without a rate is left out).
- ``tags`` with ``tag_mode`` ``any`` (at least one) or ``all``: whole normalized tags.
- ``min_findability``: score known and at least this.
- ``has_profile_url``: only experts with a profile URL.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from enrichment_core.errors import InvalidQueryError
from enrichment_core.experts import MAX_HOURLY_RATE
from enrichment_core.ports import IndexRecord
from enrichment_core.tags import normalize_tag

MAX_FILTER_TAGS = 10


class TagMode(StrEnum):
    ANY = "any"
    ALL = "all"


@dataclass(frozen=True, slots=True)
class SearchFilters:
    max_rate: float | None = None
    tags: tuple[str, ...] = field(default=())
    tag_mode: TagMode = TagMode.ANY
    min_findability: float | None = None
    has_profile_url: bool = False

    @classmethod
    def build(
        cls,
        *,
        max_rate: float | None = None,
        tags: Iterable[str] = (),
        tag_mode: str | TagMode = TagMode.ANY,
        min_findability: float | None = None,
        has_profile_url: bool = False,
    ) -> SearchFilters:
        """Validated filters: tags normalized and deduplicated, bounds checked.

        ``InvalidQueryError`` says which option is wrong and what it accepts.
        """
        if max_rate is not None and not 0 <= max_rate <= MAX_HOURLY_RATE:
            raise InvalidQueryError(
                f"max_rate must be from 0 to {MAX_HOURLY_RATE:g}, got {max_rate}"
            )
        if min_findability is not None and not 0 <= min_findability <= 100:
            raise InvalidQueryError(f"min_findability must be from 0 to 100, got {min_findability}")
        try:
            mode = TagMode(tag_mode)
        except ValueError:
            raise InvalidQueryError(f"tag_mode must be 'any' or 'all', got {tag_mode!r}") from None
        wanted = tuple(dict.fromkeys(t for t in (normalize_tag(str(raw)) for raw in tags) if t))
        if len(wanted) > MAX_FILTER_TAGS:
            raise InvalidQueryError(
                f"at most {MAX_FILTER_TAGS} tags can be required, got {len(wanted)}"
            )
        return cls(max_rate, wanted, mode, min_findability, bool(has_profile_url))

    @property
    def active(self) -> bool:
        return (
            self.max_rate is not None
            or bool(self.tags)
            or self.min_findability is not None
            or self.has_profile_url
        )

    def matches(self, record: IndexRecord) -> bool:
        if self.max_rate is not None and (
            record.hourly_rate is None or record.hourly_rate > self.max_rate
        ):
            return False
        if self.min_findability is not None and (
            record.findability_score is None or record.findability_score < self.min_findability
        ):
            return False
        if self.has_profile_url and not (record.profile_url or "").strip():
            return False
        if self.tags:
            have = set(record.tags)
            hits = [t in have for t in self.tags]
            if not (all(hits) if self.tag_mode is TagMode.ALL else any(hits)):
                return False
        return True

    def candidates(self, records: Sequence[IndexRecord]) -> list[int]:
        """The ids of the records that pass, in index order."""
        return [r.id for r in records if self.matches(r)]


NO_FILTERS = SearchFilters()
