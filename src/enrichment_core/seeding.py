"""Importing experts into the directory: new usernames are added and scored, existing ones untouched."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from enrichment_core.experts import Expert
from enrichment_core.findability import compute_findability_score
from enrichment_core.ports import ExpertRepo


@dataclass(frozen=True, slots=True)
class ImportReport:
    received: int
    added: int

    @property
    def already_present(self) -> int:
        return self.received - self.added


def import_experts(repo: ExpertRepo, experts: Sequence[Expert]) -> ImportReport:
    """Add the experts whose username is new, each with its findability score.

    Re-importing the same experts adds nothing and never overwrites tags or scores.
    """
    scored = [e.with_changes(findability_score=compute_findability_score(e)) for e in experts]
    added = repo.add_new(scored)
    return ImportReport(received=len(experts), added=len(added))
