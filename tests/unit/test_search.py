"""The search use case: query validation, index and embedder checks, best hits first."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from enrichment_adapters.memory import InMemoryExpertRepo, InMemoryVectorIndex
from enrichment_adapters.vector_index.cache import InMemoryVectorCache
from enrichment_core.errors import EmbedderMismatchError, IndexNotFoundError
from enrichment_core.experts import Expert
from enrichment_core.ingest import ingest
from enrichment_core.search import MAX_K, MAX_QUERY_CHARS, InvalidQueryError, search
from tests.support.fake_embedder import HashingEmbedder

EXPERTS = [
    (
        "taxpro",
        "Tax attorney advising startups on R&D tax credits.",
        ("tax law", "r&d tax credits"),
    ),
    ("dr_paws", "Veterinary surgeon for dogs and cats.", ("veterinary", "animal surgery")),
    ("shipit", "Supply chain consultant for logistics and procurement.", ("supply chain",)),
    ("ml_jane", "Machine learning engineer for NLP systems.", ("machine learning", "nlp")),
]


@pytest.fixture
def embedder() -> HashingEmbedder:
    return HashingEmbedder()


@pytest.fixture
def index(tmp_path: Path, embedder: HashingEmbedder) -> InMemoryVectorIndex:
    repo = InMemoryExpertRepo(
        [Expert(username=u, bio=bio, tags=tags, job_title="Consultant") for u, bio, tags in EXPERTS]
    )
    index = InMemoryVectorIndex()
    ingest(repo, embedder, index, InMemoryVectorCache())
    return index


def test_the_best_matching_expert_comes_first(
    embedder: HashingEmbedder, index: InMemoryVectorIndex
) -> None:
    hits = search(
        "I need help with R&D tax credits for a startup", embedder=embedder, index=index, k=3
    )
    assert hits[0].record.username == "taxpro"
    assert len(hits) == 3
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_k_above_the_index_size_returns_everyone(
    embedder: HashingEmbedder, index: InMemoryVectorIndex
) -> None:
    hits = search("consultant", embedder=embedder, index=index, k=MAX_K)
    assert sorted(h.record.username for h in hits) == sorted(u for u, _, _ in EXPERTS)


@pytest.mark.parametrize("query", ["", "   ", "\n\t", "\x00\x1f"])
def test_an_empty_query_is_refused_with_an_example(
    embedder: HashingEmbedder, index: InMemoryVectorIndex, query: str
) -> None:
    with pytest.raises(InvalidQueryError, match=r"empty.*e\.g\."):
        search(query, embedder=embedder, index=index)
    assert embedder.query_calls == 0


def test_an_oversize_query_is_refused(
    embedder: HashingEmbedder, index: InMemoryVectorIndex
) -> None:
    with pytest.raises(ValueError, match=f"at most {MAX_QUERY_CHARS:,}"):
        search("tax " * MAX_QUERY_CHARS, embedder=embedder, index=index)


def test_control_characters_and_spacing_do_not_change_the_answer(
    embedder: HashingEmbedder, index: InMemoryVectorIndex
) -> None:
    clean = search("veterinary surgeon", embedder=embedder, index=index, k=1)
    messy = search("  veterinary\x00\n\n surgeon\t", embedder=embedder, index=index, k=1)
    assert clean == messy


@pytest.mark.parametrize("k", [0, -1, MAX_K + 1, True, 2.5])
def test_k_outside_one_to_a_hundred_is_refused(
    embedder: HashingEmbedder, index: InMemoryVectorIndex, k: object
) -> None:
    with pytest.raises(InvalidQueryError, match="k must be"):
        search("tax", embedder=embedder, index=index, k=k)  # type: ignore[arg-type]


def test_searching_before_any_ingest_says_to_run_ingest(
    tmp_path: Path, embedder: HashingEmbedder
) -> None:
    with pytest.raises(
        IndexNotFoundError, match=r"no index has been promoted yet: run `enrich ingest`"
    ):
        search("tax", embedder=embedder, index=InMemoryVectorIndex())


@pytest.mark.parametrize(
    "other",
    [HashingEmbedder(model_id="gemini:gemini-embedding-001"), HashingEmbedder(dimension=32)],
)
def test_a_query_embedder_other_than_the_indexs_is_refused(
    index: InMemoryVectorIndex, other: HashingEmbedder
) -> None:
    with pytest.raises(EmbedderMismatchError) as caught:
        search("tax", embedder=other, index=index)
    message = str(caught.value)
    assert "fake:hashing (64 dimensions)" in message
    assert f"{other.model_id} ({other.dimension} dimensions)" in message
    assert "re-run `enrich ingest`" in message
    assert other.query_calls == 0


def test_a_newly_promoted_index_is_searched_without_restarting(
    tmp_path: Path, embedder: HashingEmbedder, index: InMemoryVectorIndex
) -> None:
    assert search("veterinary", embedder=embedder, index=index, k=1)[0].record.username == "dr_paws"
    repo = InMemoryExpertRepo(
        [Expert(username="horse_vet", bio="Equine veterinary.", tags=("veterinary",))]
    )
    ingest(repo, embedder, InMemoryVectorIndex(index.store), InMemoryVectorCache())
    hits = search("veterinary", embedder=embedder, index=index, k=5)
    assert [h.record.username for h in hits] == ["horse_vet"]


def test_tag_names_are_embedded_once_across_searches(
    embedder: HashingEmbedder, index: InMemoryVectorIndex
) -> None:
    asked: list[str] = []

    class Counting(HashingEmbedder):
        def embed_documents(self, texts: Sequence[str]) -> Any:
            asked.extend(texts)
            return super().embed_documents(texts)

    counting = Counting()  # same model id and vectors as the index's embedder
    first = search("R&D tax credits", embedder=counting, index=index)
    tags = sorted({t for _, _, ts in EXPERTS for t in ts})
    assert sorted(asked) == tags  # each tag of the candidates, once
    again = search("a vet for my dog", embedder=counting, index=index)
    assert sorted(asked) == tags  # nothing embedded a second time
    assert first[0].record.username == "taxpro"
    assert again[0].record.username == "dr_paws"
