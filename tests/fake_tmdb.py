"""A fake TMDB: a real HTTP server on loopback serving fixture data, recording every request, with fault modes.

Used by the tests and by `make demo` (so a newcomer sees phase 4 work without a key).

    python -m tests.fake_tmdb --port 8790 --library DIR/demo-library [--tv-library DIR/demo-tv]

Movies are served at /3/movie/{id}, /3/search/movie and /3/find; series at /3/tv/{id}, /3/tv/{id}/season/{n},
/3/search/tv and /3/find (tv_results, by imdb_id or tvdb_id); the alternative titles of either at
{movie,tv}/{id}/alternative_titles.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import struct
import threading
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from tests.loopback import LoopbackServer, detach, serve

API_KEY = "fake-tmdb-key"
MODES = ("ok", "429", "500", "slow", "malformed", "401", "404")


@dataclass(frozen=True)
class RecordedRequest:
    at: float  # time.monotonic()
    wall: float  # time.time()
    method: str
    path: str
    query: dict[str, str]  # api_key shown as "***"


def tiny_png(seed: str, width: int = 40, height: int = 60) -> bytes:
    """A small valid PNG whose colour and text chunk depend on the seed (different paths, different bytes)."""
    digest = hashlib.sha256(seed.encode()).digest()
    pixel = digest[:3]
    raw = b"".join(b"\x00" + pixel * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    text = b"Comment\x00" + seed.encode("utf-8", "replace")[:200]
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"tEXt", text)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def sample_movie(tmdb_id: int, title: str, year: int, imdb_id: str | None = None) -> dict[str, Any]:
    """A /movie/{id} answer with every append_to_response part the client asks for.

    Images: posters in en, no language and de (the German one has the most votes), two backdrops, one logo.
    Videos: a YouTube trailer and teaser plus a Vimeo trailer that must be ignored.
    """
    slug = f"{tmdb_id}"
    return {
        "id": tmdb_id,
        "imdb_id": imdb_id,
        "title": title,
        "original_title": title,
        "overview": f"{title} is a film from {year}.",
        "tagline": f"The {title} tagline.",
        "runtime": 100 + tmdb_id % 60,
        "release_date": f"{year}-06-15",
        "genres": [{"id": 28, "name": "Action"}, {"id": 18, "name": "Drama"}],
        "production_companies": [{"id": 1, "name": "Fake Studios"}],
        "production_countries": [{"iso_3166_1": "US", "name": "United States of America"}],
        "belongs_to_collection": {"id": 9, "name": f"{title} Collection"},
        "vote_average": 7.5,
        "vote_count": 1200,
        "popularity": round(10.0 + tmdb_id % 97 / 10, 1),
        "status": "Released",
        "original_language": "en",
        "credits": _sample_credits(),
        "images": _sample_images(slug),
        "videos": _sample_videos(slug, year),
        "release_dates": {
            "results": [
                {"iso_3166_1": "US", "release_dates": [{"certification": "R"}]},
                {"iso_3166_1": "DE", "release_dates": [{"certification": ""}, {"certification": "16"}]},
            ]
        },
        "external_ids": {"id": tmdb_id, "imdb_id": imdb_id, "wikidata_id": f"Q{tmdb_id}", "facebook_id": None},
    }


def sample_series(
    tmdb_id: int,
    name: str,
    first_air_year: int,
    seasons: dict[int, int] | None = None,
    tvdb_id: int | None = None,
    imdb_id: str | None = None,
) -> dict[str, Any]:
    """A /tv/{id} answer with every append_to_response part the client asks for.

    `seasons` maps season numbers (0 for specials) to episode counts ({1: 10} when None). Images and videos follow
    sample_movie's pattern with the slug "tv<id>" ("/p-tv1396-en.jpg"); FakeTmdb.add_series serves each season's
    episodes from sample_season.
    """
    counts = dict(sorted((seasons or {1: 10}).items()))
    slug = f"tv{tmdb_id}"
    return {
        "id": tmdb_id,
        "name": name,
        "original_name": name,
        "overview": f"{name} is a series first aired in {first_air_year}.",
        "first_air_date": f"{first_air_year}-09-01",
        "status": "Returning Series",
        "type": "Scripted",
        "genres": [{"id": 18, "name": "Drama"}, {"id": 80, "name": "Crime"}],
        "networks": [{"id": 1, "name": "Fake Network"}],
        "production_companies": [{"id": 1, "name": "Fake Studios"}],
        "number_of_seasons": len([n for n in counts if n > 0]),
        "number_of_episodes": sum(c for n, c in counts.items() if n > 0),
        "seasons": [
            {
                "id": tmdb_id * 100 + number,
                "season_number": number,
                "name": f"Season {number}" if number else "Specials",
                "episode_count": count,
                "air_date": _air_date(first_air_year, number, 1),
                "poster_path": f"/p-{slug}-s{number:02d}-en.jpg",
            }
            for number, count in counts.items()
        ],
        "vote_average": 8.5,
        "vote_count": 900,
        "popularity": round(10.0 + tmdb_id % 97 / 10, 1),
        "original_language": "en",
        "credits": _sample_credits(),
        "images": _sample_images(slug),
        "videos": _sample_videos(slug, first_air_year),
        "content_ratings": {
            "results": [
                {"iso_3166_1": "US", "rating": "TV-MA"},
                {"iso_3166_1": "DE", "rating": ""},
                {"iso_3166_1": "DE", "rating": "16"},
            ]
        },
        "external_ids": {"id": tmdb_id, "imdb_id": imdb_id, "tvdb_id": tvdb_id, "wikidata_id": f"Q{tmdb_id}"},
    }


def sample_season(series: dict[str, Any], season_number: int) -> dict[str, Any] | None:
    """The /tv/{id}/season/{n} answer of a sample_series (None when it has no such season).

    Episode titles are "<Name> S01E03 title"; episodes air weekly from September of the first air year (season n
    n - 1 years later, specials in the first year); stills are "/s-tv<id>-s01e03.jpg".
    """
    tmdb_id, name = int(series["id"]), str(series.get("name") or "")
    summary = next((s for s in series.get("seasons") or [] if s.get("season_number") == season_number), None)
    if summary is None:
        return None
    first_air_year = int(str(series.get("first_air_date") or "2000")[:4])
    slug = f"tv{tmdb_id}-s{season_number:02d}"
    episodes = [
        {
            "id": tmdb_id * 10000 + season_number * 100 + number,
            "season_number": season_number,
            "episode_number": number,
            "name": f"{name} S{season_number:02d}E{number:02d} title",
            "air_date": _air_date(first_air_year, season_number, number),
            "overview": f"Episode {number} of season {season_number} of {name}.",
            "still_path": f"/s-{slug}e{number:02d}.jpg",
            "runtime": 45,
            "vote_average": 7.0,
            "vote_count": 10 + number,
        }
        for number in range(1, int(summary.get("episode_count") or 0) + 1)
    ]
    posters = _sample_images(slug)["posters"][:2]
    return {
        "id": summary.get("id"),
        "_id": f"season-{slug}",
        "season_number": season_number,
        "name": summary.get("name"),
        "overview": f"Season {season_number} of {name}.",
        "air_date": summary.get("air_date"),
        "poster_path": posters[0]["file_path"],
        "episodes": episodes,
        "images": {"posters": posters},
    }


def _air_date(first_air_year: int, season_number: int, episode_number: int) -> str:
    start = date(first_air_year + max(season_number - 1, 0), 9, 1)
    return (start + timedelta(weeks=episode_number - 1)).isoformat()


def _sample_credits() -> dict[str, Any]:
    return {
        "cast": [
            {"name": "Lead Actor", "character": "Hero", "order": 0},
            {"name": "Second Actor", "character": "Friend", "order": 1},
            {"name": "Third Actor", "character": "Villain", "order": 2},
        ],
        "crew": [
            {"name": "Famous Director", "job": "Director", "department": "Directing"},
            {"name": "Good Writer", "job": "Screenplay", "department": "Writing"},
        ],
    }


def _sample_images(slug: str) -> dict[str, Any]:
    """Posters in en, no language and de (the German one has the most votes), two backdrops, one logo."""
    return {
        "posters": [
            {
                "file_path": f"/p-{slug}-en.jpg",
                "width": 2000,
                "height": 3000,
                "aspect_ratio": 0.667,
                "iso_639_1": "en",
                "vote_average": 5.5,
                "vote_count": 10,
            },
            {
                "file_path": f"/p-{slug}-null.jpg",
                "width": 1000,
                "height": 1500,
                "aspect_ratio": 0.667,
                "iso_639_1": None,
                "vote_average": 5.2,
                "vote_count": 4,
            },
            {
                "file_path": f"/p-{slug}-de.jpg",
                "width": 2000,
                "height": 3000,
                "aspect_ratio": 0.667,
                "iso_639_1": "de",
                "vote_average": 5.8,
                "vote_count": 20,
            },
        ],
        "backdrops": [
            {
                "file_path": f"/b-{slug}-1.jpg",
                "width": 3840,
                "height": 2160,
                "aspect_ratio": 1.778,
                "iso_639_1": None,
                "vote_average": 5.4,
                "vote_count": 8,
            },
            {
                "file_path": f"/b-{slug}-2.jpg",
                "width": 1280,
                "height": 720,
                "aspect_ratio": 1.778,
                "iso_639_1": None,
                "vote_average": 5.6,
                "vote_count": 3,
            },
        ],
        "logos": [
            {
                "file_path": f"/l-{slug}.png",
                "width": 800,
                "height": 310,
                "aspect_ratio": 2.581,
                "iso_639_1": "en",
                "vote_average": 5.0,
                "vote_count": 2,
            }
        ],
    }


def _sample_videos(slug: str, year: int) -> dict[str, Any]:
    """A YouTube trailer and teaser plus a Vimeo trailer that must be ignored."""
    return {
        "results": [
            {
                "key": f"yt{slug}a",
                "name": "Official Trailer",
                "site": "YouTube",
                "type": "Trailer",
                "official": True,
                "iso_639_1": "en",
                "size": 1080,
                "published_at": f"{year}-03-01T12:00:00.000Z",
            },
            {
                "key": f"yt{slug}b",
                "name": "Teaser",
                "site": "YouTube",
                "type": "Teaser",
                "official": True,
                "iso_639_1": "en",
                "size": 720,
                "published_at": f"{year}-01-10T12:00:00.000Z",
            },
            {"key": "vimeo1", "name": "Elsewhere", "site": "Vimeo", "type": "Trailer"},
        ]
    }


class FakeTmdb(LoopbackServer):
    """TMDB's v3 API on 127.0.0.1 (uvicorn in a background thread), with switchable fault modes.

    Every request is recorded in `requests` (api_key redacted). Only /3 routes need the key and obey the mode
    (movie and TV paths alike); images under /t/p/ are always served.
    """

    label = "fake TMDB"

    def __init__(
        self,
        movies: dict[int, dict[str, Any]] | Iterable[dict[str, Any]] | None = None,
        *,
        series: dict[int, dict[str, Any]] | Iterable[dict[str, Any]] | None = None,
        api_key: str = API_KEY,
        port: int = 0,
    ) -> None:
        self.api_key = api_key
        items = movies.values() if isinstance(movies, dict) else movies or []
        self.movies: dict[int, dict[str, Any]] = {int(m["id"]): m for m in items}
        self.series: dict[int, dict[str, Any]] = {}
        self.seasons: dict[tuple[int, int], dict[str, Any]] = {}
        for details in series.values() if isinstance(series, dict) else series or []:
            self.add_series(details)
        self.requests: list[RecordedRequest] = []
        self._mode = "ok"
        self._count: int | None = None
        self._retry_after = 1.0
        self._delay = 0.0
        self._prefix = "/3/"
        self._lock = threading.Lock()
        super().__init__(port=port)

    # --- control ---

    def add_movie(self, details: dict[str, Any]) -> None:
        self.movies[int(details["id"])] = details

    def add_series(self, details: dict[str, Any], seasons: Iterable[dict[str, Any]] | None = None) -> None:
        """Serve a series at /tv/{id} and its seasons at /tv/{id}/season/{n}: the `seasons` answers given, else
        sample_season's for every season the details list."""
        tmdb_id = int(details["id"])
        self.series[tmdb_id] = details
        for key in [k for k in self.seasons if k[0] == tmdb_id]:
            del self.seasons[key]
        if seasons is None:
            numbers = [s.get("season_number") for s in details.get("seasons") or []]
            generated = (sample_season(details, n) for n in numbers if isinstance(n, int))
            seasons = [g for g in generated if g is not None]
        for season in seasons:
            self.seasons[(tmdb_id, int(season["season_number"]))] = season

    def set_mode(
        self,
        mode: str,
        *,
        count: int | None = None,
        retry_after: float = 1.0,
        delay: float = 0.0,
        path_prefix: str = "/3/",
    ) -> None:
        """ok | 429 | 500 | slow | malformed | 401 | 404 for the next `count` API requests whose path starts with
        `path_prefix` (None: until changed), then back to ok. `delay` is the sleep of "slow"."""
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; one of {', '.join(MODES)}")
        with self._lock:
            self._mode, self._count, self._retry_after, self._delay = mode, count, retry_after, delay
            self._prefix = path_prefix

    def api_requests(self, prefix: str = "/3/") -> list[RecordedRequest]:
        """Recorded requests whose path starts with `prefix`."""
        return [r for r in list(self.requests) if r.path.startswith(prefix)]

    def _take_mode(self, path: str) -> tuple[str, float, float]:
        with self._lock:
            if self._mode == "ok" or not path.startswith(self._prefix):
                return "ok", 0.0, 0.0
            mode = self._mode
            if self._count is not None:
                self._count -= 1
                if self._count <= 0:
                    self._mode, self._count = "ok", None
            return mode, self._retry_after, self._delay

    # --- the app ---

    def app(self) -> FastAPI:
        app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

        @app.middleware("http")
        async def record_and_fault(request: Request, call_next: Any) -> Response:
            path = request.url.path
            query = {k: ("***" if k == "api_key" else v) for k, v in request.query_params.items()}
            self.requests.append(RecordedRequest(time.monotonic(), time.time(), request.method, path, query))
            if not path.startswith("/3/"):
                return await call_next(request)  # type: ignore[no-any-return]
            authorization = request.headers.get("authorization", "")
            bearer = authorization[7:] if authorization.lower().startswith("bearer ") else None
            if self.api_key not in (request.query_params.get("api_key"), bearer):
                return _invalid_key()
            mode, retry_after, delay = self._take_mode(path)
            if mode == "429":
                return JSONResponse(
                    {"status_code": 25, "status_message": "Your request count is over the allowed limit."},
                    status_code=429,
                    headers={"Retry-After": f"{retry_after:g}"},
                )
            if mode == "500":
                return JSONResponse({"status_code": 11, "status_message": "Internal error."}, status_code=500)
            if mode == "401":
                return _invalid_key()
            if mode == "404":
                return _not_found()
            if mode == "malformed":
                return Response(b'{"id": 1, "title": "trunc', media_type="application/json")
            if mode == "slow":
                await asyncio.sleep(delay)
            return await call_next(request)  # type: ignore[no-any-return]

        @app.get("/3/configuration")
        async def configuration() -> dict[str, Any]:
            base = f"{self.root_url}/t/p/"
            return {
                "images": {
                    "base_url": base,
                    "secure_base_url": base,
                    "poster_sizes": ["w92", "w154", "w185", "w342", "w500", "w780", "original"],
                    "backdrop_sizes": ["w300", "w780", "w1280", "original"],
                    "logo_sizes": ["w45", "w92", "w154", "w185", "w300", "w500", "original"],
                    "profile_sizes": ["w45", "w185", "h632", "original"],
                    "still_sizes": ["w92", "w185", "w300", "original"],
                },
                "change_keys": ["images", "videos"],
            }

        @app.get("/3/movie/{tmdb_id}")
        async def movie(tmdb_id: str) -> Response:
            return _details_answer(_by_id(self.movies, tmdb_id))

        # TMDB lists a movie's alternative titles as "titles" and a series' as "results".
        @app.get("/3/movie/{tmdb_id}/alternative_titles")
        async def movie_alternative_titles(tmdb_id: str) -> Response:
            return _alternatives_answer(_by_id(self.movies, tmdb_id), "titles")

        @app.get("/3/tv/{tmdb_id}/alternative_titles")
        async def tv_alternative_titles(tmdb_id: str) -> Response:
            return _alternatives_answer(_by_id(self.series, tmdb_id), "results")

        @app.get("/3/tv/{tmdb_id}")
        async def tv(tmdb_id: str) -> Response:
            return _details_answer(_by_id(self.series, tmdb_id))

        @app.get("/3/tv/{tmdb_id}/season/{season_number}")
        async def tv_season(tmdb_id: str, season_number: str) -> Response:
            known = tmdb_id.isdigit() and season_number.isdigit()
            details = self.seasons.get((int(tmdb_id), int(season_number))) if known else None
            return _not_found() if details is None else JSONResponse(details)

        @app.get("/3/find/{external_id}")
        async def find(external_id: str, external_source: str = "") -> dict[str, Any]:
            movies = [m for m in self.movies.values() if external_source == "imdb_id" and _imdb_id(m) == external_id]
            series = [
                s
                for s in self.series.values()
                if external_source in ("imdb_id", "tvdb_id")
                and str((s.get("external_ids") or {}).get(external_source) or "") == external_id
            ]
            return {
                "movie_results": [_summary(m, MOVIE_KEYS) for m in movies],
                "person_results": [],
                "tv_results": [_summary(s, TV_KEYS) for s in series],
                "tv_episode_results": [],
                "tv_season_results": [],
            }

        @app.get("/3/search/movie")
        async def search(query: str = "", year: int | None = None) -> dict[str, Any]:
            return _search_answer(self.movies.values(), MOVIE_KEYS, query, year)

        @app.get("/3/search/tv")
        async def search_tv(query: str = "", first_air_date_year: int | None = None) -> dict[str, Any]:
            return _search_answer(self.series.values(), TV_KEYS, query, first_air_date_year)

        @app.get("/t/p/{size}/{file_path:path}")
        async def image(size: str, file_path: str) -> Response:
            media_type = "image/png"
            return Response(tiny_png(f"/{file_path}"), media_type=media_type)

        return app

    # --- lifecycle ---

    @property
    def base_url(self) -> str:
        return f"{self.root_url}/3"


