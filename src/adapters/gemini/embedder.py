"""``Embedder`` on Gemini (``gemini-embedding-001`` by default), synchronous.

Texts go in chunks of at most 100 (the API's limit; the SDK does not split), documents with task
type ``RETRIEVAL_DOCUMENT`` and queries with ``RETRIEVAL_QUERY``. Vectors below 3072 dimensions
are not unit length from the API, so every vector is L2-normalized here. Quota (429, honouring
the server's ``retryDelay``), 5xx and transport failures are retried with exponential backoff,
within a bounded number of attempts and a bounded total wait; then ``EmbeddingError``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence

import numpy as np
import tenacity
from google import genai
from google.genai import types

from enrichment_adapters.gemini.client import (
    MISSING_KEY_HINT,
    TRANSPORT_ERRORS,
    APIError,
    describe,
    is_key_error,
    make_client,
    retry_delay,
)
from enrichment_core.errors import EmbedderUnavailableError, EmbeddingError
from enrichment_core.ports import Vectors

logger = logging.getLogger(__name__)

DEFAULT_MODEL = "gemini-embedding-001"
MAX_BATCH = 100
DOCUMENT_TASK = "RETRIEVAL_DOCUMENT"
QUERY_TASK = "RETRIEVAL_QUERY"


def is_retryable(error: BaseException) -> bool:
    """Quota, server-side and transport failures; never a bad key or a bad request."""
    if isinstance(error, APIError):
        return error.code in (408, 429) or error.code >= 500
    return isinstance(error, TRANSPORT_ERRORS)


class _WaitBudget(tenacity.stop.stop_base):
    """Stop rather than let the waits of one chunk add up to more than ``seconds``."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def __call__(self, retry_state: tenacity.RetryCallState) -> bool:
        return retry_state.idle_for + (retry_state.upcoming_sleep or 0.0) > self.seconds


