"""The test fakes honour the same contracts as the real adapters, so tests built on them hold.

``InMemoryExpertRepo``, ``InMemoryVectorCache`` and ``InMemoryVectorIndex`` run their ports'
contracts next to the SQL, SQLite and FAISS adapters (``test_expert_repo``, ``test_vector_cache``,
``test_memory_index``); here are the test-only fakes.
"""

from __future__ import annotations

import pytest

from enrichment_core.ports import Embedder, TagGenerator
from tests.contract.embedder_contract import EmbedderContract
from tests.contract.tagger_contract import TagGeneratorContract
from tests.support.fake_embedder import HashingEmbedder
from tests.support.scripted_tagger import ScriptedTagger


class TestHashingEmbedder(EmbedderContract):
    @pytest.fixture
    def embedder(self) -> Embedder:
        return HashingEmbedder()


class TestScriptedTagger(TagGeneratorContract):
    @pytest.fixture
    def tagger(self) -> TagGenerator:
        return ScriptedTagger()
