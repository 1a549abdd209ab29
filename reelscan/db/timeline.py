"""Storing and reading scan timelines (the rules are in reelscan/timeline.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from reelscan.db.models import AssetCandidate, Movie, ProviderDetails, ScanJob, ScanSample, Series
from reelscan.timeline import MAX_STORED, Point, build_timeline, thin_indexes, worth_recording


def aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; they are stored in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


# The scan_samples columns of Point.counters(), in its order.
_COUNTER_COLUMNS = ("directories_scanned", "assets_cached", "enrichment_completed", "provider_requests", "errors_count")


def _point(row: ScanSample) -> Point:
    return Point(aware(row.at), row.phase, *(getattr(row, column) for column in _COUNTER_COLUMNS))


def provider_requests(session: Session, job: ScanJob, until: datetime | None = None) -> int:
    """Provider requests the scan made that left a record: details answers fetched while it ran and provider
    artwork it downloaded into the cache (id lookups and searches are not recorded one by one)."""
    started = aware(job.started_at)
    details = 0
    for kind, column in ((Movie, ProviderDetails.movie_id), (Series, ProviderDetails.series_id)):
        query = (
            select(func.count())
            .select_from(ProviderDetails)
            .join(kind, kind.id == column)
            .where(kind.library_id == job.library_id, ProviderDetails.fetched_at >= started)
        )
        if until is not None:
            query = query.where(ProviderDetails.fetched_at <= until)
        details += int(session.scalar(query) or 0)
    downloads = session.scalar(
        select(func.count())
        .select_from(AssetCandidate)
        .where(
            AssetCandidate.cache_scan_job_id == job.id,
            AssetCandidate.source != "local",
            AssetCandidate.cache_path.is_not(None),
        )
    )
    return details + int(downloads or 0)


def point_from_message(message: dict[str, Any], requests: int, at: datetime) -> Point:
    """A point from a ScanProgressMessage (the live `progress` query or the recorded one)."""
    progress = message.get("progress") or {}
    stats = message.get("stats") or {}
    return Point(
        at,
        str(message.get("phase") or "discovering"),
        directories=int((progress.get("scanning") or {}).get("scanned") or 0),
        assets=int(stats.get("assetsCached") or 0),
        enriched=int((progress.get("enriching") or {}).get("completed") or 0),
        provider_requests=requests,
        errors=int(stats.get("errorsCount") or 0),
    )


def last_point(session: Session, scan_job_id: int) -> Point | None:
    row = session.scalars(
        select(ScanSample).where(ScanSample.scan_job_id == scan_job_id).order_by(ScanSample.at.desc()).limit(1)
    ).first()
    return _point(row) if row else None


def record_point(session: Session, scan_job_id: int, point: Point, last: Point | None) -> bool:
    """Store the point if it says something new; past MAX_STORED points the scan's points are thinned to half."""
    if not worth_recording(last, point):
        return False
    session.add(
        ScanSample(
            scan_job_id=scan_job_id,
            at=point.at,
            phase=point.phase,
            **dict(zip(_COUNTER_COLUMNS, point.counters(), strict=True)),
        )
    )
    session.flush()
    stored = int(session.scalar(select(func.count()).where(ScanSample.scan_job_id == scan_job_id)) or 0)
    if stored > MAX_STORED:
        rows = list(session.scalars(select(ScanSample).where(ScanSample.scan_job_id == scan_job_id)))
        rows.sort(key=lambda r: aware(r.at))
        kept = [rows[i].id for i in thin_indexes([r.phase for r in rows], MAX_STORED // 2)]
        session.execute(delete(ScanSample).where(ScanSample.scan_job_id == scan_job_id, ScanSample.id.not_in(kept)))
    return True


def _recorded(job: ScanJob, requests: int) -> Point:
    at = aware(job.completed_at or job.updated_at or job.started_at)
    return Point(
        at,
        job.status,
        job.directories_scanned,
        job.assets_cached,
        job.enrichment_completed,
        requests,
        job.errors_count,
    )


def scan_timeline(
    session: Session, job: ScanJob, *, max_points: int = 600, now: datetime | None = None
) -> dict[str, Any]:
    """The scan's timeline: what the broadcaster recorded, ending on the scan's own counters."""
    samples = [_point(r) for r in session.scalars(select(ScanSample).where(ScanSample.scan_job_id == job.id))]
    until = aware(job.completed_at) if job.completed_at else None
    current = _recorded(job, provider_requests(session, job, until))

    def maybe(value: datetime | None) -> datetime | None:
        return aware(value) if value else None

    timeline = build_timeline(
        started_at=aware(job.started_at),
        status=job.status,
        ends=(
            maybe(job.discovery_completed_at),
            maybe(job.scanning_completed_at),
            maybe(job.caching_completed_at),
            maybe(job.completed_at),
        ),
        samples=samples,
        current=current,
        now=now or datetime.now(UTC),
        max_points=max_points,
    )
    return {"scanJobId": job.id, "libraryId": job.library_id, "samplesStored": len(samples), **timeline}
