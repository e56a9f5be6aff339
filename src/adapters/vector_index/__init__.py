"""The vector index: FAISS builds promoted by a pointer file, their files, and the vector cache."""

from enrichment_adapters.openmp import prefer_passive_wait

prefer_passive_wait()  # before faiss loads (see openmp.py)
