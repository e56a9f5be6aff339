"""The mountable routers: admin (intake, listing) and search, over the core's use cases.

Each router is built from an ``ApiServices`` and carries everything it needs (its admin-key
check, its body-size limit, the translation of domain errors to HTTP statuses), so another
FastAPI service can include it under its own prefix and dependencies::

    services = ApiServices(repo=..., tagger=..., embedder=..., index=..., admin_key="...")
    app.include_router(create_admin_router(services), prefix="/internal/experts",
                       dependencies=[Depends(my_staff_only)])
    app.include_router(create_search_router(services), prefix="/api")
    install_error_handlers(app)  # optional: the one JSON error shape for the whole app
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, ParamSpec, TypeVar
from urllib.parse import quote

import anyio
from fastapi import APIRouter, BackgroundTasks, Depends, Query, Request, Response
from fastapi.routing import APIRoute
from pydantic import SecretStr

from enrichment_core.errors import EnrichmentError
from enrichment_core.experts import MAX_HOURLY_RATE
from enrichment_core.filters import MAX_FILTER_TAGS, SearchFilters, TagMode
from enrichment_core.insights import directory_insights
from enrichment_core.intake import (
    DEFAULT_INTAKE_TIMEOUT_S,
    DEFAULT_RETRY_TIMEOUT_S,
    intake_expert,
    retry_tagging,
)
from enrichment_core.offload import off_thread
from enrichment_core.ports import (
    Embedder,
    ExpertRepo,
    ExpertSort,
    SearchIndex,
    SortOrder,
    StateFilter,
    TagGenerator,
    VectorCache,
)
from enrichment_core.search import DEFAULT_K, MAX_K, MAX_OFFSET, MAX_QUERY_CHARS, search_page
from enrichment_entrypoints.api.errors import ApiError, error_responses, translate
from enrichment_entrypoints.api.guards import BodyLimitRoute, admin_key_guard
from enrichment_entrypoints.api.insights import Insights
from enrichment_entrypoints.api.schemas import (
    MAX_PAGE,
    ExpertCreate,
    ExpertCreated,
    ExpertPage,
    ExpertPublic,
    GapField,
    SearchResults,
)

log = logging.getLogger("enrichment_entrypoints.api")

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(slots=True)
class ApiServices:
    """What the routes need: the ports, the admin secret and the intake timings."""

    repo: ExpertRepo
    tagger: TagGenerator
    embedder: Embedder
    index: SearchIndex
    admin_key: SecretStr | str | None = None
    intake_timeout_s: float = DEFAULT_INTAKE_TIMEOUT_S
    retry_timeout_s: float = DEFAULT_RETRY_TIMEOUT_S
    retry_delay_s: float = 1.0
    explanations: VectorCache | None = None  # the ingest's vector cache: why each hit matched

    def admin_secret(self) -> str | None:
        key = self.admin_key
        value = key.get_secret_value() if isinstance(key, SecretStr) else key
        return value or None


# --- admin routes ----------------------------------------------------------------------------


class _BackgroundRetries:
    """The core's ``RetryScheduler`` on FastAPI ``BackgroundTasks``: runs after the response."""

    def __init__(self, tasks: BackgroundTasks, services: ApiServices) -> None:
        self._tasks = tasks
        self._services = services

    def schedule_tagging_retry(self, expert_id: int) -> None:
        self._tasks.add_task(_retry_later, expert_id, self._services)


async def _retry_later(expert_id: int, services: ApiServices) -> None:
    if services.retry_delay_s > 0:
        await anyio.sleep(services.retry_delay_s)
    outcome = await retry_tagging(
        expert_id, services.repo, services.tagger, timeout_s=services.retry_timeout_s
    )
    log.info("background tagging retry expert_id=%s outcome=%s", expert_id, outcome.value)


def operation_id(route: APIRoute) -> str:
    """OpenAPI operation ids from the route names: ``add_expert``, ``search_experts``..."""
    return route.name


