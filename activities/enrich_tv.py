"""Phase 4 activities for TV libraries. As for movies: provider calls run on the rate-limited enrich task queue,
one API call per activity; downloads and the database run on the scan queue. The API key stays in the shared
client of activities.enrich and never enters a payload."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.common import database, settings
from activities.enrich import download_candidates, download_keep, provider_request
from reelscan.db import tv_enrichment
from reelscan.db.models import Series
from reelscan.payloads.enrichment import ProviderAssetsResult, ResolvedId
from reelscan.payloads.tv import (
    SeasonInput,
    SeasonResult,
    SeriesDetailsResult,
    SeriesEnrichmentPage,
    SeriesEnrichmentPageInput,
    SeriesFindInput,
    SeriesOutcomeInput,
    SeriesProviderInput,
    SeriesSearchInput,
    SeriesTarget,
)
from reelscan.providers.tmdb import TV_SEARCH, trailer_candidates
from reelscan.providers.tmdb_tv import (
    parse_season,
    parse_series_details,
    season_image_candidates,
    series_image_candidates,
)
from reelscan.selection import DEFAULT_KEEP

FIND_MATCH = {"tvdb_id": "tvdb", "imdb_id": "imdb"}


def _stored_details(session: Session, series_id: int) -> dict[str, Any]:
    details = tv_enrichment.series_details(session, series_id)
    if details is None:
        raise ApplicationError(f"no provider details stored for series {series_id}", non_retryable=True)
    return details


# --- on the enrich queue: one provider call each ----------------------------------------------------------------


@activity.defn
async def find_series_id(job: SeriesFindInput) -> ResolvedId:
    """TMDB id of a series from its TVDB id or IMDb id."""
    found = await provider_request(lambda tmdb: tmdb.find_tv_by_external_id(job.external_id, job.source))
    return ResolvedId(tmdb_id=found, match=FIND_MATCH.get(job.source, "none") if found else "none")


@activity.defn
async def search_series_id(job: SeriesSearchInput) -> ResolvedId:
    """TMDB id of a series from its title and first-air year; no match is recorded as such rather than guessed."""
    match = await provider_request(
        lambda tmdb: tmdb.search_once(job.title, job.year, filter_by_year=job.filter_by_year, kind=TV_SEARCH)
    )
    return ResolvedId(tmdb_id=match.tmdb_id if match else None, match="search" if match else "none")


@activity.defn
async def fetch_series_details(job: SeriesProviderInput) -> SeriesDetailsResult:
    """The one details call per series, stored (with its artwork as candidates unless metadata only). Returns the
    seasons on disk the provider lists, each fetched by its own call.

    An id from the NFO or folder name that TMDB does not know (404) falls back to a title search, as for movies:
    the match's details are stored, its seasons fetched and the match recorded as a search."""
    if job.match == "nfo":

        def title_and_year() -> tuple[str, int | None]:
            with database() as session:
                return tv_enrichment.series_title_and_year(session, job.series_id)

        title, year = await asyncio.to_thread(title_and_year)
        details, fallback = await provider_request(lambda tmdb: tmdb.tv_details_or_search(job.provider_id, title, year))
        if fallback is not None:
            activity.logger.info("TMDB has no series %s: matched %r by title instead", job.provider_id, title)
    else:
        details = await provider_request(lambda tmdb: tmdb.tv_details(job.provider_id))
    provider_id = int(details.get("id") or job.provider_id)

    def store() -> list[int]:
        with database() as session:
            tv_enrichment.store_series_details(session, job.series_id, provider_id, details)
            if job.with_artwork:
                tv_enrichment.store_series_artwork(
                    session,
                    job.series_id,
                    series_image_candidates(details),
                    trailer_candidates(details),
                    job.image_base_url,
                )
            return tv_enrichment.seasons_to_fetch(session, job.series_id, parse_series_details(details))

    return SeriesDetailsResult(seasons=await asyncio.to_thread(store))


@activity.defn
async def fetch_season(job: SeasonInput) -> SeasonResult:
    """One season call: its episodes' titles, air dates and plots applied (locked fields kept), its posters stored
    as candidates of the season unless metadata only."""

    def stored_id() -> int:
        with database() as session:
            return tv_enrichment.series_provider_id(session, job.series_id) or job.provider_id

    provider_id = await asyncio.to_thread(stored_id)  # another than job's when the NFO's id fell back to a search
    details = await provider_request(lambda tmdb: tmdb.tv_season(provider_id, job.season_number))

    def apply() -> SeasonResult:
        with database() as session:
            applied = tv_enrichment.apply_season(
                session,
                job.series_id,
                job.season_number,
                parse_season(details),
                title=details.get("name") or None,
                plot=details.get("overview") or None,
            )
            if job.with_artwork and applied.season_id is not None:
                images = season_image_candidates(details)
                tv_enrichment.store_season_artwork(session, applied.season_id, images, job.image_base_url)
        return SeasonResult(episodes_matched=applied.episodes_matched, fields_changed=applied.fields_changed)

    return await asyncio.to_thread(apply)


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
    s = settings()
    with database() as session:
        return tv_enrichment.select_series_artwork(
            session,
            job.series_id,
            preferred_language=s.tmdb_language,
            local_first=s.prefer_local_assets,
            keep={**DEFAULT_KEEP, **s.asset_keep_counts},
        )


@activity.defn
def record_series_outcome(job: SeriesOutcomeInput) -> None:
    with database() as session:
        tv_enrichment.mark_series_outcome(session, job.series_id, job.state, job.reason)


TV_ENRICH_QUEUE_ACTIVITIES: list[Callable[..., Any]] = [
    find_series_id,
    search_series_id,
    fetch_series_details,
    fetch_season,
]
TV_SCAN_QUEUE_ACTIVITIES: list[Callable[..., Any]] = [
    load_series_enrichment_page,
    enrich_series_metadata,
    fetch_series_assets,
    select_series_assets,
    record_series_outcome,
]
