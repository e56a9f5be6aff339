"""A wire-faithful fake of the Gemini REST API for contract tests, demos and benchmarks.

The real ``google-genai`` client talks to it unchanged::

    with FakeGemini(rpm=60) as fake:
        client = genai.Client(api_key="test-key", http_options=types.HttpOptions(
            base_url=fake.base_url, api_version="v1beta"))
        fake.script("503", "ok")          # the next two calls: overloaded, then a normal answer

or from a shell (``GOOGLE_GEMINI_BASE_URL`` then points any client at it)::

    python -m tests.support.fake_gemini --port 8765 --rpm 600 --latency 0.3 --error-rate 0.03

Endpoints: ``POST /{v1,v1beta}/models/{model}:generateContent`` (tags derived from the user
content, see ``fake_gemini_model``) and ``:batchEmbedContents`` (hashed bag-of-words vectors).
Outcomes, in order of precedence: the FIFO script, the RPM quota (429 with RetryInfo), the
seeded random error rate (500/503), then a normal answer after ``latency_s``.

Modules: this one (state, scripting, CLI), ``fake_gemini_wire`` (response and error bodies),
``fake_gemini_model`` (deterministic tags and vectors), ``fake_gemini_http`` (the server).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import re
import signal
import threading
import time
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.support.fake_gemini_batch import BatchBackend, PrefixCache
from tests.support.fake_gemini_http import ReplyServer
from tests.support.fake_gemini_wire import (
    CONTENT_OUTCOMES,
    ERROR_STATUSES,
    Reply,
    embed_reply,
    error_reply,
    format_duration,
    generate_reply,
    parse_outcome,
    prompt_text,
)

GENERATE = "generateContent"
EMBED = "batchEmbedContents"
BATCH_CREATE = "batchGenerateContent"
BATCH_REQUEST = "batchRequest"  # script() endpoint for the requests inside batch jobs
_ROUTE = re.compile(r"^/(?P<version>v1|v1beta)/models/(?P<model>[^/:]+):(?P<method>\w+)$")
_BATCH_ROUTE = re.compile(
    r"^/(?P<version>v1|v1beta)/batches(?:/(?P<id>[^/:]+)(?::(?P<verb>\w+))?)?$"
)
_UPLOAD_ROUTE = re.compile(r"^/upload/(?P<version>v1|v1beta)/files$")
_FILE_ROUTE = re.compile(
    r"^(?:/download)?/(?P<version>v1|v1beta)/files/(?P<id>[^/:]+)(?::(?P<verb>download))?$"
)


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request as the fake received it (kept for assertions)."""

    endpoint: str
    model: str | None
    api_version: str | None
    path: str
    headers: dict[str, str]
    body: Any
    received_at: float

    def texts(self, key: str = "contents") -> list[str]:
        """The ``text`` of every part under ``key`` (``contents`` or ``systemInstruction``)."""
        value = self.body.get(key) if isinstance(self.body, dict) else None
        contents = value if isinstance(value, list) else [value] if value else []
        return [p.get("text", "") for c in contents for p in (c or {}).get("parts", [])]


@dataclass(frozen=True, slots=True)
class FakeStats:
    requests: dict[str, int]
    by_status: dict[int, int]
    rate_limited: int
    errors: int
    outcomes: dict[str, int] = field(default_factory=dict)


