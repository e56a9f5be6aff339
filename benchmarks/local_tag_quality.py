"""How well does the offline tagger recover real skill tags, and how fast is it?

Quality data: ``../shared/data/upwork_profiles_dev.csv`` (real Upwork profiles; read in place,
never copied; when it is absent the script says so and exits 0). The file has no bio, so each
profile's headline serves as both job title and bio; its ``skills`` list is the ground truth.

A profile is a hit when at least one generated tag matches one of its skills:

- token overlap: tag and skill share a word after lowercasing and plural folding, ignoring
  stopwords and broad head words ("development", "design", "management", ...);
- embedding: cosine similarity of tag and skill (all-MiniLM-L6-v2) is at least 0.6.

Also printed: tags per profile, profiles left untagged, the share of tags that match a skill,
and speed on this machine after warm-up: ``tag_many`` throughput and ``tag_one`` latency, on the
headlines and on realistic bios from the project's sample-data generator.

Run: ``python benchmarks/local_tag_quality.py [--n 300]``
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # search_quality's judge

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from enrichment_adapters.local import model as local_model
from enrichment_adapters.local.tagger import LocalTagGenerator
from enrichment_core.errors import InvalidTagOutputError, TaggerUnavailableError
from enrichment_core.ports import TagRequest, Vectors
from enrichment_entrypoints.sample_data.generator import generate_sample_experts

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "upwork_profiles_dev.csv"
RESUMES = DATA.with_name("resumes_dev.csv")
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
    """A deterministic sample of ``n`` profiles with a headline and skills."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = [
            (row["headline"].strip(), json.loads(row["skills"] or "[]"))
            for row in csv.DictReader(handle)
        ]
    usable = [(h, s) for h, s in rows if h and s]
    return random.Random(20180901).sample(usable, min(n, len(usable)))


def quality(profiles: list[tuple[str, list[str]]], tags: list[list[str]]) -> None:
    def embed(texts: list[str]) -> Vectors:
        return local_model.encode(texts, unavailable=TaggerUnavailableError)

    token_hits = embedding_hits = 0
    matching: list[float] = []
    for generated, (_, skills) in zip(tags, profiles, strict=True):
        if not generated:
            continue
        skill_words = [_words(s) for s in skills]
        token_hits += any(_words(t) & sw for t in generated for sw in skill_words)
        similarity = embed(generated) @ embed(skills).T
        embedding_hits += bool((similarity >= SIMILARITY_MATCH).any())
        matching.append(float((similarity.max(axis=1) >= SIMILARITY_MATCH).mean()))
    n = len(profiles)
    print(f"profiles: {n} (headline as title and bio; skills as ground truth)")
    print(f"  untagged (nothing recognizable): {sum(not t for t in tags)}")
    print(f"  tags per tagged profile: {statistics.mean(len(t) for t in tags if t):.1f}")
    print(f"  hit rate, token overlap:              {token_hits / n:.1%}")
    print(f"  hit rate, embedding sim >= {SIMILARITY_MATCH}:       {embedding_hits / n:.1%}")
    print(f"  tags matching a skill (sim >= {SIMILARITY_MATCH}):   {statistics.mean(matching):.1%}")


def resume_quality(path: Path) -> None:
    """Real resumes: every one tagged? Does a tag name its category (see search_quality.py)?"""
    from search_quality import CATEGORY_FIELD, words

    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    requests = [
        TagRequest(username=f"r{i}", job_title=None, bio=r["resume"]) for i, r in enumerate(rows)
    ]
    tags = LocalTagGenerator().tag_many(requests)

    def embed(texts: list[str]) -> Vectors:
        return local_model.encode(texts, unavailable=TaggerUnavailableError)

    named_embedding = named_words = 0
    for row, generated in zip(rows, tags, strict=True):
        if not generated:
            continue
        names = sorted({row["category"], CATEGORY_FIELD.get(row["category"], row["category"])})
        named_embedding += bool(((embed(generated) @ embed(names).T) >= SIMILARITY_MATCH).any())
        named_words += any(words(t) & words(n) for t in generated for n in names)
    tagged = sum(bool(t) for t in tags)
    print(f"resumes: {len(rows)} (resume text as bio; category as ground truth)")
    print(
        f"  tagged: {tagged}/{len(rows)}; tags per tagged resume {statistics.mean(len(t) for t in tags if t):.1f}"
    )
    print(
        f"  a tag names the category: embedding sim >= {SIMILARITY_MATCH} {named_embedding / tagged:.1%}, shared word {named_words / tagged:.1%}"
    )


def speed(label: str, requests: list[TagRequest]) -> None:
    """Batch throughput, then one-by-one latency with a fresh tagger (nothing cached)."""
    started = time.perf_counter()
    LocalTagGenerator().tag_many(requests)
    batch_rate = len(requests) / (time.perf_counter() - started)
    single = LocalTagGenerator()
    latencies = []
    for request in requests:
        started = time.perf_counter()
        with contextlib.suppress(InvalidTagOutputError):  # a refusal is timed all the same
            single.tag_one(request)
        latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()
    print(
        f"{label} ({len(requests)}): tag_many {batch_rate:.1f} experts/s; tag_one median "
        f"{statistics.median(latencies):.1f} ms, p90 {latencies[int(0.9 * (len(latencies) - 1))]:.1f}"
        f" ms ({1000 * len(latencies) / sum(latencies):.1f} experts/s)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=300, help="profiles to tag (default 300)")
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args()
    if not args.data.is_file():
        print(f"No benchmark data at {args.data}: skipping (this data is not shipped).")
        return 0

    profiles = load_profiles(args.data, args.n)
    headlines = [
        TagRequest(username=f"p{i}", job_title=h, bio=h) for i, (h, _) in enumerate(profiles)
    ]
    bios = [
        TagRequest(username=r["username"], job_title=r["job_title"] or None, bio=r["bio"])
        for r in generate_sample_experts(args.n + args.n // 4 + 10, seed=3)
        if r["bio"]
    ]
    warmup, bios = bios[:10], bios[10 : 10 + args.n]
    try:
        LocalTagGenerator().tag_many(warmup)  # load the model, embed the vocabulary
    except TaggerUnavailableError as exc:
        print(f"Cannot run: {exc}")
        return 1

    tags = LocalTagGenerator().tag_many(headlines)
    quality(profiles, tags)
    if RESUMES.is_file():
        resume_quality(RESUMES)
    print(f"speed ({os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}):")
    speed("  headlines", headlines)
    speed("  sample bios", bios)
    print("sample:")
    for (headline, skills), generated in list(zip(profiles, tags, strict=True))[:8]:
        print(f"  {headline[:70]!r}\n    tags:   {generated}\n    skills: {skills[:6]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
