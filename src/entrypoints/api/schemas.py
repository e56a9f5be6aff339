"""The HTTP API's Pydantic schemas, one per role: what comes in, what goes out, what an error says."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from enrichment_core.experts import (
    MAX_BIO,
    MAX_HOURLY_RATE,
    MAX_SHORT_TEXT,
    MAX_URL,
    MAX_USERNAME,
    Expert,
)
from enrichment_core.findability import FindabilityTip, findability_advice
from enrichment_core.intake import IntakeResult
from enrichment_core.ports import SearchHit
from enrichment_core.search import SearchPage, hit_fields

MAX_PAGE = 200


class ExpertCreate(BaseModel):
    """The body of ``POST /api/admin/experts``. Only ``username`` is required."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "username": "jane_doe_tax",
                    "first_name": "Jane",
                    "last_name": "Doe",
                    "job_title": "Tax Attorney",
                    "company": "Doe & Partners",
                    "bio": "I help startups claim R&D tax credits and handle IRS audits.",
                    "hourly_rate": 250,
                    "profile_url": "https://example.com/experts/jane_doe_tax",
                }
            ]
        },
    )

    username: str = Field(min_length=1, max_length=MAX_USERNAME)
    first_name: str | None = Field(default=None, max_length=MAX_SHORT_TEXT)
    last_name: str | None = Field(default=None, max_length=MAX_SHORT_TEXT)
    job_title: str | None = Field(default=None, max_length=MAX_SHORT_TEXT)
    company: str | None = Field(default=None, max_length=MAX_SHORT_TEXT)
    bio: str | None = Field(default=None, max_length=MAX_BIO)
    # strict: true/false and "250" are not numbers (lax mode would store true as 1.0);
    # NaN and Infinity (which Python's JSON parser accepts) are refused as not finite.
    hourly_rate: float | None = Field(
        default=None, ge=0, le=MAX_HOURLY_RATE, strict=True, allow_inf_nan=False
    )
    profile_url: str | None = Field(default=None, max_length=MAX_URL)
    profile_url_utm: str | None = Field(default=None, max_length=MAX_URL)
    category: str | None = Field(default=None, max_length=MAX_SHORT_TEXT)


class FindabilityTipPublic(BaseModel):
    field: str = Field(description="The profile part: bio, tags, profile_url, job_title...")
    points: float = Field(description="Findability points it would add.")
    advice: str = Field(description="What to do, e.g. 'add a profile URL: +15'.")

    @classmethod
    def from_tip(cls, tip: FindabilityTip) -> FindabilityTipPublic:
        return cls(field=tip.field, points=tip.points, advice=tip.advice)


class ExpertPublic(BaseModel):
    """An expert as admins see it: profile, tags, score and where its tagging stands."""

    id: int
    username: str
    name: str = Field(description="First and last name, or the username when both are empty.")
    first_name: str | None
    last_name: str | None
    job_title: str | None
    company: str | None
    bio: str | None
    hourly_rate: float | None
    profile_url: str | None
    profile_url_utm: str | None
    category: str | None
    tags: list[str] | None = Field(description="Normalized domain tags; null while untagged.")
    tagged_by: str | None = Field(description="The tagger that wrote the tags, e.g. gemini:...")
    tagged_at: datetime | None
    findability_score: float | None = Field(description="Profile completeness, 0-100.")
    tagging_state: Literal["tagged", "no_bio", "failed", "pending"]
    tagging_error: str | None = Field(description="Why the last tagging attempt failed.")
    findability_advice: list[FindabilityTipPublic] = Field(
        description="What would raise the score, most points first (empty at 100)."
    )

    @classmethod
    def from_expert(cls, expert: Expert) -> ExpertPublic:
        assert expert.id is not None
        return cls(
            id=expert.id,
            username=expert.username,
            name=expert.display_name,
            first_name=expert.first_name,
            last_name=expert.last_name,
            job_title=expert.job_title,
            company=expert.company,
            bio=expert.bio,
            hourly_rate=expert.hourly_rate,
            profile_url=expert.profile_url,
            profile_url_utm=expert.profile_url_utm,
            category=expert.category,
            tags=None if expert.tags is None else list(expert.tags),
            tagged_by=expert.tagged_by,
            tagged_at=expert.tagged_at,
            findability_score=expert.findability_score,
            tagging_state=expert.tagging_state.value,
            tagging_error=expert.tagging_error,
            findability_advice=[
                FindabilityTipPublic.from_tip(t) for t in findability_advice(expert)
            ],
        )


class ExpertCreated(ExpertPublic):
    """The answer to an intake: the stored expert and what happened to its tags."""

    tagging: Literal["tagged", "no_bio", "retry_scheduled"] = Field(
        description="tagged: tags written now; no_bio: never tagged (no bio); retry_scheduled: "
        "tagging failed, the expert is saved untagged and tagging is retried in the background."
    )

    @classmethod
    def from_result(cls, result: IntakeResult) -> ExpertCreated:
        public = ExpertPublic.from_expert(result.expert)
        return cls(**public.model_dump(), tagging=result.tagging.value)


class ExpertPage(BaseModel):
    items: list[ExpertPublic]
    total: int = Field(description="Experts matching the filter, across all pages.")
    offset: int
    limit: int


class SearchHitPublic(BaseModel):
    rank: int = Field(description="1-based, across pages.")
    score: float = Field(description="Cosine similarity of the query and the expert, -1..1.")
    username: str
    name: str
    job_title: str | None
    company: str | None
    tags: list[str]
    findability_score: float | None
    profile_url: str | None
    hourly_rate: float | None
    matched_tags: list[str] = Field(
        description="The expert's tags that match the query, best first."
    )
    evidence: str | None = Field(
        description="The bio sentence closest to the query (null when none is close enough)."
    )

    @classmethod
    def from_hit(cls, rank: int, hit: SearchHit) -> SearchHitPublic:
        return cls(rank=rank, **hit_fields(hit))


class SearchResults(BaseModel):
    query: str
    k: int
    offset: int
    total: int = Field(description="Experts in the index that pass the filters (all if none).")
    hits: list[SearchHitPublic]

    @classmethod
    def from_page(cls, query: str, page: SearchPage) -> SearchResults:
        return cls(
            query=query,
            k=page.k,
            offset=page.offset,
            total=page.total,
            hits=[SearchHitPublic.from_hit(page.offset + i, h) for i, h in enumerate(page.hits, 1)],
        )


class IndexHealth(BaseModel):
    loaded: bool
    count: int | None = None
    embedder_model: str | None = None
    dimension: int | None = None
    built_at: datetime | None = None
    problem: str | None = None


class EmbedderHealth(BaseModel):
    model_id: str
    dimension: int
    matches_index: bool | None = Field(description="Null when no index is loaded.")


class DatabaseHealth(BaseModel):
    ok: bool
    experts: int | None = None
    problem: str | None = None


class Health(BaseModel):
    status: Literal["ok", "degraded", "down"] = Field(
        description="ok: database and index ready; degraded: search unavailable; down: no database."
    )
    database: DatabaseHealth
    index: IndexHealth
    embedder: EmbedderHealth
    admin_key_configured: bool


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable machine-readable code, e.g. duplicate_username.")
    message: str = Field(description="What happened and what to do next.")
    field: str | None = Field(default=None, description="The offending input field, if any.")


class ErrorBody(BaseModel):
    """Every error of the API has this shape."""

    error: ErrorDetail