class FakeGemini:
    """A local Gemini REST server. Thread-safe; usable as a context manager.

    ``rpm`` limits requests per model within ``rpm_window_s`` (60 s like the real quota; tests
    shrink it). ``error_rate`` is the share of requests answered 503 (two thirds) or 500 (one
    third), drawn from a ``seed``-ed RNG. ``api_keys``, when given, is the set of valid keys.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        rpm: int | None = None,
        rpm_window_s: float = 60.0,
        latency_s: float = 0.0,
        latency_jitter_s: float = 0.0,
        error_rate: float = 0.0,
        seed: int = 0,
        retry_delay_s: float = 1.5,
        timeout_sleep_s: float = 30.0,
        api_keys: Iterable[str] | None = None,
        history: int = 100,
        strict_v1: bool = True,
        verbose: bool = False,
        batch_pending_s: float = 0.3,
        batch_running_s: float = 0.6,
        batch_token_limit: int | None = None,
        cache_min_tokens: int = 1024,
        cache_ttl_s: float = 300.0,
    ) -> None:
        self.rpm, self.rpm_window_s = rpm, rpm_window_s
        self.latency_s, self.latency_jitter_s = latency_s, latency_jitter_s
        self.error_rate, self.retry_delay_s, self.timeout_sleep_s = (
            error_rate,
            retry_delay_s,
            timeout_sleep_s,
        )
        self.strict_v1 = strict_v1
        self._api_keys = frozenset(api_keys) if api_keys is not None else None
        self._seed = seed
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._history: deque[RecordedRequest] = deque(maxlen=history)
        self._batch_settings = (batch_pending_s, batch_running_s, batch_token_limit)
        self._cache_settings = (cache_min_tokens, cache_ttl_s)
        self._reset_state()
        self._server = ReplyServer((host, port), self.dispatch, verbose=verbose)

    # --- lifecycle ---------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return self._server.port

    @property
    def base_url(self) -> str:
        return f"http://{self._server.host}:{self.port}"

    def start(self) -> FakeGemini:
        self._server.start()
        return self

    def stop(self) -> None:
        """Stop serving, wake any sleeping "timeout" handler and drop open connections."""
        self._stopping.set()
        self._server.stop()

    def __enter__(self) -> FakeGemini:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # --- scripting ---------------------------------------------------------------------------

    def script(self, *outcomes: str, endpoint: str | None = None) -> None:
        """Queue outcomes for the next calls (FIFO), of one endpoint or (default) any.

        ``ok``, ``timeout`` (sleep ``timeout_sleep_s`` first), ``disconnect`` (close without an
        answer), ``429`` (RetryInfo ``retry_delay_s``), ``429:0.2s``, ``429_no_details``, any of
        400/401/403/404/408/500/502/503/504, and for generateContent only: ``invalid_json``,
        ``truncated`` (MAX_TOKENS), ``empty_tags``, ``wrong_schema``, ``safety``, ``blocked``.
        """
        for outcome in outcomes:
            parse_outcome(outcome)  # raise ValueError now, not in a server thread
        with self._lock:
            self._scripts.setdefault(endpoint, deque()).extend(outcomes)

    def script_batch_jobs(self, *fates: str) -> None:
        """Fates of the next batch jobs created (FIFO): ``ok``, ``expired`` or ``failed``."""
        self.batches.script_jobs(*fates)

    @property
    def pending_script(self) -> list[str]:
        with self._lock:
            return [o for queue in self._scripts.values() for o in queue]

    @contextlib.contextmanager
    def slow(self, latency_s: float = 2.0) -> Iterator[FakeGemini]:
        """Answer every request ``latency_s`` late inside the block (spinners, browser tests)."""
        previous, self.latency_s = self.latency_s, latency_s
        try:
            yield self
        finally:
            self.latency_s = previous

    def reset(self) -> None:
        """Forget scripts, counters, recorded requests and quota windows; keep the settings."""
        with self._lock:
            self._reset_state()

    def _reset_state(self) -> None:
        self._scripts: dict[str | None, deque[str]] = {}
        self._windows: dict[str, deque[float]] = {}
        self._requests: Counter[str] = Counter()
        self._statuses: Counter[int] = Counter()
        self._outcomes: Counter[str] = Counter()
        self._history.clear()
        self._rng = random.Random(self._seed)
        self.cache = PrefixCache(min_tokens=self._cache_settings[0], ttl_s=self._cache_settings[1])
        pending_s, running_s, token_limit = self._batch_settings
        self.batches = BatchBackend(
            pending_s=pending_s,
            running_s=running_s,
            token_limit=token_limit,
            cache=self.cache,
            next_request_outcome=self._next_batch_request_outcome,
        )

    # --- observation -------------------------------------------------------------------------

    def stats(self) -> FakeStats:
        with self._lock:
            return FakeStats(
                requests=dict(self._requests),
                by_status=dict(self._statuses),
                rate_limited=self._statuses[429],
                errors=sum(n for code, n in self._statuses.items() if code != 200),
                outcomes=dict(self._outcomes),
            )

    def request_count(self, endpoint: str | None = None) -> int:
        with self._lock:
            return self._requests[endpoint] if endpoint else sum(self._requests.values())

    @property
    def rate_limited_count(self) -> int:
        return self.stats().rate_limited

    @property
    def error_count(self) -> int:
        return self.stats().errors

    @property
    def requests(self) -> list[RecordedRequest]:
        """The last ``history`` requests, oldest first."""
        with self._lock:
            return list(self._history)

    def last_request(self, endpoint: str | None = None) -> RecordedRequest:
        for request in reversed(self.requests):
            if endpoint is None or request.endpoint == endpoint:
                return request
        raise LookupError(f"no {endpoint or ''} request was received")

    # --- serving -----------------------------------------------------------------------------

    def dispatch(self, method: str, path: str, headers: dict[str, str], raw: bytes) -> Reply:
        reply = self._answer(method, path, headers, raw)
        with self._lock:
            self._statuses[reply.status] += 1
        return reply

    def _answer(self, method: str, path: str, headers: dict[str, str], raw: bytes) -> Reply:
        url = urlsplit(path)
        route = _ROUTE.match(url.path)
        endpoint = route["method"] if route else _endpoint_of(url.path)
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = None
        self._record(endpoint, route, path, headers, body)
        if route is not None:
            known = method == "POST" and endpoint in (GENERATE, EMBED, BATCH_CREATE)
        else:
            known = endpoint != "other"
        if not known:
            return error_reply(404, f"Method not found: {method} {url.path}")
        if endpoint == "files.upload" and "upload_id=" in url.query:
            # The upload URL itself is the credential (as on Google's upload service).
            return self._batch_or_file(method, url.path, url.query, headers, body, raw)
        refused = self._key_refusal(headers, url.query)
        if refused is not None:
            return refused
        if route is None:
            return self._batch_or_file(method, url.path, url.query, headers, body, raw)
        if not isinstance(body, dict):
            return error_reply(400, "Invalid JSON payload received. Expected an object.")
        if endpoint == BATCH_CREATE:
            return self.batches.create(route["model"], body, len(raw))
        refused = self._v1_refusal(route, body)
        if refused is not None:
            return refused
        return self._model_call(endpoint, route["model"], body)

    def _record(
        self,
        endpoint: str,
        route: re.Match[str] | None,
        path: str,
        headers: dict[str, str],
        body: Any,
    ) -> None:
        with self._lock:
            self._requests[endpoint] += 1
            self._history.append(
                RecordedRequest(
                    endpoint,
                    route["model"] if route else None,
                    route["version"] if route else None,
                    path,
                    headers,
                    body,
                    time.time(),
                )
            )

    def _key_refusal(self, headers: dict[str, str], query: str) -> Reply | None:
        """Gemini's answer to a request without a key, or with a key it does not know."""
        key = headers.get("x-goog-api-key") or parse_qs(query).get("key", [""])[0]
        if not key:
            return error_reply(
                403,
                "Method doesn't allow unregistered callers (callers without "
                "established identity). Please use API Key or other form of API "
                "consumer identity to call this API.",
            )
        if self._api_keys is not None and key not in self._api_keys:
            return error_reply(
                400, "API key not valid. Please pass a valid API key.", key_invalid=True
            )
        return None

    def _v1_refusal(self, route: re.Match[str], body: dict[str, Any]) -> Reply | None:
        """Gemini's answer to a response schema sent to API version v1 (it knows none)."""
        if self.strict_v1 and route["version"] == "v1":
            config = body.get("generationConfig") or {}
            for name in ("responseSchema", "response_schema", "responseJsonSchema"):
                if name in config:
                    return error_reply(
                        400,
                        f'Invalid JSON payload received. Unknown name "{name}" '
                        "at 'generation_config': Cannot find field.",
                    )
        return None

    def _model_call(self, endpoint: str, model: str, body: dict[str, Any]) -> Reply:
        """generateContent or batchEmbedContents, answered with the next scripted outcome."""
        outcome = self._next_outcome(endpoint, model)
        with self._lock:
            self._outcomes[outcome] += 1
        name, delay = parse_outcome(outcome)
        if name == "429_no_details":
            return error_reply(429)
        if name == "429":
            return error_reply(429, retry_delay_s=self.retry_delay_s if delay is None else delay)
        if name in ERROR_STATUSES:
            return error_reply(int(name))
        if name == "disconnect":
            return Reply(status=0, disconnect=True)
        self._stopping.wait(self._latency())
        if name == "timeout":
            self._stopping.wait(self.timeout_sleep_s)
        if endpoint == EMBED:
            return embed_reply(model, body)
        cached = self.cache.cached_tokens(prompt_text(body))
        kind = name if name in CONTENT_OUTCOMES else "ok"
        return generate_reply(model, body, kind, cached_tokens=cached)

    def _batch_or_file(
        self, method: str, path: str, query: str, headers: dict[str, str], body: Any, raw: bytes
    ) -> Reply:
        if (match := _UPLOAD_ROUTE.match(path)) and method == "POST":
            upload_id = parse_qs(query).get("upload_id", [""])[0]
            if upload_id:
                return self.batches.upload_chunk(upload_id, headers, raw)
            return self.batches.start_upload(self.base_url, match["version"], headers, body)
        if match := _FILE_ROUTE.match(path):
            if match["verb"] == "download":
                return self.batches.download(match["id"])
            return self.batches.file_info(match["id"])
        match = _BATCH_ROUTE.match(path)
        assert match is not None
        if match["id"] is None:
            return self.batches.list_jobs()
        if match["verb"] == "cancel" and method == "POST":
            return self.batches.cancel(match["id"])
        if match["verb"] is None and method == "GET":
            return self.batches.get(match["id"])
        return error_reply(404, f"Method not found: {method} {path}")

    def _next_batch_request_outcome(self) -> str:
        with self._lock:
            queue = self._scripts.get(BATCH_REQUEST)
            if queue:
                return queue.popleft()
            if self.error_rate and self._rng.random() < self.error_rate:
                return "503" if self._rng.random() < 2 / 3 else "500"
        return "ok"

    def _next_outcome(self, endpoint: str, model: str) -> str:
        now = time.monotonic()
        with self._lock:
            for key in (endpoint, None):
                queue = self._scripts.get(key)
                if queue:
                    return queue.popleft()
            if self.rpm is not None:
                window = self._windows.setdefault(model, deque())
                while window and now - window[0] >= self.rpm_window_s:
                    window.popleft()
                if len(window) >= self.rpm:
                    wait = self.rpm_window_s - (now - window[0])
                    return f"429:{format_duration(max(wait, 0.001))}"
                window.append(now)
            if self.error_rate and self._rng.random() < self.error_rate:
                return "503" if self._rng.random() < 2 / 3 else "500"
        return "ok"

    def _latency(self) -> float:
        if not self.latency_jitter_s:
            return self.latency_s
        with self._lock:
            return self.latency_s + self._rng.uniform(0, self.latency_jitter_s)


