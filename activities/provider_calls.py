"""Every TMDB call of phase 4, for movies and series: one shared client per worker process, one API call per
activity on the rate-limited enrich task queue (so the server-side limit holds for every worker together), and the
artwork downloads of the scan-queue activities. The API key is read from settings here and never leaves this
module; provider errors become the ApplicationErrors the workflows' retry policies know (MusicBrainz calls too).
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any, Protocol, TypeVar

import httpx
from sqlalchemy.orm import Session
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.common import count, database, settings
from reelscan.db import enrichment, tv_enrichment
from reelscan.payloads.enrichment import (
    AlternativeTitlesInput,
    MovieProviderInput,
    ProviderConfig,
    ProviderConfigInput,
    ProviderLookupInput,
    ResolvedId,
    SearchCandidate,
)
from reelscan.payloads.tv import (
    SeasonInput,
    SeasonResult,
    SeriesDetailsResult,
    SeriesFindInput,
    SeriesProviderInput,
    SeriesSearchInput,
)
from reelscan.payloads.values import FindSource, IdMatch
from reelscan.providers.tmdb import (
    MOVIE_SEARCH,
    TV_SEARCH,
    ProviderError,
    ProviderRateLimited,
    SearchKind,
    SearchMatch,
    TmdbClient,
    TmdbCredentials,
    trailer_candidates,
)
from reelscan.providers.tmdb_tv import (
    parse_season,
    parse_series_details,
    season_image_candidates,
    series_image_candidates,
)
from reelscan.selection import DEFAULT_KEEP

NO_KEY = "no TMDB credentials configured: set REELSCAN_TMDB_API_KEY or REELSCAN_TMDB_READ_TOKEN on the workers"
_clients: dict[tuple[str, ...], TmdbClient] = {}
T = TypeVar("T")
FIND_MATCH: dict[FindSource, IdMatch] = {"tvdb_id": "tvdb", "imdb_id": "imdb"}


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


class ArtworkSelection(Protocol):
    def __call__(
        self, session: Session, owner_id: int, /, *, preferred_language: str, local_first: bool, keep: dict[str, int]
    ) -> dict[str, int]: ...


def choose_artwork(select: ArtworkSelection, session: Session, owner_id: int) -> dict[str, int]:
    """Artwork chosen among local files and provider candidates by the workers' settings: preferred language, local
    files first or not, how many of each type to keep."""
    s = settings()
    keep = {**DEFAULT_KEEP, **s.asset_keep_counts}
    return select(session, owner_id, preferred_language=s.tmdb_language, local_first=s.prefer_local_assets, keep=keep)


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


# --- on the enrich queue: one provider call each ----------------------------------------------------------------


@activity.defn
async def fetch_provider_configuration(job: ProviderConfigInput) -> ProviderConfig:
    if not _credentials().configured:
        return ProviderConfig(configured=False, reason=NO_KEY)
    config = await provider_request(lambda tmdb: tmdb.configuration())
    images = config.get("images") or {}
    return ProviderConfig(configured=True, image_base_url=images.get("secure_base_url") or images.get("base_url"))


@activity.defn
async def find_provider_id(job: ProviderLookupInput) -> ResolvedId:
    """TMDB id from an IMDb id."""
    found = await provider_request(lambda tmdb: tmdb.find_by_imdb(job.imdb_id or ""))
    return ResolvedId(tmdb_id=found, match="imdb" if found else "none")


@activity.defn
async def search_provider_id(job: ProviderLookupInput) -> ResolvedId:
    """TMDB id from title and year; no match is recorded as such rather than guessed. Without one, the results
    whose alternative titles may match come back as candidates (`match_alternative_titles` looks, one call each)."""
    match, results = await provider_request(
        lambda tmdb: tmdb.search_candidates(job.title, job.year, filter_by_year=job.filter_by_year)
    )
    if match is not None:
        return ResolvedId(tmdb_id=match.tmdb_id, match="search", score=match.score)
    return ResolvedId(tmdb_id=None, match="none", candidates=[_candidate(result) for result in results])


def _candidate(result: dict[str, Any], kind: SearchKind = MOVIE_SEARCH) -> SearchCandidate:
    title_key, original_key = kind.name_keys
    date = result.get(kind.date_key)
    popularity = result.get("popularity")
    return SearchCandidate(
        tmdb_id=int(result["id"]),
        title=str(result.get(title_key) or ""),
        original_title=str(result.get(original_key) or ""),
        release_date=date if isinstance(date, str) else None,
        popularity=float(popularity) if isinstance(popularity, int | float) else 0.0,
    )


def _search_result(candidate: SearchCandidate, kind: SearchKind = MOVIE_SEARCH) -> dict[str, Any]:
    """A candidate as the search result it came from, for `best_match`."""
    title_key, original_key = kind.name_keys
    return {
        "id": candidate.tmdb_id,
        title_key: candidate.title,
        original_key: candidate.original_title,
        kind.date_key: candidate.release_date,
        "popularity": candidate.popularity,
    }


@activity.defn
async def match_alternative_titles(job: AlternativeTitlesInput) -> ResolvedId:
    """Whether a search result that did not match by its title does by one of its alternative titles (a title in
    another language on disk: "Harry Potter und der Stein der Weisen"); one call."""
    result = _search_result(job.candidate)
    match = await provider_request(lambda tmdb: tmdb.match_alternative_titles(job.title, job.year, result))
    if match is None:
        return ResolvedId(tmdb_id=None, match="none")
    return ResolvedId(tmdb_id=match.tmdb_id, match="search", score=match.score)


async def _details(
    job: MovieProviderInput | SeriesProviderInput,
    what: str,
    title_and_year: Callable[[], tuple[str, int | None]],
    by_id: Callable[[TmdbClient, int], Awaitable[dict[str, Any]]],
    by_id_or_search: Callable[[TmdbClient, int, str, int | None], Awaitable[tuple[dict[str, Any], SearchMatch | None]]],
) -> dict[str, Any]:
    """The details of the job's provider id. An id from the NFO or folder name that TMDB does not know (404) falls
    back to a title search, as media servers do: the match's details come back, and the metadata step records the
    match as a search (its id differs from the job's)."""
    if job.match != "nfo":
        return await provider_request(lambda tmdb: by_id(tmdb, job.provider_id))
    title, year = await asyncio.to_thread(title_and_year)
    details, fallback = await provider_request(lambda tmdb: by_id_or_search(tmdb, job.provider_id, title, year))
    if fallback is not None:
        count("nfo_id_fallbacks")
        activity.logger.info("TMDB has no %s %s: matched %r by title instead", what, job.provider_id, title)
    return details


@activity.defn
async def fetch_provider_details(job: MovieProviderInput) -> None:
    """The one details call per movie (two to four when the NFO's id is unknown); stored so assets and metadata
    both use it."""

    def title_and_year() -> tuple[str, int | None]:
        with database() as session:
            return enrichment.movie_title_and_year(session, job.movie_id)

    details = await _details(job, "movie", title_and_year, TmdbClient.movie_details, TmdbClient.movie_details_or_search)
    provider_id = int(details.get("id") or job.provider_id)

    def store() -> None:
        with database() as session:
            enrichment.store_provider_details(session, job.movie_id, provider_id, details)

    await asyncio.to_thread(store)


@activity.defn
async def find_series_id(job: SeriesFindInput) -> ResolvedId:
    """TMDB id of a series from its TVDB id or IMDb id."""
    found = await provider_request(lambda tmdb: tmdb.find_tv_by_external_id(job.external_id, job.source))
    return ResolvedId(tmdb_id=found, match=FIND_MATCH.get(job.source, "none") if found else "none")


@activity.defn
async def search_series_id(job: SeriesSearchInput) -> ResolvedId:
    """TMDB id of a series from its title and first-air year; no match is recorded as such rather than guessed.
    Without one, the results whose alternative titles may match come back as candidates, as for movies."""
    match, results = await provider_request(
        lambda tmdb: tmdb.search_candidates(job.title, job.year, filter_by_year=job.filter_by_year, kind=TV_SEARCH)
    )
    if match is not None:
        return ResolvedId(tmdb_id=match.tmdb_id, match="search", score=match.score)
    return ResolvedId(tmdb_id=None, match="none", candidates=[_candidate(result, TV_SEARCH) for result in results])


@activity.defn
async def match_series_alternative_titles(job: AlternativeTitlesInput) -> ResolvedId:
    """Whether a series search result that did not match by its name does by one of its alternative titles
    ("Haus des Geldes" for "La casa de papel"); one call."""
    result = _search_result(job.candidate, TV_SEARCH)
    match = await provider_request(
        lambda tmdb: tmdb.match_alternative_titles(job.title, job.year, result, kind=TV_SEARCH)
    )
    if match is None:
        return ResolvedId(tmdb_id=None, match="none")
    return ResolvedId(tmdb_id=match.tmdb_id, match="search", score=match.score)


@activity.defn
async def fetch_series_details(job: SeriesProviderInput) -> SeriesDetailsResult:
    """The one details call per series, stored (with its artwork as candidates unless metadata only). Returns the
    seasons on disk the provider lists, each fetched by its own call.

    An unknown NFO id falls back to a title search as for movies: the match's details are stored and its seasons
    fetched."""

    def title_and_year() -> tuple[str, int | None]:
        with database() as session:
            return tv_enrichment.series_title_and_year(session, job.series_id)

    details = await _details(job, "series", title_and_year, TmdbClient.tv_details, TmdbClient.tv_details_or_search)
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


ENRICH_QUEUE_ACTIVITIES: list[Callable[..., Any]] = [
    fetch_provider_configuration,
    find_provider_id,
    search_provider_id,
    match_alternative_titles,
    fetch_provider_details,
    find_series_id,
    search_series_id,
    match_series_alternative_titles,
    fetch_series_details,
    fetch_season,
]
