"""Adapters: implementations of ``enrichment_core.ports`` over real technology, one subpackage per
technology (``gemini``, ``sql``, ``vector_index``, ``local``) plus ``memory`` and ``csv_import``.

Installed as ``enrichment_adapters``. Heavy optional parts (sentence-transformers, psycopg) are
imported lazily by the modules that need them, with an error naming the extra to install.
"""
