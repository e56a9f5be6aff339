"""Adapters: implementations of ``enrichment_core.ports`` over real technology.

Heavy optional parts (sentence-transformers, psycopg) are imported lazily by the modules that need
them, with an error naming the extra to install.
"""
