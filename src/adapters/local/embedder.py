"""``Embedder`` backed by the packaged all-MiniLM-L6-v2 model: offline, no key, CPU."""

from __future__ import annotations

from collections.abc import Sequence

from enrichment_adapters.local import model as local_model
from enrichment_core.errors import EmbedderUnavailableError
from enrichment_core.ports import Vectors


class LocalEmbedder:
    """Offline embedder. ``model_id`` and ``dimension`` are constants: reading them never loads
    the model, so an unchanged re-ingest skips loading torch altogether."""

    def __init__(self, *, batch_size: int = local_model.DEFAULT_BATCH_SIZE) -> None:
        self._batch_size = batch_size

    @property
    def model_id(self) -> str:
        return f"local:{local_model.LOCAL_MODEL_NAME}"

    @property
    def dimension(self) -> int:
        return local_model.LOCAL_DIMENSION

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        return local_model.encode(
            texts, unavailable=EmbedderUnavailableError, batch_size=self._batch_size
        )

    def embed_query(self, text: str) -> Vectors:
        # all-MiniLM-L6-v2 is symmetric: queries and documents share one encoding.
        vector: Vectors = local_model.encode([text], unavailable=EmbedderUnavailableError)[0]
        return vector
