"""One JSON error shape for every error the HTTP API returns, FastAPI's own included.

``{"error": {"code": "duplicate_username", "message": "...", "field": "username"}}``

Domain exceptions are translated here, once. Nothing else reaches a client: an unexpected
exception is logged with its traceback and answered with a generic 500.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from enrichment_core.errors import (
    DuplicateExpertError,
    EmbedderMismatchError,
    EmbedderUnavailableError,
    EmbeddingError,
    EnrichmentError,
    ExpertNotFoundError,
    IndexNotFoundError,
    InvalidExpertError,
    InvalidQueryError,
    StorageError,
    TaggerUnavailableError,
)
from enrichment_entrypoints.api.schemas import ErrorBody, ErrorDetail

log = logging.getLogger("enrichment_entrypoints.api")


class ApiError(StarletteHTTPException):
    """An error answer decided by a route: status, stable code, message, optional field.

    An ``HTTPException``, so a host app without ``install_error_handlers`` still answers with
    the right status (in FastAPI's ``{"detail": ...}`` shape).
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(status_code=status, detail=message, headers=headers)
        self.status = status
        self.code = code
        self.message = message
        self.field = field


def error_response(
    status: int,
    code: str,
    message: str,
    field: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body = ErrorBody(error=ErrorDetail(code=code, message=message, field=field))
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entries documenting the error shape for these status codes."""
    return {
        status: {"model": ErrorBody, "description": HTTPStatus(status).phrase}
        for status in statuses
    }


@dataclass(frozen=True, slots=True)
class ErrorRule:
    """How one kind of domain error answers: status, stable code, message template, field.

    ``message`` is formatted with ``exc`` (the exception); ``field_attr`` names an attribute of
    the exception holding the field, for errors that know which one is wrong.
    """

    error: type[EnrichmentError] | tuple[type[EnrichmentError], ...]
    status: int
    code: str
    message: str = "{exc}"
    field: str | None = None
    field_attr: str | None = None
    detail_to_log: bool = False  # the message says it in product terms; the log gets ``exc``


# First match wins: list a subclass before its base class.
ERROR_TABLE: tuple[ErrorRule, ...] = (
    ErrorRule(InvalidExpertError, 422, "invalid_expert", field_attr="field"),
    ErrorRule(
        DuplicateExpertError,
        409,
        "duplicate_username",
        "{exc}: choose another username (existing experts are never overwritten)",
        field="username",
    ),
    ErrorRule(ExpertNotFoundError, 404, "expert_not_found"),
    ErrorRule(InvalidQueryError, 422, "invalid_query", field="q"),
    ErrorRule(
        IndexNotFoundError,
        503,
        "index_not_ready",
        "search is unavailable: no search index is loaded; run `enrich ingest`",
        detail_to_log=True,
    ),
    ErrorRule(EmbedderMismatchError, 503, "embedder_mismatch", "search is misconfigured: {exc}"),
    ErrorRule(
        (EmbeddingError, EmbedderUnavailableError),
        503,
        "embedder_unavailable",
        "search failed: the embedding model is unavailable; try again later",
        detail_to_log=True,
    ),
    ErrorRule(TaggerUnavailableError, 503, "tagger_unavailable"),
    ErrorRule(
        StorageError,
        503,
        "database_unavailable",
        "the database is unavailable; try again later (the server log has the details)",
        detail_to_log=True,
    ),
)
_FALLBACK = ErrorRule(EnrichmentError, 500, "enrichment_error")


def translate(exc: EnrichmentError) -> ApiError:
    """A domain exception -> the answer a client gets (the first matching ``ERROR_TABLE`` row)."""
    rule = next((r for r in ERROR_TABLE if isinstance(exc, r.error)), _FALLBACK)
    if rule.detail_to_log:
        log.warning("%s: %s", rule.code, exc)
    field = rule.field
    if rule.field_attr is not None:
        field = str(getattr(exc, rule.field_attr, "")) or None
    return ApiError(rule.status, rule.code, rule.message.format(exc=exc), field=field)


def _validation_field(loc: tuple[Any, ...]) -> str | None:
    """``("body", "bio")`` -> ``"bio"``; ``("query", "k")`` -> ``"k"``; whole body -> None."""
    parts = [str(p) for p in loc[1:] if not isinstance(p, int)] if len(loc) > 1 else []
    return ".".join(parts) or None


async def _on_api_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.code, exc.message, exc.field, exc.headers)


async def _on_enrichment_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, EnrichmentError)
    api_error = translate(exc)
    if api_error.status >= 500:
        log.warning("%s: %s", api_error.code, api_error.message)
    return error_response(api_error.status, api_error.code, api_error.message, api_error.field)


async def _on_validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    if not errors:
        return error_response(422, "invalid_request", "the request is invalid")
    first = errors[0]
    loc = tuple(first.get("loc", ()))
    if first.get("type") == "json_invalid":
        return error_response(
            422, "invalid_json", "the request body is not valid JSON: send a JSON object"
        )
    field = _validation_field(loc)
    reason = str(first.get("msg", "is invalid"))
    if first.get("type") == "extra_forbidden":
        reason = "is not a known field"
    where = field or (loc[0] if loc else "request")
    more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
    return error_response(422, "validation_error", f"{where}: {reason}{more}", field)


async def _on_http_exception(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    code = {404: "not_found", 405: "method_not_allowed", 413: "body_too_large"}.get(
        status, HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")
    )
    message = exc.detail if isinstance(exc.detail, str) else HTTPStatus(status).phrase
    if status == 404 and message == "Not Found":
        message = "no such route: see /docs for the API"
    return error_response(status, code, message, headers=getattr(exc, "headers", None))


async def _on_unexpected(_request: Request, exc: Exception) -> JSONResponse:
    log.error("unhandled error", exc_info=exc)
    return error_response(
        500, "internal_error", "internal error: the server logged the details; try again later"
    )


def install_error_handlers(app: FastAPI) -> None:
    """Give ``app`` the one error shape (call it on a host app that mounts the routers)."""
    app.add_exception_handler(ApiError, _on_api_error)
    app.add_exception_handler(EnrichmentError, _on_enrichment_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_exception)
    app.add_exception_handler(Exception, _on_unexpected)
