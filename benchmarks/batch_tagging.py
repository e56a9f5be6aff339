"""Batch API tagging against the fake Gemini, beside the online run (issue 13).

The 1,558-expert sample directory (1,418 with a bio) is tagged twice through the real
google-genai client against the fake Gemini on 127.0.0.1:

- online: ``enrich tag``'s path (``run_tagging`` without a batch tagger) at ``--rpm``;
- batch: ``enrich tag --batch``'s path (``run_tagging`` with ``GeminiBatchTagger``), the fake's
  jobs taking a scripted turnaround (``--pending`` s queued, then ``--running`` s running), and
  once more with a small enqueued-token cap so that the directory is split into several jobs.

Printed for each: jobs, wall time, HTTP requests sent, model requests, tokens, estimated cost
(the settings' default price table) and its ratio to the online run, and whether the tags equal
the online run's. Then the caching question: 200 experts online with the shipped prompt and with
its prefix padded past 1,024 tokens, against the fake's implicit cache (which hits every time:
an upper bound on what padding could save).

    python benchmarks/batch_tagging.py                      # ~3 min (the online run is 600 RPM)
    python benchmarks/batch_tagging.py --count 300 --rpm 3000
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import anyio

from enrichment_adapters.gemini.batch import GeminiBatchTagger
from enrichment_adapters.gemini.prompt import SYSTEM_INSTRUCTION
from enrichment_adapters.gemini.tagger import GeminiTagGenerator
from enrichment_adapters.sql.repo import SqlExpertRepo
from enrichment_adapters.sql.runs import SqlRunStore
from enrichment_core.batch_plan import BatchLimits
from enrichment_core.batch_tagging import BatchOptions
from enrichment_core.experts import new_expert
from enrichment_core.seeding import import_experts
from enrichment_core.tag_runs import RunResult, run_tagging
from enrichment_core.tagging import TaggingOptions
from enrichment_entrypoints.sample_data.generator import generate_sample_experts
from enrichment_entrypoints.settings import Settings
from enrichment_entrypoints.wiring import price_table
from tests.support.fake_gemini import FakeGemini

PRICES = price_table(Settings(_env_file=None))  # type: ignore[call-arg]
MODEL = "gemini-2.5-flash"
PADDING = (
    "\n\nGuidance on tag vocabulary (examples of good tags by field): "
    + "; ".join(
        f"field {i}: specific skill {i}, industry {i}, speciality {i}, method {i}"
        for i in range(45)
    )
    + "."
)


def fresh_repo(folder: Path, name: str, count: int, seed: int) -> SqlExpertRepo:
    repo = SqlExpertRepo(f"sqlite:///{folder / name}.db")
    import_experts(repo, [new_expert(**row) for row in generate_sample_experts(count, seed=seed)])
    return repo


def tag(
    repo: SqlExpertRepo,
    fake: FakeGemini,
    *,
    rpm: float,
    batch: GeminiBatchTagger | None = None,
    padded: bool = False,
) -> tuple[RunResult, float]:
    tagger = GeminiTagGenerator(api_key="bench-key", base_url=fake.base_url, timeout_s=20)
    if padded:  # the same rules with ~800 tokens of vocabulary guidance: the prefix passes 1,024
        config = tagger._config.model_copy(
            update={"system_instruction": SYSTEM_INSTRUCTION + PADDING}
        )
        tagger._config = config
    options = TaggingOptions(concurrency=8, rpm=rpm, retry_delay_s=0.2)

    async def main() -> RunResult:
        try:
            return await run_tagging(
                repo, tagger, SqlRunStore(repo.engine), options, prices=PRICES, batch=batch,
                batch_options=BatchOptions(poll_interval_s=0.5),
            )  # fmt: skip
        finally:
            await tagger.aclose()

    started = time.monotonic()
    result = anyio.run(main)
    return result, time.monotonic() - started


def tags_of(repo: SqlExpertRepo) -> dict[str, tuple[str, ...] | None]:
    return {e.username: e.tags for e in repo.list_experts()}


def line(
    name: str,
    jobs: str,
    seconds: float,
    http: int,
    result: RunResult,
    online_cost: float | None,
    same: str,
) -> str:
    usage = result.usage
    ratio = f"{result.cost_usd / online_cost:.2f}" if result.cost_usd and online_cost else "n/a"
    cost = f"${result.cost_usd:.4f}" if result.cost_usd is not None else "n/a"
    return (
        f"| {name} | {jobs} | {seconds:.1f} s | {http:,} | {usage.requests:,} | {usage.prompt:,} | "
        f"{usage.cached:,} | {usage.output + usage.thinking:,} | {cost} | {ratio} | {same} |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=1558)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--rpm", type=float, default=600.0, help="the online run's rate (and the fake's quota)"
    )
    parser.add_argument("--pending", type=float, default=5.0, help="seconds a fake job is queued")
    parser.add_argument("--running", type=float, default=10.0, help="seconds a fake job runs")
    parser.add_argument(
        "--split-cap", type=int, default=250_000, help="enqueued-token cap of the split run"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        repos = {
            name: fresh_repo(folder, name, args.count, args.seed)
            for name in ("online", "batch", "split")
        }
        with_bio = sum(1 for e in repos["online"].list_experts() if e.has_bio)
        print(
            f"{args.count:,} sample experts, {with_bio:,} with a bio; fake job turnaround {args.pending:g} s + {args.running:g} s\n"
        )
        rows = []
        with FakeGemini(
            rpm=int(args.rpm),
            latency_s=0.05,
            batch_pending_s=args.pending,
            batch_running_s=args.running,
        ) as fake:
            online, online_s = tag(repos["online"], fake, rpm=args.rpm)
            http = fake.request_count()
            rows.append(
                line(
                    "online (`enrich tag`)",
                    "–",
                    online_s,
                    http,
                    online,
                    online.cost_usd,
                    "baseline",
                )
            )
            baseline = tags_of(repos["online"])
            for name, cap in (("batch", 3_000_000), ("split", args.split_cap)):
                fake.reset()
                limits = BatchLimits(max_enqueued_tokens=cap)
                with GeminiBatchTagger(
                    api_key="bench-key", base_url=fake.base_url, limits=limits
                ) as batch:
                    result, seconds = tag(repos[name], fake, rpm=args.rpm, batch=batch)
                assert result.batch is not None
                same = "yes" if tags_of(repos[name]) == baseline else "NO"
                label = "`--batch`" if name == "batch" else f"`--batch`, {cap:,}-token cap"
                jobs = f"{result.batch.jobs_created}"
                rows.append(
                    line(label, jobs, seconds, fake.request_count(), result, online.cost_usd, same)
                )
        print(
            "| run | jobs | wall | HTTP requests | model requests | prompt tokens | cached | output | est. cost | cost / online | same tags |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        print("\n".join(rows))

        print(
            "\nPrompt layout and implicit caching (200 experts online, the fake caches every shared prefix of >= 1,024 tokens):"
        )
        sample = min(200, args.count)
        results = {}
        for padded in (False, True):
            name = "padded" if padded else "shipped"
            repo = fresh_repo(folder, f"cache-{name}", sample, args.seed)
            with FakeGemini(cache_min_tokens=1024) as fake:
                results[name] = tag(repo, fake, rpm=6000, padded=padded)[0]
        print(
            "| layout | prompt tokens / request | cached / request | est. cost / 1,000 experts | ratio |"
        )
        print("|---|---|---|---|---|")
        base = results["shipped"]
        for name, result in results.items():
            n = max(1, result.usage.requests)
            per_k = (result.cost_usd or 0) / n * 1000
            ratio = (result.cost_usd or 0) / (base.cost_usd or 1)
            print(
                f"| {name} | {result.usage.prompt / n:,.0f} | {result.usage.cached / n:,.0f} | ${per_k:.4f} | {ratio:.2f} |"
            )
        padded_usage = results["padded"].usage
        hit = padded_usage.cached / max(1, padded_usage.prompt)
        print(
            f"\nThe padded prefix is {hit:.0%} cached here (every request hits); on the real API hits are best-effort."
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
