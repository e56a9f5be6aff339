"""A real ingest in its own process, for crash tests that SIGKILL it part-way.

    python -m tests.support.ingest_worker --dir DIR [--experts 300] [--revision A]
        [--mode fast|slow-embed|slow-write] [--pause 0.3] [--batch-size 16]

No database: an ``InMemoryExpertRepo`` filled with generated tagged experts (plus some untagged
ones), a ``HashingEmbedder``, and on DIR a ``FaissVectorIndex`` and a ``SqliteVectorCache``.
``--revision`` changes every bio, so a run with a new revision must embed everything again.
Modes: ``slow-embed`` sleeps ``--pause`` seconds per embedding batch; ``slow-write`` sleeps
inside ``stage`` between writing the index file and the metadata file.

Prints one line per event, flushed: ``plan N``, ``embedded N``, ``staging-index-written``,
``report {json}``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from pathlib import Path

from enrichment_adapters.memory import InMemoryExpertRepo
from enrichment_adapters.vector_index.cache import SqliteVectorCache, default_cache_path
from enrichment_adapters.vector_index.faiss_index import INDEX_FILE, FaissVectorIndex
from enrichment_core.experts import Expert
from enrichment_core.ingest import ingest
from tests.support.fake_embedder import HashingEmbedder

DOMAINS = [
    (
        "Tax Attorney",
        "R&D tax credits, IRS audits and corporate tax planning",
        ("tax law", "r&d tax credits"),
    ),
    (
        "Veterinary Surgeon",
        "small animal orthopedics and surgery for dogs and cats",
        ("veterinary",),
    ),
    (
        "Supply Chain Consultant",
        "logistics, inventory planning and procurement",
        ("supply chain", "logistics"),
    ),
    (
        "ML Engineer",
        "recommendation systems and natural language processing",
        ("machine learning", "nlp"),
    ),
    (
        "Brand Strategist",
        "brand identity, positioning and marketing campaigns",
        ("branding", "marketing"),
    ),
    ("Employment Lawyer", "contracts, equity plans and hiring for founders", ("employment law",)),
    ("Data Engineer", "data pipelines, warehouses and analytics platforms", ("data engineering",)),
    (
        "Cardiologist",
        "heart health, clinical trials and medical devices",
        ("cardiology", "healthcare"),
    ),
]


def generate_experts(count: int, revision: str = "A") -> list[Expert]:
    """``count`` tagged experts across the domains, then ``count // 10`` untagged ones."""
    experts = []
    for n in range(count):
        title, focus, tags = DOMAINS[n % len(DOMAINS)]
        experts.append(
            Expert(
                username=f"expert{n:05d}",
                first_name="Sam",
                last_name=f"Lee{n}",
                job_title=f"{title} (rev {revision})",
                company=f"Firm {n % 37}",
                bio=f"{title} with {5 + n % 20} years of experience in {focus}. Case study {n}, rev {revision}.",
                tags=tags,
                tagged_by="scripted",
                findability_score=70.0 + n % 30,
            )
        )
    experts += [Expert(username=f"nobio{n:05d}") for n in range(count // 10)]
    return experts


def emit(*parts: object) -> None:
    print(*parts, flush=True)


class SlowWriteIndex(FaissVectorIndex):
    """Pauses between the staged index file and its metadata: a window to kill the process in."""

    def __init__(self, index_dir: Path, pause: float) -> None:
        super().__init__(index_dir)
        self.pause = pause

    def _write_file(self, path: Path, data: bytes) -> None:
        super()._write_file(path, data)
        if path.name == INDEX_FILE:
            emit("staging-index-written")
            time.sleep(self.pause)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dir", type=Path, required=True)
    parser.add_argument("--experts", type=int, default=300)
    parser.add_argument("--revision", default="A")
    parser.add_argument("--mode", choices=["fast", "slow-embed", "slow-write"], default="fast")
    parser.add_argument("--pause", type=float, default=0.3)
    parser.add_argument("--batch-size", type=int, default=16)
    args = parser.parse_args()

    repo = InMemoryExpertRepo(generate_experts(args.experts, args.revision))
    embedder = HashingEmbedder(delay_per_batch=args.pause if args.mode == "slow-embed" else 0.0)
    index = (
        SlowWriteIndex(args.dir, args.pause)
        if args.mode == "slow-write"
        else FaissVectorIndex(args.dir)
    )
    with SqliteVectorCache(default_cache_path(args.dir)) as cache:
        report = ingest(
            repo,
            embedder,
            index,
            cache,
            batch_size=args.batch_size,
            on_plan=lambda n: emit("plan", n),
            on_embedded=lambda n: emit("embedded", n),
        )
    emit("report", json.dumps(dataclasses.asdict(report)))


if __name__ == "__main__":
    main()