def _endpoint_of(path: str) -> str:
    """The name a non-model route is counted under (``batches.get``, ``files.upload``...)."""
    if _UPLOAD_ROUTE.match(path):
        return "files.upload"
    if match := _FILE_ROUTE.match(path):
        return "files.download" if match["verb"] else "files.get"
    if match := _BATCH_ROUTE.match(path):
        if match["id"] is None:
            return "batches.list"
        return f"batches.{match['verb'] or 'get'}"
    return "other"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.support.fake_gemini", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    parser.add_argument("--rpm", type=int, default=None, help="requests per minute per model")
    parser.add_argument("--rpm-window", type=float, default=60.0, help="quota window, seconds")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per answer")
    parser.add_argument("--jitter", type=float, default=0.0, help="extra random latency, seconds")
    parser.add_argument("--error-rate", type=float, default=0.0, help="share of 500/503 answers")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--slow", action="store_true", help="2.5 s latency (spinner demos)")
    parser.add_argument("--batch-pending", type=float, default=0.3, help="seconds a job is PENDING")
    parser.add_argument("--batch-running", type=float, default=0.6, help="seconds a job is RUNNING")
    parser.add_argument("--batch-token-limit", type=int, default=None, help="enqueued-token cap")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    fake = FakeGemini(
        host=args.host,
        port=args.port,
        rpm=args.rpm,
        rpm_window_s=args.rpm_window,
        error_rate=args.error_rate,
        seed=args.seed,
        latency_s=2.5 if args.slow and not args.latency else args.latency,
        latency_jitter_s=args.jitter,
        verbose=args.verbose,
        batch_pending_s=args.batch_pending,
        batch_running_s=args.batch_running,
        batch_token_limit=args.batch_token_limit,
    )
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    with fake:
        print(
            f"fake Gemini on {fake.base_url} (rpm={args.rpm}, latency={fake.latency_s}s, "
            f"error rate={args.error_rate:.0%})\nexport GOOGLE_GEMINI_BASE_URL={fake.base_url}",
            flush=True,
        )
        with contextlib.suppress(KeyboardInterrupt):
            done.wait()
    print(f"stopped; {fake.stats()}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
