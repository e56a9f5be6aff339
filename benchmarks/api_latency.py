"""Benchmark: the HTTP API's search latency and throughput and its intake latency.

    python benchmarks/api_latency.py [--experts 1558] [--queries 200] [--clients 1,4,8,16]
        [--rounds 2] [--seconds 10] [--max-requests 3000] [--intakes 20] [--tagger fake|local]
        [--server process|thread] [--load-client raw|httpx] [--python PATH]

A demo directory (``enrichment_entrypoints.sample_data.generator``) is seeded into a SQLite file, tagged (``fake``:
tags from category and job title, instantly; ``local``: the offline tagger), and ingested with
the local embedder. The app is then served by uvicorn on 127.0.0.1: ``enrich serve`` in a
subprocess (default; ``--python`` runs it with another checkout's interpreter, to compare
versions under the same load) or in a thread of this process. Intake always uses the local
tagger.

Baselines, measured in the same run: the search use case called in-process (no HTTP) and the
intake use case called in-process (in-memory repository, same tagger). Each HTTP figure prints
its ratio to the matching baseline, so the cost of HTTP, JSON, the database and the event loop
shows whatever the machine. Search throughput is measured with 1, 4, 8 and 16 closed-loop
clients (``--rounds`` interleaved rounds of ``--seconds`` each, medians) and printed as a ratio
to the 1-client throughput of the same run: the server's batching of concurrent searches
(``enrichment_adapters.search_batching``) is what lets more clients add throughput.

The load generator runs on the server's own cores, so its cost is printed with each line. The
default (``raw``) is a minimal asyncio HTTP/1.1 keep-alive client, about 0.5 ms of CPU a
request; ``httpx.AsyncClient`` costs about 3 ms a request, which at a few hundred requests a
second takes most of a core from a 2-core server.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import anyio
import httpx
from anyio.streams.buffered import BufferedByteReceiveStream
from pydantic import SecretStr

# FAISS and torch each bring an OpenMP runtime whose idle threads spin by default; on a small,
# busy machine they steal the CPU from each other and a query embedding gets 5-10x slower.
# Both this process (the baseline) and the server it starts run with passive waiting.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for tests.support (the uvicorn thread helper)

from enrichment_adapters.local.embedder import LocalEmbedder  # noqa: E402
from enrichment_adapters.local.tagger import LocalTagGenerator  # noqa: E402
from enrichment_adapters.memory import InMemoryExpertRepo  # noqa: E402
from enrichment_adapters.sql.repo import SqlExpertRepo  # noqa: E402
from enrichment_adapters.vector_index.cache import (  # noqa: E402
    SqliteVectorCache,
    default_cache_path,
)
from enrichment_adapters.vector_index.faiss_index import FaissVectorIndex  # noqa: E402
from enrichment_core.experts import new_expert  # noqa: E402
from enrichment_core.ingest import ingest  # noqa: E402
from enrichment_core.intake import IntakeTagging, intake_expert  # noqa: E402
from enrichment_core.search import search  # noqa: E402
from enrichment_core.seeding import import_experts  # noqa: E402
from enrichment_core.tags import normalize_tags  # noqa: E402
from enrichment_entrypoints.sample_data.generator import generate_sample_experts  # noqa: E402
from tests.support.api_harness import LiveServer, free_port  # noqa: E402

ADMIN_KEY = "benchmark-admin-key"
INTAKE_FIELDS: tuple[str, ...] = ("username", "first_name", "last_name", "job_title")
INTAKE_FIELDS += ("company", "bio", "hourly_rate", "profile_url")
QUERIES = [
    "I need help with R&D tax credits for a startup",
    "veterinary surgeon for a small animal clinic",
    "machine learning for demand forecasting in retail",
    "supply chain and logistics optimisation",
    "employment law advice for a small business",
    "cloud architecture and kubernetes migration",
    "digital marketing and SEO for an online shop",
    "real estate investment strategy",
    "clinical trials in healthcare",
    "UX design review of a mobile app",
]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def summary(latencies_ms: list[float]) -> str:
    return (
        f"p50 {statistics.median(latencies_ms):8.2f} ms  p99 {percentile(latencies_ms, 99):8.2f} ms"
    )


def timed(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


# --- the demo directory -------------------------------------------------------------------------


def build_directory(repo: SqlExpertRepo, rows: list[dict[str, str]], tagger: str) -> str:
    import_experts(repo, [new_expert(**row) for row in rows])
    experts = [e for e in repo.list_experts(tagged=False) if e.has_bio]
    started = time.perf_counter()
    if tagger == "local":
        from enrichment_core.ports import TagRequest

        local = LocalTagGenerator()
        tags = local.tag_many([TagRequest.for_expert(e) for e in experts])
        by = local.name
    else:
        tags = [[t for t in (e.category, e.job_title) if t] or ["general"] for e in experts]
        by = "fake:category-and-title"
    now = datetime.now(UTC)
    for expert, raw in zip(experts, tags, strict=True):
        assert expert.id is not None
        normalized = normalize_tags(raw)
        score = (expert.findability_score or 0) + 25
        repo.save_tags(
            expert.id, tags=normalized, tagged_by=by, tagged_at=now, findability_score=score
        )
    return f"{len(experts)} tagged by {by} in {time.perf_counter() - started:.1f} s"


# --- measurements -------------------------------------------------------------------------------


def http_search_serial(url: str, queries: list[str]) -> list[float]:
    with httpx.Client(base_url=url, timeout=60) as client:
        latencies = []
        for q in queries:
            started = time.perf_counter()
            response = client.get("/api/search", params={"q": q, "k": 10})
            latencies.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()
    return latencies


async def http_search_concurrent(
    url: str, queries: list[str], clients: int, seconds: float, max_requests: int, load_client: str
) -> tuple[list[float], float, int, float]:
    """``clients`` loops sending searches until ``seconds`` pass or ``max_requests`` were sent.

    Returns the latencies (ms), the wall time, the errors and the load generator's own CPU
    seconds (it shares the machine with the server).
    """
    latencies: list[float] = []
    errors = 0
    sent = 0
    deadline = time.perf_counter() + seconds
    cpu = time.process_time()
    started = time.perf_counter()
    if load_client == "raw":
        host, port = httpx.URL(url).host, httpx.URL(url).port or 80
        requests = [
            f"GET /api/search?{urlencode({'q': q})} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
            for q in queries
        ]

        async def raw_worker(offset: int) -> None:
            nonlocal sent, errors
            async with await anyio.connect_tcp(host, port) as stream:
                reader = BufferedByteReceiveStream(stream)
                i = offset
                while time.perf_counter() < deadline and sent < max_requests:
                    sent += 1
                    began = time.perf_counter()
                    await stream.send(requests[i % len(requests)])
                    head = await reader.receive_until(b"\r\n\r\n", 65536)
                    length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
                    await reader.receive_exactly(length)
                    latencies.append((time.perf_counter() - began) * 1000)
                    errors += not head.startswith(b"HTTP/1.1 200")
                    i += clients

        async with anyio.create_task_group() as group:
            for n in range(clients):
                group.start_soon(raw_worker, n)
        return latencies, time.perf_counter() - started, errors, time.process_time() - cpu

    async def worker(client: httpx.AsyncClient, offset: int) -> None:
        nonlocal sent, errors
        i = offset
        while time.perf_counter() < deadline and sent < max_requests:
            sent += 1
            began = time.perf_counter()
            response = await client.get("/api/search", params={"q": queries[i % len(queries)]})
            latencies.append((time.perf_counter() - began) * 1000)
            errors += response.status_code != 200
            i += clients

    limits = httpx.Limits(max_connections=clients)
    async with (
        httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client,
        anyio.create_task_group() as group,
    ):
        for n in range(clients):
            group.start_soon(worker, client, n)
    return latencies, time.perf_counter() - started, errors, time.process_time() - cpu


def http_intake(url: str, rows: list[dict[str, str]]) -> tuple[list[float], int]:
    latencies, tagged = [], 0
    with httpx.Client(base_url=url, timeout=120, headers={"X-Admin-Key": ADMIN_KEY}) as client:
        for row in rows:
            body: dict[str, Any] = {k: row[k] for k in INTAKE_FIELDS if row.get(k)}
            if "hourly_rate" in body:
                body["hourly_rate"] = float(body["hourly_rate"])
            started = time.perf_counter()
            response = client.post("/api/admin/experts", json=body)
            latencies.append((time.perf_counter() - started) * 1000)
            if response.status_code != 201:
                print(f"!! intake answered {response.status_code}: {response.text[:300]}")
                continue
            tagged += response.json()["tagging"] == "tagged"
    return latencies, tagged


def in_process_intake(rows: list[dict[str, str]], tagger: LocalTagGenerator) -> list[float]:
    class NoRetries:
        def schedule_tagging_retry(self, expert_id: int) -> None:
            raise AssertionError("the baseline intake must not fail")

    repo = InMemoryExpertRepo()

    async def run() -> list[float]:
        latencies = []
        for row in rows:
            started = time.perf_counter()
            result = await intake_expert(
                row, repo=repo, tagger=tagger, retries=NoRetries(), timeout_s=120
            )
            latencies.append((time.perf_counter() - started) * 1000)
            assert result.tagging is IntakeTagging.TAGGED
        return latencies

    return anyio.run(run)


@contextmanager
def serving(
    mode: str, tmp: Path, db_url: str, tagger: LocalTagGenerator, python: str = sys.executable
) -> Iterator[str]:
    """The app on 127.0.0.1: ``enrich serve`` in a subprocess, or uvicorn in a thread."""
    if mode == "thread":
        from enrichment_entrypoints.api.app import create_app
        from enrichment_entrypoints.settings import Settings

        settings = Settings(
            database_url=db_url, index_dir=tmp / "index", admin_key=SecretStr(ADMIN_KEY)
        )
        app = create_app(settings, tagger=tagger, embedder=LocalEmbedder(), warm_up=False)
        with LiveServer(app) as server:
            yield server.url
        return
    port = free_port()
    env = {
        **os.environ,
        "ENRICH_ADMIN_KEY": ADMIN_KEY,
        "ENRICH_TAGGER": "local",
        "ENRICH_EMBEDDER": "local",
        "HF_HUB_OFFLINE": "1",
    }
    command = [
        python,
        "-m",
        "enrichment_entrypoints",
        "--db",
        db_url,
        "--index-dir",
        str(tmp / "index"),
        "-v",  # the server logs its micro-batching figures when it stops
        "serve",
        "--port",
        str(port),
    ]
    with open(tmp / "server.log", "w") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 300
            while not _healthy(url):
                if process.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    tail = (tmp / "server.log").read_text()[-2000:]
                    raise RuntimeError(f"`enrich serve` did not start:\n{tail}")
                time.sleep(0.2)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=30)
            log.flush()
            for line in (tmp / "server.log").read_text(errors="replace").splitlines():
                if "micro-batching" in line:
                    print(f"server: {line.split(': ', 1)[-1]}")


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/healthz", timeout=2).status_code == 200
    except httpx.TransportError:
        return False


def measure_http(
    url: str, args: argparse.Namespace, queries: list[str], rows: list[dict[str, str]]
) -> dict[str, Any]:
    http_search_serial(url, queries[:5])  # warm the server's model and connection pools
    http_intake(url, [{"username": "warm-up-http", "bio": "Warm-up bio about tax law."}])
    serial = http_search_serial(url, queries)
    load: dict[int, list[tuple[list[float], float, int, float]]] = {c: [] for c in args.clients}
    for _ in range(args.rounds):  # interleaved: a burst of load elsewhere hits every line alike
        for clients in args.clients:
            load[clients].append(
                anyio.run(
                    http_search_concurrent,
                    url,
                    queries,
                    clients,
                    args.seconds,
                    args.max_requests,
                    args.load_client,
                )
            )
    intake, tagged = http_intake(url, rows)
    return {
        "serial": serial,
        "load": load,
        "intake": intake,
        "tagged": tagged,
    }


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--experts", type=int, default=1558)
    parser.add_argument("--queries", type=int, default=200, help="serial searches per pass")
    parser.add_argument(
        "--clients",
        type=lambda text: sorted({int(n) for n in text.split(",")} | {1}),
        default=[1, 4, 8, 16],
        help="concurrent HTTP clients of the throughput passes, comma-separated (1 is added)",
    )
    parser.add_argument("--rounds", type=int, default=2, help="interleaved throughput rounds")
    parser.add_argument("--seconds", type=float, default=10.0, help="bound of each load pass")
    parser.add_argument("--max-requests", type=int, default=3000, help="bound of the same")
    parser.add_argument("--intakes", type=int, default=20)
    parser.add_argument("--tagger", choices=["fake", "local"], default="fake", help="demo tagging")
    parser.add_argument("--server", choices=["process", "thread"], default="process")
    parser.add_argument(
        "--load-client",
        choices=["raw", "httpx"],
        default="raw",
        help="raw: a minimal asyncio HTTP/1.1 client (~0.5 ms CPU a request); httpx: "
        "httpx.AsyncClient (~3 ms CPU a request, taken from the server's cores)",
    )
    parser.add_argument(
        "--python",
        default=sys.executable,
        help="the interpreter that runs `enrich serve` (another checkout's venv: compare versions)",
    )
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    rows = generate_sample_experts(args.experts + 4 * args.intakes, seed=7)
    intake_rows = [r for r in rows[args.experts :] if r.get("bio")][: args.intakes]
    queries = [
        f"{QUERIES[i % len(QUERIES)]} {i // len(QUERIES) or ''}".strip()
        for i in range(args.queries)
    ]

    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        db_url = f"sqlite:///{tmp}/experts.db"
        repo = SqlExpertRepo(db_url)
        tagged_line = build_directory(repo, rows[: args.experts], args.tagger)
        print(f"directory: {args.experts} sample experts; {tagged_line}")
        embedder = LocalEmbedder()
        # The server reads its match reasons from the ingest's cache file, as after `enrich ingest`.
        with SqliteVectorCache(default_cache_path(tmp / "index")) as cache:
            report = ingest(repo, embedder, FaissVectorIndex(tmp / "index"), cache)
        print(f"index: {report.indexed} experts by {embedder.model_id} in {report.seconds:.1f} s")

        index = FaissVectorIndex(tmp / "index")
        search("warm up", embedder=embedder, index=index)

        def baseline_search() -> list[float]:
            return [timed(partial(search, q, embedder=embedder, index=index)) for q in queries]

        base_search = baseline_search()  # measured again after the HTTP passes; both kept
        search_rates = batched_search_rates(embedder, index, queries)
        tagger = LocalTagGenerator()
        in_process_intake([{"username": "warm-up", "bio": "Warm-up bio about tax law."}], tagger)
        base_intake = in_process_intake(intake_rows, tagger)
        with serving(args.server, tmp, db_url, tagger, args.python) as url:
            http = measure_http(url, args, queries, intake_rows)
        base_search += baseline_search()

    p50 = statistics.median
    serial, intake = http["serial"], http["intake"]
    base_qps = len(base_search) / (sum(base_search) / 1000)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"server: uvicorn in a {args.server} on 127.0.0.1; {os.cpu_count()} CPUs, load {load}, "
        f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY')}\n"
    )
    print(f"search, in-process baseline  {summary(base_search)}  {base_qps:6.0f} q/s (1 caller)")
    print(
        f"search, HTTP, 1 client       {summary(serial)}  {len(serial) / (sum(serial) / 1000):6.0f} q/s"
        f"  p50 {p50(serial) / p50(base_search):5.2f}x baseline"
    )
    print_throughput(http["load"], args.seconds, args.load_client)
    print(
        "search alone, in-process, through BatchedSearch (no HTTP, no match reasons): "
        + ", ".join(
            f"{n} thread{'s' if n > 1 else ''} {rate:.0f} q/s "
            f"({rate / search_rates[1]:.2f}x 1 thread)"
            for n, rate in search_rates.items()
        )
    )
    print(f"intake, in-process baseline  {summary(base_intake)}  (local tagger, in-memory repo)")
    print(
        f"intake, HTTP                 {summary(intake)}  p50 {p50(intake) / p50(base_intake):5.2f}x"
        f" baseline ({http['tagged']}/{len(intake)} tagged synchronously)"
    )


def batched_search_rates(
    embedder: LocalEmbedder, index: FaissVectorIndex, queries: list[str], rounds: int = 2
) -> dict[int, float]:
    """Searches/s through ``BatchedSearch`` (the server's search path, without HTTP) from 1 and
    8 threads (interleaved rounds, medians): the ceiling of what batching gives in-process."""
    import threading

    from enrichment_adapters.search_batching import BatchedSearch
    from enrichment_core.search import SearchRequest

    searcher = BatchedSearch(embedder.with_traced_queries(), index)  # as `enrich serve` builds it
    rates: dict[int, list[float]] = {1: [], 8: []}
    for _ in range(rounds):
        for threads in rates:
            per = 96 // threads

            def work(offset: int, per: int = per) -> None:
                for j in range(per):
                    searcher.search(SearchRequest(queries[(offset * per + j) % len(queries)]))

            workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
            started = time.perf_counter()
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
            rates[threads].append(threads * per / (time.perf_counter() - started))
    searcher.close()
    return {n: statistics.median(r) for n, r in rates.items()}


def print_throughput(
    load: dict[int, list[tuple[list[float], float, int, float]]], seconds: float, load_client: str
) -> None:
    """One line per client count: median throughput of its rounds, ratio to one client, and the
    load generator's own CPU per request (it runs on the server's machine)."""
    rates = {c: statistics.median(len(r[0]) / r[1] for r in runs) for c, runs in load.items()}
    print(
        f"search throughput, closed-loop clients ({load_client} HTTP/1.1 keep-alive), medians of "
        f"{len(load[1])} interleaved rounds of {seconds:g} s:"
    )
    for clients, runs in load.items():
        latencies = [ms for run in runs for ms in run[0]]
        errors = sum(run[2] for run in runs)
        client_ms = 1000 * sum(run[3] for run in runs) / max(1, len(latencies))
        print(
            f"  {clients:>2} client{'s' if clients > 1 else ' '}  {summary(latencies)}  "
            f"{rates[clients]:6.0f} q/s  throughput {rates[clients] / rates[1]:5.2f}x 1 client "
            f"({len(latencies)} requests, {errors} errors; load generator {client_ms:.2f} ms "
            "CPU/request)"
        )


if __name__ == "__main__":
    main()
