"""enrichment_core: the pure domain of the expert enrichment library.

It depends only on its own ports (``enrichment_core.ports``); adapters live in
``enrichment_adapters`` and the front doors and their wiring in ``enrichment_entrypoints``.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("expert-enrichment")  # single source: pyproject.toml
except PackageNotFoundError:  # pragma: no cover - running from a source tree never installed
    __version__ = "0+unknown"
