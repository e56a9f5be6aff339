"""The ingest use case: tagged experts from the repo, incremental embeddings, verified promotion."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enrichment_adapters.memory import InMemoryExpertRepo, InMemoryVectorIndex
from enrichment_adapters.vector_index.cache import InMemoryVectorCache
from enrichment_core.errors import EmbeddingError, IndexBusyError, IndexVerificationError
from enrichment_core.experts import Expert
from enrichment_core.ingest import MAX_BIO_CHARS, embedding_text, ingest, text_hash
from enrichment_core.ports import IndexManifest, IndexRecord, StagedBuild, Vectors
from enrichment_core.search import search
from tests.support.fake_embedder import HashingEmbedder

BIOS = [
    "Tax attorney advising startups on R&D tax credits and IRS audits.",
    "Veterinary surgeon for dogs and cats, small animal orthopedic surgery.",
    "Supply chain consultant: logistics, inventory planning and procurement.",
    "Machine learning engineer building recommendation systems and NLP models.",
    "Employment lawyer helping founders with contracts, equity and hiring.",
]
TAGS = [
    ("tax law", "r&d tax credits"),
    ("veterinary", "animal surgery"),
    ("supply chain", "logistics"),
    ("machine learning", "nlp"),
    ("employment law", "startups"),
]


def tagged(n: int, *, bio: str | None = None, tags: Sequence[str] | None = None) -> Expert:
    return Expert(
        username=f"expert{n}",
        first_name="Alex",
        last_name=f"Smith{n}",
        job_title="Consultant",
        bio=bio or BIOS[n % len(BIOS)],
        tags=tuple(tags or TAGS[n % len(TAGS)]),
        tagged_by="scripted",
        findability_score=80.0,
    )


def untagged(n: int, *, bio: str | None = None) -> Expert:
    return Expert(username=f"untagged{n}", bio=bio)


class Setup:
    def __init__(
        self, root: Path, experts: Sequence[Expert], embedder: HashingEmbedder | None = None
    ):
        self.repo = InMemoryExpertRepo(experts)
        self.embedder = embedder or HashingEmbedder()
        self.index = InMemoryVectorIndex()
        self.cache = InMemoryVectorCache()

    def run(self, **kwargs: object):  # type: ignore[no-untyped-def]
        return ingest(self.repo, self.embedder, self.index, self.cache, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def five(tmp_path: Path) -> Setup:
    return Setup(tmp_path, [tagged(n) for n in range(5)])


# --- the embedding text --------------------------------------------------------------------


def test_embedding_text_has_name_title_company_bio_then_the_tags_as_domains() -> None:
    expert = tagged(0).with_changes(company="Acme LLP")
    text = embedding_text(expert)
    assert text == (
        "Alex Smith0. Consultant at Acme LLP. Tax attorney advising startups on R&D tax credits "
        "and IRS audits. Domains: tax law, r&d tax credits."
    )
    assert text_hash(text) == text_hash(embedding_text(expert))
    assert len(text_hash(text)) == 64


def test_embedding_text_caps_a_huge_bio_but_keeps_the_tags() -> None:
    text = embedding_text(tagged(0, bio="word " * 4_000))
    assert len(text) < MAX_BIO_CHARS + 150
    assert text.endswith("Domains: tax law, r&d tax credits.")


@given(
    bio=st.text(max_size=3_000),
    title=st.none() | st.text(max_size=300),
    tags=st.lists(st.text(min_size=1, max_size=60), min_size=1, max_size=8),
)
def test_embedding_text_is_bounded_single_line_and_ends_with_the_domains(
    bio: str, title: str | None, tags: list[str]
) -> None:
    text = embedding_text(Expert(username="u", job_title=title, bio=bio, tags=tuple(tags)))
    assert "\n" not in text
    assert len(text) <= MAX_BIO_CHARS + 320 + 8 * 62 + 20
    if any(t.strip() for t in tags):
        assert "Domains: " in text
        assert text.endswith(".")


# --- what gets indexed ---------------------------------------------------------------------


def test_untagged_experts_are_left_out_and_the_count_check_uses_the_tagged_count(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    setup = Setup(
        tmp_path, [tagged(0), untagged(1), tagged(2), untagged(3, bio="pending"), tagged(4)]
    )
    with caplog.at_level(logging.INFO):
        report = setup.run()
    assert (report.indexed, report.total, report.untagged) == (3, 5, 2)
    manifest = setup.index.manifest()
    assert manifest is not None
    assert manifest.count == 3
    assert "Indexed 3 experts (of 5 total; 2 not indexed — untagged)" in caplog.text
    hits = search("consultant", embedder=setup.embedder, index=setup.index, k=10)
    assert sorted(h.record.username for h in hits) == ["expert0", "expert2", "expert4"]


def test_tags_decide_the_ranking_when_bios_are_alike(tmp_path: Path) -> None:
    bio = "Independent consultant helping companies grow."
    setup = Setup(
        tmp_path, [tagged(0, bio=bio, tags=["tax law"]), tagged(1, bio=bio, tags=["veterinary"])]
    )
    setup.run()
    hits = search("veterinary", embedder=setup.embedder, index=setup.index, k=2)
    assert hits[0].record.username == "expert1"
    assert hits[0].record.tags == ("veterinary",)


def test_no_tagged_expert_is_refused_and_says_to_tag_first(tmp_path: Path) -> None:
    setup = Setup(tmp_path, [untagged(1, bio="has a bio"), untagged(2)])
    with pytest.raises(IndexVerificationError, match="run `enrich tag` first"):
        setup.run()
    assert setup.index.manifest() is None


class DroppingIndex(InMemoryVectorIndex):
    """Loses the last vector while staging: the verification must catch it."""

    def stage(
        self, vectors: Vectors, records: Sequence[IndexRecord], manifest: IndexManifest
    ) -> StagedBuild:
        return super().stage(
            vectors[:-1], records[:-1], replace(manifest, count=manifest.count - 1)
        )


def test_a_refused_promotion_keeps_the_old_index_answering(tmp_path: Path, five: Setup) -> None:
    five.run()
    five.repo.add(tagged(5, bio="Marine biologist studying coral reefs."))
    dropping = DroppingIndex(five.index.store)
    with pytest.raises(
        IndexVerificationError, match=r"count mismatch.*production index is unchanged"
    ):
        ingest(five.repo, five.embedder, dropping, five.cache)
    reader = InMemoryVectorIndex(five.index.store)
    manifest = reader.manifest()
    assert manifest is not None
    assert manifest.count == 5
    assert (
        search("veterinary surgeon", embedder=five.embedder, index=reader)[0].record.username
        == "expert1"
    )
    assert dropping.discard_staging() is False  # the refused build is already gone


def test_a_stale_staging_build_is_removed_first(five: Setup) -> None:
    five.run()
    leftover = InMemoryVectorIndex(five.index.store)
    leftover.stage(*_one_vector_build())  # an interrupted run's staging
    report = five.run()
    assert report.stale_staging_removed is True
    assert five.run().stale_staging_removed is False


def _one_vector_build() -> tuple[Vectors, list[IndexRecord], IndexManifest]:
    from datetime import UTC, datetime

    embedder = HashingEmbedder()
    record = IndexRecord(9, "x", "X", None, None, ("a",), None, None, "0" * 64)
    manifest = IndexManifest(embedder.model_id, embedder.dimension, 1, datetime.now(UTC))
    return embedder.embed_documents(["x"]), [record], manifest


# --- incremental embeddings ----------------------------------------------------------------


def test_an_unchanged_rerun_never_calls_the_embedder(five: Setup) -> None:
    first = five.run()
    assert (first.embedded, first.reused) == (5, 0)
    fresh = HashingEmbedder()  # a new process: only the cache remembers
    five.embedder = fresh
    plans: list[int] = []
    second = five.run(on_plan=plans.append, on_embedded=pytest.fail)
    assert (second.embedded, second.reused, second.indexed) == (0, 5, 5)
    assert (fresh.document_calls, fresh.query_calls) == (0, 0)
    assert plans == [0]


def test_only_edited_and_new_experts_are_embedded_again(tmp_path: Path, five: Setup) -> None:
    five.run()
    edited = [tagged(n) for n in range(5)]
    edited[1] = edited[1].with_changes(bio="Now an equine vet for racehorses.")
    edited[3] = edited[3].with_changes(job_title="Head of AI")
    repo = InMemoryExpertRepo([*edited, tagged(5, bio="Marine biologist studying coral reefs.")])
    embedder = HashingEmbedder()
    report = ingest(repo, embedder, five.index, five.cache)
    assert (report.embedded, report.reused, report.indexed) == (3, 3, 6)
    # plus the two bio sentences never seen before (they explain matches); tags were cached
    assert report.explanation_embedded == 2
    assert embedder.documents_embedded == 3 + 2
    hit = search("an equine vet for racehorses", embedder=embedder, index=five.index, k=1)[0]
    assert hit.record.username == "expert1"


@pytest.mark.parametrize(
    "other", [HashingEmbedder(model_id="fake:other"), HashingEmbedder(dimension=32)]
)
def test_switching_embedder_embeds_everything_again(five: Setup, other: HashingEmbedder) -> None:
    five.run()
    five.embedder = other
    report = five.run()
    assert (report.embedded, report.reused) == (5, 0)
    manifest = five.index.manifest()
    assert manifest is not None
    assert (manifest.embedder_model, manifest.dimension) == (other.model_id, other.dimension)


def test_identical_texts_are_embedded_once(tmp_path: Path) -> None:
    twin = tagged(0)
    setup = Setup(tmp_path, [twin, twin.with_changes(username="twin")])
    setup.embedder = HashingEmbedder()
    report = setup.run()
    # usernames differ but the display name, bio and tags are the same text
    assert (report.indexed, report.embedded) == (2, 1)


def test_progress_is_planned_once_then_reported_per_batch(tmp_path: Path) -> None:
    setup = Setup(tmp_path, [tagged(n, bio=f"{BIOS[n % 5]} Case {n}.") for n in range(10)])
    plans: list[int] = []
    batches: list[int] = []
    setup.run(batch_size=4, on_plan=plans.append, on_embedded=batches.append, explain=False)
    assert plans == [10]
    assert batches == [4, 4, 2]


def test_a_run_that_crashes_mid_embedding_resumes_with_less_work(tmp_path: Path) -> None:
    experts = [tagged(n, bio=f"{BIOS[n % 5]} Case {n}.") for n in range(20)]
    setup = Setup(tmp_path, experts, HashingEmbedder(fail_after=10))
    with pytest.raises(EmbeddingError):
        setup.run(batch_size=4, explain=False)
    assert setup.index.manifest() is None
    setup.embedder = HashingEmbedder()
    report = setup.run(batch_size=4, explain=False)
    assert (report.embedded, report.reused, report.indexed) == (12, 8, 20)


def test_batch_size_must_be_positive(five: Setup) -> None:
    with pytest.raises(ValueError, match="batch_size"):
        five.run(batch_size=0)


def test_an_ingest_stops_while_another_holds_the_build_lock(five: Setup) -> None:
    five.run()
    before = five.index.manifest()
    with InMemoryVectorIndex(five.index.store).exclusive_build():  # another ingest is running
        with pytest.raises(IndexBusyError, match="another ingest"):
            five.run()
        assert five.index.manifest() == before
    assert five.run().indexed == 5  # the lock went with its holder


class RecordingEmbedder(HashingEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.batches: list[list[str]] = []

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        self.batches.append(list(texts))
        return super().embed_documents(texts)


def test_texts_are_embedded_longest_first_across_batches_each_once(tmp_path: Path) -> None:
    bios = [f"{BIOS[n % 5]} {'Extra detail. ' * ((n * 7) % 11)}Case {n}." for n in range(23)]
    embedder = RecordingEmbedder()
    setup = Setup(tmp_path, [tagged(n, bio=bio) for n, bio in enumerate(bios)], embedder)
    report = setup.run(batch_size=5, explain=False)  # the experts' own texts only
    flat = [text for batch in embedder.batches for text in batch]
    assert [len(b) for b in embedder.batches] == [5, 5, 5, 5, 3]
    assert [len(t) for t in flat] == sorted((len(t) for t in flat), reverse=True)
    assert sorted(flat) == sorted(embedding_text(e) for e in setup.repo.list_experts(tagged=True))
    # the index still maps every expert to the vector of its own text
    for expert in setup.repo.list_experts(tagged=True):
        hit = setup.index.search(embedder.embed_query(embedding_text(expert)), 1)[0]
        assert (hit.record.username, round(hit.score, 4)) == (expert.username, 1.0)
    assert report.embedded == 23


def test_tags_and_bio_sentences_are_embedded_once_in_the_same_plan(tmp_path: Path) -> None:
    bio = "I treat horses and dogs. Orthopedic surgery is my speciality. Ok."
    setup = Setup(tmp_path, [tagged(0, bio=bio), tagged(1, bio=bio + " Also cats, twice a week.")])
    plans: list[int] = []
    report = setup.run(on_plan=plans.append)
    record = setup.index.records()[0]
    assert record.sentences == ("I treat horses and dogs.", "Orthopedic surgery is my speciality.")
    sentences = {s for r in setup.index.records() for s in r.sentences}
    tags = {t for r in setup.index.records() for t in r.tags}
    assert report.explanation_texts == len(sentences | tags)
    assert plans == [report.embedded + report.explanation_embedded]
    assert setup.run().explanation_embedded == 0  # cached: never embedded again


# --- issue 10, item 8: the cache keeps only what the promoted build uses ---------------------


def test_after_a_promotion_the_cache_holds_only_the_texts_of_the_promoted_build(
    tmp_path: Path,
) -> None:
    first = Setup(tmp_path, [tagged(n) for n in range(5)])
    first.run()
    full = first.cache.count()
    edited = Setup(tmp_path, [tagged(n, bio=f"A new bio number {n}.") for n in range(5)])
    edited.cache = first.cache  # the same cache file, the directory edited since
    report = edited.run()
    assert report.embedded == 5
    again = Setup(tmp_path, [tagged(n, bio=f"A new bio number {n}.") for n in range(5)])
    again.cache = InMemoryVectorCache()
    again.run()
    assert first.cache.count() == again.cache.count()  # the old bios' vectors are gone
    assert first.cache.count() < full + 5 + 5  # not every text ever embedded


def test_pruning_keeps_other_embedders_vectors() -> None:
    cache = InMemoryVectorCache()
    vector = HashingEmbedder().embed_query("x")
    cache.put_many("model-a@64", {"h1": vector, "h2": vector})
    cache.put_many("model-b@64", {"h1": vector})
    assert cache.prune("model-a@64", keep={"h2"}) == 1
    assert cache.count("model-a@64") == 1
    assert cache.count("model-b@64") == 1
