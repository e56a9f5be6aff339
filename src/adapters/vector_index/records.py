"""The schema of ``metadata.json``: every field of every record checked, strictly, at load and
at promotion (a ``null`` name, a string score or an integer username is a bad build, refused
with its reason, never a 500 at search time)."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from enrichment_core.ports import IndexManifest, IndexRecord


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")


class _Record(_Strict):
    id: int = Field(ge=0)
    username: str = Field(min_length=1)
    name: str
    job_title: str | None
    company: str | None
    tags: list[str]
    findability_score: float | None
    profile_url: str | None
    text_hash: str = Field(min_length=1)
    hourly_rate: float | None = None
    sentences: list[str] = []

    @field_validator("findability_score", "hourly_rate")
    @classmethod
    def _finite(cls, value: float | None) -> float | None:
        if value is not None and not math.isfinite(value):
            raise ValueError("must be a finite number")
        return value


class _Manifest(_Strict):
    embedder_model: str = Field(min_length=1)
    dimension: int = Field(ge=1)
    count: int = Field(ge=0)
    built_at: str


def _problem(error: ValidationError, where: str) -> str:
    first = error.errors()[0]
    field = ".".join(str(part) for part in first.get("loc", ())) or "value"
    return f"{where}: {field}: {first.get('msg', 'is invalid')}"


def parse_manifest(raw: Any) -> IndexManifest:
    """``ValueError`` naming the field when the manifest is not what a build writes."""
    try:
        m = _Manifest.model_validate(raw)
    except ValidationError as error:
        raise ValueError(_problem(error, "manifest")) from None
    return IndexManifest(
        embedder_model=m.embedder_model,
        dimension=m.dimension,
        count=m.count,
        built_at=datetime.fromisoformat(m.built_at),
    )


def parse_records(raw: Any) -> list[IndexRecord]:
    """``ValueError`` naming the record and the field of the first one that is malformed."""
    if not isinstance(raw, list):
        raise TypeError("records: must be a list")
    records = []
    for position, item in enumerate(raw):
        try:
            r = _Record.model_validate(item)
        except ValidationError as error:
            raise ValueError(_problem(error, f"record {position}")) from None
        records.append(
            IndexRecord(
                id=r.id,
                username=r.username,
                name=r.name,
                job_title=r.job_title,
                company=r.company,
                tags=tuple(r.tags),
                findability_score=r.findability_score,
                profile_url=r.profile_url,
                text_hash=r.text_hash,
                hourly_rate=r.hourly_rate,
                sentences=tuple(r.sentences),
            )
        )
    return records