def _invalid_key() -> JSONResponse:
    return JSONResponse(
        {"success": False, "status_code": 7, "status_message": "Invalid API key: You must be granted a valid key."},
        status_code=401,
    )


def _not_found() -> JSONResponse:
    return JSONResponse(
        {"success": False, "status_code": 34, "status_message": "The resource you requested could not be found."},
        status_code=404,
    )


# How results name and date a movie or a series: title, original title, date.
MOVIE_KEYS = ("title", "original_title", "release_date")
TV_KEYS = ("name", "original_name", "first_air_date")


def _summary(item: dict[str, Any], keys: tuple[str, str, str]) -> dict[str, Any]:
    """A search or find result: id, title, original title (the title when unset), date, popularity."""
    title, original, dated = keys
    return {
        "id": item["id"],
        title: item.get(title),
        original: item.get(original) or item.get(title),
        dated: item.get(dated) or "",
        "popularity": float(item.get("popularity") or 1.0),
    }


def _served(details: dict[str, Any]) -> dict[str, Any]:
    """A details answer as TMDB sends it: the fixtures' alternative titles are served on their own path only."""
    return {key: value for key, value in details.items() if key != "alternative_titles"}


def _by_id(items: dict[int, dict[str, Any]], tmdb_id: str) -> dict[str, Any] | None:
    return items.get(int(tmdb_id)) if tmdb_id.isdigit() else None


