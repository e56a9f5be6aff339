"""Benchmark: ingest (full, unchanged re-run, 5% edited) and search latency, with peak memory.

    python benchmarks/ingest_search.py [--experts 1558] [--queries 300] [--embedder local|hashing]
        [--repeats 1] [--no-memory] [--no-raw]

With the local model, the full ingest is first compared with the model's raw speed on the same
texts, measured in the same run (``--repeats`` interleaved rounds, medians): one
``SentenceTransformer.encode(all texts, batch_size=64)`` call (the baseline, 1.00), the same texts
in chunks of 64 in directory order (the pattern of the ingest before 0.2.0), and a full ingest, each
in float32 and, when the CPU computes bfloat16 natively (AVX-512 BF16 / AMX), in bfloat16. The
bfloat16 line also reports its search agreement with float32: top-10 overlap over the queries and
the lowest cosine between the two precisions' vectors of the same text.

Experts come from ``enrichment_entrypoints.sample_data.generator`` (synthetic ones if it is missing), tagged from their
category and job title, in an ``InMemoryExpertRepo`` (so the figures are the ingest's own, not a
database's). The embedder is the local all-MiniLM-L6-v2 model when it is installed, otherwise the
hashing fake (said so in the output). Index and cache live in a temporary directory.

The remaining ratios are against the full ingest measured in the same run: an unchanged re-run should cost a
small fraction of it (no text is embedded), a 5% edit about 5% of the embedding work plus the
fixed cost of writing and verifying the index.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for tests.support (the hashing fallback)

from enrichment_adapters.memory import InMemoryExpertRepo  # noqa: E402
from enrichment_adapters.vector_index.cache import SqliteVectorCache, default_cache_path  # noqa: E402
from enrichment_adapters.vector_index.faiss_index import FaissVectorIndex  # noqa: E402
from enrichment_core.experts import Expert, new_expert  # noqa: E402
from enrichment_core.ingest import IngestReport, ingest  # noqa: E402
from enrichment_core.ports import Embedder  # noqa: E402
from enrichment_core.search import search  # noqa: E402
from tests.support.fake_embedder import HashingEmbedder  # noqa: E402

QUERY_TEMPLATES = [
    "I need help with {tag}",
    "{tag} for a startup",
    "looking for an experienced {title}",
    "who can advise us on {tag} in {category}",
    "{title} with {tag} experience for a one-hour call",
    "best {category} consultant",
]


def load_rows(count: int) -> tuple[list[dict[str, str]], str]:
    try:
        from enrichment_entrypoints.sample_data.generator import generate_sample_experts
    except ImportError:
        rng = random.Random(7)
        cats = ["Tax", "Veterinary", "Logistics", "Machine Learning", "Marketing", "Law"]
        rows = []
        for n in range(count):
            cat = cats[n % len(cats)]
            bio = "" if n % 10 == 0 else f"{cat} specialist, {rng.randint(3, 30)} years, case {n}."
            rows.append(
                {"username": f"u{n}", "job_title": f"{cat} Consultant", "bio": bio, "category": cat}
            )
        return rows, "synthetic rows (enrichment_entrypoints.sample_data.generator not importable)"
    return generate_sample_experts(
        count, seed=7
    ), "enrichment_entrypoints.sample_data.generator.generate_sample_experts"


def tag_rows(rows: list[dict[str, str]]) -> list[Expert]:
    """Experts with a bio get tags from their category and job title (no LLM in a benchmark)."""
    experts = []
    for row in rows:
        expert = new_expert(**row)
        if expert.has_bio:
            tags = [t for t in (expert.category, expert.job_title) if t]
            expert = expert.with_changes(
                tags=tuple(dict.fromkeys(t.lower() for t in tags)) or ("general",)
            )
        experts.append(expert)
    return experts


def pick_embedder(choice: str) -> tuple[Embedder, str]:
    if choice == "local":
        try:
            from enrichment_adapters.local.embedder import LocalEmbedder

            embedder = LocalEmbedder()
            started = time.perf_counter()
            embedder.embed_query("warm up")
            return (
                embedder,
                f"{embedder.model_id} (model load {time.perf_counter() - started:.1f} s, not counted)",
            )
        except Exception as exc:  # noqa: BLE001 - any failure: fall back to the fake, say why
            print(f"!! local embedder unavailable ({exc}); using the hashing fake instead")
    fake = HashingEmbedder(dimension=384)
    return fake, f"{fake.model_id} (fake: figures show the pipeline, not a model)"


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def make_queries(experts: list[Expert], count: int) -> list[str]:
    rng = random.Random(11)
    tagged = [e for e in experts if e.tags]
    queries = []
    for _ in range(count):
        e = rng.choice(tagged)
        queries.append(
            rng.choice(QUERY_TEMPLATES).format(
                tag=rng.choice(e.tags or ("advice",)),
                title=(e.job_title or "consultant").lower(),
                category=(e.category or "business").lower(),
            )
        )
    return queries


def edit_five_percent(experts: list[Expert]) -> tuple[list[Expert], int]:
    rng = random.Random(5)
    tagged_positions = [i for i, e in enumerate(experts) if e.tags]
    chosen = rng.sample(tagged_positions, max(1, len(tagged_positions) // 20))
    edited = list(experts)
    for i in chosen:
        edited[i] = edited[i].with_changes(bio=f"Now also advising remote teams. {edited[i].bio}")
    return edited, len(chosen)


def run_ingest(experts: list[Expert], embedder: Embedder, index_dir: Path) -> IngestReport:
    with SqliteVectorCache(default_cache_path(index_dir)) as cache:
        return ingest(InMemoryExpertRepo(experts), embedder, FaissVectorIndex(index_dir), cache)


def raw_speed(
    experts: list[Expert], precisions: list[str], repeats: int, queries: list[str]
) -> None:
    """Full ingest against the model's raw encode of the same texts, interleaved, medians."""
    from enrichment_adapters.local import model as local_model
    from enrichment_adapters.local.embedder import LocalEmbedder
    from enrichment_core.errors import EmbedderUnavailableError
    from enrichment_core.ingest import embedding_text

    texts = texts_an_ingest_embeds(experts)
    own = {embedding_text(e) for e in experts}
    expert_rows = [i for i, t in enumerate(texts) if t in own]
    runs: dict[str, list[float]] = {}
    vectors: dict[str, Any] = {}
    for precision in precisions:  # load both models first: loading is not what is measured
        local_model.load_model(EmbedderUnavailableError, precision)  # type: ignore[arg-type]

    def raw(precision: str) -> float:
        model: Any = local_model.load_model(EmbedderUnavailableError, precision)  # type: ignore[arg-type]
        started = time.perf_counter()
        vectors[precision] = model.encode(texts, batch_size=64, show_progress_bar=False)
        return time.perf_counter() - started

    in_directory_order = directory_order(experts, texts)

    def chunked(precision: str) -> float:
        model: Any = local_model.load_model(EmbedderUnavailableError, precision)  # type: ignore[arg-type]
        started = time.perf_counter()
        for start in range(0, len(in_directory_order), 64):
            chunk = in_directory_order[start : start + 64]
            model.encode(chunk, batch_size=64, show_progress_bar=False)
        return time.perf_counter() - started

    def full(precision: str) -> float:
        with tempfile.TemporaryDirectory() as tmp:
            embedder = LocalEmbedder(precision=precision)
            return run_ingest(experts, embedder, Path(tmp) / "index").seconds

    for round_ in range(repeats):
        for precision in precisions:
            runs.setdefault(f"raw {precision}", []).append(raw(precision))
            runs.setdefault(f"ingest {precision}", []).append(full(precision))
        if round_ == 0:  # the slow old pattern once: it is the reference, not the target
            runs["chunked float32"] = [chunked("float32")]
    median = {name: statistics.median(times) for name, times in runs.items()}
    print_speeds(median, len(texts), len(expert_rows), repeats)
    if "bfloat16" in vectors:
        rows = {p: np.asarray(v, dtype=np.float32)[expert_rows] for p, v in vectors.items()}
        print_precision_agreement(rows, queries, local_model)
    print()


