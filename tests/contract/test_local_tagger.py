"""``LocalTagGenerator``: the tagger contract with the packaged all-MiniLM-L6-v2 model, offline."""

from __future__ import annotations

import sys

import anyio
import pytest

from enrichment_adapters.local import model as local_model
from enrichment_adapters.local.tagger import LocalTagGenerator
from enrichment_core.errors import InvalidTagOutputError, TaggerUnavailableError
from enrichment_core.ports import TagGenerator, TagRequest
from tests.contract.tagger_contract import HOSTILE_HTML, TAX_LAWYER, VET, TagGeneratorContract


@pytest.fixture(scope="module")
def local_tagger() -> LocalTagGenerator:
    return LocalTagGenerator()


@pytest.mark.slow
class TestLocalTagGenerator(TagGeneratorContract):
    @pytest.fixture
    def tagger(self, local_tagger: LocalTagGenerator) -> TagGenerator:
        return local_tagger


@pytest.mark.slow
def test_names_the_local_model(local_tagger: LocalTagGenerator) -> None:
    assert local_tagger.name == "local:all-MiniLM-L6-v2"
    assert isinstance(local_tagger, TagGenerator)


@pytest.mark.slow
def test_gives_three_to_eight_tags_for_a_bio_that_supports_them(
    local_tagger: LocalTagGenerator,
) -> None:
    for request in (TAX_LAWYER, VET):
        assert 3 <= len(local_tagger.tag_one(request)) <= 8
    assert 1 <= len(local_tagger.tag_one(HOSTILE_HTML)) <= 8  # one short sentence


@pytest.mark.slow
def test_tag_many_gives_the_same_tags_as_one_by_one(local_tagger: LocalTagGenerator) -> None:
    requests = [TAX_LAWYER, VET, HOSTILE_HTML]
    assert local_tagger.tag_many(requests) == [local_tagger.tag_one(r) for r in requests]


@pytest.mark.slow
def test_tag_many_gives_an_empty_list_for_a_bio_with_nothing_to_tag(
    local_tagger: LocalTagGenerator,
) -> None:
    empty = TagRequest(username="blank", job_title=None, bio="<br><hr>\x00")
    assert local_tagger.tag_many([VET, empty])[1] == []
    with pytest.raises(InvalidTagOutputError):
        local_tagger.tag_one(empty)


@pytest.mark.slow
def test_generate_tags_runs_in_a_worker_thread_and_several_can_overlap(
    local_tagger: LocalTagGenerator,
) -> None:
    async def main() -> list[list[str]]:
        results: list[list[str]] = [[], [], []]

        async def one(i: int, request: TagRequest) -> None:
            results[i] = list(await local_tagger.generate_tags(request))

        async with anyio.create_task_group() as group:
            for i, request in enumerate([TAX_LAWYER, VET, TAX_LAWYER]):
                group.start_soon(one, i, request)
        return results

    tax, vet, tax_again = anyio.run(main)
    assert tax == tax_again == local_tagger.tag_one(TAX_LAWYER)
    assert vet == local_tagger.tag_one(VET)


def test_without_the_local_extra_the_error_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(local_model, "_models", {})
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # import now fails
    with pytest.raises(TaggerUnavailableError, match=r"pip install 'expert-enrichment\[local\]'"):
        LocalTagGenerator().tag_one(VET)


@pytest.mark.slow
def test_in_float32_shared_passes_give_every_expert_the_tags_it_gets_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from enrichment_core.experts import new_expert
    from enrichment_entrypoints.sample_data.generator import generate_sample_experts

    monkeypatch.setattr(local_model, "_default_precision", "float32")
    rows = generate_sample_experts(80, seed=11)
    requests = [TagRequest.for_expert(new_expert(**r)) for r in rows if r.get("bio")][:40]
    tagger = LocalTagGenerator()

    async def concurrently() -> list[list[str]]:
        results: list[list[str]] = [[] for _ in requests]

        async def one(i: int) -> None:
            results[i] = list(await tagger.generate_tags(requests[i]))

        async with anyio.create_task_group() as group:
            for i in range(len(requests)):
                group.start_soon(one, i)
        return results

    shared = anyio.run(concurrently)
    alone = [tagger.tag_one(r) for r in requests]
    assert len(requests) == 40
    assert tagger.batching_stats().largest > 1  # the calls really shared passes
    assert shared == alone
    assert tagger.tag_many(requests) == alone
    tagger.close()
