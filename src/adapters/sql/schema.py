"""The engine factory and the idempotent migration (FIND-02); the tables are in ``tables``.

SQLite is the embedded default (WAL, busy timeout, foreign keys on); PostgreSQL works by URL
(``postgresql+psycopg://...``, needs the ``postgres`` extra).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import (
    Engine,
    create_engine,
    event,
    inspect,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    ArgumentError,
    IntegrityError,
    NoSuchModuleError,
    OperationalError,
    ProgrammingError,
)
from sqlalchemy.exc import DatabaseError as SqlDatabaseError

from enrichment_adapters.sql.tables import Base, BatchClaimRow, BatchJobRow, ExpertRow, TagRunRow
from enrichment_core.errors import StorageError
from enrichment_core.experts import username_key

__all__ = [
    "Base",
    "BatchClaimRow",
    "BatchJobRow",
    "DatabaseError",
    "ExpertRow",
    "MigrationReport",
    "TagRunRow",
    "make_engine",
    "migrate",
    "migrate_schema",
]

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 15_000


class DatabaseError(StorageError):
    """The SQL database cannot be opened, migrated or queried (the core's ``StorageError``)."""


# Columns an older ``experts`` table may lack, with their portable DDL types.
_ADDABLE_COLUMNS: dict[str, dict[str, str]] = {
    "username_key": {"sqlite": "TEXT", "postgresql": "TEXT"},
    "first_name": {"sqlite": "TEXT", "postgresql": "TEXT"},
    "last_name": {"sqlite": "TEXT", "postgresql": "TEXT"},
    "job_title": {"sqlite": "TEXT", "postgresql": "TEXT"},
    "company": {"sqlite": "TEXT", "postgresql": "TEXT"},
    "bio": {"sqlite": "TEXT", "postgresql": "TEXT"},
    "hourly_rate": {"sqlite": "REAL", "postgresql": "REAL"},
    "profile_url": {"sqlite": "TEXT", "postgresql": "TEXT"},
    "profile_url_utm": {"sqlite": "TEXT", "postgresql": "TEXT"},
    "category": {"sqlite": "TEXT", "postgresql": "TEXT"},
    "tags": {"sqlite": "TEXT", "postgresql": "TEXT"},
    "findability_score": {"sqlite": "REAL", "postgresql": "REAL"},
    "tagged_by": {"sqlite": "TEXT", "postgresql": "TEXT"},
    "tagged_at": {"sqlite": "TIMESTAMP", "postgresql": "TIMESTAMP WITH TIME ZONE"},
    "tagging_error": {"sqlite": "TEXT", "postgresql": "TEXT"},
    "claimed_by": {"sqlite": "TEXT", "postgresql": "TEXT"},
    "claimed_until": {"sqlite": "REAL", "postgresql": "DOUBLE PRECISION"},
}


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def sqlite_file(url: str) -> Path | None:
    """The file a ``sqlite:///...`` URL names (None for other databases and in-memory ones)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    return None if database.startswith("file:") else Path(database).expanduser()


def make_engine(url: str) -> Engine:
    """Create an engine for ``url``; for a SQLite file, create its folder and set the pragmas."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseError(
            f"cannot parse database URL {url!r}: use sqlite:///path/to/experts.db "
            "or postgresql+psycopg://user@host/dbname"
        ) from None
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            parsed,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    try:
        return create_engine(parsed, pool_pre_ping=True)
    except (NoSuchModuleError, ModuleNotFoundError) as exc:
        raise DatabaseError(
            f"no driver for {parsed.drivername!r} ({exc}); for PostgreSQL install "
            "'expert-enrichment[postgres]' and use a postgresql+psycopg:// URL"
        ) from None


@dataclass(frozen=True, slots=True)
class MigrationReport:
    columns_added: list[str]
    username_conflicts: list[tuple[str, ...]]  # see ensure_username_keys


def migrate(engine: Engine) -> list[str]:
    """``migrate_schema`` for callers that only want the names of the columns added."""
    return migrate_schema(engine).columns_added


def migrate_schema(engine: Engine) -> MigrationReport:
    """Create the ``experts`` table, or add the columns an older one lacks. Idempotent.

    Reports the names of the columns added (empty when the schema was already current) and
    the existing usernames that differ only in case. Existing rows keep their data: added
    columns start NULL, except ``username_key``, which is filled in from ``username``.
    """
    added = _add_missing_columns(engine)
    return MigrationReport(added, ensure_username_keys(engine))


