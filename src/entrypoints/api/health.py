"""``GET /healthz``: database, index and embedder status (public; 503 only when the database is down)."""

from __future__ import annotations

import logging
from typing import Literal

from fastapi import FastAPI, Response

from enrichment_core.offload import off_thread
from enrichment_entrypoints.api.schemas import DatabaseHealth, EmbedderHealth, Health, IndexHealth
from enrichment_entrypoints.api.services import ApiServices

log = logging.getLogger("enrichment_entrypoints.api")


# Public answers say what is wrong in product terms; the details (paths, driver and FAISS
# messages) go to the server log.
INDEX_PROBLEM = "the search index cannot be loaded; run `enrich ingest` to rebuild it"
DATABASE_PROBLEM = "the database is unavailable; the server log has the details"


def index_status(services: ApiServices) -> IndexHealth:
    try:
        manifest = services.index.manifest()
    except Exception as exc:  # noqa: BLE001 - any failure means "not loaded"; the log says why
        log.warning("health check: search index unavailable: %s", exc)
        return IndexHealth(loaded=False, problem=INDEX_PROBLEM)
    if manifest is None:
        return IndexHealth(
            loaded=False, problem="no index has been promoted yet: run `enrich ingest`"
        )
    return IndexHealth(
        loaded=True,
        count=manifest.count,
        embedder_model=manifest.embedder_model,
        dimension=manifest.dimension,
        built_at=manifest.built_at,
    )


def _database_status(services: ApiServices) -> DatabaseHealth:
    try:
        return DatabaseHealth(ok=True, experts=services.repo.count())
    except Exception as exc:  # noqa: BLE001 - any failure means "not healthy"; the answer says which
        log.warning("health check: database unavailable: %s", exc)
        return DatabaseHealth(ok=False, problem=DATABASE_PROBLEM)


async def health(services: ApiServices) -> tuple[Health, int]:
    database = await off_thread(_database_status, services)
    index = await off_thread(index_status, services)
    embedder = services.embedder
    matches = None
    if index.loaded:
        matches = (index.embedder_model, index.dimension) == (embedder.model_id, embedder.dimension)
    status: Literal["ok", "degraded", "down"] = (
        "down" if not database.ok else "ok" if index.loaded and matches else "degraded"
    )
    report = Health(
        status=status,
        database=database,
        index=index,
        embedder=EmbedderHealth(
            model_id=embedder.model_id, dimension=embedder.dimension, matches_index=matches
        ),
        admin_key_configured=services.admin_secret() is not None,
    )
    return report, 503 if status == "down" else 200


def add_health_route(app: FastAPI, services: ApiServices) -> None:
    @app.get(
        "/healthz",
        response_model=Health,
        responses={503: {"model": Health, "description": "The database is unavailable"}},
        tags=["health"],
        summary="Database, index and embedder status",
    )
    async def healthz(response: Response) -> Health:
        report, status_code = await health(services)
        response.status_code = status_code
        return report
