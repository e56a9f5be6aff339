"""The intake use case (TAGS-05; locked decisions 2, 3, 9, 10): add one expert, enriched at once.

``intake_expert`` validates the fields, saves the expert with its findability score and, when it
has a bio, tags it synchronously (bounded by a timeout of a few seconds) through the same
``tag_one.tag_and_save`` path as the batch run: the tags are normalized and written with the new
score in one transaction, so the caller gets a fully enriched expert.
If the tagger fails or is too slow the expert stays saved untagged (tags = null, scored with 0 tag
points), the failure is recorded on it and a retry is handed to the ``RetryScheduler``.

``retry_tagging`` is that retry (a FastAPI background task, a queue worker...). It never raises:
a retry that fails again is recorded and logged, and an expert tagged meanwhile is left alone.
A retry lost to a restart costs nothing either: the expert is still untagged, so the next batch
run (``enrich tag``) picks it up.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import anyio

from enrichment_core.errors import EnrichmentError, InvalidExpertError
from enrichment_core.experts import PROFILE_FIELDS, Expert, new_expert
from enrichment_core.findability import compute_findability_score
from enrichment_core.offload import AsyncExpertRepo
from enrichment_core.ports import ExpertRepo, RetryScheduler, TagGenerator, TagRequest
from enrichment_core.tag_one import TagCall, TagStatus, tag_and_save

log = logging.getLogger("enrichment_core.intake")

DEFAULT_INTAKE_TIMEOUT_S = 8.0
DEFAULT_RETRY_TIMEOUT_S = 30.0

# What an intake accepts: exactly the parameters of ``experts.new_expert``.
INTAKE_FIELDS = frozenset(PROFILE_FIELDS)


class IntakeTagging(StrEnum):
    """What happened to the new expert's tags during the call."""

    TAGGED = "tagged"
    NO_BIO = "no_bio"
    RETRY_SCHEDULED = "retry_scheduled"


class RetryOutcome(StrEnum):
    TAGGED = "tagged"
    ALREADY_TAGGED = "already_tagged"
    NO_BIO = "no_bio"
    FAILED = "failed"
    MISSING = "missing"


@dataclass(frozen=True, slots=True)
class IntakeResult:
    """The stored expert (as it is in the repository now) and what happened to its tags.

    ``error`` says why synchronous tagging failed when ``tagging`` is ``retry_scheduled``.
    """

    expert: Expert
    tagging: IntakeTagging
    error: str | None = None


def validate_intake(fields: Mapping[str, object]) -> Expert:
    """Raw fields (an API body) -> a valid, scored, unsaved expert. ``InvalidExpertError`` if not."""
    unknown = sorted(set(fields) - INTAKE_FIELDS)
    if unknown:
        raise InvalidExpertError(unknown[0], "is not an expert field")
    expert = new_expert(**fields)
    return expert.with_changes(findability_score=compute_findability_score(expert))


def _bounded(tagger: TagGenerator, timeout_s: float) -> TagCall:
    """The intake's calling policy: one tagger call, bounded by ``timeout_s``."""

    async def call(request: TagRequest) -> Sequence[str]:
        with anyio.fail_after(timeout_s):
            return await tagger.generate_tags(request)

    return call


async def _reload(expert: Expert, repo: AsyncExpertRepo) -> Expert:
    assert expert.id is not None
    fresh = await repo.get_by_id(expert.id)
    return fresh if fresh is not None else expert


async def intake_expert(
    fields: Mapping[str, object],
    *,
    repo: ExpertRepo,
    tagger: TagGenerator,
    retries: RetryScheduler,
    timeout_s: float = DEFAULT_INTAKE_TIMEOUT_S,
) -> IntakeResult:
    """Add one expert from raw fields, tag it now if it has a bio, and score it.

    Raises ``InvalidExpertError`` (naming the field) and ``DuplicateExpertError`` before anything
    is saved. A tagging failure is not an error of the call: the result says ``retry_scheduled``.
    """
    expert = validate_intake(fields)
    store = AsyncExpertRepo(repo)
    stored = await store.add(expert)
    if not stored.has_bio:  # locked decision 2: no bio, no tagger call; scored with 0 tag points
        return IntakeResult(stored, IntakeTagging.NO_BIO)
    assert stored.id is not None
    result = await tag_and_save(
        stored, call=_bounded(tagger, timeout_s), repo=store, tagged_by=tagger.name
    )
    if result.failure is None:
        return IntakeResult(await _reload(stored, store), IntakeTagging.TAGGED)
    retries.schedule_tagging_retry(stored.id)
    log.warning(
        "intake tagging failed; saved untagged, retry scheduled expert=%s error=%s",
        stored.username,
        result.failure.reason,
        extra={"expert": stored.username},
    )
    return IntakeResult(
        await _reload(stored, store), IntakeTagging.RETRY_SCHEDULED, result.failure.reason
    )


async def retry_tagging(
    expert_id: int,
    repo: ExpertRepo,
    tagger: TagGenerator,
    *,
    timeout_s: float = DEFAULT_RETRY_TIMEOUT_S,
) -> RetryOutcome:
    """Tag one untagged expert again, through the same tagging, saving and scoring path.

    Never raises (it runs where nobody could catch it): a failure is recorded on the expert and
    logged, and the outcome is returned for callers that want it.
    """
    store = AsyncExpertRepo(repo)
    try:
        expert = await store.get_by_id(expert_id)
    except EnrichmentError as exc:
        log.error("tagging retry could not read expert id=%s: %s", expert_id, exc)
        return RetryOutcome.FAILED
    if expert is None:
        log.warning("tagging retry skipped: expert id=%s no longer exists", expert_id)
        return RetryOutcome.MISSING
    if expert.tags is not None:  # tagged meanwhile (a batch run, another retry): theirs stands
        return RetryOutcome.ALREADY_TAGGED
    if not expert.has_bio:
        return RetryOutcome.NO_BIO
    try:
        result = await tag_and_save(
            expert, call=_bounded(tagger, timeout_s), repo=store, tagged_by=tagger.name
        )
    except EnrichmentError as exc:  # the database, not the tagger
        log.error("tagging retry could not save expert=%s: %s", expert.username, exc)
        return RetryOutcome.FAILED
    if result.failure is not None:
        log.warning(
            "tagging retry failed; expert stays untagged until `enrich tag` expert=%s error=%s",
            expert.username,
            result.failure.reason,
            extra={"expert": expert.username},
        )
        return RetryOutcome.FAILED
    if result.status is TagStatus.RACED:
        return RetryOutcome.ALREADY_TAGGED
    log.info(
        "tagging retry succeeded expert=%s tags=%s", expert.username, ", ".join(result.tags or ())
    )
    return RetryOutcome.TAGGED
