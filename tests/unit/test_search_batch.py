"""Several searches at once (``search_pages``, ``prepare_searches``, ``finish_search``): each
answered as ``search_page`` answers it alone, every query embedded in one model call."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from enrichment_adapters.memory import InMemoryExpertRepo, InMemoryVectorIndex
from enrichment_adapters.vector_index.cache import InMemoryVectorCache
from enrichment_core.errors import EmbeddingError, IndexNotFoundError, InvalidQueryError
from enrichment_core.experts import Expert
from enrichment_core.filters import SearchFilters
from enrichment_core.ingest import ingest
from enrichment_core.ports import Vectors
from enrichment_core.search import (
    PreparedSearch,
    SearchPage,
    SearchRequest,
    prepare_searches,
    search_page,
    search_pages,
)
from tests.support.fake_embedder import HashingEmbedder

EXPERTS = [
    ("taxpro", "Tax attorney advising startups on R&D tax credits.", ("tax law",), 150.0),
    ("dr_paws", "Veterinary surgeon for dogs and cats.", ("veterinary",), 90.0),
    ("shipit", "Supply chain consultant for logistics.", ("supply chain",), None),
    ("ml_jane", "Machine learning engineer for NLP systems.", ("machine learning",), 200.0),
]


class CountingBatchEmbedder(HashingEmbedder):
    """Embeds several queries in one call and counts the calls."""

    def __init__(self) -> None:
        super().__init__()
        self.batches: list[list[str]] = []

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        self.batches.append(list(texts))
        return np.stack([self._vector(t) for t in texts])


class CountingIndex(InMemoryVectorIndex):
    manifest_reads = 0

    def manifest(self):  # type: ignore[no-untyped-def]
        self.manifest_reads += 1
        return super().manifest()


@pytest.fixture
def embedder() -> CountingBatchEmbedder:
    return CountingBatchEmbedder()


@pytest.fixture
def index(embedder: CountingBatchEmbedder) -> CountingIndex:
    experts = [
        Expert(username=u, bio=bio, tags=tags, hourly_rate=rate, job_title="Consultant")
        for u, bio, tags, rate in EXPERTS
    ]
    index = CountingIndex()
    ingest(InMemoryExpertRepo(experts), embedder, index, InMemoryVectorCache())
    return index


def usernames(page: SearchPage | InvalidQueryError) -> list[str]:
    assert isinstance(page, SearchPage), page
    return [hit.record.username for hit in page.hits]


def test_each_search_is_answered_as_alone_and_all_queries_share_one_model_call(
    embedder: CountingBatchEmbedder, index: CountingIndex
) -> None:
    requests = [
        SearchRequest("R&D tax credits for a startup", k=2),
        SearchRequest("my dog needs surgery", k=3, offset=1),
        SearchRequest("logistics", filters=SearchFilters.build(max_rate=100)),
    ]
    alone = [
        search_page(
            r.query, embedder=embedder, index=index, k=r.k, offset=r.offset, filters=r.filters
        )
        for r in requests
    ]
    embedder.batches.clear()
    together = search_pages(requests, embedder=embedder, index=index)
    assert embedder.batches == [[r.query for r in requests]]  # one call for the three
    assert together == alone
    assert usernames(together[0])[0] == "taxpro"
    assert usernames(together[2]) == ["dr_paws"]  # the only rate known and at most 100


def test_a_bad_request_gets_its_own_error_and_costs_the_others_nothing(
    embedder: CountingBatchEmbedder, index: CountingIndex
) -> None:
    answers = search_pages(
        [SearchRequest("   "), SearchRequest("tax law"), SearchRequest("tax", k=0)],
        embedder=embedder,
        index=index,
    )
    assert isinstance(answers[0], InvalidQueryError)
    assert "empty" in str(answers[0])
    assert usernames(answers[1])[0] == "taxpro"
    assert isinstance(answers[2], InvalidQueryError)
    assert "k must be" in str(answers[2])
    assert embedder.batches == [["tax law"]]


def test_only_bad_requests_never_touch_the_index_or_the_model(
    embedder: CountingBatchEmbedder, index: CountingIndex
) -> None:
    reads = index.manifest_reads
    answers = prepare_searches(
        [SearchRequest(""), SearchRequest("x" * 501)], embedder=embedder, index=index
    )
    assert all(isinstance(a, InvalidQueryError) for a in answers)
    assert index.manifest_reads == reads
    assert embedder.batches == []


def test_a_filter_nobody_passes_answers_an_empty_page_without_embedding_its_query(
    embedder: CountingBatchEmbedder, index: CountingIndex
) -> None:
    nobody = SearchFilters.build(tags=["astrophysics"])
    prepared = prepare_searches(
        [SearchRequest("stars", filters=nobody), SearchRequest("nlp")],
        embedder=embedder,
        index=index,
    )
    assert isinstance(prepared[0], PreparedSearch)
    assert (prepared[0].vector, prepared[0].total) == (None, 0)
    assert embedder.batches == [["nlp"]]
    pages = search_pages([SearchRequest("stars", filters=nobody)], embedder=embedder, index=index)
    assert pages == [SearchPage(hits=[], total=0, offset=0, k=10)]


def test_problems_of_the_index_or_the_embedder_are_raised_for_the_whole_batch(
    embedder: CountingBatchEmbedder,
) -> None:
    with pytest.raises(IndexNotFoundError, match="enrich ingest"):
        search_pages([SearchRequest("tax")], embedder=embedder, index=InMemoryVectorIndex())

    class Broken(CountingBatchEmbedder):
        def embed_queries(self, texts: Sequence[str]) -> Vectors:
            return np.zeros((len(texts) + 1, self.dimension), np.float32)  # one row too many

    broken = Broken()
    index = InMemoryVectorIndex()
    repo = InMemoryExpertRepo([Expert(username="a", bio="Tax.", tags=("tax law",))])
    ingest(repo, broken, index, InMemoryVectorCache())
    with pytest.raises(EmbeddingError, match="shape"):
        search_pages([SearchRequest("tax"), SearchRequest("law")], embedder=broken, index=index)


def test_an_embedder_without_embed_queries_embeds_each_query() -> None:
    plain = HashingEmbedder()  # the same vectors as the fixture's embedder, no embed_queries
    plain_index = InMemoryVectorIndex()
    experts = [Expert(username=u, bio=b, tags=t, hourly_rate=r) for u, b, t, r in EXPERTS]
    ingest(InMemoryExpertRepo(experts), plain, plain_index, InMemoryVectorCache())
    pages = search_pages(
        [SearchRequest("tax law"), SearchRequest("dogs")], embedder=plain, index=plain_index
    )
    assert plain.query_calls == 2
    assert [usernames(p)[0] for p in pages] == ["taxpro", "dr_paws"]
