"""``TagGenerator`` on Gemini (google-genai, structured output).

The prompt holds Username + Job Title + Bio (locked decision 1). The bio is untrusted: the
rules live in the system instruction, the profile is JSON inside ``<expert_profile>`` tags with
``<``/``>`` escaped so it cannot close the block, and the model is told the block is data.
Every answer is validated here (``response.parsed`` is silently ``None`` on bad JSON).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence

from google import genai
from google.genai import types

from enrichment_adapters.gemini.client import (
    MISSING_KEY_HINT,
    TRANSIENT_STATUS_CODES,
    TRANSPORT_ERRORS,
    UNREACHABLE_ERRORS,
    APIError,
    LoopClients,
    describe,
    is_key_error,
    make_client,
    retry_delay,
)
from enrichment_adapters.gemini.prompt import (
    SYSTEM_INSTRUCTION,
    ExpertTags,
    build_prompt,
    make_config,
    parse_tags,
    usage_of,
)
from enrichment_core.errors import (
    PermanentTaggingError,
    RateLimitedError,
    TaggerCredentialsError,
    TaggerUnavailableError,
    TaggerUnreachableError,
    TaggingError,
    TransientTaggingError,
)
from enrichment_core.ports import TagRequest
from enrichment_core.usage import TokenUsage

DEFAULT_MODEL = "gemini-2.5-flash"
__all__ = [
    "DEFAULT_MODEL",
    "SYSTEM_INSTRUCTION",
    "ExpertTags",
    "GeminiTagGenerator",
    "build_prompt",
    "parse_tags",
    "translate_error",
    "usage_of",
]


def translate_error(error: BaseException, *, timeout_s: float | None = None) -> TaggingError | None:
    """The core error for a failed call, or None when ``error`` is not a call failure."""
    if isinstance(error, APIError):
        if error.code == 429:
            delay = retry_delay(error)
            wait = f"; retry in {delay:g}s" if delay is not None else ""
            return RateLimitedError(
                f"Gemini quota exceeded ({describe(error)}){wait}", retry_after=delay
            )
        if error.code in TRANSIENT_STATUS_CODES or error.code >= 500:
            return TransientTaggingError(f"Gemini is unavailable ({describe(error)}); retry later")
        if is_key_error(error):
            return TaggerCredentialsError(
                f"Gemini refused the API key ({describe(error)}); {MISSING_KEY_HINT} with a valid key"
            )
        return PermanentTaggingError(
            f"Gemini rejected the request ({describe(error)}); check the model name and settings"
        )
    if isinstance(error, UNREACHABLE_ERRORS):
        return TaggerUnreachableError(
            f"Gemini is unreachable ({describe(error)}); check the network or "
            "GOOGLE_GEMINI_BASE_URL",
            service="Gemini",
        )
    if isinstance(error, TRANSPORT_ERRORS):
        if isinstance(error, TimeoutError) or "Timeout" in type(error).__name__:
            within = f" within {timeout_s:g}s" if timeout_s else ""
            return TransientTaggingError(f"Gemini did not answer{within} ({describe(error)})")
        return TransientTaggingError(f"could not reach Gemini ({describe(error)})")
    return None


class GeminiTagGenerator:
    """Tags experts with Gemini structured output. No retries here: the use case retries.

    ``api_key=None`` lets the SDK read ``GOOGLE_API_KEY``/``GEMINI_API_KEY``; ``base_url=None``
    lets it read ``GOOGLE_GEMINI_BASE_URL``. ``timeout_s`` bounds each call. The async path keeps
    one client per event loop; ``generate_tags_sync`` uses a separate synchronous client.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        model: str = DEFAULT_MODEL,
        base_url: str | None = None,
        timeout_s: float = 20.0,
        temperature: float = 0.2,
        max_output_tokens: int = 512,
        thinking_budget: int | None = 0,
        max_bio_chars: int = 10_000,
    ) -> None:
        if timeout_s <= 0:
            raise ValueError("timeout_s must be positive")
        self._api_key, self._base_url, self._timeout_s = api_key, base_url, timeout_s
        self._model = model
        self._max_bio_chars = max_bio_chars
        self._config = make_config(
            temperature=temperature,
            max_output_tokens=max_output_tokens,
            thinking_budget=thinking_budget,
        )
        self._usage = TokenUsage()
        self._usage_lock = threading.Lock()
        # Made now so that a missing key fails here; its async side serves the first event loop.
        self._sync_client: genai.Client | None = self._new_client()
        self._spare: genai.Client | None = self._sync_client
        self._loop_clients = LoopClients(self._client_for_a_new_loop)

    @property
    def name(self) -> str:
        return f"gemini:{self._model}"

    @property
    def model(self) -> str:
        return self._model

    def usage_snapshot(self) -> TokenUsage:
        """What every answered call of this tagger used so far (``UsageMeter``)."""
        with self._usage_lock:
            return self._usage

    def _count(self, response: types.GenerateContentResponse) -> None:
        used = usage_of(response)
        with self._usage_lock:
            self._usage = self._usage + used

    def _new_client(self) -> genai.Client:
        try:
            return make_client(
                api_key=self._api_key, base_url=self._base_url, timeout_s=self._timeout_s
            )
        except ValueError as error:
            raise TaggerUnavailableError(f"Gemini tagger: {error} ({MISSING_KEY_HINT})") from None

    def _client_for_a_new_loop(self) -> genai.Client:
        spare, self._spare = self._spare, None
        return spare or self._new_client()

    async def generate_tags(self, request: TagRequest) -> Sequence[str]:
        client = await self._loop_clients.get()
        try:
            async with asyncio.timeout(self._timeout_s):  # a total deadline, not per read
                response = await client.aio.models.generate_content(
                    model=self._model, contents=self._prompt(request), config=self._config
                )
        except Exception as error:
            translated = translate_error(error, timeout_s=self._timeout_s)
            if translated is None:
                raise
            raise translated from error
        self._count(response)
        return parse_tags(response)

    def generate_tags_sync(self, request: TagRequest) -> Sequence[str]:
        """The same call for code without an event loop."""
        if self._sync_client is None:
            self._sync_client = self._new_client()
        try:
            response = self._sync_client.models.generate_content(
                model=self._model, contents=self._prompt(request), config=self._config
            )
        except Exception as error:
            translated = translate_error(error, timeout_s=self._timeout_s)
            if translated is None:
                raise
            raise translated from error
        self._count(response)
        return parse_tags(response)

    def _prompt(self, request: TagRequest) -> str:
        return build_prompt(request, max_bio_chars=self._max_bio_chars)

    async def aclose(self) -> None:
        await self._loop_clients.aclose()
        self._close_sync()

    def close(self) -> None:
        self._loop_clients.close()
        self._close_sync()

    def _close_sync(self) -> None:
        client, self._sync_client, self._spare = self._sync_client, None, None
        if client is not None:
            client.close()

    async def __aenter__(self) -> GeminiTagGenerator:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def __enter__(self) -> GeminiTagGenerator:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"GeminiTagGenerator(model={self._model!r}, base_url={self._base_url!r})"
