"""PostgreSQL's planner statistics of the tables a scan grows.

A child's lookups (its folders' work-list rows by scan and seq, their movies by library and directory) are planned
from the tables' statistics. Without them (a table never analyzed, or rows of a scan the last ANALYZE did not see)
the planner takes `library_id = 1` or `scan_job_id = 7` for a rare value, and reads every movie of the library, or
every folder of the scan, to pick out a child's ten: a cost per child that grows with the library. Autovacuum
analyzes a table only a minute or more after it changed, and not at all where it is off; so the scan refreshes
them itself, when it has just written a work list and as it inserts movies. SQLite plans these lookups on the
unique indexes without statistics: nothing is done there.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

# A table is analyzed again once its rows changed by more than this share of the rows its last ANALYZE counted,
# plus MIN_CHANGED: a scan that grows a table from nothing analyzes it a few times (after 200, 500, 950, ... rows),
# each ANALYZE reading at most its sample (30,000 rows at the default statistics target).
GROWTH = 0.5
MIN_CHANGED = 200


def _postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def analyze(session: Session, *tables: str) -> None:
    """ANALYZE these tables now, in the caller's transaction (which sees its own rows). SKIP_LOCKED: a table
    another session is analyzing is left to it; ANALYZE does not block writers."""
    if _postgresql(session):
        session.execute(text(f"ANALYZE (SKIP_LOCKED) {', '.join(tables)}"))


def analyze_grown(session: Session, table: str) -> None:
    """ANALYZE the table if its committed changes since its last ANALYZE exceed GROWTH of the rows it counted plus
    MIN_CHANGED (one lookup of its pg_class row and its change count; an ANALYZE only when one is due)."""
    if not _postgresql(session):
        return
    due = session.scalar(
        text(
            "SELECT pg_stat_get_mod_since_analyze(c.oid) > :least + :growth * GREATEST(c.reltuples, 0)"
            " FROM pg_class c WHERE c.oid = CAST(:table AS regclass)"
        ),
        {"table": table, "least": MIN_CHANGED, "growth": GROWTH},
    )
    if due:
        analyze(session, table)
