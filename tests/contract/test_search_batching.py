"""``BatchedSearch``: concurrent searches share model passes; each caller gets its own page or
its own error; a lone search never waits; blocking and async callers alike."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import anyio
import pytest

from enrichment_adapters.memory import InMemoryExpertRepo, InMemoryVectorIndex
from enrichment_adapters.search_batching import BatchedSearch
from enrichment_adapters.vector_index.cache import InMemoryVectorCache
from enrichment_core.errors import EmbeddingError, IndexNotFoundError, InvalidQueryError
from enrichment_core.experts import Expert
from enrichment_core.ingest import ingest
from enrichment_core.search import SearchPage, SearchRequest, search_page
from tests.support.batching import ask_concurrently, hold_first_pass, join, wait_until_queued
from tests.support.fake_embedder import GatedEmbedder

EXPERTS = [
    ("taxpro", "Tax attorney advising startups on R&D tax credits.", ("tax law",)),
    ("dr_paws", "Veterinary surgeon for dogs and cats.", ("veterinary",)),
    ("shipit", "Supply chain consultant for logistics.", ("supply chain",)),
]


@pytest.fixture
def embedder() -> GatedEmbedder:
    return GatedEmbedder()


@pytest.fixture
def cache() -> InMemoryVectorCache:
    return InMemoryVectorCache()


@pytest.fixture
def index(embedder: GatedEmbedder, cache: InMemoryVectorCache) -> InMemoryVectorIndex:
    index = InMemoryVectorIndex()
    experts = [Expert(username=u, bio=b, tags=t) for u, b, t in EXPERTS]
    ingest(InMemoryExpertRepo(experts), embedder, index, cache)
    return index


@pytest.fixture
def searcher(
    embedder: GatedEmbedder, index: InMemoryVectorIndex, cache: InMemoryVectorCache
) -> Iterator[BatchedSearch]:
    searcher = BatchedSearch(
        embedder, index, explain_with=cache, max_batch=4, max_wait_s=0.001, groups=1
    )
    yield searcher
    embedder.gate.set()
    searcher.close()


def alone(
    query: str, embedder: GatedEmbedder, index: InMemoryVectorIndex, cache: InMemoryVectorCache
) -> SearchPage:
    return search_page(query, embedder=embedder, index=index, explain_with=cache)


def asking(searcher: BatchedSearch) -> Callable[[str], SearchPage]:
    return lambda query: searcher.search(SearchRequest(query))


def test_searches_waiting_during_a_pass_share_the_next_and_each_gets_its_own_page(
    searcher: BatchedSearch,
    embedder: GatedEmbedder,
    index: InMemoryVectorIndex,
    cache: InMemoryVectorCache,
) -> None:
    first = hold_first_pass(asking(searcher), "first: tax law", embedder)
    queries = ["R&D tax credits", "my dog is limping", "logistics help"]
    threads, answers = ask_concurrently(asking(searcher), queries)
    wait_until_queued(searcher._embed, 3)
    embedder.gate.set()
    join([first, *threads])
    assert len(embedder.passes) == 2
    assert sorted(embedder.passes[1]) == sorted(queries)
    for query in queries:
        assert answers[query] == alone(query, embedder, index, cache)
    page = answers["my dog is limping"]
    assert isinstance(page, SearchPage)
    assert page.hits[0].record.username == "dr_paws"
    assert page.hits[0].evidence is not None  # match reasons, from the vector cache
    assert (searcher.stats().passes, searcher.stats().largest) == (2, 3)


def test_a_pass_never_holds_more_than_max_batch_searches(
    searcher: BatchedSearch, embedder: GatedEmbedder
) -> None:
    first = hold_first_pass(asking(searcher), "first: tax law", embedder)
    threads, answers = ask_concurrently(asking(searcher), [f"tax question {n}" for n in range(6)])
    wait_until_queued(searcher._embed, 6)
    embedder.gate.set()
    join([first, *threads])
    assert [len(p) for p in embedder.passes[1:]] == [4, 2]
    assert all(isinstance(a, SearchPage) for a in answers.values())


def test_a_bad_query_fails_only_its_own_caller(
    searcher: BatchedSearch, embedder: GatedEmbedder
) -> None:
    first = hold_first_pass(asking(searcher), "first: tax law", embedder)
    threads, answers = ask_concurrently(asking(searcher), ["tax law", " \x00 "])
    wait_until_queued(searcher._embed, 2)
    embedder.gate.set()
    join([first, *threads])
    assert isinstance(answers[" \x00 "], InvalidQueryError)
    assert isinstance(answers["tax law"], SearchPage)
    assert embedder.passes[1] == ["tax law"]  # the bad one was never embedded


def test_a_failed_model_pass_fails_its_callers_and_the_next_search_is_answered(
    searcher: BatchedSearch, embedder: GatedEmbedder
) -> None:
    first = hold_first_pass(asking(searcher), "first: tax law", embedder)
    threads, answers = ask_concurrently(asking(searcher), ["a tax question", "a dog question"])
    wait_until_queued(searcher._embed, 2)
    embedder.fail_next = True  # the held first pass fails
    embedder.gate.set()
    join([first, *threads])
    assert all(isinstance(a, SearchPage) for a in answers.values())
    embedder.fail_next = True
    with pytest.raises(EmbeddingError, match="the model failed"):
        searcher.search(SearchRequest("tax"))
    assert searcher.search(SearchRequest("tax")).hits[0].record.username == "taxpro"


def test_serial_searches_each_get_a_pass_of_their_own(
    searcher: BatchedSearch, embedder: GatedEmbedder
) -> None:
    for n in range(4):
        searcher.search(SearchRequest(f"query {n}"))
    assert embedder.passes == [[f"query {n}"] for n in range(4)]


def test_async_callers_share_passes_without_holding_threads(
    searcher: BatchedSearch,
    embedder: GatedEmbedder,
    index: InMemoryVectorIndex,
    cache: InMemoryVectorCache,
) -> None:
    queries = ["R&D tax credits", "my dog is limping", "logistics help", "tax law"]
    pages: dict[str, SearchPage] = {}

    async def main() -> None:
        embedder.gate.clear()

        async def ask(query: str) -> None:
            pages[query] = await searcher.search_async(SearchRequest(query))

        async with anyio.create_task_group() as group:
            group.start_soon(ask, queries[0])
            await anyio.to_thread.run_sync(embedder.entered.acquire)  # its pass is held open
            for query in queries[1:]:
                group.start_soon(ask, query)
            await anyio.to_thread.run_sync(wait_until_queued, searcher._embed, 3)
            embedder.gate.set()

    anyio.run(main)
    assert [len(p) for p in embedder.passes] == [1, 3]
    assert pages == {q: alone(q, embedder, index, cache) for q in queries}


def test_an_index_problem_reaches_the_callers_and_close_keeps_answering(
    embedder: GatedEmbedder,
) -> None:
    empty = BatchedSearch(embedder, InMemoryVectorIndex())
    with pytest.raises(IndexNotFoundError):
        empty.search(SearchRequest("tax"))
    empty.close()
    with pytest.raises(IndexNotFoundError):  # closed: answered in the caller's thread
        empty.search(SearchRequest("tax"))


def test_after_close_searches_run_in_the_callers_thread(
    searcher: BatchedSearch, embedder: GatedEmbedder
) -> None:
    searcher.search(SearchRequest("before"))
    searcher.close()
    assert searcher.search(SearchRequest("tax law")).hits[0].record.username == "taxpro"
    assert searcher.stats().passes == 1  # the second search ran without the worker


def test_with_two_groups_a_pass_takes_at_most_half_the_searches_in_flight(
    embedder: GatedEmbedder, index: InMemoryVectorIndex, cache: InMemoryVectorCache
) -> None:
    searcher = BatchedSearch(embedder, index, explain_with=cache, max_batch=16, max_wait_s=0.001)
    try:
        first = hold_first_pass(asking(searcher), "first: tax law", embedder)
        threads, answers = ask_concurrently(
            asking(searcher), [f"tax question {n}" for n in range(5)]
        )
        wait_until_queued(searcher._embed, 5)
        embedder.gate.set()  # 6 in flight: the next pass takes 3, and the rest follow
        join([first, *threads])
    finally:
        embedder.gate.set()
        searcher.close()
    sizes = [len(p) for p in embedder.passes]
    assert sizes[:2] == [1, 3]
    assert sum(sizes) == 6
    assert all(isinstance(a, SearchPage) for a in answers.values())
    with pytest.raises(ValueError, match="groups"):
        BatchedSearch(embedder, index, groups=0)
