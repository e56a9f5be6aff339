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

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, BackgroundTasks, Depends, Query, Request, Response

from enrichment_core.errors import EnrichmentError
from enrichment_core.experts import MAX_HOURLY_RATE
from enrichment_core.filters import MAX_FILTER_TAGS, SearchFilters, TagMode
from enrichment_core.insights import GapField, directory_insights
from enrichment_core.intake import intake_expert
from enrichment_core.ports import ExpertSort, SortOrder, StateFilter
from enrichment_core.search import (
    DEFAULT_K,
    MAX_K,
    MAX_OFFSET,
    MAX_QUERY_CHARS,
    SearchRequest,
)
from enrichment_entrypoints.api.errors import ApiError, error_responses, translate
from enrichment_entrypoints.api.guards import BodyLimitRoute, admin_key_guard
from enrichment_entrypoints.api.insights import Insights
from enrichment_entrypoints.api.runs import add_runs_route
from enrichment_entrypoints.api.schemas import (
    MAX_PAGE,
    ExpertCreate,
    ExpertCreated,
    ExpertPage,
    ExpertPublic,
    SearchResults,
)
from enrichment_entrypoints.api.services import (
    ApiServices,
    BackgroundRetries,
    ServicesDep,
    get_services,
    in_thread,
    operation_id,
    provider,
)

__all__ = [
    "ApiServices",
    "ServicesDep",
    "create_admin_router",
    "create_search_router",
    "get_services",
    "operation_id",
]


# --- admin routes ----------------------------------------------------------------------------


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
            retries=BackgroundRetries(background, services),
            timeout_s=services.intake_timeout_s,
        )
    except EnrichmentError as exc:
        raise translate(exc) from None
    # Percent-encoded: a header is Latin-1 bytes, a username may be any Unicode.
    response.headers["Location"] = str(
        request.url_for("get_expert", username=quote(result.expert.username, safe=""))
    )
    return ExpertCreated.from_result(result)


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
    page = await in_thread(
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


async def get_expert(username: str, services: ServicesDep) -> ExpertPublic:
    expert = await in_thread(services.repo.get, username)
    if expert is None:
        raise ApiError(404, "expert_not_found", f"no expert with username {username!r}")
    return ExpertPublic.from_expert(expert)


async def get_insights(services: ServicesDep) -> Insights:
    """Aggregates of the whole directory; each number names the expert-list filter showing it."""
    return Insights.from_insights(await in_thread(directory_insights, services.repo))


def create_admin_router(services: ApiServices, *, require_admin_key: bool = True) -> APIRouter:
    """Routes ``/experts``, ``/experts/{username}`` and ``/insights`` (``create_app`` mounts them
    at /api/admin).

    ``require_admin_key=False`` drops the X-Admin-Key check: only for a host app whose own
    router dependencies already authenticate admins.
    """
    guard = [Depends(admin_key_guard(services.admin_secret))] if require_admin_key else []
    router = APIRouter(
        tags=["admin"],
        dependencies=[Depends(provider(services)), *guard],
        route_class=BodyLimitRoute,
        generate_unique_id_function=operation_id,
        responses=error_responses(401, 422, 503) if require_admin_key else error_responses(422),
    )
    router.add_api_route(
        "/experts",
        add_expert,
        methods=["POST"],
        status_code=201,
        response_model=ExpertCreated,
        responses=error_responses(409, 413, 500),
        summary="Add an expert, tagged and scored before the answer",
    )
    router.add_api_route(
        "/experts",
        list_experts,
        methods=["GET"],
        response_model=ExpertPage,
        summary="List experts with tags, score and tagging state",
    )
    router.add_api_route(
        "/insights",
        get_insights,
        methods=["GET"],
        response_model=Insights,
        summary="Directory insights: findability histogram, tagging states, tags, missing fields",
    )
    add_runs_route(router, services)
    router.add_api_route(
        "/experts/{username}",
        get_expert,
        methods=["GET"],
        name="get_expert",
        response_model=ExpertPublic,
        responses=error_responses(404),
        summary="One expert by username",
    )
    return router


# --- search ------------------------------------------------------------------------------------


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
    has_profile_url: Annotated[bool, Query(description="Only experts with a profile URL.")] = False,
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
    page = await services.search(SearchRequest(q, k, offset, filters))
    return SearchResults.from_page(q, page)


def create_search_router(services: ApiServices) -> APIRouter:
    """The public route ``/search`` (``create_app`` mounts it at /api)."""
    router = APIRouter(
        tags=["search"],
        dependencies=[Depends(provider(services))],
        generate_unique_id_function=operation_id,
    )
    router.add_api_route(
        "/search",
        search_experts,
        methods=["GET"],
        response_model=SearchResults,
        responses=error_responses(422, 503),
        summary="Find the best experts for a question",
    )
    return router