def print_speeds(median: dict[str, float], count: int, own: int, repeats: int) -> None:
    base, before = median["raw float32"], median["chunked float32"]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"raw model speed vs ingest ({count} texts: {own} experts' texts plus the tags and bio "
        f"sentences ingest embeds for match reasons;\n medians of {repeats} interleaved runs, "
        f"the chunked pattern once; load {load} at the end):"
    )
    labels = {
        "raw float32": "raw encode, one call, float32 (baseline)",
        "chunked float32": "raw encode, chunks of 64 in directory order (ingest before 0.2.0)",
        "ingest float32": "full ingest, float32",
        "raw bfloat16": "raw encode, one call, bfloat16",
        "ingest bfloat16": "full ingest, bfloat16",
    }
    for name, label in labels.items():
        if name in median:
            t = median[name]
            print(
                f"  {label:<64} {t:7.1f} s {count / t:6.1f} texts/s  "
                f"speed {base / t:4.2f}x baseline, {before / t:4.2f}x chunked"
            )


def print_precision_agreement(
    vectors: dict[str, Any], queries: list[str], local_model: Any
) -> None:
    a = np.asarray(vectors["float32"], dtype=np.float32)
    b = np.asarray(vectors["bfloat16"], dtype=np.float32)
    a /= np.linalg.norm(a, axis=1, keepdims=True)
    b /= np.linalg.norm(b, axis=1, keepdims=True)
    print(
        f"  bfloat16 vs float32: lowest cosine of a text's two vectors {(a * b).sum(1).min():.5f}; "
        f"top-10 overlap {top10_overlap(a, b, queries, local_model):.1%} over {len(queries)} queries"
    )


def directory_order(experts: list[Expert], texts: list[str]) -> list[str]:
    """``texts`` in the order the ingest before 0.2.0 met them: expert by expert, each expert's
    text then its tags and bio sentences (not sorted by length)."""
    from enrichment_core.ingest import embedding_text, index_record, text_hash

    wanted, ordered = set(texts), []
    for n, expert in enumerate(experts, start=1):
        if not expert.tags:
            continue
        text = embedding_text(expert)
        record = index_record(expert.with_changes(id=expert.id or n), text_hash(text))
        ordered += [t for t in (text, *record.tags, *record.sentences) if t in wanted]
    return list(dict.fromkeys(ordered))


