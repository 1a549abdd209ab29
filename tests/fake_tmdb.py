"""A fake TMDB: a real HTTP server on loopback serving fixture data, recording every request, with fault modes.

Used by the tests and by `make demo` (so a newcomer sees phase 4 work without a key).

    python -m tests.fake_tmdb --port 8790 --library data/demo-library
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import struct
import threading
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

API_KEY = "fake-tmdb-key"


@dataclass(frozen=True)
class RecordedRequest:
    at: float  # time.monotonic()
    wall: float
    path: str
    query: dict[str, str]


def tiny_png(seed: str, width: int = 40, height: int = 60) -> bytes:
    """A small valid PNG whose colour depends on the seed (different paths, different hashes)."""
    digest = zlib.crc32(seed.encode())
    pixel = bytes([digest & 255, (digest >> 8) & 255, (digest >> 16) & 255])
    raw = b"".join(b"\x00" + pixel * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def sample_movie(tmdb_id: int, title: str, year: int, imdb_id: str | None = None) -> dict[str, Any]:
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
        "credits": {
            "cast": [
                {"name": "Lead Actor", "character": "Hero", "order": 0},
                {"name": "Second Actor", "character": "Friend", "order": 1},
                {"name": "Third Actor", "character": "Villain", "order": 2},
            ],
            "crew": [
                {"name": "Famous Director", "job": "Director", "department": "Directing"},
                {"name": "Good Writer", "job": "Screenplay", "department": "Writing"},
            ],
        },
        "images": {
            "posters": [
                {
                    "file_path": f"/p-{slug}-en.jpg",
                    "width": 2000,
                    "height": 3000,
                    "iso_639_1": "en",
                    "vote_average": 5.5,
                    "vote_count": 10,
                },
                {
                    "file_path": f"/p-{slug}-null.jpg",
                    "width": 1000,
                    "height": 1500,
                    "iso_639_1": None,
                    "vote_average": 5.2,
                    "vote_count": 4,
                },
                {
                    "file_path": f"/p-{slug}-de.jpg",
                    "width": 2000,
                    "height": 3000,
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
                    "iso_639_1": None,
                    "vote_average": 5.4,
                    "vote_count": 8,
                },
                {
                    "file_path": f"/b-{slug}-2.jpg",
                    "width": 1280,
                    "height": 720,
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
                    "iso_639_1": "en",
                    "vote_average": 5.0,
                    "vote_count": 2,
                }
            ],
        },
        "videos": {
            "results": [
                {
                    "key": f"yt{slug}a",
                    "name": "Official Trailer",
                    "site": "YouTube",
                    "type": "Trailer",
                    "official": True,
                    "iso_639_1": "en",
                    "size": 1080,
                },
                {
                    "key": f"yt{slug}b",
                    "name": "Teaser",
                    "site": "YouTube",
                    "type": "Teaser",
                    "official": True,
                    "iso_639_1": "en",
                    "size": 720,
                },
                {"key": "vimeo1", "name": "Elsewhere", "site": "Vimeo", "type": "Trailer"},
            ]
        },
        "release_dates": {
            "results": [
                {"iso_3166_1": "US", "release_dates": [{"certification": "R"}]},
                {"iso_3166_1": "DE", "release_dates": [{"certification": ""}, {"certification": "16"}]},
            ]
        },
        "external_ids": {"imdb_id": imdb_id, "wikidata_id": f"Q{tmdb_id}"},
    }


class FakeTmdb:
    def __init__(self, movies: list[dict[str, Any]] | None = None, *, api_key: str = API_KEY, port: int = 0) -> None:
        self.api_key = api_key
        self.movies: dict[int, dict[str, Any]] = {m["id"]: m for m in movies or []}
        self.requests: list[RecordedRequest] = []
        self._mode = "ok"
        self._count: int | None = None
        self._retry_after = 1.0
        self._delay = 0.0
        self._prefix = "/3/"
        self._lock = threading.Lock()
        self.port = port or _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}/3"
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    # --- control ---

    def add_movie(self, details: dict[str, Any]) -> None:
        self.movies[int(details["id"])] = details

    def set_mode(
        self,
        mode: str,
        *,
        count: int | None = None,
        retry_after: float = 1.0,
        delay: float = 0.0,
        path_prefix: str = "/3/",
    ) -> None:
        """ok | 429 | 500 | slow | malformed | 401 | 404, for the next `count` API requests whose path starts with
        path_prefix (None: until changed)."""
        with self._lock:
            self._mode, self._count, self._retry_after, self._delay = mode, count, retry_after, delay
            self._prefix = path_prefix

    def _take_mode(self, path: str) -> tuple[str, float, float]:
        with self._lock:
            if not path.startswith(self._prefix):
                return "ok", 0.0, 0.0
            mode = self._mode
            if self._count is not None:
                self._count -= 1
                if self._count <= 0:
                    self._mode, self._count = "ok", None
            return mode, self._retry_after, self._delay

    # --- server ---

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.middleware("http")
        async def faults(request: Request, call_next: Any) -> Response:
            if not request.url.path.startswith("/3/"):
                return await call_next(request)  # type: ignore[no-any-return]
            query = {k: ("***" if k == "api_key" else v) for k, v in request.query_params.items()}
            self.requests.append(RecordedRequest(time.monotonic(), time.time(), request.url.path, query))
            given = request.query_params.get("api_key") or request.headers.get("authorization", "")[7:]
            if given != self.api_key:
                return JSONResponse({"status_code": 7, "status_message": "Invalid API key"}, status_code=401)
            mode, retry_after, delay = self._take_mode(request.url.path)
            if mode == "429":
                return JSONResponse({"status_code": 25}, status_code=429, headers={"Retry-After": f"{retry_after:g}"})
            if mode == "500":
                return JSONResponse({"status_message": "boom"}, status_code=500)
            if mode == "401":
                return JSONResponse({"status_code": 7}, status_code=401)
            if mode == "404":
                return JSONResponse({"status_code": 34}, status_code=404)
            if mode == "malformed":
                return Response(b'{"id": 1, "title": "trunc', media_type="application/json")
            if mode == "slow":
                await asyncio.sleep(delay)
            return await call_next(request)  # type: ignore[no-any-return]

        @app.get("/3/configuration")
        async def configuration() -> dict[str, Any]:
            base = f"http://127.0.0.1:{self.port}/t/p/"
            return {
                "images": {
                    "base_url": base,
                    "secure_base_url": base,
                    "poster_sizes": ["w500", "original"],
                    "backdrop_sizes": ["w1280", "original"],
                    "logo_sizes": ["w500", "original"],
                }
            }

        @app.get("/3/movie/{tmdb_id}")
        async def movie(tmdb_id: int) -> Response:
            details = self.movies.get(tmdb_id)
            if details is None:
                return JSONResponse({"status_code": 34, "status_message": "not found"}, status_code=404)
            return JSONResponse(details)

        @app.get("/3/find/{external_id}")
        async def find(external_id: str) -> dict[str, Any]:
            found = [m for m in self.movies.values() if m.get("imdb_id") == external_id]
            return {
                "movie_results": [
                    {"id": m["id"], "title": m["title"], "release_date": m["release_date"]} for m in found
                ]
            }

        @app.get("/3/search/movie")
        async def search(query: str, year: int | None = None) -> dict[str, Any]:
            words = query.casefold()
            results = [
                {
                    "id": m["id"],
                    "title": m["title"],
                    "original_title": m["original_title"],
                    "release_date": m["release_date"],
                    "popularity": 10.0,
                }
                for m in self.movies.values()
                if words in m["title"].casefold() and (year is None or m["release_date"].startswith(str(year)))
            ]
            return {"page": 1, "results": results, "total_results": len(results)}

        @app.get("/t/p/{size}/{file_path:path}")
        async def image(size: str, file_path: str) -> Response:
            return Response(tiny_png(file_path), media_type="image/png")

        return app

    def start(self) -> FakeTmdb:
        config = uvicorn.Config(self.app(), host="127.0.0.1", port=self.port, log_level="warning", access_log=False)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the fake TMDB did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        if self._server and self._thread:
            self._server.should_exit = True
            self._thread.join(timeout=10)

    def __enter__(self) -> FakeTmdb:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def api_requests(self, prefix: str = "/3/") -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.startswith(prefix)]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve a fake TMDB on loopback.")
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--library", type=Path, help="serve a movie for every folder of this library")
    parser.add_argument("--detach", type=Path, metavar="PIDFILE", help="run in the background, pid in this file")
    args = parser.parse_args()
    if args.detach:
        if os.fork():
            return
        os.setsid()
        args.detach.parent.mkdir(parents=True, exist_ok=True)
        args.detach.write_text(json.dumps({"pid": os.getpid()}))
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
    fake = FakeTmdb(movies_for_library(args.library) if args.library else [], port=args.port)
    print(f"fake TMDB on {fake.base_url} (key {fake.api_key})", flush=True)
    uvicorn.run(fake.app(), host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
