"""``ExpertRepo`` over SQLAlchemy 2: SQLite by default, PostgreSQL by URL.

Every method opens and closes its own session (one transaction), so a caller never holds a
session across an ``await``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, case, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from enrichment_adapters.sql import claims
from enrichment_adapters.sql.rows import (
    missing_filter,
    state_filter,
    to_expert,
    to_row_values,
)
from enrichment_adapters.sql.schema import (
    DatabaseError,
    ExpertRow,
    MigrationReport,
    make_engine,
)
from enrichment_adapters.sql.schema import migrate_schema as migrate
from enrichment_core.errors import DuplicateExpertError, ExpertNotFoundError
from enrichment_core.experts import Expert, TaggingState, username_key
from enrichment_core.ports import ExpertPage, ExpertSort
from enrichment_core.tags import normalize_tag, tags_to_json

_INSERT_CHUNK = 500


class SqlExpertRepo:
    """The SQL repository. ``SqlExpertRepo("sqlite:///data/experts.db")`` migrates on open."""

    def __init__(self, url_or_engine: str | Engine, *, migrate_schema: bool = True) -> None:
        self.engine = (
            make_engine(url_or_engine) if isinstance(url_or_engine, str) else url_or_engine
        )
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        report = migrate(self.engine) if migrate_schema else MigrationReport([], [])
        self.columns_added: list[str] = report.columns_added
        # Existing usernames that differ only in case (kept, reported; see ensure_username_keys).
        self.username_conflicts: list[tuple[str, ...]] = report.username_conflicts

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _session(self) -> Iterator[Session]:
        try:
            with self._sessions() as session, session.begin():
                yield session
        except OperationalError as exc:
            raise DatabaseError(f"database error: {exc.orig}") from None

    # --- writes ----------------------------------------------------------------------------

    def add(self, expert: Expert) -> Expert:
        key = username_key(expert.username)
        try:
            with self._session() as session:
                # Checked here too: the unique index on username_key waits while an older
                # table still holds usernames that differ only in case.
                if session.scalar(select(ExpertRow.id).where(ExpertRow.username_key == key)):
                    raise DuplicateExpertError(expert.username)
                row = ExpertRow(**to_row_values(expert))
                session.add(row)
                session.flush()
                return to_expert(row)
        except IntegrityError:
            raise DuplicateExpertError(expert.username) from None

    def add_new(self, experts: Sequence[Expert]) -> list[Expert]:
        inserted: list[Expert] = []
        firsts: dict[str, Expert] = {}
        for expert in experts:  # the first of duplicate usernames (in any case) wins
            firsts.setdefault(username_key(expert.username), expert)
        unique = list(firsts.values())
        for start in range(0, len(unique), _INSERT_CHUNK):
            chunk = unique[start : start + _INSERT_CHUNK]
            with self._session() as session:
                known = set(
                    session.scalars(
                        select(ExpertRow.username_key).where(
                            ExpertRow.username_key.in_([username_key(e.username) for e in chunk])
                        )
                    )
                )
                fresh = [e for e in chunk if username_key(e.username) not in known]
                if not fresh:
                    continue
                # ON CONFLICT DO NOTHING (on username or its key): a concurrent seed of the same
                # file inserts each row once.
                dialect_insert = (
                    postgresql.insert if self.engine.dialect.name == "postgresql" else sqlite.insert
                )
                statement = (
                    dialect_insert(ExpertRow)
                    .on_conflict_do_nothing()
                    .returning(ExpertRow.id, ExpertRow.username)
                )
                if self.engine.dialect.name not in ("postgresql", "sqlite"):  # pragma: no cover
                    statement = insert(ExpertRow).returning(ExpertRow.id, ExpertRow.username)
                ids = {
                    username: row_id
                    for row_id, username in session.execute(
                        statement, [to_row_values(e) for e in fresh]
                    )
                }
                inserted.extend(
                    e.with_changes(id=ids[e.username]) for e in fresh if e.username in ids
                )
        return inserted

    def save_tags(
        self,
        expert_id: int,
        *,
        tags: Sequence[str],
        tagged_by: str,
        tagged_at: datetime,
        findability_score: float,
    ) -> bool:
        with self._session() as session:
            result = session.execute(
                update(ExpertRow)
                .where(ExpertRow.id == expert_id, ExpertRow.tags.is_(None))
                .values(
                    tags=tags_to_json(tags),
                    tagged_by=tagged_by,
                    tagged_at=tagged_at,
                    findability_score=findability_score,
                    tagging_error=None,
                    claimed_by=None,
                    claimed_until=None,
                )
            )
            if result.rowcount == 1:  # type: ignore[attr-defined]
                return True
            if session.get(ExpertRow, expert_id) is None:
                raise ExpertNotFoundError(expert_id)
            return False

    # --- claims (see ExpertRepo and enrichment_adapters.sql.claims) ------------------------

    def claim_untagged(
        self, owner: str, *, limit: int, ttl_s: float, among: Sequence[int] | None = None
    ) -> list[Expert]:
        with self._session() as session:
            return claims.claim(
                session,
                dialect=self.engine.dialect.name,
                owner=owner,
                limit=limit,
                ttl_s=ttl_s,
                among=among,
            )

    def renew_claims(self, owner: str, *, ttl_s: float) -> int:
        with self._session() as session:
            return claims.renew(session, owner=owner, ttl_s=ttl_s)

    def release_claims(self, owner: str, *, expert_ids: Sequence[int] | None = None) -> int:
        with self._session() as session:
            return claims.release(session, owner=owner, expert_ids=expert_ids)

    def claim_owners(self) -> list[str]:
        with self._session() as session:
            return claims.owners(session)

    def record_tagging_failure(
        self, expert_id: int, *, error: str, findability_score: float | None = None
    ) -> None:
        values: dict[str, Any] = {"tagging_error": error[:2000]}
        if findability_score is not None:
            values["findability_score"] = findability_score
        with self._session() as session:
            result = session.execute(
                update(ExpertRow).where(ExpertRow.id == expert_id).values(**values)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                raise ExpertNotFoundError(expert_id)

    def save_scores(self, scores: Mapping[int, float]) -> int:
        if not scores:
            return 0
        with self._session() as session:
            session.execute(
                update(ExpertRow),
                [{"id": i, "findability_score": s} for i, s in scores.items()],
            )
        return len(scores)

    # --- reads -----------------------------------------------------------------------------

    def get(self, username: str) -> Expert | None:
        with self._session() as session:
            row = session.scalars(
                select(ExpertRow)
                .where(ExpertRow.username_key == username_key(username))
                .order_by(case((ExpertRow.username == username, 0), else_=1), ExpertRow.id)
                .limit(1)
            ).first()
            return None if row is None else to_expert(row)

    def get_by_id(self, expert_id: int) -> Expert | None:
        with self._session() as session:
            row = session.get(ExpertRow, expert_id)
            return None if row is None else to_expert(row)

    def list_experts(self, *, tagged: bool | None = None) -> list[Expert]:
        query = select(ExpertRow).order_by(ExpertRow.id)
        if tagged is not None:
            query = query.where(ExpertRow.tags.is_not(None) if tagged else ExpertRow.tags.is_(None))
        with self._session() as session:
            return [to_expert(row) for row in session.scalars(query)]

    def count(self, *, tagged: bool | None = None) -> int:
        query = select(func.count(ExpertRow.id))
        if tagged is not None:
            query = query.where(ExpertRow.tags.is_not(None) if tagged else ExpertRow.tags.is_(None))
        with self._session() as session:
            return int(session.scalar(query) or 0)

    def page(
        self,
        *,
        offset: int = 0,
        limit: int = 50,
        state: TaggingState | None = None,
        tagged: bool | None = None,
        sort: ExpertSort = ExpertSort.ID,
        descending: bool = False,
        tag: str | None = None,
        min_findability: float | None = None,
        findability_below: float | None = None,
        missing: str | None = None,
    ) -> ExpertPage:
        conditions = []
        if state is not None:
            conditions.append(state_filter(state))
        if tagged is not None:
            conditions.append(ExpertRow.tags.is_not(None) if tagged else ExpertRow.tags.is_(None))
        if tag is not None:
            # Tags are stored as a JSON list: the quoted tag is one whole element of it.
            element = json.dumps(normalize_tag(tag), ensure_ascii=False)
            conditions.append(ExpertRow.tags.contains(element, autoescape=True))
        if min_findability is not None:
            conditions.append(ExpertRow.findability_score >= min_findability)
        if findability_below is not None:
            conditions.append(ExpertRow.findability_score < findability_below)
        if missing is not None:
            conditions.append(missing_filter(missing))
        if sort is ExpertSort.FINDABILITY:
            key: Any = func.coalesce(ExpertRow.findability_score, -1.0)
        elif sort is ExpertSort.NAME:
            full = func.trim(
                func.coalesce(ExpertRow.first_name, "")
                + " "
                + func.coalesce(ExpertRow.last_name, "")
            )
            key = func.lower(case((full == "", ExpertRow.username), else_=full))
        else:
            key = ExpertRow.id
        order = [key.desc(), ExpertRow.id.desc()] if descending else [key.asc(), ExpertRow.id.asc()]
        with self._session() as session:
            total = session.scalar(select(func.count(ExpertRow.id)).where(*conditions)) or 0
            rows = session.scalars(
                select(ExpertRow).where(*conditions).order_by(*order).offset(offset).limit(limit)
            )
            return ExpertPage(experts=[to_expert(r) for r in rows], total=int(total))
