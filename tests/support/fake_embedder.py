"""A deterministic ``Embedder`` for tests: bag-of-words feature hashing, L2-normalized.

Texts sharing words land near each other, so search tests can assert real rankings without a
model. It counts what it embeds (to prove an unchanged re-ingest embeds nothing), can sleep per
batch (to give a crash test time to kill it) and can fail after N texts (a crash mid-run).
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections.abc import Sequence

import numpy as np

from enrichment_core.errors import EmbeddingError
from enrichment_core.ports import Vectors

_WORD_RE = re.compile(r"[a-z0-9]+")


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


class HashingEmbedder:
    def __init__(
        self,
        dimension: int = 64,
        model_id: str = "fake:hashing",
        *,
        fail_after: int | None = None,
        delay_per_batch: float = 0.0,
    ) -> None:
        if dimension < 2:
            raise ValueError("dimension must be at least 2")
        self._dimension = dimension
        self._model_id = model_id
        self.fail_after = fail_after
        self.delay_per_batch = delay_per_batch
        self.documents_embedded = 0
        self.document_calls = 0
        self.query_calls = 0

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def dimension(self) -> int:
        return self._dimension

    def _vector(self, text: str) -> Vectors:
        vector = np.zeros(self._dimension, dtype=np.float32)
        for word in _WORD_RE.findall(text.lower()):
            digest = hashlib.blake2b(_stem(word).encode(), digest_size=8).digest()
            value = int.from_bytes(digest, "little")
            vector[value % self._dimension] += 1.0 if (value >> 32) & 1 else -1.0
        norm = float(np.linalg.norm(vector))
        if norm == 0.0:  # no words: a fixed unit vector, still a valid embedding
            vector[0] = 1.0
            return vector
        return vector / np.float32(norm)

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        self.document_calls += 1
        if self.fail_after is not None and self.documents_embedded + len(texts) > self.fail_after:
            raise EmbeddingError(f"fake embedder told to fail after {self.fail_after} texts")
        if self.delay_per_batch:
            time.sleep(self.delay_per_batch)
        self.documents_embedded += len(texts)
        if not texts:
            return np.zeros((0, self._dimension), dtype=np.float32)
        return np.stack([self._vector(t) for t in texts]).astype(np.float32)

    def embed_query(self, text: str) -> Vectors:
        self.query_calls += 1
        return self._vector(text)


class GatedEmbedder(HashingEmbedder):
    """A hashing embedder with ``embed_queries`` that records each pass and can hold it open
    (``gate``) or fail it (``fail_next``): for the micro-batching tests."""

    def __init__(self) -> None:
        super().__init__(dimension=32)
        self.passes: list[list[str]] = []
        self.gate = threading.Event()
        self.gate.set()
        self.entered = threading.Semaphore(0)
        self.fail_next = False

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        self.passes.append(list(texts))
        self.entered.release()
        self.gate.wait()
        if self.fail_next:
            self.fail_next = False
            raise EmbeddingError("the model failed")
        return np.stack([self.embed_query(t) for t in texts])
