"""What the routes run on: ``ApiServices`` (the ports, the admin secret, the intake timings) and
the ``ServicesDep`` dependency that hands each route the services of the router it belongs to.

Each router built by ``create_admin_router``/``create_search_router`` carries its own
``ApiServices`` (a router dependency puts them in the request scope), so one host app can mount
routers over different services; ``app.dependency_overrides[get_services]`` replaces them in
tests.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, ParamSpec, Protocol, TypeVar

import anyio
from fastapi import BackgroundTasks, Depends, Request
from fastapi.routing import APIRoute
from pydantic import SecretStr

from enrichment_core.errors import EnrichmentError
from enrichment_core.intake import DEFAULT_INTAKE_TIMEOUT_S, DEFAULT_RETRY_TIMEOUT_S, retry_tagging
from enrichment_core.offload import off_thread
from enrichment_core.ports import Embedder, ExpertRepo, SearchIndex, TagGenerator, VectorCache
from enrichment_core.runs import RunStore
from enrichment_core.search import SearchPage, SearchRequest, search_page
from enrichment_entrypoints.api.errors import translate

log = logging.getLogger("enrichment_entrypoints.api")

P = ParamSpec("P")
T = TypeVar("T")

_SCOPE_KEY = "enrichment.services"


class Searcher(Protocol):
    """The search use case (``enrichment_core.search.search_page``), awaited."""

    async def search_async(self, request: SearchRequest) -> SearchPage: ...


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
    runs: RunStore | None = None  # tag-run records for GET /runs (none: the route is absent)
    # Runs the searches (e.g. ``BatchedSearch``: concurrent ones share a model pass); none: each
    # search runs the use case over ``embedder``/``index`` in a worker thread.
    searcher: Searcher | None = None

    async def search(self, request: SearchRequest) -> SearchPage:
        """``request``'s page, from ``searcher`` or else the use case in a worker thread."""
        try:
            if self.searcher is not None:
                return await self.searcher.search_async(request)
            return await off_thread(
                search_page,
                request.query,
                embedder=self.embedder,
                index=self.index,
                k=request.k,
                offset=request.offset,
                filters=request.filters,
                explain_with=self.explanations,
            )
        except EnrichmentError as exc:
            raise translate(exc) from None

    def admin_secret(self) -> str | None:
        key = self.admin_key
        value = key.get_secret_value() if isinstance(key, SecretStr) else key
        return value or None


def provider(services: ApiServices) -> Callable[[Request], Awaitable[None]]:
    """A router dependency handing the router's services to its routes (``get_services``)."""

    async def provide_services(request: Request) -> None:  # async: no worker thread per request
        request.scope[_SCOPE_KEY] = services

    return provide_services


async def get_services(request: Request) -> ApiServices:
    """The ``ApiServices`` of the router that matched the request."""
    services: ApiServices = request.scope[_SCOPE_KEY]
    return services


ServicesDep = Annotated[ApiServices, Depends(get_services)]


def operation_id(route: APIRoute) -> str:
    """OpenAPI operation ids from the route names: ``add_expert``, ``search_experts``..."""
    return route.name


async def in_thread(call: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """A blocking port call off the event loop, its domain errors translated."""
    try:
        return await off_thread(call, *args, **kwargs)
    except EnrichmentError as exc:
        raise translate(exc) from None


class BackgroundRetries:
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
