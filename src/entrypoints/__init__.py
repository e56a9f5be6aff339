"""Entrypoints (installed as ``enrichment_entrypoints``): settings, the composition root
(``wiring``), the click CLI, the FastAPI adapter (``api``) and the sample-data tool."""