class GeminiEmbedder:
    """Embeds texts with the Gemini API into L2-normalized float32 vectors.

    ``dimension`` is the requested ``output_dimensionality`` (128-3072; 768/1536/3072 are the
    recommended sizes) and is known without any call. Retry policy: at most ``max_attempts``
    calls per chunk, waits from ``initial_backoff_s`` doubling up to ``max_backoff_s`` (a 429's
    ``retryDelay`` instead, capped at ``max_retry_delay_s``), and no wait that would take the
    chunk past ``max_total_wait_s``.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        model: str = DEFAULT_MODEL,
        dimension: int = 768,
        base_url: str | None = None,
        timeout_s: float = 60.0,
        batch_size: int = MAX_BATCH,
        max_attempts: int = 5,
        initial_backoff_s: float = 1.0,
        max_backoff_s: float = 20.0,
        max_retry_delay_s: float = 60.0,
        max_total_wait_s: float = 120.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not 1 <= dimension <= 3072:
            raise ValueError(f"dimension must be between 1 and 3072, got {dimension}")
        if not 1 <= batch_size <= MAX_BATCH:
            raise ValueError(f"batch_size must be between 1 and {MAX_BATCH}, got {batch_size}")
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self._model, self._dimension, self._batch_size = model, dimension, batch_size
        self._max_attempts = max_attempts
        self._initial_backoff_s, self._max_backoff_s = initial_backoff_s, max_backoff_s
        self._max_retry_delay_s, self._max_total_wait_s = max_retry_delay_s, max_total_wait_s
        self._sleep = sleep
        try:
            self._client: genai.Client | None = make_client(
                api_key=api_key, base_url=base_url, timeout_s=timeout_s
            )
        except ValueError as error:
            raise EmbedderUnavailableError(
                f"Gemini embedder: {error} ({MISSING_KEY_HINT})"
            ) from None

    @property
    def model_id(self) -> str:
        return f"gemini:{self._model}"

    @property
    def dimension(self) -> int:
        return self._dimension

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        return self._embed_all(texts, DOCUMENT_TASK)

    def embed_query(self, text: str) -> Vectors:
        vector: Vectors = self._embed_chunk([text], QUERY_TASK)[0]
        return vector

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        """Several queries (``RETRIEVAL_QUERY``) in one request per ``batch_size``: a server's
        concurrent searches share one round trip."""
        return self._embed_all(texts, QUERY_TASK)

    def _embed_all(self, texts: Sequence[str], task_type: str) -> Vectors:
        if not texts:
            return np.zeros((0, self._dimension), dtype=np.float32)
        chunks = [
            self._embed_chunk(texts[start : start + self._batch_size], task_type)
            for start in range(0, len(texts), self._batch_size)
        ]
        return np.concatenate(chunks)

    def _embed_chunk(self, texts: Sequence[str], task_type: str) -> Vectors:
        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception(is_retryable),
            stop=tenacity.stop_after_attempt(self._max_attempts)
            | _WaitBudget(self._max_total_wait_s),
            wait=self._wait,
            sleep=self._sleep,
            before_sleep=self._log_retry,
            reraise=True,
        )
        try:
            response = retrying(self._call, list(texts), task_type)
        except EmbeddingError:
            raise
        except Exception as error:
            attempts = int(retrying.statistics.get("attempt_number", 1))
            failure = self._failure(error, len(texts), attempts)
            if failure is None:
                raise
            raise failure from error
        return self._to_matrix(response, len(texts))

    def _call(self, texts: list[str], task_type: str) -> types.EmbedContentResponse:
        if self._client is None:
            raise EmbeddingError("the Gemini embedder is closed")
        config = types.EmbedContentConfig(
            task_type=task_type, output_dimensionality=self._dimension
        )
        return self._client.models.embed_content(model=self._model, contents=texts, config=config)

    def _wait(self, state: tenacity.RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, APIError) and error.code == 429:
            delay = retry_delay(error)
            if delay is not None:
                return min(delay, self._max_retry_delay_s)
        backoff = self._initial_backoff_s * 2 ** (state.attempt_number - 1)
        return float(min(backoff, self._max_backoff_s))

    def _log_retry(self, state: tenacity.RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        wait = state.next_action.sleep if state.next_action else 0.0
        logger.warning(
            "Gemini embedding attempt %d failed (%s); retrying in %.2fs",
            state.attempt_number,
            describe(error) if error else "?",
            wait,
        )

    def _failure(self, error: Exception, count: int, attempts: int) -> EmbeddingError | None:
        what = describe(error)
        if isinstance(error, APIError) and is_key_error(error):
            return EmbeddingError(
                f"Gemini refused the API key ({what}); {MISSING_KEY_HINT} with a valid key"
            )
        if isinstance(error, APIError) and not is_retryable(error):
            return EmbeddingError(
                f"Gemini rejected the embedding request ({what}); check the model "
                f"{self._model!r} and dimension {self._dimension}"
            )
        if is_retryable(error):
            return EmbeddingError(
                f"Gemini embedding of {count} text(s) failed {attempts} time(s), last with {what}; "
                "check the quota and try again later"
            )
        return None

    def _to_matrix(self, response: types.EmbedContentResponse, count: int) -> Vectors:
        embeddings = response.embeddings or []
        if len(embeddings) != count:
            raise EmbeddingError(f"Gemini returned {len(embeddings)} embeddings for {count} texts")
        rows = [e.values or [] for e in embeddings]
        if any(len(row) != self._dimension for row in rows):
            sizes = sorted({len(row) for row in rows})
            raise EmbeddingError(
                f"Gemini returned vectors of size {sizes}, expected {self._dimension}"
            )
        matrix = np.asarray(rows, dtype=np.float32)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        if not np.all(np.isfinite(norms)) or np.any(norms == 0):
            raise EmbeddingError("Gemini returned a zero or non-finite vector; cannot normalize it")
        normalized: Vectors = (matrix / norms).astype(np.float32)
        return normalized

    def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            client.close()

    def __enter__(self) -> GeminiEmbedder:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"GeminiEmbedder(model={self._model!r}, dimension={self._dimension})"
