"""``Embedder`` backed by the packaged all-MiniLM-L6-v2 model: offline, no key, CPU."""

from __future__ import annotations

from collections.abc import Sequence

from enrichment_adapters.local import model as local_model
from enrichment_core.errors import EmbedderUnavailableError
from enrichment_core.ports import Vectors

# A pass of up to 16 short queries runs on one torch thread: splitting such small matrix products
# over cores costs more in waking and joining threads than it saves (2 cores, bfloat16, the
# traced query path: 1 query 5.1 ms on one thread against 9.1 ms on two, 8 queries 13.6 ms against
# 17.8 ms, 16 queries 24.3 ms against 25.7 ms), and a server's other core is left to the
# requests' own work (benchmarks/api_latency.py).
SMALL_PASS = 16


class LocalEmbedder:
    """Offline embedder. ``model_id`` and ``dimension`` are constants: reading them never loads
    the model, so an unchanged re-ingest skips loading torch altogether.

    ``precision``: ``auto`` (bfloat16 when the CPU computes it natively, else float32),
    ``float32`` or ``bfloat16``. It is resolved here, once, and is part of ``model_id``
    (``local:all-MiniLM-L6-v2`` or ``local:all-MiniLM-L6-v2+bf16``): the cache and the index
    never mix vectors of two precisions.

    ``traced_queries=True`` (what a server wants: ``with_traced_queries()``) sends queries
    (``embed_query``, ``embed_queries``) through the model's traced forward pass
    (``local.query_model``: the same vectors, computed without holding Python's GIL, so a
    server's other threads do not slow a search's model pass down). Tracing costs about a
    second once per process, more than a one-off search saves, so it is off by default.
    """

    def __init__(
        self,
        *,
        batch_size: int = local_model.DEFAULT_BATCH_SIZE,
        precision: str = "auto",
        traced_queries: bool = False,
    ) -> None:
        self._batch_size = batch_size
        self._precision = local_model.resolve_precision(precision)
        self._traced_queries = traced_queries

    def with_traced_queries(self) -> LocalEmbedder:
        """This embedder (same model, precision and ``model_id``) with queries on the traced path."""
        return LocalEmbedder(
            batch_size=self._batch_size, precision=self._precision, traced_queries=True
        )

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
        return local_model.encode(
            texts,
            unavailable=EmbedderUnavailableError,
            batch_size=self._batch_size,
            precision=self._precision,
        )

    def embed_query(self, text: str) -> Vectors:
        # all-MiniLM-L6-v2 is symmetric: queries and documents share one encoding.
        vector: Vectors = self.embed_queries([text])[0]
        return vector

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        """Several queries in one forward pass (the server's micro-batches), ``embed_query`` each."""
        return local_model.encode_queries(
            texts,
            unavailable=EmbedderUnavailableError,
            precision=self._precision,
            threads=1 if len(texts) <= SMALL_PASS else None,
            traced=self._traced_queries,
        )
