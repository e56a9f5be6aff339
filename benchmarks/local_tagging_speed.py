"""Benchmark: offline tagging throughput against the model's raw embedding throughput.

    python benchmarks/local_tagging_speed.py [--experts 200] [--profile]

The same sample experts (``enrichment_entrypoints.sample_data``) are tagged three ways, after
the model and the vocabulary are warmed up: the batch use case (``tag_untagged_experts`` with
the local tagger, the run ``enrich tag --tagger local`` makes, concurrency 8, in-memory repo),
the tagger's own batched ``tag_many``, and, as the baseline, a raw ``encode`` of the texts the
tagger embeds per expert ("title. bio", then the title alone). Each line prints experts/s and its
ratio to the baseline. ``--profile`` adds the top functions of ``tag_many`` (cProfile; the use
case runs the same tagger code in worker threads, which cProfile does not follow).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

import anyio

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from enrichment_adapters.local import model as local_model  # noqa: E402
from enrichment_adapters.local.tagger import LocalTagGenerator  # noqa: E402
from enrichment_adapters.memory import InMemoryExpertRepo  # noqa: E402
from enrichment_core.errors import TaggerUnavailableError  # noqa: E402
from enrichment_core.experts import Expert, new_expert  # noqa: E402
from enrichment_core.ports import TagRequest  # noqa: E402
from enrichment_core.tagging import TaggingOptions, tag_untagged_experts  # noqa: E402
from enrichment_entrypoints.sample_data.generator import generate_sample_experts  # noqa: E402


def experts(count: int) -> list[Expert]:
    rows = generate_sample_experts(count * 2, seed=7)
    with_bio = [new_expert(**row) for row in rows if row.get("bio")]
    return with_bio[:count]


def use_case_run(people: list[Expert]) -> float:
    repo = InMemoryExpertRepo(people)
    options = TaggingOptions(concurrency=8, rpm=1e9, call_timeout_s=600, max_quota_wait_s=0)
    started = time.perf_counter()
    report = anyio.run(tag_untagged_experts, repo, LocalTagGenerator(), options)
    elapsed = time.perf_counter() - started
    if report.failed:
        print(f"  ({len(report.failed)} experts not tagged: {report.failed[0].reason})")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--experts", type=int, default=200)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    people = experts(args.experts)
    requests = [TagRequest.for_expert(e) for e in people]
    LocalTagGenerator().tag_many(requests[:8])  # load the model, embed the vocabulary
    precision = local_model.resolve_precision()
    texts = [f"{r.job_title or ''}. {r.bio}"[:600] for r in requests]
    titles = [r.job_title or "" for r in requests]

    started = time.perf_counter()
    local_model.encode(texts, unavailable=TaggerUnavailableError)
    local_model.encode(titles, unavailable=TaggerUnavailableError)
    raw = time.perf_counter() - started
    started = time.perf_counter()
    LocalTagGenerator().tag_many(requests)
    many = time.perf_counter() - started
    run = use_case_run(people)

    n = len(people)
    print(f"offline tagging, {n} sample experts with a bio, model precision {precision}:")
    for label, seconds in [
        ("raw encode of the texts the tagger embeds (baseline)", raw),
        ("LocalTagGenerator.tag_many (batched)", many),
        ("tag_untagged_experts, concurrency 8 (enrich tag --tagger local)", run),
    ]:
        print(
            f"  {label:<66} {seconds:7.1f} s {n / seconds:6.1f} experts/s  "
            f"{raw / seconds:5.2f}x baseline"
        )
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        LocalTagGenerator().tag_many(requests[: min(n, 60)])
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(12)
        print(out.getvalue())


if __name__ == "__main__":
    main()