def _details_answer(details: dict[str, Any] | None) -> Response:
    return _not_found() if details is None else JSONResponse(_served(details))


def _alternatives_answer(details: dict[str, Any] | None, key: str) -> Response:
    return _not_found() if details is None else JSONResponse({"id": details["id"], key: _alternatives(details)})


def _alternatives(item: dict[str, Any]) -> list[dict[str, Any]]:
    """An item's alternative titles as TMDB lists them; fixtures give them as {"alternative_titles": {"DE": "..."}}."""
    return [
        {"iso_3166_1": country, "title": title, "type": ""}
        for country, title in (item.get("alternative_titles") or {}).items()
    ]


def _search_answer(
    items: Iterable[dict[str, Any]], keys: tuple[str, str, str], query: str, year: int | None
) -> dict[str, Any]:
    """A search page: items whose title, original title or an alternative title contains the query (dated in `year`
    when given), most popular first. As at TMDB, the alternative titles find an item but are not in the answer."""
    words = query.casefold().strip()
    title, original, dated = keys
    results = [
        _summary(item, keys)
        for item in items
        if words
        and any(
            words in str(name or "").casefold()
            for name in (item.get(title), item.get(original), *(item.get("alternative_titles") or {}).values())
        )
        and (year is None or str(item.get(dated) or "").startswith(str(year)))
    ]
    results.sort(key=lambda r: -r["popularity"])
    return {"page": 1, "results": results, "total_pages": 1, "total_results": len(results)}


