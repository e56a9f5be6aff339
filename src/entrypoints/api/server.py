"""Serving the app with uvicorn, so that even uvicorn's own answers have the one error shape.

uvicorn answers a request it cannot parse (a malformed request line or header, an oversize
header block) itself, before the app sees it, with a plain-text 400. ``http_protocol()`` is
uvicorn's HTTP protocol class with that one answer in the API's JSON error shape.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from uvicorn.protocols.http.auto import AutoHTTPProtocol

BAD_REQUEST_BODY = json.dumps(
    {
        "error": {
            "code": "bad_request",
            "message": "the HTTP request is malformed (request line or headers); "
            "send a valid HTTP/1.1 request",
            "field": None,
        }
    }
).encode("ascii")


class _JsonBadRequest:
    """Mixin for uvicorn's protocol classes: ``send_400_response`` in the JSON error shape."""

    server_state: Any
    transport: asyncio.Transport

    def send_400_response(self, msg: str) -> None:  # uvicorn's hook; ``msg`` is its plain text
        head = [b"HTTP/1.1 400 Bad Request\r\n"]
        for name, value in self.server_state.default_headers:
            head.append(name + b": " + value + b"\r\n")
        head += [
            b"content-type: application/json\r\n",
            b"content-length: " + str(len(BAD_REQUEST_BODY)).encode("ascii") + b"\r\n",
            b"x-content-type-options: nosniff\r\n",
            b"connection: close\r\n",
            b"\r\n",
        ]
        self.transport.write(b"".join(head) + BAD_REQUEST_BODY)
        self.transport.close()


def http_protocol() -> type[asyncio.Protocol]:
    """uvicorn's default HTTP protocol (httptools when installed, else h11), JSON 400s."""
    return type("JsonErrorHTTPProtocol", (_JsonBadRequest, AutoHTTPProtocol), {})
