"""The contract every ``Embedder`` adapter passes. Subclass and provide an ``embedder`` fixture."""

from __future__ import annotations

import numpy as np
import pytest

from enrichment_core.ports import Embedder

DOCS = [
    "Veterinary surgeon for dogs and cats, small animal orthopedic surgery.",
    "Tax attorney advising startups on R&D tax credits and IRS audits.",
    "Supply chain consultant: logistics, inventory planning, procurement.",
]


class EmbedderContract:
    @pytest.fixture
    def embedder(self) -> Embedder:  # pragma: no cover - overridden
        raise NotImplementedError

    def test_identifies_its_model_and_dimension(self, embedder: Embedder) -> None:
        assert embedder.model_id.strip()
        assert embedder.dimension > 0

    def test_documents_are_unit_float32_rows_in_input_order(self, embedder: Embedder) -> None:
        vectors = embedder.embed_documents(DOCS)
        assert vectors.shape == (len(DOCS), embedder.dimension)
        assert vectors.dtype == np.float32
        np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
        single = embedder.embed_documents([DOCS[2]])[0]
        # the same text, alone or in a batch: the same direction (reduced-precision models such
        # as bfloat16 round differently with the batch's shape, by ~1e-4 in cosine)
        assert float(single @ vectors[2]) > 0.999
        assert float(single @ vectors[2]) > float(np.max(np.delete(vectors, 2, axis=0) @ single))

    def test_no_documents_give_an_empty_matrix(self, embedder: Embedder) -> None:
        assert embedder.embed_documents([]).shape == (0, embedder.dimension)

    def test_query_is_one_unit_vector(self, embedder: Embedder) -> None:
        query = embedder.embed_query("who can help with my dog's broken leg")
        assert query.shape == (embedder.dimension,)
        assert query.dtype == np.float32
        assert abs(float(np.linalg.norm(query)) - 1.0) < 1e-4

    def test_a_query_lands_nearest_its_document(self, embedder: Embedder) -> None:
        vectors = embedder.embed_documents(DOCS)
        query = embedder.embed_query("tax credits for a startup")
        assert int(np.argmax(vectors @ query)) == 1

    def test_dimension_is_known_without_embedding(self, embedder: Embedder) -> None:
        before = embedder.dimension
        embedder.embed_documents(DOCS[:1])
        assert embedder.dimension == before
