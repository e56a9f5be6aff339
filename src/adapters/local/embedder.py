"""``Embedder`` backed by the packaged all-MiniLM-L6-v2 model: offline, no key, CPU."""

from __future__ import annotations

from collections.abc import Sequence

from enrichment_adapters.local import model as local_model
from enrichment_core.errors import EmbedderUnavailableError
from enrichment_core.ports import Vectors


class LocalEmbedder:
    """Offline embedder. ``model_id`` and ``dimension`` are constants: reading them never loads
    the model, so an unchanged re-ingest skips loading torch altogether.

    ``precision``: ``auto`` (bfloat16 when the CPU computes it natively, else float32),
    ``float32`` or ``bfloat16``. It is resolved here, once, and is part of ``model_id``
    (``local:all-MiniLM-L6-v2`` or ``local:all-MiniLM-L6-v2+bf16``): the cache and the index
    never mix vectors of two precisions.
    """

    def __init__(
        self, *, batch_size: int = local_model.DEFAULT_BATCH_SIZE, precision: str = "auto"
    ) -> None:
        self._batch_size = batch_size
        self._precision = local_model.resolve_precision(precision)

    @property
    def precision(self) -> local_model.Precision:
        return self._precision

    @property
    def model_id(self) -> str:
        suffix = local_model.precision_suffix(self._precision)
        return f"local:{local_model.LOCAL_MODEL_NAME}{suffix}"

    @property
    def dimension(self) -> int:
        return local_model.LOCAL_DIMENSION

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts, self._batch_size)

    def embed_query(self, text: str) -> Vectors:
        # all-MiniLM-L6-v2 is symmetric: queries and documents share one encoding.
        vector: Vectors = self._encode([text], 1)[0]
        return vector

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        """Several queries in one forward pass (the server's micro-batches), ``embed_query`` each."""
        return self._encode(texts, self._batch_size)

    def _encode(self, texts: Sequence[str], batch_size: int) -> Vectors:
        return local_model.encode(
            texts,
            unavailable=EmbedderUnavailableError,
            batch_size=batch_size,
            precision=self._precision,
        )
