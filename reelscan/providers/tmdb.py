"""TMDB API v3 client on httpx, plus pure functions that turn its answers into metadata and asset candidates.

Errors say what happened in a sentence built from the request path only: they never contain the API key or token.
Nothing here logs.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import httpx

DEFAULT_BASE_URL = "https://api.themoviedb.org/3"
DEFAULT_RETRY_AFTER = 10.0
APPEND_TO_RESPONSE = "credits,images,videos,release_dates,external_ids"
TV_APPEND_TO_RESPONSE = "credits,aggregate_credits,images,videos,content_ratings,external_ids"
SEASON_APPEND_TO_RESPONSE = "images"
TV_EXTERNAL_SOURCES = ("tvdb_id", "imdb_id")
MAX_CAST = 50


# --- errors -------------------------------------------------------------------------------------------------------


class ProviderError(Exception):
    """Base of every provider failure; str() is a short human message without secrets.

    `retryable` says whether trying the same call again later can succeed.
    """

    retryable: bool = False

    def __init__(self, message: str, *, retryable: bool | None = None) -> None:
        super().__init__(message)
        self.message = message
        if retryable is not None:
            self.retryable = retryable

    def __str__(self) -> str:
        return self.message


class ProviderAuthError(ProviderError):
    """TMDB rejected the credentials (401)."""

    retryable = False


class ProviderNotFound(ProviderError):
    """TMDB has nothing at that path (404)."""

    retryable = False


class ProviderRateLimited(ProviderError):
    """TMDB asked to slow down (429); wait `retry_after` seconds before the next call."""

    retryable = True

    def __init__(self, message: str, retry_after: float = DEFAULT_RETRY_AFTER) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ProviderUnavailable(ProviderError):
    """TMDB failed (5xx), did not answer in time, could not be reached or sent something unreadable."""

    retryable = True


# --- client ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TmdbCredentials:
    """A v3 API key (sent as the api_key query parameter) and/or a read access token (sent as a bearer token).

    When both are set only the token is sent, which keeps the key out of URLs altogether.
    """

    api_key: str | None = field(default=None, repr=False)
    read_token: str | None = field(default=None, repr=False)

    @property
    def configured(self) -> bool:
        return bool(self.api_key or self.read_token)

    def __repr__(self) -> str:
        return f"TmdbCredentials(configured={self.configured})"


@dataclass(frozen=True)
class SearchMatch:
    """The search result chosen for a title and year; `score` is the title similarity minus year penalties."""

    tmdb_id: int
    title: str
    year: int | None
    score: float


@dataclass(frozen=True)
class SearchKind:
    """Where one kind of title is searched and how its results name and date it."""

    path: str
    year_param: str
    name_keys: tuple[str, str]  # the title and the original title
    date_key: str


MOVIE_SEARCH = SearchKind("/search/movie", "year", ("title", "original_title"), "release_date")
TV_SEARCH = SearchKind("/search/tv", "first_air_date_year", ("name", "original_name"), "first_air_date")


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
        try:
            return await self.movie_details(tmdb_id), None
        except ProviderNotFound:
            match = await self.search_movie(title, year)
            if match is None or match.tmdb_id == int(tmdb_id):
                raise
        return await self.movie_details(match.tmdb_id), match

    async def tv_details_or_search(
        self, tmdb_id: int, title: str, year: int | None
    ) -> tuple[dict[str, Any], SearchMatch | None]:
        """As `movie_details_or_search`, for a series: tv_details, else those of the best `search_tv` match."""
        try:
            return await self.tv_details(tmdb_id), None
        except ProviderNotFound:
            match = await self.search_tv(title, year)
            if match is None or match.tmdb_id == int(tmdb_id):
                raise
        return await self.tv_details(match.tmdb_id), match

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
        self, title: str, year: int | None, *, filter_by_year: bool, kind: SearchKind = MOVIE_SEARCH
    ) -> SearchMatch | None:
        """One API call: search the title (restricted to the year when asked), best match by `best_match`.

        `kind` is MOVIE_SEARCH (the default) or TV_SEARCH.
        """
        if not title.strip():
            return None
        params: dict[str, Any] = {"query": title, "language": self.language}
        if filter_by_year and year is not None:
            params[kind.year_param] = year
        return best_match(title, year, _results(await self._get(kind.path, params)), kind=kind)

    async def search_movie(self, title: str, year: int | None) -> SearchMatch | None:
        """The best search result for a title and year, or None ("no match") rather than a wild guess.

        Searches with the year first; when that gives no acceptable match (the year on disk may be off by one, or
        TMDB dates the movie differently) the title is searched again without the year. Two calls at most: callers
        that count calls against a rate limit use `search_once` for each.
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

    async def image_url(self, file_path: str, size: str = "original") -> str:
        """The full URL of an image: secure_base_url + size + file_path."""
        images = (await self.configuration()).get("images") or {}
        base = images.get("secure_base_url") or images.get("base_url")
        if not isinstance(base, str) or not base:
            raise ProviderUnavailable("TMDB configuration has no image base URL")
        return f"{base.rstrip('/')}/{size.strip('/')}/{file_path.lstrip('/')}"

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
            match = await self.search_once(title, year, filter_by_year=True, kind=kind)
            if match is not None:
                return match
        return await self.search_once(title, year, filter_by_year=False, kind=kind)

    async def _get(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        query = dict(params or {})
        if self._credentials.api_key and not self._credentials.read_token:
            query["api_key"] = self._credentials.api_key
        try:
            response = await self._http.get(path, params=query)
        except httpx.TimeoutException:
            raise ProviderUnavailable(f"TMDB did not answer in {self.timeout:g} s ({path})") from None
        except httpx.TransportError as exc:
            reason = self._scrub(str(exc)) or type(exc).__name__
            raise ProviderUnavailable(f"cannot reach TMDB: {reason} ({path})") from None
        status = response.status_code
        if status == 401:
            if self._credentials.read_token:
                raise ProviderAuthError("TMDB rejected the read access token (401): check REELSCAN_TMDB_READ_TOKEN")
            raise ProviderAuthError("TMDB rejected the API key (401): check REELSCAN_TMDB_API_KEY")
        if status == 404:
            raise ProviderNotFound(f"TMDB has nothing at {path} (404)")
        if status == 429:
            raise ProviderRateLimited(f"TMDB rate limit hit on {path} (429)", retry_after_seconds(response))
        if status >= 500:
            raise ProviderUnavailable(f"TMDB failed on {path} ({status})")
        if not 200 <= status < 300:
            raise ProviderError(f"TMDB refused {path} ({status})", retryable=False)
        try:
            body = response.json()
        except ValueError:
            raise ProviderUnavailable(f"TMDB sent a malformed response ({path})") from None
        if not isinstance(body, dict):
            raise ProviderUnavailable(f"TMDB sent a malformed response ({path})")
        return body

    def _scrub(self, text: str) -> str:
        for secret in (self._credentials.api_key, self._credentials.read_token):
            if secret:
                text = text.replace(secret, "***")
        return text


def retry_after_seconds(response: httpx.Response, default: float = DEFAULT_RETRY_AFTER) -> float:
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


# --- matching -------------------------------------------------------------------------------------------------------

SAME_YEAR_SIMILARITY = 0.75
NEAR_YEAR_SIMILARITY = 0.85
NO_YEAR_SIMILARITY = 0.9
NEAR_YEAR_PENALTY = 0.1
UNKNOWN_YEAR_PENALTY = 0.05

SUBSET_SIMILARITY = 0.8  # one title's words all in the other, in order: enough in the same year only

_NOT_WORD = re.compile(r"[^\w\s]|_", re.UNICODE)
_ELISION = re.compile(r"\b([ld])['\u2019](?=\w)")  # French and Italian "l'", "d'": a word of their own
_APOSTROPHES = re.compile(r"['\u2019\u02bc`\u00b4]")
_LETTERS = str.maketrans({"æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th"})
# Leading articles of the languages libraries are named in, moved to the end as "Matrix, The" by many tools.
ARTICLES = frozenset(
    [
        *("the", "a", "an"),  # English
        *("der", "die", "das", "ein", "eine"),  # German
        *("le", "la", "les", "l", "un", "une"),  # French
        *("el", "los", "las"),  # Spanish
        *("il", "lo", "gli", "i", "uno"),  # Italian
        *("de", "het", "een", "den", "det"),  # Dutch, Scandinavian
        *("o", "os", "as", "um", "uma"),  # Portuguese
    ]
)
_MOVED_ARTICLE = re.compile(r"^(?P<rest>.+?),\s*(?P<article>[^\W\d_]+'?)\s*(?P<tail>(?:[:\-\u2013(].*)?)$", re.UNICODE)


def restore_article(title: str) -> str:
    """ "Matrix, The" -> "The Matrix" (also "Matrix, The: Reloaded" and "Misérables, Les"); other titles unchanged."""
    found = _MOVED_ARTICLE.match(title.strip())
    if found is None or found["article"].casefold().rstrip("'") not in ARTICLES:
        return title
    article = found["article"]
    joiner = "" if article.endswith("'") else " "
    tail = found["tail"]
    return f"{article}{joiner}{found['rest'].strip()}{'' if tail.startswith(':') else ' '}{tail}".strip()


def normalise_title(title: str) -> str:
    """Casefolded, a moved article put back, accents and punctuation removed, apostrophes dropped, '&' read as
    'and', whitespace collapsed."""
    text = restore_article(title).casefold().translate(_LETTERS).replace("&", " and ")
    text = unicodedata.normalize("NFKD", _APOSTROPHES.sub("", _ELISION.sub(r"\1 ", text)))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(_NOT_WORD.sub(" ", text).split())


def _without_articles(words: list[str]) -> list[str]:
    """The words without a leading article (kept when it is the only word)."""
    return words[1:] if len(words) > 1 and words[0] in ARTICLES else words


def _in_order(short: list[str], long: list[str]) -> bool:
    """Whether every word of `short` is in `long`, in the same order."""
    rest = iter(long)
    return all(word in rest for word in short)


def title_similarity(a: str, b: str) -> float:
    """How alike two titles are, 0..1 (1.0 = the same title).

    The best of: the difflib ratio of the normalised titles; the same without a leading article ("The Thing" and
    "Thing"), without spaces ("Spider-Man" and "Spiderman") and without "and"; and SUBSET_SIMILARITY when the
    words of one (articles aside) begin the other ("Star Wars" and "Star Wars Episode IV - A New Hope") or, two
    words or more, all appear in it in order ("Star Wars A New Hope").
    """
    left, right = normalise_title(a), normalise_title(b)
    if not left or not right:
        return 0.0
    words_left, words_right = _without_articles(left.split()), _without_articles(right.split())
    forms = [
        (left, right),
        (" ".join(words_left), " ".join(words_right)),
        ("".join(words_left), "".join(words_right)),
        ("".join(w for w in words_left if w != "and"), "".join(w for w in words_right if w != "and")),
    ]
    best = max(difflib.SequenceMatcher(None, x, y).ratio() for x, y in forms if x and y)
    short, long = sorted((words_left, words_right), key=len)
    prefix = long[: len(short)] == short
    subset = prefix or (len(short) > 1 and _in_order(short, long))
    if best < SUBSET_SIMILARITY and len(short) < len(long) and subset:
        best = SUBSET_SIMILARITY
    return best


def release_year(date: Any) -> int | None:
    """The year of a TMDB release_date ("1999-03-30"), or None."""
    return int(date[:4]) if isinstance(date, str) and date[:4].isdigit() else None


def best_match(
    title: str, year: int | None, results: list[dict[str, Any]], *, kind: SearchKind = MOVIE_SEARCH
) -> SearchMatch | None:
    """Choose the search result for `title` and `year`; None when nothing is close enough.

    The similarity (`title_similarity`: moved articles, punctuation, accents and '&' do not count, a shorter title
    whose words begin the other scores SUBSET_SIMILARITY) is the better of the title and original title (name and
    original_name for TV, dated by first_air_date: `kind` says which keys). Rules:
    same year: similarity >= 0.75; year off by one: >= 0.85 and a 0.1 penalty; no year on either side: >= 0.9
    (a small penalty when the result has no date); further off: never. The highest score wins, then popularity.
    """
    best: tuple[float, float, SearchMatch] | None = None
    for result in results:
        if not isinstance(result.get("id"), int):
            continue
        names = [str(result[key]) for key in kind.name_keys if result.get(key)]
        if not names:
            continue
        similarity = max(title_similarity(title, name) for name in names)
        result_year = release_year(result.get(kind.date_key))
        if year is None:
            needed, penalty = NO_YEAR_SIMILARITY, 0.0
        elif result_year is None:
            needed, penalty = NO_YEAR_SIMILARITY, UNKNOWN_YEAR_PENALTY
        elif result_year == year:
            needed, penalty = SAME_YEAR_SIMILARITY, 0.0
        elif abs(result_year - year) == 1:
            needed, penalty = NEAR_YEAR_SIMILARITY, NEAR_YEAR_PENALTY
        else:
            continue
        if similarity < needed:
            continue
        score = round(similarity - penalty, 4)
        popularity = float(result.get("popularity") or 0.0)
        if best is None or (score, popularity) > (best[0], best[1]):
            match = SearchMatch(int(result["id"]), str(result.get(kind.name_keys[0]) or names[0]), result_year, score)
            best = (score, popularity, match)
    return best[2] if best else None


# --- turning details into metadata and candidates -------------------------------------------------------------------


@dataclass
class MovieMetadata:
    """The fields of a movie_details answer that the library keeps."""

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


def _names(items: Any) -> list[str]:
    return [str(item["name"]) for item in items or [] if isinstance(item, dict) and item.get("name")]


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _text(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def parse_movie_details(details: dict[str, Any]) -> MovieMetadata:
    """MovieMetadata from a movie_details answer (with credits, release_dates and external_ids appended).

    Certifications: one per country by release type (`release_certifications`). Cast: the first 50 by billing order.
    Writers: everyone in the Writing department, each once.
    """
    credits = details.get("credits") or {}
    crew = [c for c in credits.get("crew") or [] if isinstance(c, dict) and c.get("name")]
    certifications = release_certifications(details)
    external = external_ids(details)
    runtime = details.get("runtime")
    rating, votes = rating_and_votes(details)
    return MovieMetadata(
        tmdb_id=int(details["id"]),
        imdb_id=_text(details.get("imdb_id")) or external.get("imdb_id"),
        title=_text(details.get("title")),
        original_title=_text(details.get("original_title")),
        overview=_text(details.get("overview")),
        tagline=_text(details.get("tagline")),
        runtime=int(runtime) if isinstance(runtime, int | float) and runtime > 0 else None,
        release_date=_text(details.get("release_date")),
        certifications=certifications,
        genres=_names(details.get("genres")),
        studios=_names(details.get("production_companies")),
        countries=_names(details.get("production_countries")),
        collection=_text((details.get("belongs_to_collection") or {}).get("name")),
        cast=cast_list(credits),
        directors=_unique([str(c["name"]) for c in crew if c.get("job") == "Director"]),
        writers=_unique([str(c["name"]) for c in crew if c.get("department") == "Writing"]),
        rating=rating,
        votes=votes,
        external_ids=external,
    )


# TMDB release types, in the order a certification is taken from: theatrical, limited theatrical, digital,
# physical, TV, premiere; a release without a type comes last.
RELEASE_TYPE_ORDER = (3, 2, 4, 5, 6, 1)


def release_certifications(details: dict[str, Any]) -> dict[str, str]:
    """The certification per country of the appended release_dates: from the theatrical release when it has one,
    else the limited theatrical, digital, physical, TV and premiere ones, in that order (TMDB's order breaks ties)."""
    found: dict[str, tuple[int, str]] = {}
    for country in (details.get("release_dates") or {}).get("results") or []:
        code = country.get("iso_3166_1") if isinstance(country, dict) else None
        if not code:
            continue
        for release in country.get("release_dates") or []:
            certification = str(release.get("certification") or "").strip() if isinstance(release, dict) else ""
            if not certification:
                continue
            kind = release.get("type")
            rank = RELEASE_TYPE_ORDER.index(kind) if kind in RELEASE_TYPE_ORDER else len(RELEASE_TYPE_ORDER)
            if str(code) not in found or rank < found[str(code)][0]:
                found[str(code)] = (rank, certification)
    return {code: certification for code, (_, certification) in found.items()}


def language_country(language: str) -> str | None:
    """The country of a language setting "xx-YY" ("de-AT" -> "AT"), or None ("en")."""
    _, _, country = language.partition("-")
    return country.upper() if len(country) == 2 and country.isalpha() else None


def certification_for(certifications: dict[str, str], language: str) -> str | None:
    """The certification to show: the one of the language setting's country, else the US one, else None."""
    country = language_country(language)
    return (certifications.get(country) if country else None) or certifications.get("US")


# External id names as TMDB sends them -> the unique id names NFOs use (imdb, tmdb, tvdb).
UNIQUE_ID_NAMES = {"imdb_id": "imdb", "tvdb_id": "tvdb", "tmdb_id": "tmdb"}


def unique_ids(external: dict[str, str], tmdb_id: int) -> dict[str, str]:
    """The external ids under the unique id names NFOs use ("imdb", "tvdb", "tmdb", the rest without "_id")."""
    named = {UNIQUE_ID_NAMES.get(key, key.removesuffix("_id")): value for key, value in external.items()}
    return {**named, "tmdb": str(int(tmdb_id))}


def merge_unique_ids(current: dict[str, Any] | None, external: dict[str, str], tmdb_id: int) -> dict[str, Any]:
    """Stored unique ids updated with the provider's, in one vocabulary: "imdb_id"-style keys an earlier version
    stored are renamed (the provider's value wins)."""
    merged = {
        UNIQUE_ID_NAMES.get(k, k.removesuffix("_id") if k in external else k): v for k, v in (current or {}).items()
    }
    return {**merged, **unique_ids(external, tmdb_id)}


def external_ids(details: dict[str, Any]) -> dict[str, str]:
    """The appended external_ids that are set, as text, without TMDB's own id."""
    external = {str(k): str(v) for k, v in (details.get("external_ids") or {}).items() if v not in (None, "")}
    external.pop("id", None)
    return external


def cast_list(credits: dict[str, Any]) -> list[dict[str, Any]]:
    """The first 50 of the cast by billing order: name, role (character) and order."""
    cast_rows = [c for c in credits.get("cast") or [] if isinstance(c, dict) and c.get("name")]
    ordered = sorted(enumerate(cast_rows), key=lambda pair: (_order(pair[1].get("order"), pair[0]), pair[0]))
    return [
        {"name": str(c["name"]), "role": _text(c.get("character")), "order": _order(c.get("order"), i)}
        for i, c in ordered[:MAX_CAST]
    ]


def rating_and_votes(details: dict[str, Any]) -> tuple[float | None, int | None]:
    """vote_average and vote_count when they are numbers; no rating when nobody voted (TMDB sends 0.0 then)."""
    rating, votes = details.get("vote_average"), details.get("vote_count")
    count = int(votes) if isinstance(votes, int | float) and not isinstance(votes, bool) else None
    if count == 0 or isinstance(rating, bool) or not isinstance(rating, int | float):
        return None, count
    return float(rating), count


def _order(value: Any, fallback: int) -> int:
    return int(value) if isinstance(value, int | float) else fallback


@dataclass(frozen=True)
class ImageCandidate:
    """One provider image: poster, fanart (backdrop) or clearlogo."""

    asset_type: str
    file_path: str
    width: int
    height: int
    language: str | None
    vote_average: float
    vote_count: int
    aspect_ratio: float | None = None


@dataclass(frozen=True)
class VideoCandidate:
    """One YouTube trailer or teaser."""

    key: str
    name: str
    language: str | None
    official: bool
    size: int | None
    published_at: str | None = None


IMAGE_KINDS = {"posters": "poster", "backdrops": "fanart", "logos": "clearlogo"}
TRAILER_TYPES = ("Trailer", "Teaser")


def image_candidates(details: dict[str, Any], kinds: dict[str, str] | None = None) -> list[ImageCandidate]:
    """Images appended to movie_details or tv_details: posters -> poster, backdrops -> fanart, logos -> clearlogo.

    `kinds` maps image groups to asset types when other groups are wanted (IMAGE_KINDS when None).
    """
    images = details.get("images") or {}
    found: list[ImageCandidate] = []
    for group, asset_type in (IMAGE_KINDS if kinds is None else kinds).items():
        for image in images.get(group) or []:
            if not isinstance(image, dict) or not image.get("file_path"):
                continue
            width, height = int(image.get("width") or 0), int(image.get("height") or 0)
            ratio = image.get("aspect_ratio")
            found.append(
                ImageCandidate(
                    asset_type=asset_type,
                    file_path=str(image["file_path"]),
                    width=width,
                    height=height,
                    language=_text(image.get("iso_639_1")),
                    vote_average=float(image.get("vote_average") or 0.0),
                    vote_count=int(image.get("vote_count") or 0),
                    aspect_ratio=float(ratio) if ratio else (round(width / height, 3) if height else None),
                )
            )
    return found


def trailer_candidates(details: dict[str, Any]) -> list[VideoCandidate]:
    """YouTube trailers and teasers from the videos appended to movie_details, in TMDB's order."""
    found: list[VideoCandidate] = []
    for video in (details.get("videos") or {}).get("results") or []:
        if not isinstance(video, dict) or not video.get("key"):
            continue
        if video.get("site") != "YouTube" or video.get("type") not in TRAILER_TYPES:
            continue
        size = video.get("size")
        found.append(
            VideoCandidate(
                key=str(video["key"]),
                name=str(video.get("name") or ""),
                language=_text(video.get("iso_639_1")),
                official=bool(video.get("official")),
                size=int(size) if isinstance(size, int | float) else None,
                published_at=_text(video.get("published_at")),
            )
        )
    return found
