"""``python -m entrypoints`` runs the ``enrich`` command line."""

from entrypoints.cli import main

main()
