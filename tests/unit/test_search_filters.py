"""Search filters before ranking, paging with a total, and why each expert matched."""

from __future__ import annotations

import pytest

from enrichment_adapters.memory import InMemoryExpertRepo, InMemoryVectorIndex
from enrichment_adapters.vector_index.cache import InMemoryVectorCache
from enrichment_core.errors import InvalidQueryError
from enrichment_core.experts import Expert
from enrichment_core.explain import bio_sentences
from enrichment_core.filters import SearchFilters
from enrichment_core.ingest import ingest
from enrichment_core.search import search_page
from tests.support.fake_embedder import HashingEmbedder

# Twelve tax experts (rates 50..600, every other one with a URL) and three vets.
TAX_BIO = "Tax attorney for startups. I claim R&D tax credits and defend IRS audits every week."
VET_BIO = "Veterinary surgeon for dogs and cats. Small animal orthopedic surgery is my work."


def _experts() -> list[Expert]:
    experts = [
        Expert(
            username=f"tax{n:02d}",
            first_name="Tax",
            last_name=f"Expert{n:02d}",
            bio=TAX_BIO,
            hourly_rate=50.0 * (n + 1),
            profile_url=f"https://x.example/tax{n}" if n % 2 == 0 else None,
            tags=("tax law", "r&d tax credits") if n % 3 else ("tax law",),
            findability_score=40.0 + 5 * n,
        )
        for n in range(12)
    ]
    experts += [
        Expert(
            username=f"vet{n}",
            bio=VET_BIO,
            hourly_rate=None if n == 0 else 80.0,
            tags=("veterinary", "surgery"),
            findability_score=70.0,
        )
        for n in range(3)
    ]
    return experts


World = tuple[HashingEmbedder, InMemoryVectorIndex, InMemoryVectorCache]


@pytest.fixture
def world() -> World:
    embedder, index, cache = HashingEmbedder(), InMemoryVectorIndex(), InMemoryVectorCache()
    ingest(InMemoryExpertRepo(_experts()), embedder, index, cache)
    return embedder, index, cache


def test_a_filtered_search_still_returns_k_experts(world: World) -> None:
    embedder, index, _ = world
    # Unfiltered, the vets rank first for this query; filtered after ranking, k=3 would hold no
    # tax expert. Filtered before ranking it holds three, all within the rate.
    page = search_page(
        "veterinary surgery for dogs",
        embedder=embedder,
        index=index,
        k=3,
        filters=SearchFilters.build(max_rate=150, tags=["Tax Law"]),
    )
    assert sorted(h.record.username for h in page.hits) == ["tax00", "tax01", "tax02"]
    assert all(h.record.hourly_rate is not None and h.record.hourly_rate <= 150 for h in page.hits)
    assert all("tax law" in h.record.tags for h in page.hits)
    assert page.total == 3


def test_every_filter_narrows_the_candidates(world: World) -> None:
    embedder, index, _ = world

    def total(**options: object) -> int:
        filters = SearchFilters.build(**options)  # type: ignore[arg-type]
        page = search_page("tax", embedder=embedder, index=index, k=50, filters=filters)
        assert len(page.hits) == page.total  # k is larger than every candidate set here
        assert all(filters.matches(h.record) for h in page.hits)
        return page.total

    assert total() == 15
    assert total(max_rate=80) == 3  # tax00 (50), two vets at 80; the vet without a rate is out
    assert total(tags=["surgery", "r&d tax credits"], tag_mode="any") == 3 + 8
    assert total(tags=["tax law", "r&d tax credits"], tag_mode="all") == 8
    assert total(min_findability=90) == 2  # tax10 (90), tax11 (95)
    assert total(has_profile_url=True) == 6
    assert total(tags=["nothing like this"]) == 0


def test_paging_walks_the_same_ranking(world: World) -> None:
    embedder, index, _ = world
    whole = search_page("tax credits", embedder=embedder, index=index, k=15)
    pages = [
        search_page("tax credits", embedder=embedder, index=index, k=4, offset=o)
        for o in range(0, 20, 4)
    ]
    assert [h.record.id for p in pages for h in p.hits] == [h.record.id for h in whole.hits]
    assert {p.total for p in pages} == {15}
    assert [len(p.hits) for p in pages] == [4, 4, 4, 3, 0]


def test_bad_options_are_refused_with_what_is_accepted() -> None:
    with pytest.raises(InvalidQueryError, match="max_rate"):
        SearchFilters.build(max_rate=-1)
    with pytest.raises(InvalidQueryError, match="min_findability"):
        SearchFilters.build(min_findability=101)
    with pytest.raises(InvalidQueryError, match="tag_mode"):
        SearchFilters.build(tag_mode="some")
    with pytest.raises(InvalidQueryError, match="at most 10 tags"):
        SearchFilters.build(tags=[f"t{n}" for n in range(11)])


def test_offset_is_bounded(world: World) -> None:
    embedder, index, _ = world
    with pytest.raises(InvalidQueryError, match="offset"):
        search_page("tax", embedder=embedder, index=index, offset=-1)


def test_a_filter_nobody_passes_never_embeds_the_query(world: World) -> None:
    embedder, index, _ = world
    page = search_page(
        "tax", embedder=embedder, index=index, filters=SearchFilters.build(max_rate=1)
    )
    assert (page.hits, page.total, embedder.query_calls) == ([], 0, 0)


def test_hits_say_which_tags_match_and_quote_the_closest_sentence(world: World) -> None:
    embedder, index, cache = world
    calls = embedder.document_calls
    page = search_page(
        "R&D tax credits and IRS audits for my startup",
        embedder=embedder,
        index=index,
        k=3,
        explain_with=cache,
    )
    assert embedder.document_calls == calls  # nothing embedded at query time but the query
    best = page.hits[0]
    assert best.record.username.startswith("tax")
    assert best.evidence == "I claim R&D tax credits and defend IRS audits every week."
    assert best.matched_tags[0] == "r&d tax credits"  # every word of it is in the query
    assert "tax law" not in best.matched_tags or len(best.matched_tags) == 2
    vets = search_page(
        "orthopedic surgery on a small animal",
        embedder=embedder,
        index=index,
        k=1,
        explain_with=cache,
    ).hits[0]
    assert vets.matched_tags == ("surgery",)
    assert vets.evidence == "Small animal orthopedic surgery is my work."


def test_without_the_cache_hits_carry_no_explanation(world: World) -> None:
    embedder, index, _ = world
    hit = search_page("tax", embedder=embedder, index=index, k=1).hits[0]
    assert (hit.matched_tags, hit.evidence) == ((), None)
    empty = search_page(
        "tax", embedder=embedder, index=index, k=1, explain_with=InMemoryVectorCache()
    ).hits[0]
    assert empty.evidence is None  # vectors missing (index built elsewhere): no guess


def test_bio_sentences_skip_fragments_and_cap_count_and_length() -> None:
    bio = "Hi. I am a tax lawyer in Ohio. " + "I advise on audits. " * 20 + "x" * 400 + " end."
    sentences = bio_sentences(bio)
    assert sentences[0] == "I am a tax lawyer in Ohio."
    assert len(sentences) == 8
    assert all(len(s) <= 301 for s in sentences)
    assert bio_sentences("") == ()
