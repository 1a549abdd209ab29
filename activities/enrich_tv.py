"""Phase 4 activities of TV libraries on the scan queue: downloads and the database. Their provider calls are in
activities/provider_calls.py, with the movies'."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.common import database, settings
from activities.provider_calls import choose_artwork, download_candidates, download_keep
from reelscan.db import tv_enrichment
from reelscan.db.models import Series
from reelscan.payloads.enrichment import ProviderAssetsResult
from reelscan.payloads.tv import (
    SeriesEnrichmentPage,
    SeriesEnrichmentPageInput,
    SeriesOutcomeInput,
    SeriesProviderInput,
    SeriesTarget,
)
from reelscan.providers.tmdb_tv import parse_series_details


def _stored_details(session: Session, series_id: int) -> dict[str, Any]:
    details = tv_enrichment.series_details(session, series_id)
    if details is None:
        raise ApplicationError(f"no provider details stored for series {series_id}", non_retryable=True)
    return details


# --- on the scan queue: downloads and database ------------------------------------------------------------------


@activity.defn
def load_series_enrichment_page(job: SeriesEnrichmentPageInput) -> SeriesEnrichmentPage:
    with database() as session:
        rows, total = tv_enrichment.series_enrichment_page(
            session, job.scan_job_id, job.library_id, job.after_series_id, job.limit
        )
        return SeriesEnrichmentPage(series=[series_target(row) for row in rows], total=total)


def series_target(row: Series) -> SeriesTarget:
    return SeriesTarget(
        series_id=row.id, title=row.title, year=row.year, tmdb_id=row.tmdb_id, tvdb_id=row.tvdb_id, imdb_id=row.imdb_id
    )


@activity.defn
def enrich_series_metadata(job: SeriesProviderInput) -> int:
    """The series updated from the stored details, locked fields untouched; returns how many fields changed."""
    with database() as session:
        meta = parse_series_details(_stored_details(session, job.series_id))
        match = "search" if job.match == "nfo" and meta.tmdb_id != job.provider_id else job.match
        return len(tv_enrichment.apply_series_metadata(session, job.series_id, meta, match))


@activity.defn
async def fetch_series_assets(job: SeriesProviderInput) -> ProviderAssetsResult:
    """The best provider images of the series and of each season downloaded (hashed on the way) into a temp area
    for the cache batch, as for movies; returns the candidate ids to cache."""
    s = settings()

    def plan() -> list[tuple[int, str]]:
        with database() as session:
            return tv_enrichment.series_downloads(
                session, job.series_id, preferred_language=s.tmdb_language, keep=download_keep()
            )

    downloads = await asyncio.to_thread(plan)
    folder = s.data_dir.resolve() / "downloads" / "series" / str(job.series_id)
    done = await download_candidates(downloads, folder, f"series {job.series_id}")
    return ProviderAssetsResult(candidates=len(downloads), to_cache=done)


@activity.defn
def select_series_assets(job: SeriesProviderInput) -> dict[str, int]:
    """Series and season artwork chosen from local files and candidates, locked choices kept."""
    with database() as session:
        return choose_artwork(tv_enrichment.select_series_artwork, session, job.series_id)


@activity.defn
def record_series_outcome(job: SeriesOutcomeInput) -> None:
    with database() as session:
        tv_enrichment.mark_series_outcome(session, job.series_id, job.state, job.reason)


TV_SCAN_QUEUE_ACTIVITIES: list[Callable[..., Any]] = [
    load_series_enrichment_page,
    enrich_series_metadata,
    fetch_series_assets,
    select_series_assets,
    record_series_outcome,
]
