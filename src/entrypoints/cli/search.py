"""``enrich search``: the best experts for a query, filtered before ranking, with why they match;
answered by a running ``enrich serve`` of the same index when there is one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from enrichment_core.search import DEFAULT_K, MAX_K
from enrichment_entrypoints import wiring
from enrichment_entrypoints.cli.group import state

if TYPE_CHECKING:
    from enrichment_core.filters import SearchFilters


@click.command()
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
            page = _search_here(services, query, k=k, offset=offset, filters=filters)
    if as_json:
        click.echo(json.dumps(page["hits"], ensure_ascii=False, indent=2))
        return
    print_hits(page)


def _search_here(
    services: wiring.Services, query: str, *, k: int, offset: int, filters: SearchFilters
) -> dict[str, Any]:
    """The search in this process: the same page shape a running server answers."""
    from enrichment_core.errors import IndexNotFoundError
    from enrichment_core.search import hit_fields, search_page

    if services.index.manifest() is None:
        raise IndexNotFoundError(
            f"no search index has been promoted in {services.settings.index_dir} yet: run "
            "`enrich ingest` (or pass the right --index-dir / ENRICH_INDEX_DIR)"
        )
    found = search_page(
        query,
        embedder=services.embedder,
        index=services.index,
        k=k,
        offset=offset,
        filters=filters,
        explain_with=services.vector_cache,
    )
    return {
        "hits": [hit_fields(h) for h in found.hits],
        "total": found.total,
        "offset": found.offset,
    }


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
