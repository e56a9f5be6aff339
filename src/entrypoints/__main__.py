"""``python -m enrichment_entrypoints`` runs the ``enrich`` command line."""

from enrichment_entrypoints.cli import main

main()