def texts_an_ingest_embeds(experts: list[Expert]) -> list[str]:
    """Every text a full ingest embeds (experts' texts and match-reason texts), in its order."""
    recorded: list[str] = []

    class Recording(HashingEmbedder):
        def embed_documents(self, texts: Sequence[str]) -> Any:
            recorded.extend(texts)
            return super().embed_documents(texts)

    with tempfile.TemporaryDirectory() as tmp:
        run_ingest(experts, Recording(dimension=384), Path(tmp) / "index")
    return recorded


def top10_overlap(a: Any, b: Any, queries: list[str], local_model: Any) -> float:
    from enrichment_core.errors import EmbedderUnavailableError

    qa = local_model.encode(queries, unavailable=EmbedderUnavailableError, precision="float32")
    qb = local_model.encode(queries, unavailable=EmbedderUnavailableError, precision="bfloat16")
    top_a = np.argsort(-(qa @ a.T), axis=1)[:, :10]
    top_b = np.argsort(-(qb @ b.T), axis=1)[:, :10]
    shared = [len(set(x) & set(y)) for x, y in zip(top_a, top_b, strict=True)]
    return sum(shared) / (10 * len(shared))


def line(label: str, report: IngestReport, base: float | None = None) -> None:
    ratio = f"  ratio {report.seconds / base:6.3f} of full" if base else ""
    rate = report.indexed / report.seconds if report.seconds else float("inf")
    print(
        f"{label:<22} {report.seconds:8.2f} s  {rate:9.0f} experts/s  "
        f"embedded {report.embedded:5d}  reused {report.reused:5d}{ratio}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--experts", type=int, default=1558)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--embedder", choices=["local", "hashing"], default="local")
    parser.add_argument("--no-memory", action="store_true", help="skip the traced memory pass")
    parser.add_argument("--no-raw", action="store_true", help="skip the raw-speed comparison")
    parser.add_argument("--repeats", type=int, default=1, help="rounds of the raw comparison")
    args = parser.parse_args()

    rows, source = load_rows(args.experts)
    experts = tag_rows(rows)
    embedder, described = pick_embedder(args.embedder)
    tagged = sum(1 for e in experts if e.tags)
    print(
        f"experts: {len(experts)} from {source}; {tagged} tagged, {len(experts) - tagged} untagged"
    )
    print(f"embedder: {described}\n")
    if not args.no_raw and embedder.model_id.startswith("local:"):
        from enrichment_adapters.local.model import cpu_bf16_flags

        flags = sorted(cpu_bf16_flags())
        print(f"CPU bfloat16: {', '.join(flags) if flags else 'none (bfloat16 lines skipped)'}")
        precisions = ["float32", "bfloat16"] if flags else ["float32"]
        raw_speed(experts, precisions, args.repeats, make_queries(experts, args.queries))

    with tempfile.TemporaryDirectory() as tmp:
        index_dir = Path(tmp) / "index"
        full = run_ingest(experts, embedder, index_dir)
        line("full ingest", full)
        line("unchanged re-run", run_ingest(experts, embedder, index_dir), full.seconds)
        edited, n_edited = edit_five_percent(experts)
        line(f"5% edited ({n_edited})", run_ingest(edited, embedder, index_dir), full.seconds)

        index = FaissVectorIndex(index_dir)
        queries = make_queries(experts, args.queries)
        search("warm up", embedder=embedder, index=index)
        latencies, index_only = [], []
        for query in queries:
            started = time.perf_counter()
            search(query, embedder=embedder, index=index, k=10)
            latencies.append((time.perf_counter() - started) * 1000)
        vectors = [embedder.embed_query(q) for q in queries]
        for vector in vectors:
            started = time.perf_counter()
            index.search(vector, 10)
            index_only.append((time.perf_counter() - started) * 1000)
        total = sum(latencies) / 1000
        print(
            f"\nsearch ({len(queries)} queries, k=10): p50 {statistics.median(latencies):.2f} ms  "
            f"p99 {percentile(latencies, 99):.2f} ms  {len(queries) / total:.0f} queries/s"
        )
        print(
            f"  of which the index:   p50 {statistics.median(index_only):.3f} ms  "
            f"p99 {percentile(index_only, 99):.3f} ms  (the rest is embedding the query)"
        )

    if not args.no_memory:
        with tempfile.TemporaryDirectory() as tmp:
            tracemalloc.start()
            traced = run_ingest(experts, embedder, Path(tmp) / "index")
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        print(
            f"\npeak traced Python/numpy memory, full ingest: {peak / 2**20:.1f} MiB "
            f"({traced.indexed} vectors of {traced.dimension} floats = "
            f"{traced.indexed * traced.dimension * 4 / 2**20:.1f} MiB)"
        )
    usage: Any = resource.getrusage(resource.RUSAGE_SELF)
    print(f"peak RSS of the whole process (model included): {usage.ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
