"""How well does the offline tagger recover real skill tags, and how fast is it?

Data: ``../shared/data/upwork_profiles_dev.csv`` (real Upwork profiles; read in place, never
copied). The file has no bio, so each profile's headline serves as both job title and bio; its
``skills`` list is the ground truth.

A profile is a hit when at least one generated tag matches one of its skills:

- token overlap: tag and skill share a word after lowercasing and plural folding, ignoring
  stopwords and broad head words ("development", "design", "management", ...);
- embedding: cosine similarity of tag and skill (all-MiniLM-L6-v2) is at least 0.6.

Also printed: tags per profile, failures, batch throughput (``tag_many``) and single-call
latency (``tag_one``, each profile once, after warm-up) on this machine.

Run: ``python benchmarks/local_tag_quality.py [--n 300]``
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from adapters import local_model
from adapters.local_tagger import LocalTagGenerator
from enrichment_core.errors import EnrichmentError, TaggerUnavailableError
from enrichment_core.ports import TagRequest

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "upwork_profiles_dev.csv"
SIMILARITY_MATCH = 0.6
_WORD_RE = re.compile(r"[a-z0-9][a-z0-9+#.]*")
# Broad head words: sharing only "development" does not make a match.
_BROAD = """
    and of for the in to with a on development design management writing services engineering
    analysis support strategy consulting research planning business online data software systems
"""
_IGNORED = frozenset(_BROAD.split())


def _words(text: str) -> set[str]:
    words = {w.rstrip(".") for w in _WORD_RE.findall(text.lower())}
    return {w[:-1] if len(w) > 3 and w.endswith("s") else w for w in words} - _IGNORED


def load_profiles(path: Path, n: int) -> list[tuple[str, list[str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = [
            (row["headline"].strip(), json.loads(row["skills"] or "[]"))
            for row in csv.DictReader(handle)
        ]
    usable = [(h, s) for h, s in rows if h and s]
    return random.Random(20180901).sample(usable, min(n, len(usable)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=300, help="profiles to tag (default 300)")
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args()
    if not args.data.is_file():
        print(f"No benchmark data at {args.data}: skipping (this data is not shipped).")
        return 0

    profiles = load_profiles(args.data, args.n + 5)
    warmup, profiles = profiles[:5], profiles[5:]
    requests = [
        TagRequest(username=f"p{i}", job_title=h, bio=h) for i, (h, _) in enumerate(profiles)
    ]
    try:
        LocalTagGenerator().tag_many(
            [TagRequest(username="w", job_title=h, bio=h) for h, _ in warmup]
        )
    except TaggerUnavailableError as exc:
        print(f"Cannot run: {exc}")
        return 1

    tagger = LocalTagGenerator()
    started = time.perf_counter()
    try:
        batch = tagger.tag_many(requests)
    except EnrichmentError:
        batch = []  # one unusable profile fails the whole batch; fall back to one by one
    batch_seconds = time.perf_counter() - started

    single = LocalTagGenerator()  # fresh phrase cache: each profile is new to it
    latencies: list[float] = []
    tags_per_profile: list[list[str]] = []
    failures = 0
    for request in requests:
        started = time.perf_counter()
        try:
            tags = single.tag_one(request)
        except EnrichmentError:
            tags, failures = [], failures + 1
        latencies.append((time.perf_counter() - started) * 1000)
        tags_per_profile.append(tags)

    token_hits = embedding_hits = 0
    tag_precision: list[float] = []
    for tags, (_, skills) in zip(tags_per_profile, profiles, strict=True):
        if not tags:
            continue
        skill_words = [_words(s) for s in skills]
        token_hits += any(_words(t) & sw for t in tags for sw in skill_words)
        similarity = local_model.encode(tags, unavailable=TaggerUnavailableError) @ (
            local_model.encode(skills, unavailable=TaggerUnavailableError).T
        )
        embedding_hits += bool((similarity >= SIMILARITY_MATCH).any())
        tag_precision.append(float((similarity.max(axis=1) >= SIMILARITY_MATCH).mean()))

    n = len(profiles)
    print(f"profiles: {n} (headline as title and bio; skills as ground truth)")
    print(f"failures (no tags): {failures}")
    print(f"tags per profile: {statistics.mean(len(t) for t in tags_per_profile):.1f}")
    print(f"hit rate, token overlap:            {token_hits / n:.1%}")
    print(f"hit rate, embedding sim >= {SIMILARITY_MATCH}:     {embedding_hits / n:.1%}")
    print(
        f"tags matching a skill (emb >= {SIMILARITY_MATCH}): {statistics.mean(tag_precision):.1%}"
    )
    if batch:
        print(f"tag_many throughput: {n / batch_seconds:.1f} experts/s")
    ordered = sorted(latencies)
    print(
        f"tag_one latency: median {statistics.median(ordered):.1f} ms, "
        f"p90 {ordered[int(0.9 * (n - 1))]:.1f} ms ({n / (sum(latencies) / 1000):.1f} experts/s)"
    )
    print("sample:")
    for (headline, skills), tags in list(zip(profiles, tags_per_profile, strict=True))[:8]:
        print(f"  {headline[:60]!r}\n    tags:   {tags}\n    skills: {skills[:6]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
