"""One OpenMP setting for the backends that bring an OpenMP runtime (torch, FAISS).

torch and FAISS each bring an OpenMP runtime whose idle threads spin; in one process on a small
machine they starve each other (a 20 ms query embedding took 135 ms on 2 cores). A passive wait
policy must be set before either library loads, so the packages that import them
(``local``, ``vector_index``) call this first. A value set by the user wins.
"""

from __future__ import annotations

import os


def prefer_passive_wait() -> None:
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
