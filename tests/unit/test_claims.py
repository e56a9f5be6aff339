"""Claim owners: a run of this machine that was killed is recognised, a live one is not."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

from enrichment_core.claims import is_dead_local_run, run_owner


def test_this_run_and_other_hosts_runs_are_never_taken_for_dead() -> None:
    assert not is_dead_local_run(run_owner())
    assert not is_dead_local_run("run:some-other-host:1:abcd")
    assert not is_dead_local_run("batch-job:1234")


def test_a_finished_process_on_this_machine_is_a_dead_run() -> None:
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    pid = int(child.stdout)
    assert is_dead_local_run(f"run:{socket.gethostname()}:{pid}:abcd")
    assert not is_dead_local_run(f"run:{socket.gethostname()}:{os.getppid()}:abcd")
