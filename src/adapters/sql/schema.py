"""The ``experts`` table, the engine factory and the idempotent migration (FIND-02).

SQLite is the embedded default (WAL, busy timeout, foreign keys on); PostgreSQL works by URL
(``postgresql+psycopg://...``, needs the ``postgres`` extra).
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from sqlalchemy import (
    DateTime,
    Engine,
    Float,
    Integer,
    String,
    Text,
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
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from enrichment_core.errors import StorageError

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 15_000


class DatabaseError(StorageError):
    """The SQL database cannot be opened, migrated or queried (the core's ``StorageError``)."""


class Base(DeclarativeBase):
    pass


class ExpertRow(Base):
    __tablename__ = "experts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(100), unique=True, nullable=False)
    first_name: Mapped[str | None] = mapped_column(Text)
    last_name: Mapped[str | None] = mapped_column(Text)
    job_title: Mapped[str | None] = mapped_column(Text)
    company: Mapped[str | None] = mapped_column(Text)
    bio: Mapped[str | None] = mapped_column(Text)
    hourly_rate: Mapped[float | None] = mapped_column(Float)
    profile_url: Mapped[str | None] = mapped_column(Text)
    profile_url_utm: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(Text)
    # Added by the enrichment migration to tables that predate it (FIND-02).
    tags: Mapped[str | None] = mapped_column(Text)  # JSON list of normalized tags; NULL = untagged
    findability_score: Mapped[float | None] = mapped_column(Float)  # REAL
    tagged_by: Mapped[str | None] = mapped_column(Text)
    tagged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    tagging_error: Mapped[str | None] = mapped_column(Text)


# Columns an older ``experts`` table may lack, with their portable DDL types.
_ADDABLE_COLUMNS: dict[str, dict[str, str]] = {
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
}


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


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


def migrate(engine: Engine) -> list[str]:
    """Create the ``experts`` table, or add the columns an older one lacks. Idempotent.

    Returns the names of the columns added (empty when the schema was already current).
    Existing rows are never touched: added columns start NULL.
    """
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
    return added


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
