"""``InMemoryVectorIndex`` (numpy) against the same ``VectorIndex`` contract as FAISS."""

from __future__ import annotations

import pytest

from enrichment_adapters.memory import InMemoryIndexStore, InMemoryVectorIndex
from tests.contract.vector_index_contract import OpenIndex, VectorIndexContract


class TestInMemoryVectorIndex(VectorIndexContract):
    @pytest.fixture
    def open_index(self) -> OpenIndex:
        store = InMemoryIndexStore()
        return lambda: InMemoryVectorIndex(store)
