"""Benchmark: what filters and match reasons cost, against plain search and plain ingest.

    python benchmarks/search_filters.py [--experts 1558] [--queries 200] [--embedder local|hashing]

Measured in one run over the same sample directory (``enrichment_entrypoints.sample_data``), a
FAISS index and a SQLite vector cache in a temporary folder:

- ingest without match reasons (``explain=False``, the baseline, 1.00) and with them (the
  default: every distinct tag and up to 8 sentences per bio are embedded too), each into its own
  empty cache: seconds and texts embedded;
- search latency (p50 / p95 of ``search_page``, k=10) plain (the baseline, 1.00), with filters
  (max rate + one tag + min findability), with match reasons (``explain_with=`` the cache), and
  with both. The query embedding is part of every variant, as it is for a client.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from ingest_search import load_rows, make_queries, percentile, pick_embedder, tag_rows  # noqa: E402

from enrichment_adapters.memory import InMemoryExpertRepo  # noqa: E402
from enrichment_adapters.vector_index.cache import SqliteVectorCache, default_cache_path  # noqa: E402
from enrichment_adapters.vector_index.faiss_index import FaissVectorIndex  # noqa: E402
from enrichment_core.experts import Expert  # noqa: E402
from enrichment_core.filters import NO_FILTERS, SearchFilters  # noqa: E402
from enrichment_core.findability import compute_findability_score  # noqa: E402
from enrichment_core.ingest import IngestReport, ingest  # noqa: E402
from enrichment_core.ports import Embedder, VectorCache  # noqa: E402
from enrichment_core.search import search_page  # noqa: E402


def timed_ingest(
    experts: list[Expert], embedder: Embedder, folder: Path, *, explain: bool
) -> tuple[float, IngestReport]:
    with SqliteVectorCache(default_cache_path(folder)) as cache:
        started = time.perf_counter()
        report = ingest(
            InMemoryExpertRepo(experts), embedder, FaissVectorIndex(folder), cache, explain=explain
        )
        return time.perf_counter() - started, report


def latencies(
    queries: list[str],
    embedder: Embedder,
    index: FaissVectorIndex,
    *,
    filters: SearchFilters,
    cache: VectorCache | None,
) -> tuple[list[float], float, int]:
    times, full_pages, total = [], 0, 0
    for query in queries:
        started = time.perf_counter()
        page = search_page(
            query, embedder=embedder, index=index, k=10, filters=filters, explain_with=cache
        )
        times.append((time.perf_counter() - started) * 1000)
        full_pages += len(page.hits) == min(10, page.total)
        total = page.total
    return times, full_pages / len(queries), total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--experts", type=int, default=1558)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--embedder", choices=["local", "hashing"], default="local")
    args = parser.parse_args()

    rows, source = load_rows(args.experts)
    experts = [
        e.with_changes(findability_score=compute_findability_score(e)) for e in tag_rows(rows)
    ]
    embedder, described = pick_embedder(args.embedder)
    print(f"{len(experts)} experts from {source}; embedder {described}")

    with tempfile.TemporaryDirectory() as plain_dir, tempfile.TemporaryDirectory() as full_dir:
        base_s, base = timed_ingest(experts, embedder, Path(plain_dir), explain=False)
        full_s, full = timed_ingest(experts, embedder, Path(full_dir), explain=True)
        print("\ningest (empty cache)                 seconds  texts embedded  ratio")
        print(f"  without match reasons (baseline)  {base_s:8.1f}  {base.embedded:14d}   1.00")
        print(
            f"  with match reasons                {full_s:8.1f}  "
            f"{full.embedded + full.explanation_embedded:14d}   {full_s / base_s:.2f}"
            f"   ({full.explanation_texts} tag/sentence texts)"
        )

        index = FaissVectorIndex(Path(full_dir))
        queries = make_queries(experts, args.queries)
        tags = [t for e in experts for t in e.tags or ()]
        common = Counter(tags).most_common(1)[0][0]  # a tag many experts have
        filtered = SearchFilters.build(max_rate=200, tags=[common], min_findability=40)
        with SqliteVectorCache(default_cache_path(Path(full_dir))) as cache:
            search_page("warm up", embedder=embedder, index=index, explain_with=cache)
            variants = [
                ("plain (baseline)", NO_FILTERS, None),
                ("filters before ranking", filtered, None),
                ("match reasons", NO_FILTERS, cache),
                ("filters + match reasons", filtered, cache),
            ]
            results = {
                label: latencies(queries, embedder, index, filters=f, cache=c)
                for label, f, c in variants
            }
        base_p50 = statistics.median(results["plain (baseline)"][0])
        print(
            f"\nsearch, {len(queries)} queries, k=10      p50 ms   p95 ms  p50 ratio  full pages  candidates"
        )
        for label, (times, full_pages, total) in results.items():
            p50 = statistics.median(times)
            print(
                f"  {label:<30} {p50:7.2f}  {percentile(times, 95):7.2f}  {p50 / base_p50:9.2f}"
                f"  {full_pages:10.0%}  {total:10d}"
            )
        print(f"  (filters: {filtered})")


if __name__ == "__main__":
    main()
