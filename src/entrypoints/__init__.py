"""Entrypoints: settings, the composition root (``wiring``), the click CLI and the FastAPI adapter."""
