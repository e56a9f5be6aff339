"""Offline backends over a packaged all-MiniLM-L6-v2: the model, the embedder, the tagger."""

from enrichment_adapters.openmp import prefer_passive_wait

prefer_passive_wait()  # before torch loads (see openmp.py)
