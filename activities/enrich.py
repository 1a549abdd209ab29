"""Phase 4 activities. Provider calls run on the rate-limited enrich task queue, one API call per activity, so
the server-side limit holds for every worker together; the rest (downloads, database) runs on the scan queue.
The API key is read from settings here and never leaves this module."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.common import count, database, settings
from reelscan.db import enrichment
from reelscan.payloads.enrichment import (
    EnrichmentOutcomeInput,
    EnrichmentPage,
    EnrichmentPageInput,
    EnrichmentTarget,
    MovieProviderInput,
    ProviderAssetsResult,
    ProviderConfig,
    ProviderConfigInput,
    ProviderLookupInput,
    ResolvedId,
)
from reelscan.providers.tmdb import (
    ProviderError,
    ProviderRateLimited,
    TmdbClient,
    TmdbCredentials,
    image_candidates,
    parse_movie_details,
    trailer_candidates,
)
from reelscan.selection import DEFAULT_KEEP

NO_KEY = "no TMDB credentials configured: set REELSCAN_TMDB_API_KEY or REELSCAN_TMDB_READ_TOKEN on the workers"
_clients: dict[tuple[str, ...], TmdbClient] = {}
T = TypeVar("T")


def _credentials() -> TmdbCredentials:
    s = settings()
    return TmdbCredentials(
        api_key=s.tmdb_api_key.get_secret_value() if s.tmdb_api_key else None,
        read_token=s.tmdb_read_token.get_secret_value() if s.tmdb_read_token else None,
    )


def tmdb() -> TmdbClient:
    """One shared client per worker process and configuration."""
    s, credentials = settings(), _credentials()
    key = (
        s.tmdb_base_url,
        s.tmdb_language,
        str(s.tmdb_timeout_seconds),
        str(credentials.api_key),
        str(credentials.read_token),
    )
    if key not in _clients:
        _clients[key] = TmdbClient(
            credentials, base_url=s.tmdb_base_url, language=s.tmdb_language, timeout=s.tmdb_timeout_seconds
        )
    return _clients[key]


def provider_failure(exc: ProviderError) -> ApplicationError:
    """429 waits as long as the provider asked; 401/404 are final; the rest retries with backoff."""
    count("provider_errors", kind=type(exc).__name__)
    activity.logger.warning("provider call failed: %s", exc)
    if isinstance(exc, ProviderRateLimited):
        return ApplicationError(
            str(exc), type="ProviderRateLimited", next_retry_delay=timedelta(seconds=max(exc.retry_after, 0.1))
        )
    return ApplicationError(str(exc), type=type(exc).__name__, non_retryable=not exc.retryable)


async def provider_request(call: Callable[[TmdbClient], Awaitable[T]]) -> T:
    """One counted provider call with the shared client; its failure becomes the matching ApplicationError."""
    try:
        count("enrichment_requests")
        return await call(tmdb())
    except ProviderError as exc:
        raise provider_failure(exc) from None


# --- on the enrich queue: one provider call each ----------------------------------------------------------------


@activity.defn
async def fetch_provider_configuration(job: ProviderConfigInput) -> ProviderConfig:
    if not _credentials().configured:
        return ProviderConfig(configured=False, reason=NO_KEY)
    try:
        count("enrichment_requests")
        config = await tmdb().configuration()
    except ProviderError as exc:
        raise provider_failure(exc) from None
    images = config.get("images") or {}
    return ProviderConfig(configured=True, image_base_url=images.get("secure_base_url") or images.get("base_url"))


@activity.defn
async def find_provider_id(job: ProviderLookupInput) -> ResolvedId:
    """TMDB id from an IMDb id."""
    try:
        count("enrichment_requests")
        found = await tmdb().find_by_imdb(job.imdb_id or "")
    except ProviderError as exc:
        raise provider_failure(exc) from None
    return ResolvedId(tmdb_id=found, match="imdb" if found else "none")


@activity.defn
async def search_provider_id(job: ProviderLookupInput) -> ResolvedId:
    """TMDB id from title and year; no match is recorded as such rather than guessed."""
    try:
        count("enrichment_requests")
        match = await tmdb().search_once(job.title, job.year, filter_by_year=job.filter_by_year)
    except ProviderError as exc:
        raise provider_failure(exc) from None
    return ResolvedId(tmdb_id=match.tmdb_id if match else None, match="search" if match else "none")


@activity.defn
async def fetch_provider_details(job: MovieProviderInput) -> None:
    """The one details call per movie; stored so assets and metadata both use it.

    An id from the NFO or folder name that TMDB does not know (404) falls back to a title search, as media servers
    do; the details of the match are stored, and enrich_metadata records the match as a search.
    """
    try:
        count("enrichment_requests")
        if job.match == "nfo":

            def title_and_year() -> tuple[str, int | None]:
                with database() as session:
                    return enrichment.movie_title_and_year(session, job.movie_id)

            title, year = await asyncio.to_thread(title_and_year)
            details, fallback = await tmdb().movie_details_or_search(job.provider_id, title, year)
            if fallback is not None:
                count("nfo_id_fallbacks")
                activity.logger.info("TMDB has no movie %s: matched %r by title instead", job.provider_id, title)
        else:
            details = await tmdb().movie_details(job.provider_id)
    except ProviderError as exc:
        raise provider_failure(exc) from None
    provider_id = int(details.get("id") or job.provider_id)

    def store() -> None:
        with database() as session:
            enrichment.store_provider_details(session, job.movie_id, provider_id, details)

    await asyncio.to_thread(store)


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


def download_keep() -> dict[str, int]:
    """How many provider images per type are worth downloading: twice what selection keeps."""
    return {k: 2 * v for k, v in {**DEFAULT_KEEP, **settings().asset_keep_counts}.items()}


async def download_candidates(downloads: list[tuple[int, str]], folder: Path, owner: str) -> list[int]:
    """Download (id, url) candidates into a temp folder, hashing on the way, and record each file on its candidate
    for the cache batch. Returns the ids downloaded; a missing image (not 200) is skipped."""
    await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
    done: list[int] = []
    async with httpx.AsyncClient(timeout=settings().tmdb_timeout_seconds, follow_redirects=True) as http:
        for candidate_id, url in downloads:
            activity.heartbeat(candidate_id)
            ext = Path(url).suffix.lower().lstrip(".")[:5] or "jpg"
            target = folder / f"{candidate_id}.{ext if ext.isalnum() else 'jpg'}"
            digest = hashlib.sha256()
            try:
                async with http.stream("GET", url) as response:
                    if response.status_code != 200:
                        continue  # a missing image is not worth failing the movie for
                    with target.open("wb") as out:
                        async for chunk in response.aiter_bytes():
                            digest.update(chunk)
                            out.write(chunk)
            except httpx.HTTPError:
                raise ApplicationError(f"could not download artwork for {owner}") from None
            st = target.stat()

            def record(
                candidate_id: int = candidate_id,
                path: str = str(target),
                size: int = st.st_size,
                mtime: int = st.st_mtime_ns,
                sha: str = digest.hexdigest(),
            ) -> None:
                with database() as session:
                    enrichment.set_candidate_download(
                        session, candidate_id, path=path, size=size, mtime_ns=mtime, sha256=sha
                    )

            await asyncio.to_thread(record)
            done.append(candidate_id)
    return done


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
    s = settings()
    with database() as session:
        enrichment.sync_local_candidates(session, job.movie_id)
        return enrichment.apply_selection(
            session,
            job.movie_id,
            preferred_language=s.tmdb_language,
            local_first=s.prefer_local_assets,
            keep={**DEFAULT_KEEP, **s.asset_keep_counts},
        )


@activity.defn
def record_enrichment_outcome(job: EnrichmentOutcomeInput) -> None:
    with database() as session:
        enrichment.mark_outcome(session, job.movie_id, job.state, job.reason)


ENRICH_QUEUE_ACTIVITIES: list[Callable[..., Any]] = [
    fetch_provider_configuration,
    find_provider_id,
    search_provider_id,
    fetch_provider_details,
]
SCAN_QUEUE_ACTIVITIES: list[Callable[..., Any]] = [
    load_enrichment_page,
    fetch_provider_assets,
    enrich_metadata,
    select_assets,
    record_enrichment_outcome,
]
