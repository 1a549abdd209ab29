"""Libraries and scan jobs: the library row, a scan's row (one active scan per library), the scan_jobs
projection and the counts read with it. Every write is idempotent: safe to run twice."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from reelscan.db.models import ACTIVE_SCAN_STATUSES, Episode, Library, Movie, ScanJob, Series, utcnow


def get_or_create_library(
    session: Session, path: Path, name: str | None = None, library_type: str = "movie"
) -> Library:
    resolved = str(path.resolve())
    library = session.scalars(select(Library).where(Library.path == resolved)).first()
    if library is None:
        library = Library(name=name or path.resolve().name or resolved, path=resolved, type=library_type)
        session.add(library)
        session.flush()
    return library


def active_scan(session: Session, library_id: int) -> ScanJob | None:
    return session.scalars(
        select(ScanJob).where(ScanJob.library_id == library_id, ScanJob.status.in_(ACTIVE_SCAN_STATUSES))
    ).first()


def create_scan_job(session: Session, library_id: int, options: dict[str, Any]) -> ScanJob | None:
    """A new scan row, or None when the library already has an active scan (unique partial index)."""
    job = ScanJob(library_id=library_id, status="discovering", options=options)
    try:
        with session.begin_nested():
            session.add(job)
            session.flush()
    except IntegrityError:
        return None
    return job


def write_scan_projection(session: Session, scan_job_id: int, values: dict[str, Any]) -> None:
    """Absolute values only, so writing the same snapshot twice changes nothing."""
    session.execute(update(ScanJob).where(ScanJob.id == scan_job_id).values(**values, updated_at=utcnow()))


def count_movies(session: Session, library_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Movie).where(Movie.library_id == library_id)) or 0


def count_episodes_settled_by(session: Session, series_ids: Sequence[int]) -> int:
    """Episodes on disk of these series (the ones discovery settled as unchanged: found without a rescan)."""
    count = 0
    for start in range(0, len(series_ids), 1000):
        query = (
            select(func.count())
            .select_from(Episode)
            .join(Series, Series.id == Episode.series_id)
            .where(
                Series.id.in_(series_ids[start : start + 1000]), Series.state != "missing", Episode.state != "missing"
            )
        )
        count += session.scalar(query) or 0
    return count


def count_series(session: Session, library_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Series).where(Series.library_id == library_id)) or 0
