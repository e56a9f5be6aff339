"""The ``enrich`` command line: thin click commands over the core's use cases.

Errors reach the user as one line on stderr and a non-zero exit status, never a traceback
(``--debug`` shows it).
"""

from __future__ import annotations

import json
import logging
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import anyio
import click
from pydantic import ValidationError

from enrichment_core.errors import EnrichmentError
from enrichment_core.search import DEFAULT_K, MAX_K
from enrichment_entrypoints import wiring
from enrichment_entrypoints.settings import Settings

EXIT_FAILED = 1
EXIT_INTERRUPTED = 130


class CliState:
    def __init__(self, settings: Settings, debug: bool) -> None:
        self.settings = settings
        self.debug = debug


def fail(message: str, code: int = EXIT_FAILED) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


@dataclass(frozen=True, slots=True)
class ErrorRule:
    """How one kind of error ends a command: exit status and message (formatted with ``exc``)."""

    error: type[BaseException]
    exit_code: int
    message: str = "{exc}"


# The error translation of the CLI: the first matching row wins.
ERROR_TABLE: tuple[ErrorRule, ...] = (
    ErrorRule(EnrichmentError, EXIT_FAILED),
    ErrorRule(KeyboardInterrupt, EXIT_INTERRUPTED, "interrupted"),
)
_CLICK_EXITS = (click.exceptions.Exit, click.ClickException, click.exceptions.Abort)