async def _in_thread(call: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """A blocking port call off the event loop, its domain errors translated."""
    try:
        return await off_thread(call, *args, **kwargs)
    except EnrichmentError as exc:
        raise translate(exc) from None


# --- the services as a dependency --------------------------------------------------------------

_SCOPE_KEY = "enrichment.services"


def _provider(services: ApiServices) -> Callable[[Request], None]:
    """A router dependency handing the router's services to its routes (``get_services``)."""

    def provide_services(request: Request) -> None:
        request.scope[_SCOPE_KEY] = services

    return provide_services


def get_services(request: Request) -> ApiServices:
    """The ``ApiServices`` of the router that matched the request (override it in tests)."""
    services: ApiServices = request.scope[_SCOPE_KEY]
    return services


ServicesDep = Annotated[ApiServices, Depends(get_services)]


def create_admin_router(services: ApiServices, *, require_admin_key: bool = True) -> APIRouter:
    """Routes ``/experts`` and ``/experts/{username}`` (``create_app`` mounts them at /api/admin).

    ``require_admin_key=False`` drops the X-Admin-Key check: only for a host app whose own
    router dependencies already authenticate admins.
    """
    guard = [Depends(admin_key_guard(services.admin_secret))] if require_admin_key else []
    router = APIRouter(
        tags=["admin"],
        dependencies=[Depends(_provider(services)), *guard],
        route_class=BodyLimitRoute,
        generate_unique_id_function=operation_id,
        responses=error_responses(401, 422, 503) if require_admin_key else error_responses(422),
    )

    @router.post(
        "/experts",
        status_code=201,
        response_model=ExpertCreated,
        responses=error_responses(409, 413, 500),
        summary="Add an expert, tagged and scored before the answer",
    )
    async def add_expert(
        body: ExpertCreate,
        background: BackgroundTasks,
        request: Request,
        response: Response,
        services: ServicesDep,
    ) -> ExpertCreated:
        """Validate and save one expert, tag it synchronously when it has a bio, score it.

        If tagging fails or times out the expert is still saved (tags null, scored with 0 tag
        points), ``tagging`` is ``retry_scheduled`` and tagging is retried in the background.
        """
        try:
            result = await intake_expert(
                body.model_dump(),
                repo=services.repo,
                tagger=services.tagger,
                retries=_BackgroundRetries(background, services),
                timeout_s=services.intake_timeout_s,
            )
        except EnrichmentError as exc:
            raise translate(exc) from None
        # Percent-encoded: a header is Latin-1 bytes, a username may be any Unicode.
        response.headers["Location"] = str(
            request.url_for("get_expert", username=quote(result.expert.username, safe=""))
        )
        return ExpertCreated.from_result(result)

    @router.get(
        "/experts",
        response_model=ExpertPage,
        summary="List experts with tags, score and tagging state",
    )
    async def list_experts(
        services: ServicesDep,
        offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
        state: Annotated[
            StateFilter | None, Query(description="Only experts in this tagging state.")
        ] = None,
        sort: ExpertSort = ExpertSort.ID,
        order: SortOrder = SortOrder.ASC,
        tag: Annotated[
            str | None,
            Query(min_length=1, max_length=100, description="Only experts with this tag."),
        ] = None,
        min_findability: Annotated[
            float | None, Query(ge=0, le=100, description="Only scores at least this.")
        ] = None,
        findability_below: Annotated[
            float | None, Query(ge=0, le=100, description="Only scores below this.")
        ] = None,
        missing: Annotated[
            GapField | None, Query(description="Only experts missing this profile field.")
        ] = None,
    ) -> ExpertPage:
        tagging_state, tagged = state.criteria() if state else (None, None)
        page = await _in_thread(
            services.repo.page,
            offset=offset,
            limit=limit,
            state=tagging_state,
            tagged=tagged,
            sort=sort,
            descending=order is SortOrder.DESC,
            tag=tag,
            min_findability=min_findability,
            findability_below=findability_below,
            missing=missing.value if missing else None,
        )
        return ExpertPage(
            items=[ExpertPublic.from_expert(e) for e in page.experts],
            total=page.total,
            offset=offset,
            limit=limit,
        )

    @router.get(
        "/insights",
        response_model=Insights,
        summary="Directory insights: findability histogram, tagging states, tags, missing fields",
    )
    async def get_insights(services: ServicesDep) -> Insights:
        """Aggregates of the whole directory; each number names the expert-list filter showing it."""
        return Insights.from_insights(await _in_thread(directory_insights, services.repo))

    @router.get(
        "/experts/{username}",
        name="get_expert",
        response_model=ExpertPublic,
        responses=error_responses(404),
        summary="One expert by username",
    )
    async def get_expert(username: str, services: ServicesDep) -> ExpertPublic:
        expert = await _in_thread(services.repo.get, username)
        if expert is None:
            raise ApiError(404, "expert_not_found", f"no expert with username {username!r}")
        return ExpertPublic.from_expert(expert)

    return router


# --- search ------------------------------------------------------------------------------------


def create_search_router(services: ApiServices) -> APIRouter:
    """The public route ``/search`` (``create_app`` mounts it at /api)."""
    router = APIRouter(
        tags=["search"],
        dependencies=[Depends(_provider(services))],
        generate_unique_id_function=operation_id,
    )

    @router.get(
        "/search",
        response_model=SearchResults,
        responses=error_responses(422, 503),
        summary="Find the best experts for a question",
    )
    async def search_experts(
        services: ServicesDep,
        q: Annotated[
            str,
            Query(
                min_length=1,
                max_length=MAX_QUERY_CHARS,
                description="What the client needs, e.g. 'R&D tax credits for a startup'.",
            ),
        ],
        k: Annotated[int, Query(ge=1, le=MAX_K, description="How many experts.")] = DEFAULT_K,
        offset: Annotated[
            int, Query(ge=0, le=MAX_OFFSET, description="Skip this many ranked experts (paging).")
        ] = 0,
        max_rate: Annotated[
            float | None,
            Query(
                ge=0,
                le=MAX_HOURLY_RATE,
                description="Only experts whose hourly rate is known and at most this.",
            ),
        ] = None,
        tag: Annotated[
            list[str] | None,
            Query(
                max_length=MAX_FILTER_TAGS,
                description="Required tag; repeat for several (see tag_mode).",
            ),
        ] = None,
        tag_mode: Annotated[
            TagMode, Query(description="any: at least one of the tags; all: every tag.")
        ] = TagMode.ANY,
        min_findability: Annotated[
            float | None, Query(ge=0, le=100, description="Only findability at least this.")
        ] = None,
        has_profile_url: Annotated[
            bool, Query(description="Only experts with a profile URL.")
        ] = False,
    ) -> SearchResults:
        """Search the promoted index. Filters apply before ranking, so a page is full whenever
        enough experts pass; ``total`` counts them. 503 until an index has been promoted."""
        try:
            filters = SearchFilters.build(
                max_rate=max_rate,
                tags=tag or (),
                tag_mode=tag_mode,
                min_findability=min_findability,
                has_profile_url=has_profile_url,
            )
        except EnrichmentError as exc:
            raise translate(exc) from None
        page = await _in_thread(
            search_page,
            q,
            embedder=services.embedder,
            index=services.index,
            k=k,
            offset=offset,
            filters=filters,
            explain_with=services.explanations,
        )
        return SearchResults.from_page(q, page)

    return router