def _imdb_id(movie: dict[str, Any]) -> str | None:
    return movie.get("imdb_id") or (movie.get("external_ids") or {}).get("imdb_id")


def movies_for_library(root: Path) -> list[dict[str, Any]]:
    """Fixture data for every movie folder of a library built by tests.library_builder (demo)."""
    from reelscan.library.naming import parse_folder_name
    from reelscan.library.nfo import NfoData, NfoError, find_nfo, parse_nfo

    movies = []
    for index, folder in enumerate(sorted(p for p in root.rglob("*") if p.is_dir()), start=1):
        parsed = parse_folder_name(folder.name)
        if not parsed.year:
            continue
        tmdb_id, imdb_id = parsed.tmdb_id, parsed.imdb_id
        nfo_path = find_nfo(folder, [p.stem for p in folder.iterdir() if p.is_file()])
        if nfo_path is not None:
            nfo: NfoData | None
            try:
                nfo = parse_nfo(nfo_path)
            except NfoError as error:
                nfo = error.recovered
            if nfo is not None:
                tmdb_id, imdb_id = nfo.tmdb_id or tmdb_id, nfo.imdb_id or imdb_id
        movies.append(sample_movie(tmdb_id or 100000 + index, parsed.title, parsed.year, imdb_id))
    return movies


