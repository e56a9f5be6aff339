"""What guards the admin routes: the X-Admin-Key check and the request body size limit.

Both travel with the router (a dependency and a route class), so a host app that mounts the
admin router keeps them.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Request, Response, Security
from fastapi.routing import APIRoute
from fastapi.security import APIKeyHeader
from starlette.types import Message, Receive

from enrichment_entrypoints.api.errors import ApiError

MAX_BODY_BYTES = 64 * 1024
ADMIN_KEY_HEADER = "X-Admin-Key"
ADMIN_KEY_ENV = "ENRICH_ADMIN_KEY"


# --- request body limit ----------------------------------------------------------------------


def _too_large(limit: int) -> ApiError:
    return ApiError(
        413,
        "body_too_large",
        f"the request body is larger than {limit // 1024} KB; shorten the bio or other fields",
    )


class BodyLimitRoute(APIRoute):
    """An ``APIRoute`` refusing bodies over ``MAX_BODY_BYTES`` with 413, before they are parsed.

    Checks the declared Content-Length and counts what is actually received (chunked uploads).
    It travels with the router, so a host app that mounts it keeps the limit.
    """

    max_body_bytes = MAX_BODY_BYTES

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        limit = self.max_body_bytes

        async def limited(request: Request) -> Response:
            declared = request.headers.get("content-length")
            if declared is not None and (not declared.isdigit() or int(declared) > limit):
                raise _too_large(limit)
            received = 0
            upstream: Receive = request.receive

            async def counting_receive() -> Message:
                nonlocal received
                message = await upstream()
                received += len(message.get("body", b""))
                if received > limit:
                    raise _too_large(limit)
                return message

            return await handler(Request(request.scope, counting_receive))

        return limited


# --- admin key -------------------------------------------------------------------------------

_admin_key_header = APIKeyHeader(
    name=ADMIN_KEY_HEADER,
    scheme_name="AdminKey",
    auto_error=False,
    description=f"The admin key, equal to the server's {ADMIN_KEY_ENV}.",
)


def admin_key_guard(
    secret_of: Callable[[], str | None],
) -> Callable[..., Coroutine[Any, Any, None]]:
    """A dependency accepting only requests whose X-Admin-Key equals ``secret_of()``.

    The comparison takes constant time (``hmac.compare_digest``). With no secret configured
    every request is refused with 503 and a message saying to set ENRICH_ADMIN_KEY.
    """

    async def require_admin_key(
        given: Annotated[str | None, Security(_admin_key_header)],
    ) -> None:
        secret = secret_of()
        if secret is None:
            raise ApiError(
                503,
                "admin_key_not_configured",
                f"admin routes are disabled because no admin key is configured: set {ADMIN_KEY_ENV} "
                "on the server and restart it",
            )
        if not given:
            raise ApiError(
                401, "admin_key_missing", f"send the admin key in the {ADMIN_KEY_HEADER} header"
            )
        if not hmac.compare_digest(given.encode("utf-8"), secret.encode("utf-8")):
            raise ApiError(
                401,
                "admin_key_invalid",
                f"the {ADMIN_KEY_HEADER} header does not match the server's admin key",
            )

    return require_admin_key
