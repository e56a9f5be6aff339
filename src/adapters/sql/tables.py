"""The tables: ``experts`` (the directory) and the tagging-run records (runs, batch jobs, the
experts each open job holds). ``schema`` creates and migrates them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class ExpertRow(Base):
    __tablename__ = "experts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(100), unique=True, nullable=False)
    # enrichment_core.experts.username_key(username): unique, so usernames are unique
    # regardless of case. Computed in Python, identically on SQLite (whose lower() folds
    # ASCII only) and PostgreSQL.
    username_key: Mapped[str | None] = mapped_column(Text)
    first_name: Mapped[str | None] = mapped_column(Text)
    last_name: Mapped[str | None] = mapped_column(Text)
    job_title: Mapped[str | None] = mapped_column(Text)
    company: Mapped[str | None] = mapped_column(Text)
    bio: Mapped[str | None] = mapped_column(Text)
    hourly_rate: Mapped[float | None] = mapped_column(Float)
    profile_url: Mapped[str | None] = mapped_column(Text)
    profile_url_utm: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(Text)
    # Added by the enrichment migration to tables that predate it (FIND-02).
    tags: Mapped[str | None] = mapped_column(Text)  # JSON list of normalized tags; NULL = untagged
    findability_score: Mapped[float | None] = mapped_column(Float)  # REAL
    tagged_by: Mapped[str | None] = mapped_column(Text)
    tagged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    tagging_error: Mapped[str | None] = mapped_column(Text)
    # Claims (enrichment_adapters.sql.claims): which run holds the expert, until (Unix time).
    claimed_by: Mapped[str | None] = mapped_column(Text)
    claimed_until: Mapped[float | None] = mapped_column(Float)


class TagRunRow(Base):
    """One ``enrich tag`` run with its usage and estimated cost (issue 13)."""

    __tablename__ = "tag_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    mode: Mapped[str] = mapped_column(String(20), nullable=False)
    tagger: Mapped[str] = mapped_column(Text, nullable=False)
    model: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent: Mapped[int] = mapped_column(Integer, default=0)
    tagged: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    skipped_no_bio: Mapped[int] = mapped_column(Integer, default=0)
    batch_jobs: Mapped[int] = mapped_column(Integer, default=0)
    requests: Mapped[int] = mapped_column(Integer, default=0)
    prompt_tokens: Mapped[int] = mapped_column(Integer, default=0)
    cached_tokens: Mapped[int] = mapped_column(Integer, default=0)
    output_tokens: Mapped[int] = mapped_column(Integer, default=0)
    thinking_tokens: Mapped[int] = mapped_column(Integer, default=0)
    cost_usd: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text)


class BatchJobRow(Base):
    """A Gemini Batch API job, recorded before it is created (issue 13)."""

    __tablename__ = "batch_jobs"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str | None] = mapped_column(Text)
    run_id: Mapped[int | None] = mapped_column(Integer)
    model: Mapped[str] = mapped_column(Text, nullable=False)
    state: Mapped[str] = mapped_column(String(20), nullable=False)
    request_count: Mapped[int] = mapped_column(Integer, default=0)
    estimated_tokens: Mapped[int] = mapped_column(Integer, default=0)
    succeeded: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    error: Mapped[str | None] = mapped_column(Text)
    expert_ids: Mapped[str] = mapped_column(Text, nullable=False)  # JSON list, kept for history


class BatchClaimRow(Base):
    """An expert held by an open batch job; the primary key lets only one job hold it."""

    __tablename__ = "batch_job_experts"

    expert_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    job_key: Mapped[str] = mapped_column(
        String(100), ForeignKey("batch_jobs.key", ondelete="CASCADE"), nullable=False
    )
