"""``BatchTagger`` on the Gemini Batch API (google-genai ``client.batches`` / ``client.files``).

Every request is the online tagger's request (``prompt.make_config`` + ``prompt.build_prompt``);
every answer goes through the same ``parse_tags``. Jobs up to ``inline_limit_bytes`` are sent
inline; larger ones as an uploaded JSONL file of ``{"key", "request"}`` lines (the REST form of
the same request, produced by the SDK's own converter). The job's display name is our key, so
that a job created by a run that died before recording its name can be found again.

Checked against google-genai 3.6.1: ``BatchJob`` carries ``state`` and ``dest`` but not
``batchStats`` for the Gemini Developer API (``_BatchJob_from_mldev`` drops it; see
googleapis/python-genai#1323), so progress is read from the raw ``GET v1beta/batches/{id}``
through the client's own transport, and falls back to "no counts until done" if that fails.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Sequence
from typing import Any

from google import genai
from google.genai import _common, _transformers, batches, types

from enrichment_adapters.gemini.client import MISSING_KEY_HINT, make_client
from enrichment_adapters.gemini.prompt import (
    ExpertTags,
    build_prompt,
    make_config,
    parse_tags,
    usage_of,
)
from enrichment_adapters.gemini.tagger import DEFAULT_MODEL, translate_error
from enrichment_core.batch_plan import BatchItemResult, BatchLimits, BatchStatus, RequestSize
from enrichment_core.errors import (
    InvalidTagOutputError,
    TaggerUnavailableError,
    TaggingError,
    TransientTaggingError,
)
from enrichment_core.ports import TagRequest
from enrichment_core.runs import JobState

log = logging.getLogger(__name__)

INLINE_LIMIT_BYTES = 18 * 1024 * 1024  # inline requests must stay under 20 MB in total
CHARS_PER_TOKEN = 3.5  # a cautious estimate (English averages about 4): the cap must hold

_STATES = {
    "PENDING": JobState.PENDING,
    "RUNNING": JobState.RUNNING,
    "SUCCEEDED": JobState.SUCCEEDED,
    "FAILED": JobState.FAILED,
    "CANCELLED": JobState.CANCELLED,
    "CANCELLING": JobState.RUNNING,
    "EXPIRED": JobState.EXPIRED,
    "PAUSED": JobState.RUNNING,
    "QUEUED": JobState.PENDING,
    "UNSPECIFIED": JobState.PENDING,
}


def job_state(value: object) -> JobState:
    """``BATCH_STATE_RUNNING`` / ``JOB_STATE_RUNNING`` / ``JobState.JOB_STATE_RUNNING`` -> ours."""
    text = str(getattr(value, "value", value) or "UNSPECIFIED").upper()
    for prefix in ("BATCH_STATE_", "JOB_STATE_"):
        text = text.removeprefix(prefix)
    return _STATES.get(text, JobState.PENDING)


def _count(stats: dict[str, Any], name: str) -> int:
    try:
        return int(stats.get(name) or 0)  # int64 counts arrive as JSON strings
    except (TypeError, ValueError):
        return 0


class GeminiBatchTagger:
    """Tags experts with Gemini Batch API jobs (50% of the online price, 24 h target turnaround)."""

    def __init__(
        self,
        *,
        api_key: str | None = None,
        model: str = DEFAULT_MODEL,
        base_url: str | None = None,
        timeout_s: float = 120.0,
        max_bio_chars: int = 10_000,
        limits: BatchLimits | None = None,
        inline_limit_bytes: int = INLINE_LIMIT_BYTES,
    ) -> None:
        self._model, self._max_bio_chars = model, max_bio_chars
        self._limits = limits or BatchLimits()
        self._inline_limit = inline_limit_bytes
        self._template: dict[str, Any] | None = None
        try:
            self._client: genai.Client = make_client(
                api_key=api_key, base_url=base_url, timeout_s=timeout_s
            )
        except ValueError as error:
            raise TaggerUnavailableError(f"Gemini batch: {error} ({MISSING_KEY_HINT})") from None
        self._config = self._precompiled(make_config())

    def _precompiled(self, config: types.GenerateContentConfig) -> types.GenerateContentConfig:
        """The same config with its response schema converted once: the SDK converts every
        inline request, and turning the Pydantic class into a Schema is most of that work
        (~11 ms -> ~4 ms a request). The wire body is the same (tested)."""
        try:
            schema = _transformers.t_schema(self._client._api_client, ExpertTags)
        except (AttributeError, TypeError):  # the SDK's internals moved: convert per request
            return config
        return config.model_copy(update={"response_schema": schema})

    @property
    def name(self) -> str:
        return f"gemini:{self._model}"

    @property
    def model(self) -> str:
        return self._model

    @property
    def limits(self) -> BatchLimits:
        return self._limits

    def _inlined(self, key: str, request: TagRequest) -> types.InlinedRequest:
        return types.InlinedRequest(
            contents=build_prompt(request, max_bio_chars=self._max_bio_chars),
            config=self._config,
            metadata={"key": key},
        )

    def rest_request(self, request: TagRequest) -> dict[str, Any]:
        """The request as it travels (REST JSON), for JSONL lines and size estimates.

        The SDK's converter makes the fixed part once (about 14 ms a call, mostly the response
        schema); each request then only gets its own user turn, shaped as the SDK shapes a string.
        """
        if self._template is None:
            converted = batches._InlinedRequest_to_mldev(
                self._client._api_client, self._inlined("", TagRequest("x", None, "x"))
            )
            template: dict[str, Any] = _common.convert_to_dict(converted)["request"]
            template.pop("model", None)  # the job's model applies
            template.pop("contents", None)
            self._template = template
        prompt = build_prompt(request, max_bio_chars=self._max_bio_chars)
        return {"contents": [{"parts": [{"text": prompt}], "role": "user"}], **self._template}

    def size_of(self, request: TagRequest) -> RequestSize:
        body = self.rest_request(request)
        text = json.dumps(body, ensure_ascii=False)
        return RequestSize(
            bytes=len(text.encode("utf-8")) + 64, tokens=int(len(text) / CHARS_PER_TOKEN) + 1
        )

    # --- jobs ----------------------------------------------------------------------------------

    def create_job(self, key: str, items: Sequence[tuple[str, TagRequest]]) -> str:
        lines = [{"key": k, "request": self.rest_request(r)} for k, r in items]
        payload = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode()
        try:
            if len(payload) <= self._inline_limit:
                src: Any = [self._inlined(k, r) for k, r in items]
            else:
                uploaded = self._client.files.upload(
                    file=io.BytesIO(payload),
                    config=types.UploadFileConfig(mime_type="jsonl", display_name=key),
                )
                src = uploaded.name
            job = self._client.batches.create(
                model=self._model, src=src, config=types.CreateBatchJobConfig(display_name=key)
            )
        except Exception as error:
            raise self._translated(error) from error
        if not job.name:
            raise TransientTaggingError("Gemini created a batch job without a name")
        return job.name

    def find_job(self, key: str) -> str | None:
        try:
            for job in self._client.batches.list(config=types.ListBatchJobsConfig(page_size=100)):
                if job.display_name == key and job.name:
                    return job.name
        except Exception as error:
            raise self._translated(error) from error
        return None

    def job_status(self, name: str) -> BatchStatus:
        raw = self._raw_job(name)
        if raw is None:
            try:
                job = self._client.batches.get(name=name)
            except Exception as error:
                raise self._translated(error) from error
            return BatchStatus(state=job_state(job.state))
        metadata = raw.get("metadata") or {}
        stats = metadata.get("batchStats") or {}
        failure = raw.get("error") or {}
        return BatchStatus(
            state=job_state(metadata.get("state")),
            total=_count(stats, "requestCount"),
            succeeded=_count(stats, "successfulRequestCount"),
            failed=_count(stats, "failedRequestCount"),
            error=str(failure.get("message")) if failure else None,
        )

    def _raw_job(self, name: str) -> dict[str, Any] | None:
        try:
            response = self._client._api_client.request("get", name, {})
            body = json.loads(response.body) if response.body else {}
        except AttributeError:  # the SDK's internals changed: no counts, states still work
            return None
        except Exception as error:
            raise self._translated(error) from error
        return body if isinstance(body, dict) else None

    def job_results(self, name: str) -> list[BatchItemResult]:
        try:
            job = self._client.batches.get(name=name)
            dest = job.dest
            if dest is not None and dest.file_name:
                data = self._client.files.download(file=dest.file_name)
                return [
                    self._from_line(line)
                    for line in data.decode("utf-8").splitlines()
                    if line.strip()
                ]
        except Exception as error:
            raise self._translated(error) from error
        inlined = (dest.inlined_responses if dest is not None else None) or []
        return [self._from_inlined(item) for item in inlined]

    def cancel_job(self, name: str) -> None:
        try:
            self._client.batches.cancel(name=name)
        except Exception as error:
            raise self._translated(error) from error

    # --- results -------------------------------------------------------------------------------

    def _from_inlined(self, item: types.InlinedResponse) -> BatchItemResult:
        key = str((item.metadata or {}).get("key", ""))
        if item.error is not None or item.response is None:
            message = item.error.message if item.error else "no response"
            code = item.error.code if item.error else None
            return BatchItemResult(key, None, _request_error(code, message))
        return self._from_response(key, item.response)

    def _from_line(self, line: str) -> BatchItemResult:
        try:
            entry = json.loads(line)
        except ValueError:
            return BatchItemResult("", None, InvalidTagOutputError("unreadable result line"))
        key = str(entry.get("key") or (entry.get("metadata") or {}).get("key") or "")
        error = entry.get("error") or entry.get("status")
        if error or "response" not in entry:
            error = error or {}
            return BatchItemResult(
                key, None, _request_error(error.get("code"), error.get("message"))
            )
        response = types.GenerateContentResponse._from_response(
            response=entry["response"], kwargs={}
        )
        return self._from_response(key, response)

    @staticmethod
    def _from_response(key: str, response: types.GenerateContentResponse) -> BatchItemResult:
        usage = usage_of(response)
        try:
            return BatchItemResult(key, parse_tags(response), None, usage)
        except TaggingError as error:
            return BatchItemResult(key, None, error, usage)

    @staticmethod
    def _translated(error: BaseException) -> BaseException:
        return translate_error(error) or error

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> GeminiBatchTagger:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"GeminiBatchTagger(model={self._model!r})"


def _request_error(code: object, message: object) -> TaggingError:
    text = " ".join(str(message or "no details").split())[:300]
    return TransientTaggingError(f"Gemini batch request failed ({code or '?'}: {text})")


__all__ = ["GeminiBatchTagger", "job_state"]
