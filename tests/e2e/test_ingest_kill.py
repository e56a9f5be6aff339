"""Crash safety as a user meets it: an ingest SIGKILLed part-way never hurts production.

Each test promotes revision A, starts an ingest of revision B in a real subprocess, kills it at a
chosen point, then checks that revision A still loads and answers (from a fresh reader and from a
reader that was already running), and that the next run cleans up, completes, and reuses the
vectors the killed run had already embedded.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from enrichment_adapters.vector_index.faiss_index import CURRENT_FILE, FaissVectorIndex
from enrichment_core.search import search
from tests.support.fake_embedder import HashingEmbedder

ROOT = Path(__file__).resolve().parents[2]
EXPERTS = 240
BATCH = 16

pytestmark = [
    pytest.mark.slow,  # subprocesses killed part-way
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL"),
]


class Worker:
    """``tests.support.ingest_worker`` in a subprocess, its stdout read line by line."""

    def __init__(self, index_dir: Path, *args: str) -> None:
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.support.ingest_worker",
                "--dir",
                str(index_dir),
                "--experts",
                str(EXPERTS),
                "--batch-size",
                str(BATCH),
                *args,
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.strip())

    def wait_for(self, prefix: str, *, times: int = 1, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while sum(line.startswith(prefix) for line in self.seen) < times:
            try:
                self.seen.append(self.lines.get(timeout=max(0.01, deadline - time.monotonic())))
            except queue.Empty:
                self.kill()
                raise AssertionError(f"no {prefix!r} from the worker; saw {self.seen}") from None

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)
        self._close()

    def report(self, timeout: float = 120) -> dict[str, Any]:
        self.proc.wait(timeout=timeout)
        assert self.proc.stderr is not None
        stderr = self.proc.stderr.read()
        self._close()
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        assert self.proc.returncode == 0, stderr
        line = next(line for line in self.seen if line.startswith("report "))
        return dict(json.loads(line.removeprefix("report ")))

    def _close(self) -> None:
        self._reader.join(timeout=5)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


def revision_answering(index: FaissVectorIndex) -> str:
    """Which revision the promoted index serves, judged by a real search."""
    hits = search("veterinary surgeon for dogs", embedder=HashingEmbedder(), index=index, k=5)
    revisions = {
        h.record.job_title.rsplit("rev ", 1)[1].rstrip(")") for h in hits if h.record.job_title
    }
    assert len(revisions) == 1, revisions
    manifest = index.manifest()
    assert manifest is not None
    assert manifest.count == EXPERTS
    return revisions.pop()


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    path = tmp_path / "index"
    first = Worker(path, "--revision", "A").report()
    assert (first["indexed"], first["total"], first["embedded"]) == (
        EXPERTS,
        EXPERTS * 11 // 10,
        EXPERTS,
    )
    return path


def test_killed_while_embedding_keeps_production_and_the_rerun_resumes(index_dir: Path) -> None:
    server = FaissVectorIndex(index_dir)
    assert revision_answering(server) == "A"
    pointer = (index_dir / CURRENT_FILE).read_bytes()

    worker = Worker(index_dir, "--revision", "B", "--mode", "slow-embed", "--pause", "0.2")
    worker.wait_for("embedded", times=3)
    worker.kill()

    assert (index_dir / CURRENT_FILE).read_bytes() == pointer
    assert revision_answering(FaissVectorIndex(index_dir)) == "A"
    assert revision_answering(server) == "A"

    report = Worker(index_dir, "--revision", "B").report()
    assert report["reused"] >= 3 * BATCH  # the killed run's finished batches
    assert report["embedded"] + report["reused"] == EXPERTS
    assert revision_answering(server) == "B"  # the running reader picks up the new index


def test_killed_while_writing_staging_keeps_production_and_the_rerun_cleans_up(
    index_dir: Path,
) -> None:
    server = FaissVectorIndex(index_dir)
    assert revision_answering(server) == "A"
    builds_before = set((index_dir / "builds").iterdir())

    worker = Worker(index_dir, "--revision", "B", "--mode", "slow-write", "--pause", "60")
    worker.wait_for("staging-index-written")
    worker.kill()

    leftovers = set((index_dir / "builds").iterdir()) - builds_before
    assert len(leftovers) == 1  # the half-written staging build
    assert revision_answering(FaissVectorIndex(index_dir)) == "A"
    assert revision_answering(server) == "A"

    report = Worker(index_dir, "--revision", "B").report()
    assert report["stale_staging_removed"] is True
    assert (report["embedded"], report["reused"]) == (0, EXPERTS)  # all cached before the kill
    assert revision_answering(server) == "B"
    assert not any(path.exists() for path in leftovers)
    pointer = json.loads((index_dir / CURRENT_FILE).read_text())
    assert {p.name for p in (index_dir / "builds").iterdir()} == {
        pointer["build"],
        pointer["previous"],
    }
