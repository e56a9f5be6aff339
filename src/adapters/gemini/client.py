"""What the Gemini adapters share: building a ``google-genai`` client and reading its failures.

Works with google-genai 1.30 and later (``pyproject.toml``; the facts below and in
``docs/gemini-wire.md`` were checked with 1.30 to 3.4, the tests run 3.6): the key comes from
``api_key`` or ``GOOGLE_API_KEY`` /
``GEMINI_API_KEY``; ``base_url=None`` lets the SDK honour ``GOOGLE_GEMINI_BASE_URL``
(``google/genai/_base_url.py``); ``HttpOptions.timeout`` is in milliseconds; the SDK's own
retries are switched off (``attempts=1``, which also disables its implicit aiohttp retry)
because our callers retry with their own policy.
"""

from __future__ import annotations

import asyncio
import importlib
import re
import socket
import threading
from collections.abc import AsyncGenerator, Callable
from typing import Any

from google import genai
from google.genai import errors as genai_errors
from google.genai import types

API_VERSION = "v1beta"  # v1 (the SDK 3.x default) rejects responseSchema
TRANSIENT_STATUS_CODES = frozenset({408, 500, 502, 503, 504})
MISSING_KEY_HINT = "set GEMINI_API_KEY (or GOOGLE_API_KEY), or pass api_key="

APIError = genai_errors.APIError


def make_client(*, api_key: str | None, base_url: str | None, timeout_s: float) -> genai.Client:
    """A Gemini Developer API client on ``v1beta`` with SDK retries off.

    Raises ``ValueError`` (from the SDK) when no key is given and none is in the environment.
    """
    options = types.HttpOptions(
        base_url=base_url,
        api_version=API_VERSION,
        timeout=max(1, round(timeout_s * 1000)),
        retry_options=types.HttpRetryOptions(attempts=1),
    )
    return genai.Client(api_key=api_key, http_options=options)


def _transport_errors() -> tuple[type[BaseException], ...]:
    """Exceptions meaning "the request never got an HTTP answer": worth another try."""
    found: list[type[BaseException]] = [TimeoutError, OSError]  # ConnectionError is an OSError
    wanted = {
        "httpx": ("TimeoutException", "NetworkError", "RemoteProtocolError"),
        "httpx2": ("TimeoutException", "NetworkError", "RemoteProtocolError"),
        "aiohttp": ("ClientConnectionError", "ClientPayloadError"),
    }
    for module_name, names in wanted.items():
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        found.extend(getattr(module, name) for name in names if hasattr(module, name))
    return tuple(found)


TRANSPORT_ERRORS = _transport_errors()


_UNREACHABLE_HTTPX = (
    "ConnectError",
    "ConnectTimeout",
    "ReadError",
    "WriteError",
    "RemoteProtocolError",
)


def _unreachable_errors() -> tuple[type[BaseException], ...]:
    """Transport errors meaning "the service cannot be reached": refused or reset connections,
    DNS failures, a server gone mid-request. (A slow answer is a timeout, not this.)"""
    found: list[type[BaseException]] = [ConnectionError, socket.gaierror]
    wanted = {
        "httpx": _UNREACHABLE_HTTPX,
        "httpx2": _UNREACHABLE_HTTPX,  # what google-genai 3.x vendors
        "aiohttp": ("ClientConnectorError", "ServerDisconnectedError"),
    }
    for module_name, names in wanted.items():
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        found.extend(getattr(module, name) for name in names if hasattr(module, name))
    return tuple(found)


UNREACHABLE_ERRORS = _unreachable_errors()

_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*s\s*$")


def parse_duration(value: object) -> float | None:
    """A protobuf Duration in JSON form (``"26s"``, ``"1.5s"``) as seconds; None if unreadable."""
    match = _DURATION_RE.match(str(value)) if isinstance(value, str | int | float) else None
    return float(match.group(1)) if match else None


