"""The ports: what the core needs from the outside world, as ``typing.Protocol``s. Adapters in
``adapters`` implement them; services importing the library may bring their own. Every adapter
of a port runs the same contract suite in ``tests/contract``."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from enrichment_core.experts import Expert, TaggingState
from enrichment_core.listing import ExpertPage as ExpertPage
from enrichment_core.listing import ExpertSort as ExpertSort
from enrichment_core.listing import SortOrder as SortOrder
from enrichment_core.listing import StateFilter as StateFilter
from enrichment_core.promotion import StagedIndexReport

Vectors = npt.NDArray[np.float32]


# --- tagging -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TagRequest:
    """What a tagger sees of an expert (locked decision 1: bio + job title + username)."""

    username: str
    job_title: str | None
    bio: str

    @classmethod
    def for_expert(cls, expert: Expert) -> TagRequest:
        if not expert.has_bio:
            raise ValueError(f"expert {expert.username!r} has no bio and must not be tagged")
        return cls(
            username=expert.username, job_title=expert.job_title, bio=(expert.bio or "").strip()
        )


@runtime_checkable
class TagGenerator(Protocol):
    """Produces raw domain tags for one expert; the core normalizes and validates them.

    Raises ``TaggingError`` subclasses: ``RateLimitedError`` (quota, with the server's delay),
    ``TransientTaggingError``, ``InvalidTagOutputError``, ``PermanentTaggingError``.
    """

    @property
    def name(self) -> str:
        """Who makes the tags, recorded with them, e.g. ``gemini:gemini-2.5-flash``."""
        ...

    async def generate_tags(self, request: TagRequest) -> Sequence[str]: ...


# --- experts -------------------------------------------------------------------------------


class ExpertRepo(Protocol):
    """Persistent experts. Each method is its own transaction; none is held across an await."""

    def add(self, expert: Expert) -> Expert:
        """Insert one expert and return it with its id. ``DuplicateExpertError`` if the username exists."""
        ...

    def add_new(self, experts: Sequence[Expert]) -> list[Expert]:
        """Insert the experts whose username is not stored yet; never touch existing rows.

        Returns the experts inserted (with ids). Re-running with the same input inserts nothing.
        """
        ...

    def get(self, username: str) -> Expert | None: ...

    def get_by_id(self, expert_id: int) -> Expert | None: ...

    def list_experts(self, *, tagged: bool | None = None) -> list[Expert]:
        """All experts (``tagged=None``), only tagged ones, or only untagged ones; by id."""
        ...

    def count(self, *, tagged: bool | None = None) -> int: ...

    def save_tags(
        self,
        expert_id: int,
        *,
        tags: Sequence[str],
        tagged_by: str,
        tagged_at: datetime,
        findability_score: float,
    ) -> bool:
        """Write tags, their producer and the score in ONE transaction, clearing any recorded failure.

        Only an untagged expert is written (tags are immutable): returns False, changing nothing,
        when the expert already has tags.
        """
        ...

    def record_tagging_failure(
        self, expert_id: int, *, error: str, findability_score: float | None = None
    ) -> None:
        """Remember why tagging failed (shown to admins; cleared by a later success)."""
        ...

    def save_scores(self, scores: Mapping[int, float]) -> int:
        """Store findability scores by expert id in one transaction; returns rows updated."""
        ...

    # Claims: how concurrent runs share the work (the rules: ``enrichment_core.claims``).
    def claim_untagged(
        self, owner: str, *, limit: int, ttl_s: float, among: Sequence[int] | None = None
    ) -> list[Expert]:
        """Atomically claim up to ``limit`` untagged experts with a bio (ids in ``among``, at
        most 500, when given) that no live claim holds, for ``ttl_s`` seconds, by id."""
        ...

    def renew_claims(self, owner: str, *, ttl_s: float) -> int:
        """Extend every live claim of ``owner`` to ``ttl_s`` from now; returns how many."""
        ...

    def release_claims(self, owner: str, *, expert_ids: Sequence[int] | None = None) -> int:
        """End ``owner``'s claims (all, or only on ``expert_ids``); returns how many."""
        ...

    def claim_owners(self) -> list[str]:
        """The owners of live claims (a run may release those of a run it knows is dead)."""
        ...

    def page(
        self,
        *,
        offset: int = 0,
        limit: int = 50,
        state: TaggingState | None = None,
        tagged: bool | None = None,
        sort: ExpertSort = ExpertSort.ID,
        descending: bool = False,
        tag: str | None = None,
        min_findability: float | None = None,
        findability_below: float | None = None,
        missing: str | None = None,
    ) -> ExpertPage:
        """One page of experts, filtered (AND: tagging state, tagged-ness, the normalized
        ``tag``, ``min_findability <= score < findability_below`` (an unscored expert matches
        neither bound), ``missing`` one of ``insights.GAP_FIELDS``), sorted; ``total`` counts
        every match."""
        ...


# --- embedding and index -------------------------------------------------------------------


class Embedder(Protocol):
    """Turns texts into L2-normalized float32 vectors.

    ``model_id`` and ``dimension`` must be known without loading a model, so that an unchanged
    re-ingest never loads it.
    """

    @property
    def model_id(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        """Shape ``(len(texts), dimension)``, same order as ``texts``."""
        ...

    def embed_query(self, text: str) -> Vectors:
        """Shape ``(dimension,)``; uses the model's query-side task type where it has one."""
        ...


@runtime_checkable
class BatchQueryEmbedder(Embedder, Protocol):
    """An ``Embedder`` that also embeds several queries in one call (a server's concurrent
    searches share one model pass): row ``i`` is what ``embed_query(texts[i])`` returns."""

    def embed_queries(self, texts: Sequence[str]) -> Vectors: ...


class VectorCache(Protocol):
    """Vectors keyed by (embedder key, text hash): an unchanged text is never embedded twice."""

    def get_many(self, embedder_key: str, text_hashes: Sequence[str]) -> dict[str, Vectors]: ...

    def put_many(self, embedder_key: str, vectors: Mapping[str, Vectors]) -> None: ...

    def prune(self, embedder_key: str, keep: Collection[str]) -> int:
        """Drop ``embedder_key``'s vectors whose hash is not in ``keep``; returns how many."""


@dataclass(frozen=True, slots=True)
class IndexRecord:
    """What search returns about an indexed expert, stored beside the vectors."""

    id: int
    username: str
    name: str
    job_title: str | None
    company: str | None
    tags: tuple[str, ...]
    findability_score: float | None
    profile_url: str | None
    text_hash: str
    hourly_rate: float | None = None  # for the max_rate filter
    sentences: tuple[str, ...] = ()  # bio sentences that can be quoted as evidence


@dataclass(frozen=True, slots=True)
class IndexManifest:
    embedder_model: str
    dimension: int
    count: int
    built_at: datetime


@dataclass(frozen=True, slots=True)
class SearchHit:
    record: IndexRecord
    score: float
    matched_tags: tuple[str, ...] = ()  # the record's tags that match the query, best first
    evidence: str | None = None  # the bio sentence closest to the query


@dataclass(frozen=True, slots=True)
class StagedBuild:
    """A handle on one staged build, returned by ``IndexBuilder.stage``: it names what to inspect
    and promote, so no state is kept in the adapter between those calls."""

    build_id: str


class IndexBuilder(Protocol):
    """What ingest needs of the index: the build lock, staging, reading back, promotion."""

    def exclusive_build(self) -> AbstractContextManager[None]:
        """Hold the index's build lock for a whole ingest, so two ingests never clean up or promote
        each other's staging. ``IndexBusyError`` when another ingest holds it."""
        ...

    def discard_staging(self) -> bool:
        """Remove every unpromoted build (a crash's leftovers). True when something was removed."""
        ...

    def stage(
        self, vectors: Vectors, records: Sequence[IndexRecord], manifest: IndexManifest
    ) -> StagedBuild:
        """Write vectors (row i belongs to ``records[i].id``) and metadata as a new staged build."""
        ...

    def inspect(self, staged: StagedBuild) -> StagedIndexReport:
        """Read ``staged`` back from storage and report count, dimension and ids
        (``IndexVerificationError`` when it cannot be read back)."""
        ...

    def promote(self, staged: StagedBuild) -> None:
        """Atomically make ``staged`` production; a reader never sees new vectors with old metadata."""
        ...


class SearchIndex(Protocol):
    """What search needs of the index: the production manifest and nearest neighbours."""

    def manifest(self) -> IndexManifest | None:
        """The production index's manifest, or None when nothing was promoted yet."""
        ...

    def search(
        self, query: Vectors, k: int, *, candidates: Collection[int] | None = None
    ) -> list[SearchHit]:
        """Best ``k`` hits of the production index, reloading it first if a newer one was promoted;
        ``candidates``: only the experts with these ids (filters applied before ranking).
        Raises ``IndexNotFoundError`` when nothing was promoted yet."""
        ...

    def records(self) -> Sequence[IndexRecord]:
        """What the production index stores about each expert, in index order ([] if none)."""
        ...


class VectorIndex(IndexBuilder, SearchIndex, Protocol):
    """Both sides of one index store (what an adapter such as FAISS provides)."""


# --- intake --------------------------------------------------------------------------------


class RetryScheduler(Protocol):
    """Runs a tagging retry for one expert later (FastAPI BackgroundTasks, a queue, ...)."""

    def schedule_tagging_retry(self, expert_id: int) -> None: ...
