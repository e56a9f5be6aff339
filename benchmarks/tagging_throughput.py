"""Batch tagging throughput against a rate-limited fake Gemini, with a naive loop as baseline.

Both runs tag the same sample directory through the real google-genai client against the fake
Gemini on 127.0.0.1, with a quota (RPM, 429 + RetryInfo when exceeded), latency and a share of
transient 500/503 answers:

- ours: ``enrichment_core.tagging.tag_untagged_experts`` (steady rate, 429s waited out, one retry)
- baseline: the naive loop of the project's original design sketch (a semaphore of 5, one
  immediate retry, no rate control)

Printed for each: wall time, its ratio to the floor (experts with a bio / RPM), experts tagged,
experts lost to transient errors, experts lost to 429s, 429s received. Then the offline
tagger's experts per second on this machine.

    python benchmarks/tagging_throughput.py                 # 1,558 experts, 600 RPM (~5 min)
    python benchmarks/tagging_throughput.py --count 300     # quicker
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import anyio

from enrichment_adapters.gemini.tagger import GeminiTagGenerator
from enrichment_adapters.sql.repo import SqlExpertRepo
from enrichment_core.errors import RateLimitedError, TaggingError
from enrichment_core.experts import Expert, new_expert
from enrichment_core.findability import compute_findability_score
from enrichment_core.ports import TagRequest
from enrichment_core.seeding import import_experts
from enrichment_core.tagging import TaggingOptions, tag_untagged_experts
from enrichment_core.tags import normalize_tags
from enrichment_entrypoints.sample_data.generator import generate_sample_experts
from tests.support.fake_gemini import FakeGemini


@dataclass
class Outcome:
    name: str
    seconds: float
    tagged: int
    lost_transient: int
    lost_quota: int
    received_429: int


def fresh_repo(folder: Path, name: str, count: int, seed: int) -> SqlExpertRepo:
    repo = SqlExpertRepo(f"sqlite:///{folder / name}.db")
    import_experts(repo, [new_expert(**row) for row in generate_sample_experts(count, seed=seed)])
    return repo


def run_ours(repo: SqlExpertRepo, fake: FakeGemini, rpm: int, concurrency: int) -> Outcome:
    tagger = GeminiTagGenerator(api_key="bench-key", base_url=fake.base_url, timeout_s=20)
    options = TaggingOptions(concurrency=concurrency, rpm=rpm, retry_delay_s=0.5)

    async def main():  # type: ignore[no-untyped-def]
        try:
            return await tag_untagged_experts(repo, tagger, options)
        finally:
            await tagger.aclose()

    report = anyio.run(main)
    quota_lost = sum(1 for f in report.failed if f.error_class == "RateLimitedError")
    return Outcome(
        "ours",
        report.seconds,
        report.tagged,
        len(report.failed) - quota_lost,
        quota_lost,
        fake.rate_limited_count,
    )


def run_baseline(repo: SqlExpertRepo, fake: FakeGemini) -> Outcome:
    """The naive loop: asyncio.Semaphore(5), one immediate retry, then skip; no rate control."""
    tagger = GeminiTagGenerator(api_key="bench-key", base_url=fake.base_url, timeout_s=20)
    experts = [e for e in repo.list_experts(tagged=False) if e.has_bio]
    lost = {"transient": 0, "quota": 0}
    tagged = 0

    async def main() -> None:
        nonlocal tagged
        semaphore = asyncio.Semaphore(5)

        async def one(expert: Expert) -> None:
            nonlocal tagged
            async with semaphore:
                request = TagRequest.for_expert(expert)
                try:
                    tags = normalize_tags(await tagger.generate_tags(request))
                except TaggingError:
                    try:
                        tags = normalize_tags(await tagger.generate_tags(request))
                    except TaggingError as exc:
                        lost["quota" if isinstance(exc, RateLimitedError) else "transient"] += 1
                        return
                assert expert.id is not None
                repo.save_tags(
                    expert.id,
                    tags=tags,
                    tagged_by=tagger.name,
                    tagged_at=datetime.now(UTC),
                    findability_score=compute_findability_score(expert, tags),
                )
                tagged += 1

        await asyncio.gather(*(one(e) for e in experts))
        await tagger.aclose()

    started = time.monotonic()
    asyncio.run(main())
    return Outcome(
        "baseline (semaphore 5, no rate control)",
        time.monotonic() - started,
        tagged,
        lost["transient"],
        lost["quota"],
        fake.rate_limited_count,
    )


def local_tagger_rate(count: int) -> str:
    try:
        from enrichment_adapters.local.tagger import LocalTagGenerator
    except ImportError as exc:
        return f"offline tagger unavailable ({exc})"
    requests = [
        TagRequest(username=r["username"], job_title=r["job_title"] or None, bio=r["bio"])
        for r in generate_sample_experts(count + count // 5, seed=11)
        if r["bio"]
    ][:count]
    tagger = LocalTagGenerator()
    anyio.run(tagger.generate_tags, requests[0])  # load the model outside the timing
    started = time.monotonic()
    for request in requests:
        anyio.run(tagger.generate_tags, request)
    single = len(requests) / (time.monotonic() - started)
    line = f"offline tagger: {single:.1f} experts/s one by one"
    if hasattr(tagger, "tag_many"):
        started = time.monotonic()
        tagger.tag_many(requests)
        line += f", {len(requests) / (time.monotonic() - started):.1f} experts/s batched"
    return line + f" ({len(requests)} experts, {os.cpu_count()} cores)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=1558)
    parser.add_argument("--rpm", type=int, default=600)
    parser.add_argument("--latency", type=float, default=0.3)
    parser.add_argument("--error-rate", type=float, default=0.03)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--local-count", type=int, default=200)
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        results = []
        runs: list[tuple[str, Callable[[SqlExpertRepo, FakeGemini], Outcome]]] = [
            ("ours", lambda r, f: run_ours(r, f, args.rpm, args.concurrency))
        ]
        if not args.skip_baseline:
            runs.append(("baseline", run_baseline))
        for name, run in runs:
            repo = fresh_repo(folder, name, args.count, seed=7)
            with_bio = sum(1 for e in repo.list_experts() if e.has_bio)
            # The quota is enforced over a sliding 10 s window (RPM/6 requests), so that even a
            # short run meets it the way a long run meets a per-minute quota.
            with FakeGemini(
                rpm=max(1, args.rpm // 6),
                rpm_window_s=10.0,
                latency_s=args.latency,
                latency_jitter_s=args.latency / 3,
                error_rate=args.error_rate,
                seed=3,
                retry_delay_s=2.0,
            ) as fake:
                results.append(run(repo, fake))
            repo.close()
        floor = with_bio / args.rpm * 60

    print(
        f"\n{args.count} experts ({with_bio} with a bio), quota {args.rpm} RPM, latency "
        f"{args.latency}s, {args.error_rate:.0%} transient errors; floor N/RPM = {floor:.1f}s"
    )
    print(
        f"{'run':42} {'wall s':>8} {'/floor':>7} {'tagged':>7} {'lost:5xx':>9} {'lost:429':>9} {'429s':>6}"
    )
    for r in results:
        print(
            f"{r.name:42} {r.seconds:8.1f} {r.seconds / floor:7.2f} {r.tagged:7d} "
            f"{r.lost_transient:9d} {r.lost_quota:9d} {r.received_429:6d}"
        )
    if len(results) == 2:
        ours, base = results
        print(
            f"ours vs baseline: {ours.tagged - base.tagged:+d} experts tagged, "
            f"wall-time ratio {ours.seconds / base.seconds:.2f}"
        )
    print(local_tagger_rate(args.local_count))


if __name__ == "__main__":
    main()