def _tvshow_nfos(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.name.lower() == "tvshow.nfo" and p.is_file())


def is_tv_library(root: Path) -> bool:
    """Whether a folder holds series (a tvshow.nfo anywhere below it) rather than movies."""
    return bool(_tvshow_nfos(root))


def _episode_counts(root: Path, relative_dir: str) -> dict[int, int]:
    """Season number -> the highest episode number on disk (10 for a season without numbered episodes)."""
    from reelscan.library.series_scanner import DirectoryError, scan_series_directory

    try:
        scan = scan_series_directory(root, relative_dir, read_media=False)
    except DirectoryError:
        return {}
    counts = {season.number: 10 for season in scan.seasons}
    numbered: dict[int, int] = {}
    for episode in scan.episodes:
        if episode.season is not None and episode.episodes:
            numbered[episode.season] = max(numbered.get(episode.season, 0), *episode.episodes)
    return counts | numbered


def _series_folders(root: Path, every_series_folder: bool) -> list[tuple[Path, Path | None]]:
    """(series folder, its tvshow.nfo): the folders holding one, then (when asked) the other series folders that TV
    discovery finds."""
    folders: list[tuple[Path, Path | None]] = [(nfo.parent, nfo) for nfo in _tvshow_nfos(root)]
    if every_series_folder:
        from reelscan.library.tv_discovery import SeriesWalker

        known = {folder for folder, _ in folders}
        folders.extend((root / s.path, None) for s in SeriesWalker(root).walk() if root / s.path not in known)
    return folders


