"""Adapters: implementations of ``enrichment_core.ports`` over real technology.

Heavy optional parts (sentence-transformers, psycopg) are imported lazily by the modules that need
them, with an error naming the extra to install.
"""

import os as _os

# torch and FAISS each bring an OpenMP runtime whose idle threads spin; in one process on a
# small machine they starve each other (a 20 ms query embedding took 135 ms on 2 cores). A
# passive wait policy must be set before either library loads; a value set by the user wins.
_os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
