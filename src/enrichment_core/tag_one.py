"""Tag one expert, save the tags with the new score, or record why it failed.

The one path the batch run (``tagging``) and the admin intake (``intake``) share: the caller
brings its calling policy (``call``: the batch run's quota waits and one retry, the intake's
deadline of a few seconds) and gets back what happened. Tags are normalized before anything is
written (locked decision 13); tags and score are written in one transaction, and only on an
untagged expert (decision 14); a failure is recorded on the expert with its score (decision 3).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from enrichment_core.errors import EnrichmentError
from enrichment_core.experts import Expert
from enrichment_core.findability import compute_findability_score
from enrichment_core.offload import AsyncExpertRepo
from enrichment_core.ports import TagRequest
from enrichment_core.tags import normalize_tags

log = logging.getLogger("enrichment_core.tagging")

TagCall = Callable[[TagRequest], Awaitable[Sequence[str]]]
# What a tagger call may raise for one expert's sake; anything else is an adapter bug, which is
# logged with its traceback and recorded the same way (it must not lose the expert or the run).
EXPECTED_ERRORS: tuple[type[BaseException], ...] = (
    EnrichmentError,
    TimeoutError,
    OSError,
    ValueError,
)


@dataclass(frozen=True, slots=True)
class TaggingFailure:
    expert_id: int
    username: str
    error_class: str
    message: str

    @property
    def reason(self) -> str:
        return f"{self.error_class}: {self.message}"


class TagStatus(StrEnum):
    TAGGED = "tagged"
    RACED = "raced"  # somebody else (an intake retry, a parallel run) tagged it first
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class TagResult:
    status: TagStatus
    tags: tuple[str, ...] | None = None
    failure: TaggingFailure | None = None


def describe_error(error: BaseException) -> tuple[str, str]:
    """``(error class, one-line message)`` of a failure, as recorded and shown to admins."""
    if isinstance(error, TimeoutError):
        return "TransientTaggingError", "the tagger did not answer in time"
    message = " ".join(str(error).split())[:300] or repr(error)
    return type(error).__name__, message


async def tag_and_save(
    expert: Expert,
    *,
    call: TagCall,
    repo: AsyncExpertRepo,
    tagged_by: str,
    fatal: tuple[type[BaseException], ...] = (),
) -> TagResult:
    """Tag ``expert`` through ``call``, then save or record the failure.

    Errors in ``fatal`` propagate untouched (the batch run stops on refused credentials); every
    other tagger error becomes a ``FAILED`` result. Repository errors propagate: they are not the
    expert's failure.
    """
    if expert.id is None:
        raise ValueError(f"expert {expert.username!r} has no id; only stored experts are tagged")
    try:
        tags = normalize_tags(await call(TagRequest.for_expert(expert)))
    except fatal:
        raise
    except Exception as exc:  # every tagger failure is recorded (decision 6)
        if not isinstance(exc, EXPECTED_ERRORS):
            log.error("unexpected tagger error expert=%s", expert.username, exc_info=exc)
        return TagResult(TagStatus.FAILED, failure=await record_failure(expert, exc, repo))
    written = await repo.save_tags(
        expert.id,
        tags=tags,
        tagged_by=tagged_by,
        tagged_at=datetime.now(UTC),
        findability_score=compute_findability_score(expert, tags),
    )
    return TagResult(TagStatus.TAGGED if written else TagStatus.RACED, tags)


async def record_failure(
    expert: Expert, cause: BaseException, repo: AsyncExpertRepo
) -> TaggingFailure:
    """Remember why tagging failed on the expert (scored with 0 tag points)."""
    if expert.id is None:
        raise ValueError(f"expert {expert.username!r} has no id")
    error_class, message = describe_error(cause)
    failure = TaggingFailure(expert.id, expert.username, error_class, message)
    await repo.record_tagging_failure(
        expert.id, error=failure.reason, findability_score=compute_findability_score(expert)
    )
    return failure
