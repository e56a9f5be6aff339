"""How a listing of experts is sorted, filtered by tagging state and paged (``ExpertRepo.page``);
the API's query parameters use these enums as they are. Re-exported by ``ports``."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from enrichment_core.experts import Expert, TaggingState


class ExpertSort(StrEnum):
    """What an expert listing is sorted by."""

    ID = "id"
    FINDABILITY = "findability"
    NAME = "name"


class SortOrder(StrEnum):
    ASC = "asc"
    DESC = "desc"


class StateFilter(StrEnum):
    """Which experts a listing shows: those in one tagging state, or every untagged one."""

    TAGGED = "tagged"
    UNTAGGED = "untagged"
    FAILED = "failed"
    NO_BIO = "no_bio"
    PENDING = "pending"

    def criteria(self) -> tuple[TaggingState | None, bool | None]:
        """The ``(state, tagged)`` arguments of ``ExpertRepo.page`` for this filter."""
        if self is StateFilter.UNTAGGED:
            return None, False
        return TaggingState(self.value), None


@dataclass(frozen=True, slots=True)
class ExpertPage:
    experts: list[Expert]
    total: int
