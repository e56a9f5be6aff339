"""The contract every ``ExpertRepo`` passes: in-memory, SQLite file and PostgreSQL alike."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest

from enrichment_core.errors import DuplicateExpertError, ExpertNotFoundError
from enrichment_core.experts import Expert, TaggingState, new_expert
from enrichment_core.ports import ExpertRepo, ExpertSort

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def expert(username: str, **fields: object) -> Expert:
    return new_expert(username=username, **fields)


class ExpertRepoContract:
    @pytest.fixture
    def repo(self) -> ExpertRepo:  # pragma: no cover - overridden
        raise NotImplementedError

    def test_add_assigns_an_id_and_round_trips_every_field(self, repo: ExpertRepo) -> None:
        original = expert(
            "ada",
            first_name="Ada",
            last_name="Lovelace",
            job_title="Analyst",
            company="AE Ltd",
            bio="Bio with ünïcode and 'quotes'",
            hourly_rate="120.5",
            profile_url="https://x.example/ada",
            profile_url_utm="https://x.example/ada?utm=1",
            category="data",
        )
        stored = repo.add(original)
        assert stored.id is not None
        assert repo.get("ada") == original
        assert repo.get_by_id(stored.id) == original
        assert repo.get("nobody") is None
        assert repo.get_by_id(999_999) is None

    def test_usernames_are_unique(self, repo: ExpertRepo) -> None:
        repo.add(expert("ada"))
        with pytest.raises(DuplicateExpertError):
            repo.add(expert("ada", bio="another"))
        assert repo.count() == 1

    def test_add_new_inserts_only_unknown_usernames_and_never_overwrites(
        self, repo: ExpertRepo
    ) -> None:
        first = repo.add(expert("ada", bio="original bio"))
        repo.save_tags(
            first.id or 0, tags=["x"], tagged_by="t", tagged_at=NOW, findability_score=50.0
        )
        inserted = repo.add_new(
            [expert("ada", bio="new bio"), expert("bob"), expert("bob"), expert("cy")]
        )
        assert [e.username for e in inserted] == ["bob", "cy"]
        assert all(e.id is not None for e in inserted)
        kept = repo.get("ada")
        assert kept is not None
        assert kept.bio == "original bio"
        assert kept.tags == ("x",)
        assert kept.findability_score == 50.0
        assert repo.add_new([expert("ada"), expert("bob")]) == []
        assert repo.count() == 3

    def test_add_new_handles_more_rows_than_one_chunk(self, repo: ExpertRepo) -> None:
        inserted = repo.add_new([expert(f"user{i}") for i in range(1234)])
        assert len(inserted) == 1234
        assert len({e.id for e in inserted}) == 1234
        assert repo.count() == 1234

    def test_save_tags_writes_tags_producer_time_and_score_together(self, repo: ExpertRepo) -> None:
        stored = repo.add(expert("ada", bio="bio"))
        repo.record_tagging_failure(stored.id or 0, error="TransientTaggingError: 503")
        assert repo.save_tags(
            stored.id or 0,
            tags=["tax law", "r&d"],
            tagged_by="gemini:x",
            tagged_at=NOW,
            findability_score=33.3,
        )
        got = repo.get("ada")
        assert got is not None
        assert got.tags == ("tax law", "r&d")
        assert got.tagged_by == "gemini:x"
        assert got.tagged_at == NOW
        assert got.findability_score == 33.3
        assert got.tagging_error is None
        assert got.tagging_state is TaggingState.TAGGED

    def test_tags_are_immutable_once_written(self, repo: ExpertRepo) -> None:
        stored = repo.add(expert("ada", bio="bio"))
        assert repo.save_tags(
            stored.id or 0, tags=["a"], tagged_by="t", tagged_at=NOW, findability_score=1.0
        )
        assert not repo.save_tags(
            stored.id or 0, tags=["b"], tagged_by="u", tagged_at=NOW, findability_score=2.0
        )
        got = repo.get("ada")
        assert got is not None
        assert got.tags == ("a",)
        assert got.findability_score == 1.0

    def test_save_tags_for_an_unknown_expert_raises(self, repo: ExpertRepo) -> None:
        with pytest.raises(ExpertNotFoundError):
            repo.save_tags(424242, tags=["a"], tagged_by="t", tagged_at=NOW, findability_score=1.0)
        with pytest.raises(ExpertNotFoundError):
            repo.record_tagging_failure(424242, error="x")

    def test_failure_is_recorded_with_an_optional_score(self, repo: ExpertRepo) -> None:
        stored = repo.add(expert("ada", bio="bio"))
        repo.record_tagging_failure(stored.id or 0, error="boom", findability_score=12.5)
        got = repo.get("ada")
        assert got is not None
        assert got.tagging_error == "boom"
        assert got.findability_score == 12.5
        assert got.tagging_state is TaggingState.FAILED

    def test_list_and_count_filter_by_tagged(self, repo: ExpertRepo) -> None:
        a = repo.add(expert("a", bio="x"))
        repo.add(expert("b", bio="y"))
        repo.add(expert("c"))
        repo.save_tags(a.id or 0, tags=["t"], tagged_by="t", tagged_at=NOW, findability_score=1.0)
        assert [e.username for e in repo.list_experts()] == ["a", "b", "c"]
        assert [e.username for e in repo.list_experts(tagged=True)] == ["a"]
        assert [e.username for e in repo.list_experts(tagged=False)] == ["b", "c"]
        assert (repo.count(), repo.count(tagged=True), repo.count(tagged=False)) == (3, 1, 2)

    def test_save_scores_updates_only_scores(self, repo: ExpertRepo) -> None:
        a = repo.add(expert("a", bio="x"))
        b = repo.add(expert("b"))
        assert repo.save_scores({a.id or 0: 10.0, b.id or 0: 20.5}) == 2
        assert repo.save_scores({}) == 0
        got_a, got_b = repo.get("a"), repo.get("b")
        assert got_a is not None
        assert got_a.findability_score == 10.0
        assert got_a.bio == "x"
        assert got_b is not None
        assert got_b.findability_score == 20.5

    def test_page_filters_by_state_and_sorts(self, repo: ExpertRepo) -> None:
        tagged = repo.add(expert("tagged", first_name="Zed", bio="x"))
        failed = repo.add(expert("failed", first_name="Amy", bio="y"))
        repo.add(expert("pending", first_name="Bob", bio="z"))
        repo.add(expert("nobio", first_name="Cat"))
        repo.save_tags(
            tagged.id or 0, tags=["t"], tagged_by="t", tagged_at=NOW, findability_score=90.0
        )
        repo.record_tagging_failure(failed.id or 0, error="e", findability_score=30.0)

        def names(**kw: object) -> list[str]:
            return [e.username for e in repo.page(**kw).experts]  # type: ignore[arg-type]

        assert names(state=TaggingState.TAGGED) == ["tagged"]
        assert names(state=TaggingState.FAILED) == ["failed"]
        assert names(state=TaggingState.PENDING) == ["pending"]
        assert names(state=TaggingState.NO_BIO) == ["nobio"]
        assert names(tagged=False) == ["failed", "pending", "nobio"]
        assert names(sort=ExpertSort.FINDABILITY, descending=True)[:2] == ["tagged", "failed"]
        assert names(sort=ExpertSort.NAME) == ["failed", "pending", "nobio", "tagged"]
        page = repo.page(offset=1, limit=2)
        assert page.total == 4
        assert [e.username for e in page.experts] == ["failed", "pending"]

    def test_page_filters_by_tag_score_range_and_missing_field(self, repo: ExpertRepo) -> None:
        a = repo.add(expert("a", bio="x", job_title="Tax lawyer", hourly_rate="0"))
        b = repo.add(expert("b", bio="y", profile_url="https://x.example/b", hourly_rate="90"))
        c = repo.add(expert("c", company="  ", job_title="Vet"))
        for stored, tags, score in ((a, ["tax law", "r&d"], 40.0), (b, ["tax lawyer"], 60.0)):
            repo.save_tags(
                stored.id or 0, tags=tags, tagged_by="t", tagged_at=NOW, findability_score=score
            )
        repo.save_scores({c.id or 0: 10.0})

        def names(**filters: object) -> list[str]:
            page = repo.page(limit=10, **filters)  # type: ignore[arg-type]
            assert page.total == len(page.experts)
            return [e.username for e in page.experts]

        assert names(tag="tax law") == ["a"]  # a whole tag, not a prefix of "tax lawyer"
        assert names(tag="  Tax LAW ") == ["a"]  # normalized like stored tags
        assert names(tag="r&d") == ["a"]
        assert names(tag="100%") == []  # LIKE wildcards are literal
        assert names(min_findability=40.0) == ["a", "b"]
        assert names(min_findability=10.0, findability_below=40.0) == ["c"]
        assert names(findability_below=60.0) == ["a", "c"]
        assert names(missing="profile_url") == ["a", "c"]
        assert names(missing="hourly_rate") == ["a", "c"]  # a rate of 0 is missing
        assert names(missing="company") == ["a", "b", "c"]  # blank counts as missing
        assert names(missing="bio") == ["c"]
        assert names(missing="job_title", tag="tax lawyer") == ["b"]
        with pytest.raises(ValueError, match="unknown profile field"):
            repo.page(missing="shoe_size")

    # --- case-insensitive usernames (issue 10, item 9) ---------------------------------------

    def test_usernames_are_unique_regardless_of_case(self, repo: ExpertRepo) -> None:
        repo.add(expert("CaseUser"))
        with pytest.raises(DuplicateExpertError):
            repo.add(expert("caseuser"))
        with pytest.raises(DuplicateExpertError):
            repo.add(expert("CASEUSER"))
        assert repo.count() == 1

    def test_add_new_skips_a_username_known_in_another_case(self, repo: ExpertRepo) -> None:
        repo.add(expert("Łukasz", bio="first"))
        inserted = repo.add_new([expert("łukasz", bio="second"), expert("Bob"), expert("BOB")])
        assert [e.username for e in inserted] == ["Bob"]
        assert repo.count() == 2
        stored = repo.get("ŁUKASZ")
        assert stored is not None
        assert stored.username == "Łukasz"
        assert stored.bio == "first"

    # --- claims (issue 10, item 4) -----------------------------------------------------------

    def _directory(self, repo: ExpertRepo, count: int = 6) -> list[Expert]:
        stored = [repo.add(expert(f"u{i:02d}", bio=f"bio {i}")) for i in range(count)]
        repo.add(expert("nobio"))
        return stored

    def test_claims_split_the_untagged_experts_with_a_bio_between_owners(
        self, repo: ExpertRepo
    ) -> None:
        stored = self._directory(repo)
        first = repo.claim_untagged("run-a", limit=4, ttl_s=60)
        second = repo.claim_untagged("run-b", limit=4, ttl_s=60)
        assert [e.username for e in first] == ["u00", "u01", "u02", "u03"]
        assert [e.username for e in second] == ["u04", "u05"]
        assert repo.claim_untagged("run-c", limit=4, ttl_s=60) == []
        assert {e.id for e in first} | {e.id for e in second} == {e.id for e in stored}

    def test_tagged_experts_are_never_claimed_and_saving_tags_ends_the_claim(
        self, repo: ExpertRepo
    ) -> None:
        stored = self._directory(repo, count=2)
        assert stored[0].id is not None
        assert stored[1].id is not None
        repo.save_tags(stored[0].id, tags=["x"], tagged_by="t", tagged_at=NOW, findability_score=1)
        claimed = repo.claim_untagged("run-a", limit=10, ttl_s=60)
        assert [e.username for e in claimed] == ["u01"]
        repo.save_tags(stored[1].id, tags=["y"], tagged_by="t", tagged_at=NOW, findability_score=1)
        assert repo.release_claims("run-a") == 0  # the tags ended it

    def test_a_failure_keeps_the_claim_and_release_frees_it(self, repo: ExpertRepo) -> None:
        stored = self._directory(repo, count=2)
        assert stored[0].id is not None
        repo.claim_untagged("run-a", limit=1, ttl_s=60)
        repo.record_tagging_failure(stored[0].id, error="boom")
        assert [e.username for e in repo.claim_untagged("run-b", limit=5, ttl_s=60)] == ["u01"]
        assert repo.release_claims("run-a") == 1
        assert [e.username for e in repo.claim_untagged("run-b", limit=5, ttl_s=60)] == ["u00"]
        assert repo.release_claims("run-b", expert_ids=[stored[0].id]) == 1
        assert repo.release_claims("run-b") == 1

    def test_an_expired_claim_lapses_and_a_renewed_one_does_not(self, repo: ExpertRepo) -> None:
        self._directory(repo, count=2)
        repo.claim_untagged("killed", limit=1, ttl_s=0.3)
        repo.claim_untagged("alive", limit=1, ttl_s=0.3)
        assert repo.renew_claims("alive", ttl_s=60) == 1
        time.sleep(0.5)
        assert [e.username for e in repo.claim_untagged("next", limit=5, ttl_s=60)] == ["u00"]
        assert repo.renew_claims("killed", ttl_s=60) == 0  # it lost its claim

    def test_concurrent_claimers_never_get_the_same_expert(self, repo: ExpertRepo) -> None:
        for i in range(60):
            repo.add(expert(f"c{i:02d}", bio="bio"))
        results: list[list[int]] = [[] for _ in range(4)]

        def claim_all(slot: int) -> None:
            while batch := repo.claim_untagged(f"run-{slot}", limit=3, ttl_s=60):
                results[slot].extend(e.id or 0 for e in batch)

        threads = [threading.Thread(target=claim_all, args=(i,)) for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        everyone = [i for ids in results for i in ids]
        assert len(everyone) == len(set(everyone)) == 60

    def test_claim_owners_lists_who_holds_live_claims(self, repo: ExpertRepo) -> None:
        self._directory(repo, count=3)
        repo.claim_untagged("run-a", limit=1, ttl_s=60)
        repo.claim_untagged("run-b", limit=1, ttl_s=60)
        repo.claim_untagged("run-gone", limit=1, ttl_s=0.01)
        time.sleep(0.05)
        assert repo.claim_owners() == ["run-a", "run-b"]

    def test_a_claim_can_be_limited_to_some_experts(self, repo: ExpertRepo) -> None:
        stored = self._directory(repo, count=4)
        among = [e.id or 0 for e in stored[2:]]
        claimed = repo.claim_untagged("run-a", limit=10, ttl_s=60, among=among)
        assert [e.username for e in claimed] == ["u02", "u03"]
        assert repo.claim_untagged("run-b", limit=10, ttl_s=60, among=among) == []
