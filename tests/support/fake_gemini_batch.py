"""The Batch API and Files API of ``FakeGemini``, and its implicit prefix cache.

Wire shapes as google-genai 3.6.1 sends and reads them (``google/genai/batches.py``,
``files.py``, ``_api_client.py``):

- ``POST /{v}/models/{model}:batchGenerateContent`` with ``{"batch": {"displayName",
  "inputConfig": {"requests": {"requests": [{"request": {...}, "metadata": {...}}]}}}}`` or
  ``"inputConfig": {"fileName": "files/..."}`` -> a long-running operation ``{"name":
  "batches/...", "metadata": {"@type": ...GenerateContentBatch, "state": "BATCH_STATE_PENDING",
  "batchStats": {"requestCount": "3", ...}}}`` (counts are int64 JSON strings).
- ``GET /{v}/batches/{id}``, ``GET /{v}/batches`` (``{"operations": [...]}``), ``POST
  /{v}/batches/{id}:cancel``. A finished job has ``metadata.output`` (and ``response``) with
  ``inlinedResponses.inlinedResponses`` (each a ``response`` or an ``error``, with the request's
  ``metadata``) or ``responsesFile``: a JSONL file of ``{"key", "response"|"error"}`` lines.
- Files: resumable upload (``POST /upload/{v}/files`` answers ``x-goog-upload-url``; chunks are
  posted there with ``x-goog-upload-command: upload[, finalize]``), ``GET /{v}/files/{id}``,
  ``GET /{v}/files/{id}:download?alt=media`` (also under ``/download/``).

A job is PENDING for ``pending_s``, RUNNING for ``running_s`` (``batchStats`` counting up), then
SUCCEEDED — or, when scripted, EXPIRED / FAILED instead. Creating a job whose estimated tokens
would take the enqueued total (PENDING + RUNNING jobs) past ``token_limit`` is refused with 429.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tests.support.fake_gemini_model import estimate_tokens
from tests.support.fake_gemini_wire import (
    CONTENT_OUTCOMES,
    ERROR_STATUSES,
    Reply,
    error_reply,
    generate_payload,
    json_reply,
    prompt_text,
)

INLINE_LIMIT_BYTES = 20 * 1024 * 1024
BATCH_TYPE = "type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatch"
OUTPUT_TYPE = "type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatchOutput"
JOB_FATES = frozenset({"ok", "expired", "failed"})
Item = tuple[dict[str, Any], dict[str, Any] | None, str | None]  # request, metadata, key


class PrefixCache:
    """Implicit caching, faked: a prompt sharing at least ``min_tokens`` of prefix with a prompt
    seen in the last ``ttl_s`` seconds has that prefix reported as cached."""

    def __init__(self, *, min_tokens: int = 1024, ttl_s: float = 300.0, size: int = 8) -> None:
        self.min_tokens, self.ttl_s = min_tokens, ttl_s
        self._recent: deque[tuple[float, str]] = deque(maxlen=size)
        self._lock = threading.Lock()

    def cached_tokens(self, prompt: str, now: float | None = None) -> int:
        now = time.monotonic() if now is None else now
        with self._lock:
            best = 0
            for seen_at, other in self._recent:
                if now - seen_at <= self.ttl_s:
                    best = max(best, _common_prefix_length(prompt, other))
            self._recent.append((now, prompt))
        tokens = estimate_tokens(prompt[:best]) if best else 0
        return tokens if tokens >= self.min_tokens else 0


@dataclass
class FakeJob:
    id: str
    model: str
    display_name: str
    created: float
    created_at: str
    items: list[tuple[dict[str, Any], dict[str, Any] | None, str | None]]  # request, metadata, key
    source_file: str | None
    fate: str
    tokens: int
    cancelled_at: float | None = None
    results: list[dict[str, Any]] | None = None
    result_file: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class FakeFile:
    name: str
    mime_type: str
    display_name: str | None
    data: bytearray = field(default_factory=bytearray)
    size: int = 0
    done: bool = False


class BatchBackend:
    """State of the fake's batch jobs and files; ``FakeGemini`` routes requests here."""

    def __init__(
        self,
        *,
        pending_s: float,
        running_s: float,
        token_limit: int | None,
        cache: PrefixCache,
        next_request_outcome: Callable[[], str],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.pending_s, self.running_s, self.token_limit = pending_s, running_s, token_limit
        self.cache, self.clock = cache, clock
        self._next_request_outcome = next_request_outcome
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self.jobs: dict[str, FakeJob] = {}
        self.files: dict[str, FakeFile] = {}
        self._fates: deque[str] = deque()

    def script_jobs(self, *fates: str) -> None:
        unknown = set(fates) - JOB_FATES
        if unknown:
            raise ValueError(
                f"unknown batch job fate(s) {sorted(unknown)}; use {sorted(JOB_FATES)}"
            )
        with self._lock:
            self._fates.extend(fates)

    # --- jobs --------------------------------------------------------------------------------

    def create(self, model: str, body: Any, raw_size: int) -> Reply:
        batch = body.get("batch") if isinstance(body, dict) else None
        config = (batch or {}).get("inputConfig") or (batch or {}).get("input_config") or {}
        items_or_error: list[Item] | Reply
        if "fileName" in config or "file_name" in config:
            items_or_error = self._items_from_file(config.get("fileName") or config["file_name"])
        else:
            if raw_size > INLINE_LIMIT_BYTES:
                return error_reply(
                    400, f"Request payload size exceeds the limit: {INLINE_LIMIT_BYTES} bytes."
                )
            inline = ((config.get("requests") or {}).get("requests")) or []
            items_or_error = [
                (i.get("request") or {}, i.get("metadata"), None)
                for i in inline
                if isinstance(i, dict)
            ]
        if isinstance(items_or_error, Reply):
            return items_or_error
        if not items_or_error:
            return error_reply(400, "* BatchGenerateContentRequest.batch.input_config: no requests")
        tokens = sum(estimate_tokens(prompt_text(request)) for request, _, _ in items_or_error)
        with self._lock:
            enqueued = sum(
                j.tokens for j in self.jobs.values() if self._state(j)[0] in ("PENDING", "RUNNING")
            )
            if self.token_limit is not None and enqueued + tokens > self.token_limit:
                return _enqueued_tokens_exceeded(self.token_limit, enqueued, tokens)
            job_id = f"fakebatch{next(self._ids):04d}"
            job = FakeJob(
                id=job_id,
                model=model,
                display_name=str((batch or {}).get("displayName") or job_id),
                created=self.clock(),
                created_at=_now_iso(),
                items=items_or_error,
                source_file=config.get("fileName"),
                fate=self._fates.popleft() if self._fates else "ok",
                tokens=tokens,
            )
            self.jobs[job_id] = job
        # The "model" works while the job is queued and running, as the real service does, so
        # that collecting a finished job costs only the transfer.
        threading.Thread(target=self._results, args=(job,), daemon=True).start()
        return json_reply(200, self._operation(job))

    def get(self, job_id: str) -> Reply:
        job = self.jobs.get(job_id)
        if job is None:
            return error_reply(404, f"Batch batches/{job_id} not found.")
        return json_reply(200, self._operation(job))

    def list_jobs(self) -> Reply:
        with self._lock:
            jobs = list(self.jobs.values())
        return json_reply(200, {"operations": [self._operation(j) for j in reversed(jobs)]})

    def cancel(self, job_id: str) -> Reply:
        job = self.jobs.get(job_id)
        if job is None:
            return error_reply(404, f"Batch batches/{job_id} not found.")
        with self._lock:
            if self._state(job)[0] in ("PENDING", "RUNNING"):
                job.cancelled_at = self.clock()
        return json_reply(200, {})

    def _state(self, job: FakeJob) -> tuple[str, int]:
        """(state, requests done) at this moment."""
        now = job.cancelled_at if job.cancelled_at is not None else self.clock()
        elapsed = now - job.created
        if job.cancelled_at is not None:
            return "CANCELLED", 0
        if elapsed < self.pending_s:
            return "PENDING", 0
        if job.fate != "ok":
            return ("EXPIRED" if job.fate == "expired" else "FAILED"), 0
        if elapsed < self.pending_s + self.running_s:
            share = (elapsed - self.pending_s) / self.running_s if self.running_s else 1.0
            return "RUNNING", int(len(job.items) * share)
        return "SUCCEEDED", len(job.items)

    def _operation(self, job: FakeJob) -> dict[str, Any]:
        state, done = self._state(job)
        total = len(job.items)
        metadata: dict[str, Any] = {
            "@type": BATCH_TYPE,
            "model": f"models/{job.model}",
            "displayName": job.display_name,
            "createTime": job.created_at,
            "updateTime": _now_iso(),
            "batchStats": {"requestCount": str(total)},
            "state": f"BATCH_STATE_{state}",
            "name": f"batches/{job.id}",
        }
        stats = metadata["batchStats"]
        operation: dict[str, Any] = {"name": f"batches/{job.id}", "metadata": metadata}
        if state == "SUCCEEDED":
            results = self._results(job)
            failed = sum(1 for r in results if "error" in r)
            stats.update(successfulRequestCount=str(total - failed), failedRequestCount=str(failed))
            output = self._output(job, results)
            metadata["output"] = output
            operation.update(done=True, response={"@type": OUTPUT_TYPE, **output})
        elif state == "RUNNING":
            stats.update(successfulRequestCount=str(done), pendingRequestCount=str(total - done))
        elif state == "PENDING":
            stats["pendingRequestCount"] = str(total)
        else:
            operation["done"] = True
            if state != "CANCELLED":
                message = (
                    "Batch expired before it could run." if state == "EXPIRED" else "Batch failed."
                )
                operation["error"] = {"code": 13 if state == "FAILED" else 4, "message": message}
        return operation

    def _results(self, job: FakeJob) -> list[dict[str, Any]]:
        with job.lock:  # one job's answers are made once, without holding up the other jobs
            if job.results is None:
                job.results = [self._answer(job.model, *item) for item in job.items]
            return job.results

    def _answer(
        self, model: str, request: dict[str, Any], metadata: dict[str, Any] | None, key: str | None
    ) -> dict[str, Any]:
        outcome = self._next_request_outcome()
        name = outcome.partition(":")[0]
        entry: dict[str, Any] = {}
        if name in ERROR_STATUSES or name in ("429", "timeout", "disconnect", "429_no_details"):
            code = int(name) if name.isdigit() and name in ERROR_STATUSES else 500
            entry["error"] = json.loads(error_reply(code if code != 502 else 500).body)["error"]
        else:
            cached = self.cache.cached_tokens(prompt_text(request))
            kind = name if name in CONTENT_OUTCOMES else "ok"
            entry["response"] = generate_payload(model, request, kind, cached_tokens=cached)
        if metadata is not None:
            entry["metadata"] = metadata
        if key is not None:
            entry["key"] = key
        return entry

    def _output(self, job: FakeJob, results: list[dict[str, Any]]) -> dict[str, Any]:
        if job.source_file is None:
            return {"inlinedResponses": {"inlinedResponses": results}}
        with self._lock:
            if job.result_file is None:
                name = f"files/batch-{job.id}-results"
                data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in results).encode()
                self.files[name] = FakeFile(
                    name, "application/jsonl", None, bytearray(data), len(data), True
                )
                job.result_file = name
        return {"responsesFile": job.result_file}

    def _items_from_file(self, name: str) -> list[Item] | Reply:
        file = self.files.get(name)
        if file is None or not file.done:
            return error_reply(400, f"File {name} is not found or not uploaded.")
        items: list[Item] = []
        for number, line in enumerate(bytes(file.data).decode("utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                return error_reply(400, f"Invalid JSON in line {number} of {name}.")
            items.append((entry.get("request") or {}, entry.get("metadata"), entry.get("key")))
        return items

    # --- files -------------------------------------------------------------------------------

    def start_upload(
        self, base_url: str, version: str, headers: dict[str, str], body: Any
    ) -> Reply:
        meta = (body or {}).get("file") or {}
        with self._lock:
            file_id = f"fakefile{next(self._ids):04d}"
            name = f"files/{file_id}"
            self.files[name] = FakeFile(
                name=name,
                mime_type=headers.get("x-goog-upload-header-content-type")
                or meta.get("mimeType", meta.get("mime_type"))
                or "application/octet-stream",
                display_name=meta.get("displayName", meta.get("display_name")),  # SDK: snake_case
                size=int(headers.get("x-goog-upload-header-content-length") or 0),
            )
        url = f"{base_url}/upload/{version}/files?upload_id={file_id}"
        return json_reply(200, {}, (("x-goog-upload-url", url), ("x-goog-upload-status", "active")))

    def upload_chunk(self, file_id: str, headers: dict[str, str], raw: bytes) -> Reply:
        file = self.files.get(f"files/{file_id}")
        if file is None:
            return error_reply(404, "Upload session not found.")
        command = headers.get("x-goog-upload-command", "")
        offset = int(headers.get("x-goog-upload-offset") or 0)
        if offset != len(file.data):
            return error_reply(400, f"Upload offset {offset} does not match {len(file.data)}.")
        file.data.extend(raw)
        if "finalize" not in command:
            return json_reply(200, {}, (("x-goog-upload-status", "active"),))
        file.done, file.size = True, len(file.data)
        return json_reply(
            200, {"file": self._file_json(file)}, (("x-goog-upload-status", "final"),)
        )

    def file_info(self, file_id: str) -> Reply:
        file = self.files.get(f"files/{file_id}")
        if file is None:
            return error_reply(404, f"File files/{file_id} not found.")
        return json_reply(200, self._file_json(file))

    def download(self, file_id: str) -> Reply:
        file = self.files.get(f"files/{file_id}")
        if file is None or not file.done:
            return error_reply(404, f"File files/{file_id} not found.")
        return Reply(status=200, body=bytes(file.data), content_type="application/octet-stream")

    @staticmethod
    def _file_json(file: FakeFile) -> dict[str, Any]:
        info: dict[str, Any] = {
            "name": file.name,
            "mimeType": file.mime_type,
            "sizeBytes": str(file.size),
            "state": "ACTIVE",
            "source": "GENERATED" if file.name.endswith("-results") else "UPLOADED",
        }
        if file.display_name:
            info["displayName"] = file.display_name
        return info


def _enqueued_tokens_exceeded(limit: int, enqueued: int, tokens: int) -> Reply:
    reply = error_reply(
        429,
        f"Enqueued tokens limit exceeded: {enqueued:,} tokens are enqueued and this batch adds "
        f"{tokens:,}; the limit for this model is {limit:,}. Wait for running batches to finish.",
    )
    body = json.loads(reply.body)
    body["error"]["details"] = [
        {
            "@type": "type.googleapis.com/google.rpc.QuotaFailure",
            "violations": [
                {
                    "quotaMetric": "generativelanguage.googleapis.com/batch_enqueued_tokens",
                    "quotaId": "BatchEnqueuedTokensPerModel",
                    "quotaValue": str(limit),
                }
            ],
        }
    ]
    return json_reply(429, body)


def _common_prefix_length(a: str, b: str) -> int:
    """Length of the common prefix, by bisection on slice equality (C speed, log n compares)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _now_iso() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")
