"""Claims on the ``experts`` table (``ExpertRepo.claim_untagged`` and friends, see
``enrichment_core.claims``): ``claimed_by`` and ``claimed_until`` (Unix time, shared by every
process and machine using the database).

A claim is one ``UPDATE``. On SQLite it takes the write lock before it reads, so claimers
serialize; on PostgreSQL the candidates are locked ``FOR UPDATE SKIP LOCKED`` in a materialized
CTE, so concurrent claimers skip each other's rows and exactly ``limit`` rows are claimed.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_, or_, select, true, update
from sqlalchemy.orm import Session

from enrichment_adapters.sql.rows import has_bio, to_expert
from enrichment_adapters.sql.schema import ExpertRow
from enrichment_core.experts import Expert


def claim(
    session: Session,
    *,
    dialect: str,
    owner: str,
    limit: int,
    ttl_s: float,
    among: Sequence[int] | None,
) -> list[Expert]:
    now = time.time()
    free = and_(
        ExpertRow.tags.is_(None),
        has_bio(),
        or_(ExpertRow.claimed_until.is_(None), ExpertRow.claimed_until <= now),
        ExpertRow.id.in_(list(among)) if among is not None else true(),
    )
    candidates = select(ExpertRow.id).where(free).order_by(ExpertRow.id).limit(max(0, limit))
    if dialect == "postgresql":
        # An IN (subquery) may be re-scanned by the planner and claim more than ``limit``.
        chosen = (
            candidates.with_for_update(skip_locked=True)
            .cte("chosen")
            .prefix_with("MATERIALIZED", dialect="postgresql")
        )
        which: ColumnElement[bool] = ExpertRow.id == chosen.c.id
    else:
        which = ExpertRow.id.in_(candidates.scalar_subquery())
    ids = list(
        session.scalars(
            update(ExpertRow)
            .where(which, free)
            .values(claimed_by=owner, claimed_until=now + ttl_s)
            .returning(ExpertRow.id)
            .execution_options(synchronize_session=False)
        )
    )
    rows = session.scalars(select(ExpertRow).where(ExpertRow.id.in_(ids)).order_by(ExpertRow.id))
    return [to_expert(row) for row in rows]


def renew(session: Session, *, owner: str, ttl_s: float) -> int:
    now = time.time()
    result = session.execute(
        update(ExpertRow)
        .where(ExpertRow.claimed_by == owner, ExpertRow.claimed_until > now)
        .values(claimed_until=now + ttl_s)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def release(session: Session, *, owner: str, expert_ids: Sequence[int] | None) -> int:
    conditions = [ExpertRow.claimed_by == owner, ExpertRow.claimed_until > time.time()]
    if expert_ids is not None:
        conditions.append(ExpertRow.id.in_(list(expert_ids)))
    result = session.execute(
        update(ExpertRow)
        .where(*conditions)
        .values(claimed_by=None, claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def owners(session: Session) -> list[str]:
    found = session.scalars(
        select(ExpertRow.claimed_by)
        .where(ExpertRow.claimed_by.is_not(None), ExpertRow.claimed_until > time.time())
        .distinct()
    )
    return sorted(o for o in found if o is not None)
