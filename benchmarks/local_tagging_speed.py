"""Benchmark: offline tagging throughput against the model's raw embedding throughput.

    python benchmarks/local_tagging_speed.py [--experts 200] [--precision auto] [--profile]
                                             [--agreement]

The same sample experts with a bio (``enrichment_entrypoints.sample_data``, seed 7) are tagged
several ways, after the model, the vocabulary and the batch shapes are warmed up:

1. baseline: one raw ``encode`` of exactly the texts the tagger embeds (each bio's chunks and
   each job title, as ``LocalTagGenerator._tag_batch`` prepares them);
2. ``LocalTagGenerator.tag_many`` over all of them (batched model calls);
3. the batch use case ``tag_untagged_experts`` (in-memory repo) with the options
   ``enrich tag --tagger local`` now uses (``wiring.tagging_options``: no rate limit, 128 calls in
   flight, which share model passes);
4. the same use case with the old options (concurrency 8, 600 RPM), and with the old per-expert
   path as well (each call one ``tag_one`` in a worker thread, as before micro-batching);
5. a real ``enrich tag --tagger local`` subprocess over a SQLite file seeded with the same
   experts: wall time including imports and model load, reported on its own line.

Each line prints experts/s and its ratio to the baseline. ``--profile`` adds the top functions
of ``tag_many`` (cProfile). ``--agreement`` tags the whole sample directory both in shared
passes (``tag_many`` in passes of ``MAX_BATCH``) and one by one, and counts the experts whose
tags differ (bfloat16 rounds differently with the batch's shape; float32 is asserted equal on
40 experts by tests/contract/test_local_tagger.py).
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import io
import math
import os
import pstats
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import anyio
import anyio.to_thread

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from enrichment_adapters.local import model as local_model  # noqa: E402
from enrichment_adapters.local import tagger as tagger_module  # noqa: E402
from enrichment_adapters.local.tagger import MAX_BATCH, LocalTagGenerator  # noqa: E402
from enrichment_adapters.memory import InMemoryExpertRepo  # noqa: E402
from enrichment_core.errors import TaggerUnavailableError  # noqa: E402
from enrichment_core.experts import PROFILE_FIELDS, Expert, new_expert  # noqa: E402
from enrichment_core.ports import TagRequest  # noqa: E402
from enrichment_core.tagging import TaggingOptions, tag_untagged_experts  # noqa: E402
from enrichment_entrypoints.sample_data.generator import generate_sample_experts  # noqa: E402
from enrichment_entrypoints.settings import Settings  # noqa: E402
from enrichment_entrypoints.wiring import tagging_options  # noqa: E402


class OneByOneTagger(LocalTagGenerator):
    """The path before micro-batching: each ``generate_tags`` is its own model call."""

    async def generate_tags(self, request: TagRequest) -> Sequence[str]:
        return await anyio.to_thread.run_sync(self.tag_one, request, abandon_on_cancel=True)


def sample_rows(count: int) -> list[dict[str, str]]:
    rows = generate_sample_experts(max(count * 2, 40), seed=7)
    return [row for row in rows if row.get("bio")][:count]


def embedded_texts(requests: list[TagRequest]) -> list[str]:
    """Exactly the texts ``_tag_batch`` encodes for these experts: all chunks, then all titles."""
    prepared = [p for p in map(tagger_module._prepare, requests) if not isinstance(p, Exception)]
    return [c for p in prepared for c in p.chunks] + [p.title for p in prepared if p.title]


def use_case_run(people: list[Expert], tagger: LocalTagGenerator, options: TaggingOptions) -> float:
    repo = InMemoryExpertRepo(people)
    started = time.perf_counter()
    report = anyio.run(tag_untagged_experts, repo, tagger, options)
    elapsed = time.perf_counter() - started
    if report.failed:
        print(f"  ({len(report.failed)} experts not tagged: {report.failed[0].reason})")
    return elapsed


def cli_run(rows: list[dict[str, str]], precision: str) -> float:
    """Wall time of ``enrich tag --tagger local`` over a SQLite file seeded with ``rows``."""
    with tempfile.TemporaryDirectory() as tmp:
        csv_path, db = Path(tmp) / "experts.csv", f"sqlite:///{Path(tmp) / 'experts.db'}"
        with csv_path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=PROFILE_FIELDS)
            writer.writeheader()
            writer.writerows(rows)
        env = {**os.environ, "ENRICH_LOCAL_PRECISION": precision, "HF_HUB_OFFLINE": "1"}
        for name in ("ENRICH_RPM", "ENRICH_CONCURRENCY", "ENRICH_TAGGER"):
            env.pop(name, None)
        enrich = [sys.executable, "-m", "enrichment_entrypoints", "--db", db]
        subprocess.run([*enrich, "seed", str(csv_path)], env=env, check=True, capture_output=True)
        started = time.perf_counter()
        subprocess.run(
            [*enrich, "tag", "--tagger", "local"], env=env, check=True, capture_output=True
        )
        return time.perf_counter() - started


def agreement(precision: str) -> None:
    rows = generate_sample_experts(1558, seed=7)
    requests = [TagRequest.for_expert(new_expert(**row)) for row in rows if row.get("bio")]
    tagger = LocalTagGenerator()
    shared: list[list[str]] = []
    for start in range(0, len(requests), MAX_BATCH):
        shared.extend(tagger.tag_many(requests[start : start + MAX_BATCH]))
    alone = [tagger.tag_many([request])[0] for request in requests]
    differ = [i for i, (a, b) in enumerate(zip(shared, alone, strict=True)) if a != b]
    reordered = sum(set(shared[i]) == set(alone[i]) for i in differ)
    print(
        f"agreement ({precision}): {len(requests) - len(differ)}/{len(requests)} experts get the "
        f"same tags in passes of {MAX_BATCH} as one by one; {len(differ)} differ "
        f"({reordered} only in the order of the same tags)"
    )
    for i in differ[:5]:
        print(f"  {requests[i].username}: {shared[i]} vs {alone[i]}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--experts", type=int, default=200)
    parser.add_argument("--precision", choices=local_model.PRECISION_SETTINGS, default="auto")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--agreement", action="store_true")
    args = parser.parse_args()
    local_model.set_default_precision(args.precision)
    precision = local_model.resolve_precision()

    rows = sample_rows(args.experts)
    people = [new_expert(**row) for row in rows]
    requests = [TagRequest.for_expert(e) for e in people]
    # Load the model, embed the vocabulary, and meet every batch shape once (the first call on a
    # new shape pays for kernel selection, which would otherwise fall on whichever line is first).
    LocalTagGenerator().tag_many(requests)
    texts = embedded_texts(requests)

    started = time.perf_counter()
    local_model.encode(texts, unavailable=TaggerUnavailableError)
    raw = time.perf_counter() - started
    started = time.perf_counter()
    LocalTagGenerator().tag_many(requests)
    many = time.perf_counter() - started
    now = tagging_options(Settings(_env_file=None), tagger="local")  # type: ignore[call-arg]
    old = TaggingOptions(concurrency=8, rpm=600.0)
    run_now = use_case_run(people, LocalTagGenerator(), now)
    run_old = use_case_run(people, LocalTagGenerator(), old)
    run_old_path = use_case_run(people, OneByOneTagger(), old)
    cli = cli_run(rows, args.precision)

    n = len(people)
    rpm = "no limit" if math.isinf(now.rpm) else f"{now.rpm:g} RPM"
    print(
        f"offline tagging, {n} sample experts with a bio ({len(texts)} texts), "
        f"model precision {precision}, load average {os.getloadavg()[0]:.1f}:"
    )
    for label, seconds in [
        ("raw encode of the texts the tagger embeds (baseline)", raw),
        ("LocalTagGenerator.tag_many (batched)", many),
        (f"use case, enrich tag --tagger local now ({now.concurrency} in flight, {rpm})", run_now),
        ("use case, old options (concurrency 8, 600 RPM), shared passes", run_old),
        ("use case, old options and old path (one model call per expert)", run_old_path),
        ("`enrich tag --tagger local` subprocess, wall incl. model load", cli),
    ]:
        print(
            f"  {label:<76} {seconds:7.1f} s {n / seconds:6.1f} experts/s  "
            f"{raw / seconds:5.2f}x baseline"
        )
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        LocalTagGenerator().tag_many(requests[: min(n, 64)])
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(12)
        print(out.getvalue())
    if args.agreement:
        agreement(precision)


if __name__ == "__main__":
    main()
