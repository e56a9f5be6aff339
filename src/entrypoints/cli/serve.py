"""``enrich serve``: the admin API, the search API and the admin page."""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from types import FrameType

import click

from enrichment_entrypoints.cli.group import state


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int) -> None:
    """Serve the admin API, the search API and the admin page (/admin) with uvicorn."""
    import uvicorn

    from enrichment_entrypoints.api.app import create_app
    from enrichment_entrypoints.api.server import http_protocol

    settings = state(ctx).settings
    if settings.admin_key is None:
        click.echo(
            "Warning: ENRICH_ADMIN_KEY is not set; admin routes will refuse every request.",
            err=True,
        )
    from enrichment_entrypoints import server_link

    url = server_link.connect_url(host, port)
    # uvicorn re-raises the SIGTERM it shut down on; as an exception the note is still removed.
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        with server_link.advertised(Path(settings.index_dir), url):  # `enrich search` finds it
            uvicorn.run(
                create_app(settings), host=host, port=port, log_level="info", http=http_protocol()
            )
    finally:
        signal.signal(signal.SIGTERM, previous)


def _exit_on_sigterm(signum: int, _frame: FrameType | None) -> None:
    sys.exit(128 + signum)