class EnrichGroup(click.Group):
    """Translates errors once, for every command (``ERROR_TABLE``): one line on stderr and an exit
    status; anything else is reported as unexpected (``--debug`` shows the traceback)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except _CLICK_EXITS:
            raise
        except BaseException as exc:
            rule = next((r for r in ERROR_TABLE if isinstance(exc, r.error)), None)
            if rule is not None:
                fail(rule.message.format(exc=exc), rule.exit_code)
            if not isinstance(exc, Exception):
                raise
            if ctx.params.get("debug"):
                raise
            fail(f"unexpected {type(exc).__name__}: {exc} (run with --debug for the traceback)")


@click.group(cls=EnrichGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db", "database_url", metavar="URL", help="Database URL (overrides ENRICH_DATABASE_URL)."
)
@click.option(
    "--index-dir",
    type=click.Path(path_type=Path),
    help="Index folder (overrides ENRICH_INDEX_DIR).",
)
@click.option("-v", "--verbose", is_flag=True, help="Log what happens (INFO) to stderr.")
@click.option("--debug", is_flag=True, help="Show tracebacks of unexpected errors.")
@click.pass_context
def cli(
    ctx: click.Context, database_url: str | None, index_dir: Path | None, verbose: bool, debug: bool
) -> None:
    """Keep an expert directory searchable: tags, findability scores and a semantic index."""
    overrides: dict[str, Any] = {}
    if database_url:
        overrides["database_url"] = database_url
    if index_dir:
        overrides["index_dir"] = index_dir
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        fail(f"invalid setting {'.'.join(map(str, first['loc']))}: {first['msg']}")
    logging.basicConfig(
        level=logging.INFO if verbose or debug else logging.ERROR,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    ctx.obj = CliState(settings, debug)


def state(ctx: click.Context) -> CliState:
    return ctx.find_object(CliState)  # type: ignore[return-value]


# --- directory ------------------------------------------------------------------------------


@cli.command("sample-data")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--count", type=click.IntRange(1, 1_000_000), default=1558, show_default=True)
@click.option("--seed", type=int, default=7, show_default=True, help="Same seed, same directory.")
def sample_data(out: Path, count: int, seed: int) -> None:
    """Write a realistic, deterministic sample directory of experts to OUT (CSV)."""
    from enrichment_entrypoints.sample_data.generator import write_sample_csv

    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        written = write_sample_csv(out, count=count, seed=seed)
    except OSError as exc:
        fail(f"cannot write {out}: {exc.strerror or exc}")
    click.echo(f"Wrote {written} sample experts to {out}")


@cli.command()
@click.argument("csv_file", type=click.Path(path_type=Path))
@click.pass_context
def seed(ctx: click.Context, csv_file: Path) -> None:
    """Import experts from CSV_FILE; bad rows are reported by line, good rows imported.

    Re-running never duplicates experts nor overwrites tags or scores. Exits 1 when any row
    was rejected.
    """
    from enrichment_core.seeding import import_experts

    with wiring.Services(state(ctx).settings) as services:
        parsed = services.read_experts_csv(csv_file)
        report = import_experts(services.repo, parsed.experts)
    click.echo(
        f"Imported {report.added} new experts from {csv_file} "
        f"({report.already_present} already present, {len(parsed.rejected)} rows rejected)."
    )
    if parsed.rejected:
        click.echo(f"Rejected rows ({len(parsed.rejected)}):", err=True)
        for row in parsed.rejected[:200]:
            who = f" ({row.username})" if row.username else ""
            click.echo(f"  line {row.line}{who}: {row.reason}", err=True)
        if len(parsed.rejected) > 200:
            click.echo(f"  ... and {len(parsed.rejected) - 200} more", err=True)
        sys.exit(EXIT_FAILED)


@cli.command()
@click.pass_context
def score(ctx: click.Context) -> None:
    """Compute and store the findability score (0-100) of every expert."""
    from enrichment_core.findability import rescore_all

    with wiring.Services(state(ctx).settings) as services:
        changed = rescore_all(services.repo)
        total = services.repo.count()
    click.echo(f"Scored {total} experts ({changed} scores changed).")


# --- tagging --------------------------------------------------------------------------------


@cli.command()
@click.option(
    "--concurrency",
    type=click.IntRange(1, 256),
    help="Tagger calls in flight (ENRICH_CONCURRENCY).",
)
@click.option(
    "--rpm", type=click.FloatRange(min=0.1), help="Requests per minute, steady (ENRICH_RPM)."
)
@click.option(
    "--tagger",
    "tagger_choice",
    type=click.Choice(["gemini", "local"]),
    help="Default: gemini when a key is set, else local.",
)
@click.option(
    "--batch",
    "use_batch",
    is_flag=True,
    help="Gemini Batch API: half the price, results within 24 h; re-running resumes recorded jobs.",
)
@click.pass_context
def tag(
    ctx: click.Context,
    concurrency: int | None,
    rpm: float | None,
    tagger_choice: wiring.TaggerChoice | None,
    use_batch: bool,
) -> None:
    """Tag every untagged expert with a bio, then rescore everyone.

    Already-tagged experts are skipped (tags are immutable); experts without a bio are never sent
    to the tagger. Silent on clean success; exits 1 when some expert failed after its retry.
    Every run is recorded with its tokens and estimated cost (`enrich runs`).
    """
    from enrichment_core.batch_tagging import BatchOptions
    from enrichment_core.tag_runs import run_tagging
    from enrichment_entrypoints.cli_runs import ProgressBars, format_run_summary

    settings = state(ctx).settings
    if use_batch and (tagger_choice or settings.resolved_tagger()) != "gemini":
        fail(
            "--batch needs the Gemini tagger (set GEMINI_API_KEY); the local tagger has nothing to batch"
        )
    services = wiring.Services(settings, tagger_choice="gemini" if use_batch else tagger_choice)
    tagger = services.tagger
    batch = services.batch_tagger if use_batch else None
    options = services.tagging_options(concurrency=concurrency, rpm=rpm)
    bars = ProgressBars(tagger.name)

    async def run() -> Any:
        stop = anyio.Event()
        async with services, anyio.create_task_group() as group:

            async def on_signal() -> None:
                with anyio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
                    async for _ in signals:
                        stop.set()
                        return

            group.start_soon(on_signal)
            result = await run_tagging(
                services.repo, tagger, services.run_store, options, prices=services.prices,
                batch=batch, batch_options=BatchOptions(poll_interval_s=settings.batch_poll_s),
                hooks=bars.hooks(), stop=stop,
            )  # fmt: skip
            group.cancel_scope.cancel()
        return result

    try:
        result = anyio.run(run)
    finally:
        bars.close()
    if result.clean:
        return
    click.echo(format_run_summary(result), err=True)
    report = result.report
    if report.cancelled or (result.batch and result.batch.cancelled):
        sys.exit(EXIT_INTERRUPTED)
    if report.failed or report.aborted:
        sys.exit(EXIT_FAILED)


# --- index and search ------------------------------------------------------------------------


@cli.command()
@click.option(
    "--embedder",
    "embedder_choice",
    type=click.Choice(["local", "gemini"]),
    help="Default: ENRICH_EMBEDDER or local.",
)
@click.pass_context
def ingest(ctx: click.Context, embedder_choice: wiring.EmbedderChoice | None) -> None:
    """Rebuild the search index from the tagged experts in the database, verify it, promote it.

    Only texts that changed since the last run are embedded. Never run at API start-up.
    """
    from tqdm import tqdm

    from enrichment_core.ingest import ingest as run_ingest

    services = wiring.Services(state(ctx).settings, embedder_choice=embedder_choice)
    embedder = services.embedder
    bar: tqdm[Any] | None = None

    def on_plan(to_embed: int) -> None:
        nonlocal bar
        bar = tqdm(
            total=to_embed, desc=f"Embedding with {embedder.model_id}", unit="text", file=sys.stderr
        )

    def on_embedded(count: int) -> None:
        if bar is not None:
            bar.update(count)

    try:
        with services:
            report = run_ingest(
                services.repo,
                embedder,
                services.index,
                services.vector_cache,
                on_plan=on_plan,
                on_embedded=on_embedded,
            )
    finally:
        if bar is not None:
            bar.close()
    click.echo(
        f"Indexed {report.indexed} experts (of {report.total} total; {report.untagged} not indexed "
        f"— untagged). Embedded {report.embedded}, reused {report.reused} cached vectors."
    )
    if report.stale_staging_removed:
        click.echo("Removed a stale staging index left by an interrupted run.", err=True)


@cli.command()
@click.argument("query")
@click.option(
    "-k",
    "k",
    type=click.IntRange(1, MAX_K),
    default=DEFAULT_K,
    show_default=True,
    help="How many experts.",
)
@click.option(
    "--offset", type=click.IntRange(0, 1000), default=0, help="Skip this many ranked experts."
)
@click.option(
    "--max-rate", type=click.FloatRange(0), help="Only experts charging at most this per hour."
)
@click.option("--tag", "tags", multiple=True, help="Required tag; repeat for several.")
@click.option("--all-tags", is_flag=True, help="Require every --tag (default: any of them).")
@click.option(
    "--min-findability", type=click.FloatRange(0, 100), help="Only findability at least this."
)
@click.option("--has-profile-url", is_flag=True, help="Only experts with a profile URL.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array instead of a table.")
@click.option(
    "--embedder",
    "embedder_choice",
    type=click.Choice(["local", "gemini"]),
    help="Must match the embedder that built the index.",
)
@click.option(
    "--no-server",
    is_flag=True,
    help="Search in this process even when `enrich serve` runs for this index.",
)
@click.pass_context
def search(
    ctx: click.Context,
    query: str,
    k: int,
    offset: int,
    max_rate: float | None,
    tags: tuple[str, ...],
    all_tags: bool,
    min_findability: float | None,
    has_profile_url: bool,
    as_json: bool,
    embedder_choice: wiring.EmbedderChoice | None,
    no_server: bool,
) -> None:
    """Find the best experts for QUERY in the promoted index.

    Filters apply before ranking, so a filtered search still lists k experts when k pass.
    Each hit says which of its tags match and quotes the bio sentence closest to QUERY.
    When `enrich serve` runs for the same index and embedder, it answers (its model is already
    loaded); otherwise the search runs here.
    """
    from enrichment_core.filters import SearchFilters

    filters = SearchFilters.build(
        max_rate=max_rate,
        tags=tags,
        tag_mode="all" if all_tags else "any",
        min_findability=min_findability,
        has_profile_url=has_profile_url,
    )
    params = {
        "q": query,
        "k": k,
        "offset": offset,
        "max_rate": max_rate,
        "tag": list(filters.tags) or None,
        "tag_mode": filters.tag_mode.value,
        "min_findability": min_findability,
        "has_profile_url": "true" if has_profile_url else None,
    }
    with wiring.Services(state(ctx).settings, embedder_choice=embedder_choice) as services:
        page = None if no_server else _search_on_server(services, params)
        if page is None:
            from enrichment_core.search import hit_fields, search_page

            found = search_page(
                query,
                embedder=services.embedder,
                index=services.index,
                k=k,
                offset=offset,
                filters=filters,
                explain_with=services.vector_cache,
            )
            page = {
                "hits": [hit_fields(h) for h in found.hits],
                "total": found.total,
                "offset": found.offset,
            }
    if as_json:
        click.echo(json.dumps(page["hits"], ensure_ascii=False, indent=2))
        return
    print_hits(page)


def print_hits(page: dict[str, Any]) -> None:
    """The hits as a table: rank, score, who, then their tags (matching ones marked) and why."""
    hits, total, offset = page["hits"], page["total"], page["offset"]
    if not hits:
        click.echo("No experts found." if total else "No experts pass these filters.")
        return
    click.echo(f"Experts {offset + 1}–{offset + len(hits)} of {total} candidates")
    for rank, hit in enumerate(hits, offset + 1):
        title = f" — {hit['job_title']}" if hit.get("job_title") else ""
        score = hit.get("findability_score")
        findability = "n/a" if score is None else f"{score:.1f}"
        rate = "" if hit.get("hourly_rate") is None else f" | ${hit['hourly_rate']:g}/h"
        matched = set(hit.get("matched_tags") or ())
        marked = [f"*{t}*" if t in matched else t for t in hit.get("tags") or []]
        click.echo(f"{rank:>2}. {hit['score']:.3f}  {hit['name']} (@{hit['username']}){title}")
        click.echo(f"    tags: {', '.join(marked)} | findability {findability}{rate}")
        if hit.get("evidence"):
            click.echo(f'    why: "{hit["evidence"]}"')


def _search_on_server(services: wiring.Services, params: dict[str, Any]) -> dict[str, Any] | None:
    """The answer of a running `enrich serve` of this index (hits, total, offset), or None
    (then search here). Reading the embedder's ``model_id`` loads no model."""
    from enrichment_entrypoints import server_link

    index_dir = Path(services.settings.index_dir)
    url = server_link.find_server(index_dir, services.embedder.model_id)
    if url is None:
        return None
    page = server_link.remote_search_page(url, params)
    if page is not None:
        click.echo(f"(answered by `enrich serve` at {url}; --no-server searches here)", err=True)
    return page


# --- server ---------------------------------------------------------------------------------


@cli.command()
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
    with server_link.advertised(Path(settings.index_dir), url):  # `enrich search` finds it
        uvicorn.run(
            create_app(settings), host=host, port=port, log_level="info", http=http_protocol()
        )


def _register_extra_commands() -> None:
    from enrichment_entrypoints.cli_runs import runs

    cli.add_command(runs)


_register_extra_commands()


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="enrich")
