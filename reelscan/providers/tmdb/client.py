"""The TMDB API v3 client on httpx: one connection pool, errors built from the request path only (never the key
or token). Nothing here logs."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any

import httpx

from reelscan.providers.http import json_object
from reelscan.providers.tmdb import errors
from reelscan.providers.tmdb.credentials import TmdbCredentials
from reelscan.providers.tmdb.matching import (
    ALTERNATIVE_TITLE_LOOKUPS,
    MOVIE_SEARCH,
    TV_SEARCH,
    SearchKind,
    SearchMatch,
    alternative_titles,
    best_match,
    year_allows,
)

DEFAULT_BASE_URL = "https://api.themoviedb.org/3"
APPEND_TO_RESPONSE = "credits,images,videos,release_dates,external_ids"
TV_APPEND_TO_RESPONSE = "credits,aggregate_credits,images,videos,content_ratings,external_ids"
SEASON_APPEND_TO_RESPONSE = "images"
TV_EXTERNAL_SOURCES = ("tvdb_id", "imdb_id")


class TmdbClient:
    """Async TMDB v3 client sharing one httpx connection pool; use as `async with` or call `aclose()`."""

    def __init__(
        self,
        credentials: TmdbCredentials,
        *,
        base_url: str = DEFAULT_BASE_URL,
        language: str = "en-US",
        timeout: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.language = language
        self.timeout = timeout
        self._credentials = credentials
        headers = {"Accept": "application/json"}
        if credentials.read_token:
            headers["Authorization"] = f"Bearer {credentials.read_token}"
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"), headers=headers, timeout=timeout, transport=transport
        )
        self._configuration: dict[str, Any] | None = None

    def __repr__(self) -> str:
        return f"TmdbClient(base_url={str(self._http.base_url)!r}, language={self.language!r})"

    async def __aenter__(self) -> TmdbClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # --- calls ---

    async def movie_details(self, tmdb_id: int) -> dict[str, Any]:
        """Everything about one movie in a single call: credits, images, videos, release dates and external ids."""
        return await self._get(f"/movie/{int(tmdb_id)}", self._details_params(APPEND_TO_RESPONSE))

    async def movie_details_or_search(
        self, tmdb_id: int, title: str, year: int | None
    ) -> tuple[dict[str, Any], SearchMatch | None]:
        """movie_details of an id taken from an NFO or folder name; when TMDB has nothing there (404: the id is
        stale or wrong) the details of the best `search_movie` match of the title and year instead, with the match.

        ProviderNotFound still when the search finds nothing. Up to four calls, only when the id is unknown.
        """
        return await _details_or_search(self.movie_details, self.search_movie, tmdb_id, title, year)

    async def tv_details_or_search(
        self, tmdb_id: int, title: str, year: int | None
    ) -> tuple[dict[str, Any], SearchMatch | None]:
        """As `movie_details_or_search`, for a series: tv_details, else those of the best `search_tv` match."""
        return await _details_or_search(self.tv_details, self.search_tv, tmdb_id, title, year)

    async def tv_details(self, tmdb_id: int) -> dict[str, Any]:
        """Everything about one series in a single call: credits (the latest season's and every season's), images,
        videos, content ratings, external ids.

        The answer lists the seasons (number, episode count) but not their episodes: see `tv_season`.
        """
        return await self._get(f"/tv/{int(tmdb_id)}", self._details_params(TV_APPEND_TO_RESPONSE))

    async def tv_season(self, tmdb_id: int, season_number: int) -> dict[str, Any]:
        """One season of a series with its episodes (titles, air dates, overviews, stills) and its posters."""
        path = f"/tv/{int(tmdb_id)}/season/{int(season_number)}"
        return await self._get(path, self._details_params(SEASON_APPEND_TO_RESPONSE))

    async def find_by_imdb(self, imdb_id: str) -> int | None:
        """The TMDB id of the movie with this IMDb id, or None when TMDB knows none."""
        return await self._find(imdb_id, "imdb_id", "movie_results")

    async def find_tv_by_external_id(self, external_id: str | int, source: str) -> int | None:
        """The TMDB id of the series with this TVDB id (source "tvdb_id") or IMDb id ("imdb_id"), or None."""
        if source not in TV_EXTERNAL_SOURCES:
            raise ValueError(f"unknown external source {source!r}; one of {', '.join(TV_EXTERNAL_SOURCES)}")
        return await self._find(str(external_id), source, "tv_results")

    async def search_once(
        self,
        title: str,
        year: int | None,
        *,
        filter_by_year: bool,
        kind: SearchKind = MOVIE_SEARCH,
        alternative_lookups: int = 0,
    ) -> SearchMatch | None:
        """Search the title (restricted to the year when asked), best match by `best_match`.

        One API call; with alternative_lookups N, and only when results came back but none matched by title, up to
        N more: the alternative titles of the first N results whose year fits (TMDB's search also finds a movie by
        a title in another language, which its answer does not show). Callers that count calls against a rate
        limit count 1 + N, or make them one at a time: `search_candidates`, then `match_alternative_titles`.
        `kind` is MOVIE_SEARCH (the default) or TV_SEARCH.
        """
        match, candidates = await self.search_candidates(
            title, year, filter_by_year=filter_by_year, kind=kind, limit=alternative_lookups
        )
        if match is not None or not candidates:
            return match
        alternatives = {
            int(result["id"]): await self.alternative_titles(int(result["id"]), kind) for result in candidates
        }
        return best_match(title, year, candidates, kind=kind, alternatives=alternatives)

    async def search_candidates(
        self,
        title: str,
        year: int | None,
        *,
        filter_by_year: bool,
        kind: SearchKind = MOVIE_SEARCH,
        limit: int = ALTERNATIVE_TITLE_LOOKUPS,
    ) -> tuple[SearchMatch | None, list[dict[str, Any]]]:
        """One search call: the best match, or (when results came back but none matched by title) None and the
        first `limit` results whose year fits, whose alternative titles may still match."""
        if not title.strip():
            return None, []
        params: dict[str, Any] = {"query": title, "language": self.language}
        if filter_by_year and year is not None:
            params[kind.year_param] = year
        results = _results(await self._get(kind.path, params))
        match = best_match(title, year, results, kind=kind)
        if match is not None or limit <= 0:
            return match, []
        return None, [r for r in results if isinstance(r.get("id"), int) and year_allows(year, r, kind)][:limit]

    async def match_alternative_titles(
        self, title: str, year: int | None, result: dict[str, Any], kind: SearchKind = MOVIE_SEARCH
    ) -> SearchMatch | None:
        """One call: a search result's alternative titles, and the match when one of them fits the title and year
        by `best_match`'s rules."""
        tmdb_id = int(result["id"])
        alternatives = {tmdb_id: await self.alternative_titles(tmdb_id, kind)}
        return best_match(title, year, [result], kind=kind, alternatives=alternatives)

    async def alternative_titles(self, tmdb_id: int, kind: SearchKind = MOVIE_SEARCH) -> list[str]:
        """A movie's (or, with TV_SEARCH, a series') titles in other countries and languages."""
        return alternative_titles(await self._get(f"{kind.details_path}/{int(tmdb_id)}/alternative_titles"), kind)

    async def search_movie(self, title: str, year: int | None) -> SearchMatch | None:
        """The best search result for a title and year, or None ("no match") rather than a wild guess.

        Searches with the year first; when that gives no acceptable match (the year on disk may be off by one, or
        TMDB dates the movie differently) the title is searched again without the year; each search looks at the
        alternative titles of up to ALTERNATIVE_TITLE_LOOKUPS results when no title matched. Callers that count
        calls against a rate limit use `search_once` for each.
        """
        return await self._search(title, year, MOVIE_SEARCH)

    async def search_tv(self, title: str, year: int | None) -> SearchMatch | None:
        """The best series for a title and first-air year, or None ("no match"): as `search_movie`, on /search/tv.

        The year is the first air year (first_air_date_year); SearchMatch.title is the series' name.
        """
        return await self._search(title, year, TV_SEARCH)

    async def configuration(self) -> dict[str, Any]:
        """GET /configuration (image base URLs and sizes), fetched once per client."""
        if self._configuration is None:
            self._configuration = await self._get("/configuration")
        return self._configuration

    # --- plumbing ---

    def _details_params(self, append: str) -> dict[str, Any]:
        return {
            "append_to_response": append,
            "language": self.language,
            "include_image_language": f"{self.language.split('-')[0]},null,en",
            "include_video_language": f"{self.language.split('-')[0]},null,en",
        }

    async def _find(self, external_id: str, source: str, results_key: str) -> int | None:
        external_id = external_id.strip()
        if not _EXTERNAL_ID[source].fullmatch(external_id):
            return None  # never put arbitrary text into the path
        body = await self._get(f"/find/{external_id}", {"external_source": source})
        for result in body.get(results_key) or []:
            if isinstance(result, dict) and isinstance(result.get("id"), int):
                return int(result["id"])
        return None

    async def _search(self, title: str, year: int | None, kind: SearchKind) -> SearchMatch | None:
        if year is not None:
            match = await self.search_once(
                title, year, filter_by_year=True, kind=kind, alternative_lookups=ALTERNATIVE_TITLE_LOOKUPS
            )
            if match is not None:
                return match
        return await self.search_once(
            title, year, filter_by_year=False, kind=kind, alternative_lookups=ALTERNATIVE_TITLE_LOOKUPS
        )

    async def _get(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        query = dict(params or {})
        if self._credentials.api_key and not self._credentials.read_token:
            query["api_key"] = self._credentials.api_key
        try:
            response = await self._http.get(path, params=query)
        except httpx.TimeoutException:
            raise errors.ProviderUnavailable(f"TMDB did not answer in {self.timeout:g} s ({path})") from None
        except httpx.TransportError as exc:
            reason = self._scrub(str(exc)) or type(exc).__name__
            raise errors.ProviderUnavailable(f"cannot reach TMDB: {reason} ({path})") from None
        status = response.status_code
        if status == 401:
            if self._credentials.read_token:
                raise errors.ProviderAuthError(
                    "TMDB rejected the read access token (401): check REELSCAN_TMDB_READ_TOKEN"
                )
            raise errors.ProviderAuthError("TMDB rejected the API key (401): check REELSCAN_TMDB_API_KEY")
        if status == 404:
            raise errors.ProviderNotFound(f"TMDB has nothing at {path} (404)")
        if status == 429:
            raise errors.ProviderRateLimited(f"TMDB rate limit hit on {path} (429)", retry_after_seconds(response))
        if status >= 500:
            raise errors.ProviderUnavailable(f"TMDB failed on {path} ({status})")
        if not 200 <= status < 300:
            raise errors.ProviderError(f"TMDB refused {path} ({status})", retryable=False)
        return json_object(response, errors.ProviderUnavailable(f"TMDB sent a malformed response ({path})"))

    def _scrub(self, text: str) -> str:
        for secret in (self._credentials.api_key, self._credentials.read_token):
            if secret:
                text = text.replace(secret, "***")
        return text


async def _details_or_search(
    details: Callable[[int], Awaitable[dict[str, Any]]],
    search: Callable[[str, int | None], Awaitable[SearchMatch | None]],
    tmdb_id: int,
    title: str,
    year: int | None,
) -> tuple[dict[str, Any], SearchMatch | None]:
    try:
        return await details(tmdb_id), None
    except errors.ProviderNotFound:
        match = await search(title, year)
        if match is None or match.tmdb_id == int(tmdb_id):
            raise
    return await details(match.tmdb_id), match


def retry_after_seconds(response: httpx.Response, default: float = errors.DEFAULT_RETRY_AFTER) -> float:
    """Seconds from a Retry-After header (a number of seconds); `default` when missing or unreadable."""
    value = response.headers.get("Retry-After")
    if value is None:
        return default
    try:
        seconds = float(value)
    except ValueError:
        return default
    return seconds if seconds >= 0 and seconds == seconds else default


def _results(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in body.get("results") or [] if isinstance(r, dict)]


_IMDB_ID = re.compile(r"tt\d{5,10}")
_EXTERNAL_ID = {"imdb_id": _IMDB_ID, "tvdb_id": re.compile(r"[1-9]\d{0,9}")}
