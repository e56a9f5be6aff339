"""``GET /runs`` (mounted at /api/admin): recent tagging runs with their tokens and estimated
cost, and the batch jobs still open — what ``enrich runs`` prints, for the admin page."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from enrichment_core.runs import BatchJobRecord, TagRunRecord
from enrichment_entrypoints.api.errors import ApiError
from enrichment_entrypoints.api.services import ApiServices, ServicesDep, in_thread


class RunPublic(BaseModel):
    id: int
    mode: str = Field(description="online | batch")
    tagger: str
    model: str | None
    status: str = Field(description="running | completed | interrupted | aborted")
    started_at: datetime
    finished_at: datetime | None
    sent: int = Field(description="Requests answered by the model.")
    tagged: int
    failed: int
    skipped_no_bio: int
    batch_jobs: int
    prompt_tokens: int = Field(description="Including the cached ones.")
    cached_tokens: int
    output_tokens: int
    thinking_tokens: int
    cost_usd: float | None = Field(description="Estimated from ENRICH_PRICES; null if unpriced.")
    note: str | None

    @classmethod
    def from_record(cls, run: TagRunRecord) -> RunPublic:
        return cls(
            id=run.id,
            mode=run.mode,
            tagger=run.tagger,
            model=run.model,
            status=run.status.value,
            started_at=run.started_at,
            finished_at=run.finished_at,
            sent=run.sent,
            tagged=run.tagged,
            failed=run.failed,
            skipped_no_bio=run.skipped_no_bio,
            batch_jobs=run.batch_jobs,
            prompt_tokens=run.usage.prompt,
            cached_tokens=run.usage.cached,
            output_tokens=run.usage.output,
            thinking_tokens=run.usage.thinking,
            cost_usd=run.cost_usd,
            note=run.note,
        )


class BatchJobPublic(BaseModel):
    key: str
    name: str | None = Field(description="The provider's job name (batches/...) once created.")
    state: str
    experts: int
    created_at: datetime

    @classmethod
    def from_record(cls, job: BatchJobRecord) -> BatchJobPublic:
        return cls(
            key=job.key,
            name=job.name,
            state=job.state.value,
            experts=len(job.expert_ids),
            created_at=job.created_at,
        )


class RunsPage(BaseModel):
    runs: list[RunPublic] = Field(description="Most recent first.")
    open_jobs: list[BatchJobPublic] = Field(description="Batch jobs still holding experts.")


async def list_runs(
    services: ServicesDep, limit: Annotated[int, Query(ge=1, le=200)] = 20
) -> RunsPage:
    """The most recent runs first, and the batch jobs still holding experts."""
    store = services.runs
    if store is None:
        raise ApiError(404, "not_found", "this service keeps no run records")
    runs = await in_thread(store.list_runs, limit=limit)
    jobs = await in_thread(store.open_jobs)
    return RunsPage(
        runs=[RunPublic.from_record(r) for r in runs],
        open_jobs=[BatchJobPublic.from_record(j) for j in jobs],
    )


def add_runs_route(router: APIRouter, services: ApiServices) -> None:
    """Add ``GET /runs`` to the admin router (nothing when the service keeps no run records)."""
    if services.runs is None:
        return
    router.add_api_route(
        "/runs",
        list_runs,
        methods=["GET"],
        name="list_runs",
        response_model=RunsPage,
        summary="Recent tagging runs: counts, tokens and estimated cost; open batch jobs",
    )