def series_for_library(root: Path, *, every_series_folder: bool = False) -> list[dict[str, Any]]:
    """Fixture data for every series folder holding tvshow.nfo of a TV library (every_series_folder: for the ones
    without an NFO too, so a title search finds them).

    Ids come from the NFO's uniqueids (tmdb, tvdb, imdb; a made-up TMDB id when it has none), the name and the first
    air date from its title and premiered (else the folder name), the seasons and episode counts from the files.
    """
    from reelscan.library.naming import parse_folder_name
    from reelscan.library.nfo import NfoError
    from reelscan.library.tv_nfo import SeriesNfo, parse_tvshow_nfo

    series = []
    for index, (folder, nfo_path) in enumerate(_series_folders(root, every_series_folder), start=1):
        parsed = parse_folder_name(folder.name)
        nfo: SeriesNfo | None = None
        try:
            nfo = parse_tvshow_nfo(nfo_path) if nfo_path else None
        except NfoError:
            nfo = None
        title = (nfo.title if nfo else None) or parsed.title
        year = (nfo.year if nfo else None) or parsed.year or 2000
        tmdb_id = (nfo.ids.tmdb_id if nfo else None) or parsed.tmdb_id or 200000 + index
        imdb_id = (nfo.ids.imdb_id if nfo else None) or parsed.imdb_id
        tvdb_id = nfo.ids.tvdb_id if nfo else None
        seasons = _episode_counts(root, folder.relative_to(root).as_posix()) or {1: 10}
        details = sample_series(tmdb_id, title, year, seasons, tvdb_id=tvdb_id, imdb_id=imdb_id)
        if nfo and nfo.premiered:
            details["first_air_date"] = nfo.premiered
        series.append(details)
    return series


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve a fake TMDB on loopback.")
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument(
        "--library",
        type=Path,
        help="serve a movie for every folder of this library, or a series for every tvshow.nfo when it holds any",
    )
    parser.add_argument(
        "--tv-library", type=Path, help="serve a series for every series folder of this library (NFO or not)"
    )
    parser.add_argument("--detach", type=Path, metavar="PIDFILE", help="run in the background, pid in this file")
    args = parser.parse_args()
    if detach(args.detach):
        return
    movies: list[dict[str, Any]] = []
    series: list[dict[str, Any]] = []
    if args.library:
        if is_tv_library(args.library):
            series.extend(series_for_library(args.library))
        else:
            movies.extend(movies_for_library(args.library))
    if args.tv_library:
        series.extend(series_for_library(args.tv_library, every_series_folder=True))
    fake = FakeTmdb(movies, series=series, port=args.port)
    print(f"fake TMDB on {fake.base_url} (key {fake.api_key}): {len(movies)} movies, {len(series)} series", flush=True)
    serve(fake, args.port)


if __name__ == "__main__":
    main()