def retry_delay(error: APIError) -> float | None:
    """The server's ``google.rpc.RetryInfo.retryDelay`` (or a ``Retry-After`` header), in seconds."""
    body: Any = error.details
    inner = body.get("error") if isinstance(body, dict) else None
    details = inner.get("details") if isinstance(inner, dict) else None
    for item in details if isinstance(details, list) else []:
        if isinstance(item, dict) and str(item.get("@type", "")).endswith("RetryInfo"):
            delay = parse_duration(item.get("retryDelay"))
            if delay is not None:
                return delay
    headers = getattr(getattr(error, "response", None), "headers", None)
    header = headers.get("retry-after") if headers is not None else None
    return float(header) if header and header.strip().isdigit() else None


def is_key_error(error: APIError) -> bool:
    """True when Gemini refused the API key (missing, invalid, expired or not allowed)."""
    if error.code in (401, 403):
        return True
    body: Any = error.details
    inner = body.get("error") if isinstance(body, dict) else None
    details = inner.get("details") if isinstance(inner, dict) else None
    reasons = {str(d.get("reason")) for d in details or [] if isinstance(d, dict)}
    return bool(reasons & {"API_KEY_INVALID", "API_KEY_EXPIRED"}) or "API key" in str(error.message)


def describe(error: BaseException) -> str:
    """One line about a failed call, for error messages and logs."""
    if isinstance(error, APIError):
        message = " ".join(str(error.message or "").split())[:300]
        return f"HTTP {error.code} {error.status or ''}: {message}".replace(" :", ":")
    text = " ".join(str(error).split())[:300]
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


_Entry = tuple[genai.Client, AsyncGenerator[None, None]]


class LoopClients:
    """The async side of one ``genai.Client`` per running event loop, closed when the loop ends.

    Connection pools belong to the loop that opened them. Each loop's client is paired with an
    async-generator "guard" that the loop registers on first iteration: ``asyncio.run()`` (and
    ``anyio.run()``) finalize it in ``shutdown_asyncgens``, which closes the client's async pool
    while the loop can still run the close. ``aclose()``/``close()`` close them earlier. Only the
    async side is managed here: whoever made a client closes its (unused) sync side.
    """

    def __init__(self, factory: Callable[[], genai.Client]) -> None:
        self._factory = factory
        self._clients: dict[asyncio.AbstractEventLoop, _Entry] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        """How many loops currently hold an open client."""
        with self._lock:
            return len(self._clients)

    async def get(self) -> genai.Client:
        loop = asyncio.get_running_loop()
        with self._lock:
            for stale in [other for other in self._clients if other.is_closed()]:
                del self._clients[stale]  # its pool died with its loop; nothing left to close
            entry = self._clients.get(loop)
            if entry is not None:
                return entry[0]
            client = self._factory()
            guard = self._guard(loop, client)
            self._clients[loop] = (client, guard)
        await anext(guard)  # registers the guard with this loop's shutdown_asyncgens
        return client

    async def _guard(
        self, loop: asyncio.AbstractEventLoop, client: genai.Client
    ) -> AsyncGenerator[None, None]:
        try:
            yield
        finally:
            with self._lock:
                if self._clients.get(loop, (None,))[0] is client:
                    del self._clients[loop]
            await client.aio.aclose()

    def _take_all(self) -> dict[asyncio.AbstractEventLoop, _Entry]:
        with self._lock:
            clients, self._clients = self._clients, {}
        return clients

    async def aclose(self) -> None:
        """Close every loop's client: this loop's now, other running loops' in their thread."""
        current = asyncio.get_running_loop()
        for loop, (_, guard) in self._take_all().items():
            if loop is current:
                await guard.aclose()
            elif loop.is_running():
                await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(guard.aclose(), loop))
            # an idle loop's guard still closes its pool when that loop shuts down

    def close(self) -> None:
        """Synchronous close; an idle loop's guard still closes its pool when that loop shuts down."""
        for loop, (_, guard) in self._take_all().items():
            if loop.is_running() and not _runs_in_this_thread(loop):
                asyncio.run_coroutine_threadsafe(guard.aclose(), loop)


def _runs_in_this_thread(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False
