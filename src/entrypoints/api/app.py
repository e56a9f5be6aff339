"""The HTTP adapter: ``create_app(settings)`` builds the FastAPI app (admin API, search, admin page).

Routes (the routers themselves live in ``api.routes`` and can be mounted by other services):

    POST /api/admin/experts             add an expert, tagged and scored synchronously  (admin)
    GET  /api/admin/experts             list experts: paging, state filter, sorting     (admin)
    GET  /api/admin/experts/{username}  one expert                                      (admin)
    GET  /api/search?q=...&k=...        search the promoted index                       (public)
    GET  /healthz                       database, index and embedder status             (public)
    GET  /admin                         the admin page (static HTML + JS)
    GET  /docs, /redoc                  API docs, assets served locally (work offline)

The promoted index is loaded at start-up, never built here; without one, search answers 503 and
the rest keeps working, and an index promoted later by ``enrich ingest`` is picked up without a
restart (the index adapter reloads on change).
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from functools import partial
from pathlib import Path

import anyio
from fastapi import FastAPI
from fastapi.responses import FileResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from enrichment_core import __version__
from enrichment_core.offload import off_thread
from enrichment_core.ports import Embedder, ExpertRepo, TagGenerator, TagRequest, VectorIndex
from enrichment_core.search import SearchRequest
from enrichment_entrypoints.api.docs import install_offline_docs
from enrichment_entrypoints.api.errors import install_error_handlers
from enrichment_entrypoints.api.guards import ADMIN_KEY_ENV
from enrichment_entrypoints.api.health import add_health_route, index_status
from enrichment_entrypoints.api.routes import (
    ApiServices,
    create_admin_router,
    create_search_router,
    operation_id,
)
from enrichment_entrypoints.settings import Settings
from enrichment_entrypoints.wiring import Services

log = logging.getLogger("enrichment_entrypoints.api")

STATIC_DIR = Path(__file__).resolve().parent / "static"
FAVICON_URL = "/admin/static/favicon.svg"
ADMIN_PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
_WARM_UP_REQUEST = TagRequest(
    username="warm-up", job_title="Tax attorney", bio="Warm-up: R&D tax credits for startups."
)


class _SecurityHeaders:
    """nosniff everywhere; a strict Content-Security-Policy on the admin page and its assets."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_page = str(scope.get("path", "")).startswith("/admin")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "no-referrer")
                if is_page:
                    headers.setdefault("Content-Security-Policy", ADMIN_PAGE_CSP)
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _warm_up(services: ApiServices, *, tagger: bool, embedder: bool) -> None:
    """Load the local model in the background so the first intake/search is not the slow one."""
    started = time.monotonic()
    try:
        if embedder:  # a search, so that the searcher's own model path is the one warmed
            await services.search(SearchRequest("warm-up: R&D tax credits"))
        if tagger:
            await services.tagger.generate_tags(_WARM_UP_REQUEST)
    except Exception as exc:  # noqa: BLE001 - best effort: the first real request reports it
        log.warning("warm-up of the local model failed: %s", exc)
        return
    log.info("local model warmed up in %.1fs", time.monotonic() - started)


def api_services(container: Services, *, retry_delay_s: float = 1.0) -> ApiServices:
    """What the routers need, taken from the composition root."""
    return ApiServices(
        repo=container.repo,
        tagger=container.tagger,
        embedder=container.embedder,
        index=container.index,
        admin_key=container.settings.admin_key,
        intake_timeout_s=container.intake_timeout_s,
        retry_timeout_s=container.retry_timeout_s,
        retry_delay_s=retry_delay_s,
        explanations=container.search_vectors,
        runs=container.run_store,
        searcher=container.searcher,  # concurrent searches share one model pass
    )


def _lifespan(
    container: Services, services: ApiServices, *, warm_tagger: bool, warm_embedder: bool
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """Start-up (load the index, never build it; warm the local model) and shutdown (close)."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if services.admin_secret() is None:
            log.warning(
                "%s is not set: every admin route answers 503 until you set it and restart",
                ADMIN_KEY_ENV,
            )
        status = await off_thread(index_status, services)  # loads, never builds
        if status.loaded:
            log.info("search index loaded: %s experts (%s)", status.count, status.embedder_model)
        else:
            log.warning(
                "search is unavailable (503) until an index is promoted: %s", status.problem
            )
        warm_model = warm_embedder and status.loaded  # a query embedder needs an index to serve
        async with anyio.create_task_group() as group:
            if warm_tagger or warm_model:
                group.start_soon(
                    partial(_warm_up, services, tagger=warm_tagger, embedder=warm_model)
                )
            yield
            group.cancel_scope.cancel()
        await container.aclose()  # only what it built; callers close what they passed in

    return lifespan


def _add_page_routes(app: FastAPI) -> None:
    """The admin page, its assets, the favicon, and ``/`` redirecting to the page."""

    @app.get("/admin", include_in_schema=False)
    async def admin_page() -> FileResponse:
        return FileResponse(STATIC_DIR / "admin.html", media_type="text/html")

    @app.get("/", include_in_schema=False)
    async def root() -> RedirectResponse:
        return RedirectResponse("/admin")

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> FileResponse:
        return FileResponse(STATIC_DIR / "favicon.svg", media_type="image/svg+xml")

    app.mount("/admin/static", StaticFiles(directory=STATIC_DIR), name="admin-static")


def create_app(
    settings: Settings | None = None,
    *,
    repo: ExpertRepo | None = None,
    tagger: TagGenerator | None = None,
    embedder: Embedder | None = None,
    index: VectorIndex | None = None,
    retry_delay_s: float = 1.0,
    warm_up: bool = True,
) -> FastAPI:
    """The whole HTTP service. Ports not given are built from ``settings`` by ``wiring.Services``,
    which closes them at shutdown (ports passed in belong to the caller and stay open).

    ``retry_delay_s`` is the pause before a background tagging retry; ``warm_up`` loads the
    local model at start-up (in the background) when the tagger or embedder built here is local.
    """
    container = Services(settings, repo=repo, tagger=tagger, embedder=embedder, index=index)
    services = api_services(container, retry_delay_s=retry_delay_s)
    app = FastAPI(
        title="Expert enrichment",
        summary="Admin intake with synchronous tagging, expert listing and semantic search.",
        version=__version__,
        lifespan=_lifespan(
            container,
            services,
            warm_tagger=warm_up and container.uses_local_model("tagger"),
            warm_embedder=warm_up and container.uses_local_model("embedder"),
        ),
        generate_unique_id_function=operation_id,
        docs_url=None,  # served from local files below: no CDN, works offline
        redoc_url=None,
    )
    app.state.services = services
    app.add_middleware(_SecurityHeaders)
    install_error_handlers(app)
    app.include_router(create_admin_router(services), prefix="/api/admin")
    app.include_router(create_search_router(services), prefix="/api")
    add_health_route(app, services)
    _add_page_routes(app)
    install_offline_docs(app, favicon_url=FAVICON_URL)
    return app
