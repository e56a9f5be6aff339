"""``enrich sample-data``, ``enrich seed``, ``enrich score``: the directory itself."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from enrichment_entrypoints import wiring
from enrichment_entrypoints.cli.group import EXIT_FAILED, fail, state


@click.command("sample-data")
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


@click.command()
@click.argument("csv_file", type=click.Path(path_type=Path))
@click.pass_context
def seed(ctx: click.Context, csv_file: Path) -> None:
    """Import experts from CSV_FILE; bad rows are reported by line, good rows imported.

    Re-running never duplicates experts nor overwrites tags or scores. Exits 1 when any row
    was rejected.
    """
    from enrichment_core.seeding import import_experts

    settings = state(ctx).settings
    with wiring.Services(settings) as services:
        parsed = services.read_experts_csv(csv_file)
        created = wiring.missing_database_file(settings)
        report = import_experts(services.repo, parsed.experts)
    if created is not None:
        click.echo(f"Created the database {created}.")
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


@click.command()
@click.pass_context
def score(ctx: click.Context) -> None:
    """Compute and store the findability score (0-100) of every expert."""
    from enrichment_core.findability import rescore_all

    with wiring.Services(state(ctx).settings) as services:
        changed = rescore_all(services.repo)
        total = services.repo.count()
    click.echo(f"Scored {total} experts ({changed} scores changed).")
