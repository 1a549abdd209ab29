"""Phase 4 activities of movies on the scan queue: downloads and the database. Their provider calls (one API call
per activity, on the rate-limited enrich queue) are in activities/provider_calls.py."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.common import database, settings
from activities.provider_calls import choose_artwork, download_candidates, download_keep
from reelscan.db import enrichment
from reelscan.payloads.enrichment import (
    EnrichmentOutcomeInput,
    EnrichmentPage,
    EnrichmentPageInput,
    EnrichmentTarget,
    MovieProviderInput,
    ProviderAssetsResult,
)
from reelscan.providers.tmdb import (
    image_candidates,
    parse_movie_details,
    trailer_candidates,
)

# --- on the scan queue: downloads and database ------------------------------------------------------------------


@activity.defn
def load_enrichment_page(job: EnrichmentPageInput) -> EnrichmentPage:
    with database() as session:
        movies, total = enrichment.enrichment_targets(
            session, job.scan_job_id, job.library_id, job.after_movie_id, job.limit
        )
        targets = [
            EnrichmentTarget(movie_id=m.id, title=m.title, year=m.year, tmdb_id=m.tmdb_id, imdb_id=m.imdb_id)
            for m in movies
        ]
    return EnrichmentPage(movies=targets, total=total)


@activity.defn
async def fetch_provider_assets(job: MovieProviderInput) -> ProviderAssetsResult:
    """The spec's fetch-provider-assets: candidates from the stored details, the best images downloaded (hashed
    on the way) into a temp area for the cache batch; trailers are kept as YouTube candidates only."""
    s = settings()

    def plan() -> list[tuple[int, str]]:
        with database() as session:
            details = enrichment.provider_details(session, job.movie_id) or {}
            rows = enrichment.upsert_provider_candidates(
                session, job.movie_id, image_candidates(details), trailer_candidates(details), job.image_base_url
            )
            return enrichment.downloads_wanted(rows, preferred_language=s.tmdb_language, keep=download_keep())

    downloads = await asyncio.to_thread(plan)
    folder = s.data_dir.resolve() / "downloads" / str(job.movie_id)
    done = await download_candidates(downloads, folder, f"movie {job.movie_id}")
    return ProviderAssetsResult(candidates=len(downloads), to_cache=done)


@activity.defn
def enrich_metadata(job: MovieProviderInput) -> int:
    """The spec's enrich-metadata: the movie updated from the stored details, locked fields untouched."""
    with database() as session:
        details = enrichment.provider_details(session, job.movie_id)
        if details is None:
            raise ApplicationError(f"no provider details stored for movie {job.movie_id}", non_retryable=True)
        meta = parse_movie_details(details)
        match = "search" if job.match == "nfo" and meta.tmdb_id != job.provider_id else job.match
        language = settings().tmdb_language
        return len(enrichment.apply_metadata(session, job.movie_id, meta, match, language=language))


@activity.defn
def select_assets(job: MovieProviderInput) -> dict[str, int]:
    """The spec's select-assets: score every candidate, keep the best per type, respect locked choices."""
    with database() as session:
        enrichment.sync_local_candidates(session, job.movie_id)
        return choose_artwork(enrichment.apply_selection, session, job.movie_id)


@activity.defn
def record_enrichment_outcome(job: EnrichmentOutcomeInput) -> None:
    with database() as session:
        enrichment.mark_outcome(session, job.movie_id, job.state, job.reason)


SCAN_QUEUE_ACTIVITIES: list[Callable[..., Any]] = [
    load_enrichment_page,
    fetch_provider_assets,
    enrich_metadata,
    select_assets,
    record_enrichment_outcome,
]
