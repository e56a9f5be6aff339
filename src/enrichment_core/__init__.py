"""enrichment_core: the pure domain of the expert enrichment library.

It depends only on its own ports (``enrichment_core.ports``); adapters live in ``adapters`` and
wiring in ``entrypoints``.
"""
