"""Gemini REST bodies for ``FakeGemini``: answers, error shapes and the outcome vocabulary.

Shapes follow ``docs/gemini-wire.md``: ``candidates/content/parts/text``, ``finishReason``,
``usageMetadata``, ``modelVersion``; errors as ``{"error": {code, message, status, details}}``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from tests.support.fake_gemini_model import derive_tags, embed, estimate_tokens

MAX_EMBED_BATCH = 100
MAX_DIMENSION = 3072

_STATUS = {
    400: ("INVALID_ARGUMENT", "Request contains an invalid argument."),
    401: ("UNAUTHENTICATED", "Request had invalid authentication credentials."),
    403: ("PERMISSION_DENIED", "The caller does not have permission."),
    404: ("NOT_FOUND", "Requested entity was not found."),
    408: ("DEADLINE_EXCEEDED", "The request timed out."),
    429: (
        "RESOURCE_EXHAUSTED",
        "You exceeded your current quota, please check your plan and billing details. For more "
        "information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.",
    ),
    500: (
        "INTERNAL",
        "An internal error has occurred. Please retry or report in "
        "https://developers.generativeai.google/guide/troubleshooting",
    ),
    503: ("UNAVAILABLE", "The model is overloaded. Please try again later."),
    504: ("DEADLINE_EXCEEDED", "Deadline expired before operation could complete."),
}
# 502 comes from Google's front end as an HTML page, not JSON: the SDK must cope with that too.
_BAD_GATEWAY_HTML = (
    "<!DOCTYPE html><html lang=en><title>Error 502 (Server Error)!!1</title>"
    "<p><b>502.</b> <ins>That's an error.</ins><p>The server encountered a temporary error.</html>"
)

ERROR_STATUSES = frozenset({*(str(code) for code in _STATUS), "502"})
CONTENT_OUTCOMES = frozenset(
    {"ok", "invalid_json", "truncated", "empty_tags", "wrong_schema", "safety", "blocked"}
)
OTHER_OUTCOMES = frozenset({"timeout", "disconnect", "429_no_details"})
_SAFETY_RATINGS = [
    {"category": "HARM_CATEGORY_DANGEROUS_CONTENT", "probability": "HIGH", "blocked": True}
]


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    body: bytes = b""
    content_type: str = "application/json; charset=UTF-8"
    disconnect: bool = False
    headers: tuple[tuple[str, str], ...] = ()


def parse_outcome(outcome: str) -> tuple[str, float | None]:
    """``"429:0.2s"`` -> ``("429", 0.2)``; ``"ok"`` -> ``("ok", None)``. ValueError if unknown."""
    name, _, argument = outcome.partition(":")
    known = name in ERROR_STATUSES or name in CONTENT_OUTCOMES or name in OTHER_OUTCOMES
    if not known or (argument and name != "429"):
        raise ValueError(f"unknown fake Gemini outcome {outcome!r}")
    if not argument:
        return name, None
    try:
        return name, float(argument.removesuffix("s"))
    except ValueError:
        raise ValueError(f"bad retry delay in outcome {outcome!r}; use e.g. '429:1.5s'") from None


def format_duration(seconds: float) -> str:
    """A protobuf Duration as JSON: ``1.5`` -> ``"1.5s"``, ``26`` -> ``"26s"``."""
    return f"{seconds:.3f}".rstrip("0").rstrip(".") + "s"


def json_reply(status: int, payload: object, headers: tuple[tuple[str, str], ...] = ()) -> Reply:
    return Reply(
        status=status, body=json.dumps(payload, ensure_ascii=False).encode("utf-8"), headers=headers
    )


def _json(status: int, payload: object) -> Reply:
    return Reply(status=status, body=json.dumps(payload, ensure_ascii=False).encode("utf-8"))


def error_reply(
    code: int,
    message: str | None = None,
    *,
    retry_delay_s: float | None = None,
    key_invalid: bool = False,
) -> Reply:
    """A Google API error body; a 429 carries RetryInfo only when ``retry_delay_s`` is given."""
    if code == 502:
        return Reply(
            status=502, body=_BAD_GATEWAY_HTML.encode(), content_type="text/html; charset=UTF-8"
        )
    status, default_message = _STATUS[code]
    error: dict[str, Any] = {"code": code, "message": message or default_message, "status": status}
    if key_invalid:
        error["details"] = [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "API_KEY_INVALID",
                "domain": "googleapis.com",
                "metadata": {"service": "generativelanguage.googleapis.com"},
            }
        ]
    if code == 429 and retry_delay_s is not None:
        error["details"] = [
            {
                "@type": "type.googleapis.com/google.rpc.QuotaFailure",
                "violations": [
                    {
                        "quotaMetric": "generativelanguage.googleapis.com/generate_content_requests",
                        "quotaId": "GenerateRequestsPerMinutePerProjectPerModel",
                    }
                ],
            },
            {
                "@type": "type.googleapis.com/google.rpc.Help",
                "links": [
                    {
                        "description": "Learn more about Gemini API quotas",
                        "url": "https://ai.google.dev/gemini-api/docs/rate-limits",
                    }
                ],
            },
            {
                "@type": "type.googleapis.com/google.rpc.RetryInfo",
                "retryDelay": format_duration(retry_delay_s),
            },
        ]
    return _json(code, {"error": error})


def _texts(contents: object) -> list[str]:
    items = contents if isinstance(contents, list) else [contents] if contents else []
    return [
        str(part.get("text", ""))
        for item in items
        if isinstance(item, dict) and item.get("role", "user") == "user"
        for part in item.get("parts") or []
        if isinstance(part, dict)
    ]


def _config(body: dict[str, Any], camel: str, snake: str) -> Any:
    config = body.get("generationConfig") or body.get("generation_config") or {}
    return config.get(camel, config.get(snake))


def prompt_text(body: dict[str, Any]) -> str:
    """The prompt as the model reads it: system instruction first, then the user turn."""
    system = "\n".join(_texts(body.get("systemInstruction") or body.get("system_instruction")))
    return system + "\n" + "\n".join(_texts(body.get("contents")))


def generate_reply(
    model: str, body: dict[str, Any], outcome: str = "ok", *, cached_tokens: int = 0
) -> Reply:
    """A generateContent answer: tags derived from the user content, shaped by ``outcome``."""
    return _json(200, generate_payload(model, body, outcome, cached_tokens=cached_tokens))


def generate_payload(
    model: str, body: dict[str, Any], outcome: str = "ok", *, cached_tokens: int = 0
) -> dict[str, Any]:
    """The JSON of a generateContent answer (also one entry of a batch job's results).

    ``cached_tokens`` (the shared prefix the fake "cached") is reported as
    ``cachedContentTokenCount``; ``promptTokenCount`` includes it, as on the real API.
    """
    user_text = "\n".join(_texts(body.get("contents")))
    full_prompt = prompt_text(body)
    tags = derive_tags(user_text)
    as_json = _config(body, "responseMimeType", "response_mime_type") == "application/json"
    answer = json.dumps({"tags": tags}) if as_json else ", ".join(tags)
    text, finish = {
        "ok": (answer, "STOP"),
        "invalid_json": ("Sure! Here are the tags: " + ", ".join(tags), "STOP"),
        "truncated": (answer[: max(1, len(answer) // 2)], "MAX_TOKENS"),
        "empty_tags": ('{"tags": []}', "STOP"),
        "wrong_schema": (json.dumps({"labels": tags}), "STOP"),
    }.get(outcome, (None, "SAFETY"))
    prompt_tokens = estimate_tokens(full_prompt)
    answer_tokens = estimate_tokens(text) if text else 0
    usage: dict[str, Any] = {
        "promptTokenCount": prompt_tokens,
        "totalTokenCount": prompt_tokens + answer_tokens,
        "promptTokensDetails": [{"modality": "TEXT", "tokenCount": prompt_tokens}],
    }
    if cached_tokens:
        usage["cachedContentTokenCount"] = min(cached_tokens, prompt_tokens)
        usage["cacheTokensDetails"] = [
            {"modality": "TEXT", "tokenCount": usage["cachedContentTokenCount"]}
        ]
    payload: dict[str, Any] = {
        "usageMetadata": usage,
        "modelVersion": model,
        "responseId": hashlib.blake2b(full_prompt.encode(), digest_size=9).hexdigest(),
    }
    if outcome == "blocked":
        payload["promptFeedback"] = {"blockReason": "SAFETY", "safetyRatings": _SAFETY_RATINGS}
        return payload
    candidate: dict[str, Any] = {"finishReason": finish, "index": 0}
    if text is None:
        candidate["safetyRatings"] = _SAFETY_RATINGS
    else:
        candidate["content"] = {"parts": [{"text": text}], "role": "model"}
        payload["usageMetadata"]["candidatesTokenCount"] = answer_tokens
    payload["candidates"] = [candidate]
    return payload


def embed_reply(model: str, body: dict[str, Any]) -> Reply:
    """A batchEmbedContents answer, one vector per request in request order."""
    requests = body.get("requests")
    if not isinstance(requests, list) or not requests:
        return error_reply(400, "* BatchEmbedContentsRequest.requests: must not be empty\n")
    if len(requests) > MAX_EMBED_BATCH:
        return error_reply(
            400,
            f"* BatchEmbedContentsRequest.requests: at most {MAX_EMBED_BATCH} requests can be in one batch\n",
        )
    embeddings = []
    for i, request in enumerate(requests):
        if not isinstance(request, dict):
            return error_reply(
                400, f"* BatchEmbedContentsRequest.requests[{i}]: must be an object\n"
            )
        if request.get("model") not in (None, f"models/{model}"):
            return error_reply(
                400,
                f"* BatchEmbedContentsRequest.requests[{i}].model: {request['model']} "
                f"does not match the URL's model models/{model}\n",
            )
        dimension = (
            request.get("outputDimensionality", request.get("output_dimensionality"))
            or MAX_DIMENSION
        )
        if not isinstance(dimension, int) or not 1 <= dimension <= MAX_DIMENSION:
            return error_reply(
                400,
                f"* BatchEmbedContentsRequest.requests[{i}].output_dimensionality: "
                f"must be between 1 and {MAX_DIMENSION}, got {dimension!r}\n",
            )
        parts = (request.get("content") or {}).get("parts") or []
        if not parts:
            return error_reply(
                400, f"* BatchEmbedContentsRequest.requests[{i}].content.parts: must not be empty\n"
            )
        text = " ".join(str(p.get("text", "")) for p in parts if isinstance(p, dict))
        embeddings.append({"values": embed(text, dimension)})
    return _json(200, {"embeddings": embeddings})