def _add_missing_columns(engine: Engine) -> list[str]:
    dialect = engine.dialect.name
    try:
        if not inspect(engine).has_table(ExpertRow.__tablename__):
            Base.metadata.create_all(engine, checkfirst=True)
            return []
        present = {c["name"] for c in inspect(engine).get_columns(ExpertRow.__tablename__)}
    except SqlDatabaseError as exc:
        raise DatabaseError(f"cannot open the database: {exc.orig}") from None
    added = []
    for name, types in _ADDABLE_COLUMNS.items():
        if name in present:
            continue
        ddl_type = types.get(dialect, types["sqlite"])
        if_not_exists = "IF NOT EXISTS " if dialect == "postgresql" else ""
        statement = f"ALTER TABLE experts ADD COLUMN {if_not_exists}{name} {ddl_type}"
        try:
            with engine.begin() as conn:
                conn.execute(text(statement))
        except (OperationalError, ProgrammingError) as exc:
            # Another process may have added it between our look and our ALTER: check again.
            now = {c["name"] for c in inspect(engine).get_columns(ExpertRow.__tablename__)}
            if name not in now:
                raise DatabaseError(f"cannot add column {name!r} to experts: {exc.orig}") from None
            continue
        added.append(name)
        log.info("migration: added column experts.%s", name)
    _ensure_unique_usernames(engine)
    _create_missing_tables(engine)
    return added


def _create_missing_tables(engine: Engine) -> None:
    """Tables added after the ``experts`` table (run records, batch jobs): CREATE IF missing."""
    try:
        Base.metadata.create_all(engine, checkfirst=True)
    except (OperationalError, ProgrammingError, IntegrityError) as exc:
        # A concurrent first open may have created one between the check and the CREATE.
        missing = set(Base.metadata.tables) - set(inspect(engine).get_table_names())
        if missing:
            raise DatabaseError(f"cannot create tables {sorted(missing)}: {exc.orig}") from None


def _ensure_unique_usernames(engine: Engine) -> None:
    """An older table may lack the unique username index that seeding relies on: add it."""
    inspector = inspect(engine)
    indexes = inspector.get_indexes(ExpertRow.__tablename__)
    uniques = inspector.get_unique_constraints(ExpertRow.__tablename__)
    if any(ix.get("unique") and ix["column_names"] == ["username"] for ix in indexes) or any(
        u["column_names"] == ["username"] for u in uniques
    ):
        return
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "CREATE UNIQUE INDEX IF NOT EXISTS ix_experts_username_unique "
                    "ON experts (username)"
                )
            )
    except IntegrityError:
        log.warning(
            "experts.username has duplicates in this database; seeding cannot rely on a unique "
            "index until they are resolved"
        )


USERNAME_KEY_INDEX = "ux_experts_username_key"


def ensure_username_keys(engine: Engine) -> list[tuple[str, ...]]:
    """Fill ``username_key`` where it is missing and make it unique. Idempotent.

    Returns the groups of existing usernames that differ only in case (``[("CaseUser",
    "caseuser")]``): they are kept as they are and reported, and the unique index waits until
    an admin resolves them (each new expert is still checked against every key).
    """
    with engine.begin() as conn:
        missing = conn.execute(
            text("SELECT id, username FROM experts WHERE username_key IS NULL")
        ).all()
        if missing:
            conn.execute(
                text("UPDATE experts SET username_key = :key WHERE id = :id"),
                [{"id": row_id, "key": username_key(name)} for row_id, name in missing],
            )
        rows = conn.execute(
            text(
                "SELECT username_key, username FROM experts WHERE username_key IN ("
                "SELECT username_key FROM experts GROUP BY username_key HAVING COUNT(*) > 1) "
                "ORDER BY username_key, id"
            )
        ).all()
    groups: dict[str, list[str]] = {}
    for key, name in rows:
        groups.setdefault(key, []).append(name)
    conflicts = [tuple(names) for names in groups.values()]
    if conflicts:
        shown = "; ".join(", ".join(names) for names in conflicts[:20])
        log.warning(
            "experts has %d usernames that differ only in case (%s): they are kept, but "
            "usernames are case-insensitive; rename or remove all but one of each",
            len(conflicts),
            shown,
        )
        return conflicts
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    f"CREATE UNIQUE INDEX IF NOT EXISTS {USERNAME_KEY_INDEX} "
                    "ON experts (username_key)"
                )
            )
    except IntegrityError:  # a duplicate arrived between our check and the index
        log.warning("experts.username_key is not unique yet; it will be retried on next open")
    return []
