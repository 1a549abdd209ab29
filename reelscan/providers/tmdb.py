"""TMDB API v3 client on httpx, plus pure functions that turn its answers into metadata and asset candidates.

Errors say what happened in a sentence and never contain the API key or token.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import httpx


class ProviderError(Exception):
    retryable = True


class ProviderAuthError(ProviderError):
    retryable = False


class ProviderNotFound(ProviderError):
    retryable = False


class ProviderRateLimited(ProviderError):
    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ProviderUnavailable(ProviderError):
    pass


@dataclass(frozen=True)
class TmdbCredentials:
    api_key: str | None = None
    read_token: str | None = None

    @property
    def configured(self) -> bool:
        return bool(self.api_key or self.read_token)

    def __repr__(self) -> str:  # never print the secrets
        return f"TmdbCredentials(configured={self.configured})"


@dataclass(frozen=True)
class SearchMatch:
    tmdb_id: int
    title: str
    year: int | None
    score: float


class TmdbClient:
    def __init__(
        self,
        credentials: TmdbCredentials,
        *,
        base_url: str = "https://api.themoviedb.org/3",
        language: str = "en-US",
        timeout: float = 10.0,
    ) -> None:
        self.language = language
        self.timeout = timeout
        self._credentials = credentials
        headers = {"Accept": "application/json"}
        if credentials.read_token:
            headers["Authorization"] = f"Bearer {credentials.read_token}"
        self._http = httpx.AsyncClient(base_url=base_url.rstrip("/"), headers=headers, timeout=timeout)
        self._configuration: dict[str, Any] | None = None

    async def __aenter__(self) -> TmdbClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _get(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        query = dict(params or {})
        if self._credentials.api_key and not self._credentials.read_token:
            query["api_key"] = self._credentials.api_key
        try:
            response = await self._http.get(path, params=query)
        except httpx.TimeoutException:
            raise ProviderUnavailable(f"TMDB did not answer {path} within {self.timeout:g} s") from None
        except httpx.TransportError as exc:
            raise ProviderUnavailable(f"cannot reach TMDB for {path}: {type(exc).__name__}") from None
        status = response.status_code
        if status == 401:
            raise ProviderAuthError(
                "TMDB rejected the credentials (401): check REELSCAN_TMDB_API_KEY or REELSCAN_TMDB_READ_TOKEN"
            )
        if status == 404:
            raise ProviderNotFound(f"TMDB has nothing at {path} (404)")
        if status == 429:
            raise ProviderRateLimited(f"TMDB rate limit hit on {path} (429)", _retry_after(response))
        if status >= 500:
            raise ProviderUnavailable(f"TMDB failed on {path} ({status})")
        if status >= 400:
            raise ProviderNotFound(f"TMDB refused {path} ({status})")
        try:
            body = response.json()
        except ValueError:
            raise ProviderUnavailable(f"TMDB sent a malformed response for {path}") from None
        if not isinstance(body, dict):
            raise ProviderUnavailable(f"TMDB sent a malformed response for {path}")
        return body

    async def movie_details(self, tmdb_id: int) -> dict[str, Any]:
        """Everything about a movie in one call."""
        language2 = self.language.split("-")[0]
        return await self._get(
            f"/movie/{int(tmdb_id)}",
            {
                "append_to_response": "credits,images,videos,release_dates,external_ids",
                "language": self.language,
                "include_image_language": f"{language2},null,en",
            },
        )

    async def find_by_imdb(self, imdb_id: str) -> int | None:
        body = await self._get(f"/find/{imdb_id}", {"external_source": "imdb_id"})
        results = body.get("movie_results") or []
        return int(results[0]["id"]) if results else None

    async def search_movie(self, title: str, year: int | None) -> SearchMatch | None:
        """One call by title; the year is weighed when choosing (the year on disk may be off by one)."""
        body = await self._get("/search/movie", {"query": title, "language": self.language})
        return best_match(title, year, list(body.get("results") or []))

    async def configuration(self) -> dict[str, Any]:
        if self._configuration is None:
            self._configuration = await self._get("/configuration")
        return self._configuration


def _retry_after(response: httpx.Response) -> float:
    try:
        return max(0.0, float(response.headers.get("Retry-After", "10")))
    except ValueError:
        return 10.0


# --- matching ---------------------------------------------------------------------------------------------------

_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)


def _normalise(title: str) -> str:
    return " ".join(_PUNCT.sub(" ", title.casefold()).split())


def _year(date: str | None) -> int | None:
    return int(date[:4]) if date and date[:4].isdigit() else None


def best_match(title: str, year: int | None, results: list[dict[str, Any]]) -> SearchMatch | None:
    """The closest title whose year agrees; None ("no match") rather than a wild guess.

    Same year: title similarity >= 0.75. Year off by one: >= 0.85. No year known: >= 0.9. Further off: never.
    """
    wanted = _normalise(title)
    best: SearchMatch | None = None
    for result in results:
        names = [result.get("title") or "", result.get("original_title") or ""]
        similarity = max(difflib.SequenceMatcher(None, wanted, _normalise(n)).ratio() for n in names)
        result_year = _year(result.get("release_date"))
        if year is None:
            needed, bonus = 0.9, 0.0
        elif result_year == year:
            needed, bonus = 0.75, 0.2
        elif result_year is not None and abs(result_year - year) == 1:
            needed, bonus = 0.85, 0.05
        else:
            continue
        score = similarity + bonus
        if similarity >= needed and (best is None or score > best.score):
            best = SearchMatch(int(result["id"]), str(result.get("title") or ""), result_year, round(score, 3))
    return best


# --- turning details into metadata and candidates ---------------------------------------------------------------


@dataclass
class MovieMetadata:
    tmdb_id: int
    imdb_id: str | None
    title: str | None
    original_title: str | None
    overview: str | None
    tagline: str | None
    runtime: int | None
    release_date: str | None
    certifications: dict[str, str] = field(default_factory=dict)
    genres: list[str] = field(default_factory=list)
    studios: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    collection: str | None = None
    cast: list[dict[str, Any]] = field(default_factory=list)
    directors: list[str] = field(default_factory=list)
    writers: list[str] = field(default_factory=list)
    rating: float | None = None
    votes: int | None = None
    external_ids: dict[str, str] = field(default_factory=dict)


def parse_movie_details(details: dict[str, Any]) -> MovieMetadata:
    credits = details.get("credits") or {}
    crew = credits.get("crew") or []
    certifications: dict[str, str] = {}
    for country in (details.get("release_dates") or {}).get("results") or []:
        for release in country.get("release_dates") or []:
            if release.get("certification"):
                certifications.setdefault(str(country.get("iso_3166_1")), str(release["certification"]))
                break
    external = {k: str(v) for k, v in (details.get("external_ids") or {}).items() if v}
    return MovieMetadata(
        tmdb_id=int(details["id"]),
        imdb_id=details.get("imdb_id") or external.get("imdb_id"),
        title=details.get("title"),
        original_title=details.get("original_title"),
        overview=details.get("overview") or None,
        tagline=details.get("tagline") or None,
        runtime=details.get("runtime") or None,
        release_date=details.get("release_date") or None,
        certifications=certifications,
        genres=[g["name"] for g in details.get("genres") or [] if g.get("name")],
        studios=[c["name"] for c in details.get("production_companies") or [] if c.get("name")],
        countries=[c["name"] for c in details.get("production_countries") or [] if c.get("name")],
        collection=(details.get("belongs_to_collection") or {}).get("name"),
        cast=[
            {"name": c.get("name"), "role": c.get("character"), "order": c.get("order", i)}
            for i, c in enumerate((credits.get("cast") or [])[:50])
        ],
        directors=[c["name"] for c in crew if c.get("job") == "Director"],
        writers=[c["name"] for c in crew if c.get("department") == "Writing"],
        rating=details.get("vote_average"),
        votes=details.get("vote_count"),
        external_ids=external,
    )


@dataclass(frozen=True)
class ImageCandidate:
    asset_type: str
    file_path: str
    width: int
    height: int
    language: str | None
    vote_average: float
    vote_count: int


@dataclass(frozen=True)
class VideoCandidate:
    key: str
    name: str
    language: str | None
    official: bool
    size: int | None


IMAGE_KINDS = {"posters": "poster", "backdrops": "fanart", "logos": "clearlogo"}


def image_candidates(details: dict[str, Any]) -> list[ImageCandidate]:
    images = details.get("images") or {}
    found = []
    for group, asset_type in IMAGE_KINDS.items():
        for image in images.get(group) or []:
            if not image.get("file_path"):
                continue
            found.append(
                ImageCandidate(
                    asset_type=asset_type,
                    file_path=str(image["file_path"]),
                    width=int(image.get("width") or 0),
                    height=int(image.get("height") or 0),
                    language=image.get("iso_639_1") or None,
                    vote_average=float(image.get("vote_average") or 0),
                    vote_count=int(image.get("vote_count") or 0),
                )
            )
    return found


def trailer_candidates(details: dict[str, Any]) -> list[VideoCandidate]:
    return [
        VideoCandidate(
            key=str(video["key"]),
            name=str(video.get("name") or ""),
            language=video.get("iso_639_1") or None,
            official=bool(video.get("official")),
            size=video.get("size"),
        )
        for video in (details.get("videos") or {}).get("results") or []
        if video.get("site") == "YouTube" and video.get("type") in ("Trailer", "Teaser") and video.get("key")
    ]
