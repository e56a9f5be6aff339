"""Splitting experts into batch jobs under the request, size and enqueued-token limits."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from enrichment_core.batch_plan import BatchLimits, RequestSize, plan_jobs
from enrichment_core.experts import Expert, new_expert
from enrichment_core.ports import TagRequest


def experts(bios: list[str]) -> list[Expert]:
    return [
        new_expert(username=f"e{i}", bio=bio).with_changes(id=i + 1) for i, bio in enumerate(bios)
    ]


def size(request: TagRequest) -> RequestSize:
    return RequestSize(bytes=len(request.bio) * 2, tokens=len(request.bio))


@given(
    st.lists(st.integers(1, 500), min_size=0, max_size=60),
    st.integers(1, 12),
    st.integers(500, 3000),
    st.integers(500, 2000),
)
def test_every_job_stays_under_every_limit_and_order_is_kept(
    lengths: list[int], max_requests: int, max_bytes: int, max_tokens: int
) -> None:
    directory = experts(["x" * n for n in lengths])
    limits = BatchLimits(
        max_requests=max_requests, max_job_bytes=max_bytes, max_enqueued_tokens=max_tokens
    )
    jobs = plan_jobs(directory, size, limits)
    assert [e.id for job in jobs for e in job.experts] == [e.id for e in directory]
    for job in jobs:
        assert 1 <= len(job.experts) <= max_requests
        assert job.tokens == sum(len(e.bio or "") for e in job.experts)
        if len(job.experts) > 1:  # only a single oversize expert may exceed (its own job)
            assert job.bytes <= max_bytes
            assert job.tokens <= max_tokens


def test_an_expert_bigger_than_a_job_gets_a_job_of_its_own() -> None:
    directory = experts(["a" * 10, "b" * 5000, "c" * 10])
    jobs = plan_jobs(directory, size, BatchLimits(max_job_bytes=100, max_enqueued_tokens=10**6))
    assert [len(j.experts) for j in jobs] == [1, 1, 1]
