"""Between ``Expert`` and the ``experts`` table: row values, entities, and the SQL of the filters
the repository's listing offers (tagging state, missing profile field)."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_

from enrichment_adapters.sql.schema import ExpertRow
from enrichment_core.experts import PROFILE_FIELDS, Expert, TaggingState, username_key
from enrichment_core.insights import GAP_FIELDS
from enrichment_core.tags import tags_from_json, tags_to_json

_PLAIN_FIELDS = (*PROFILE_FIELDS, "findability_score", "tagged_by", "tagging_error")


def to_row_values(expert: Expert) -> dict[str, Any]:
    values = {name: getattr(expert, name) for name in _PLAIN_FIELDS}
    values["username_key"] = username_key(expert.username)
    values["tags"] = tags_to_json(expert.tags)
    values["tagged_at"] = expert.tagged_at
    return values


def to_expert(row: ExpertRow) -> Expert:
    tagged_at = row.tagged_at
    if tagged_at is not None and tagged_at.tzinfo is None:
        tagged_at = tagged_at.replace(tzinfo=UTC)  # SQLite stores naive timestamps
    return Expert(
        id=row.id,
        username=row.username,
        first_name=row.first_name,
        last_name=row.last_name,
        job_title=row.job_title,
        company=row.company,
        bio=row.bio,
        hourly_rate=row.hourly_rate,
        profile_url=row.profile_url,
        profile_url_utm=row.profile_url_utm,
        category=row.category,
        tags=tags_from_json(row.tags),
        tagged_by=row.tagged_by,
        tagged_at=tagged_at,
        findability_score=row.findability_score,
        tagging_error=row.tagging_error,
    )


def has_bio() -> ColumnElement[bool]:
    return and_(ExpertRow.bio.is_not(None), func.trim(ExpertRow.bio) != "")


def state_filter(state: TaggingState) -> ColumnElement[bool]:
    untagged = ExpertRow.tags.is_(None)
    if state is TaggingState.TAGGED:
        return ExpertRow.tags.is_not(None)
    if state is TaggingState.NO_BIO:
        return and_(untagged, or_(ExpertRow.bio.is_(None), func.trim(ExpertRow.bio) == ""))
    if state is TaggingState.FAILED:
        return and_(untagged, has_bio(), ExpertRow.tagging_error.is_not(None))
    return and_(untagged, has_bio(), ExpertRow.tagging_error.is_(None))


def missing_filter(field: str) -> ColumnElement[bool]:
    """SQL for ``insights.is_missing``: empty text, or a rate that is null or not above zero."""
    if field not in GAP_FIELDS:
        raise ValueError(f"unknown profile field {field!r}; use one of {', '.join(GAP_FIELDS)}")
    if field == "hourly_rate":
        return or_(ExpertRow.hourly_rate.is_(None), ExpertRow.hourly_rate <= 0)
    column = getattr(ExpertRow, field)
    return or_(column.is_(None), func.trim(column) == "")
