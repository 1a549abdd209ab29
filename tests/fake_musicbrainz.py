"""A fake MusicBrainz (web service v2, JSON) and Cover Art Archive: a real HTTP server on loopback serving fixture
data, recording every request (with its User-Agent), with fault modes (503 as MusicBrainz answers a client that
goes too fast, 500).

    python -m tests.fake_musicbrainz --port 8791 --library DIR/demo-music

MusicBrainz at /ws/2/release/{mbid}, /ws/2/release?query=..., /ws/2/artist/{mbid}; the archive at
/release/{mbid}/front-500 (a redirect to /images/..., as the real archive redirects to its storage).
"""

from __future__ import annotations

import argparse
import re
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from tests.fake_tmdb import tiny_png
from tests.loopback import LoopbackServer, detach, serve

MODES = ("ok", "503", "500")
_QUERY_RE = re.compile(r'(release|artist):"((?:[^"\\]|\\.)*)"')


@dataclass(frozen=True)
class RecordedRequest:
    at: float  # time.monotonic()
    path: str
    query: dict[str, str]
    user_agent: str


def mbid_for(*parts: str) -> str:
    """A stable made-up MusicBrainz id for fixture data."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "fake-musicbrainz:" + "/".join(parts)))


def sample_release(
    mbid: str,
    title: str,
    artist: str,
    *,
    tracks: int,
    date: str = "2000",
    cover: bool = True,
    label: str = "Parlophone",
) -> dict[str, Any]:
    artist_id = mbid_for("artist", artist)
    return {
        "id": mbid,
        "title": title,
        "date": date,
        "status": "Official",
        "artist-credit": [{"name": artist, "joinphrase": "", "artist": {"id": artist_id, "name": artist}}],
        "release-group": {"id": mbid_for("group", mbid), "primary-type": "Album", "title": title},
        "label-info": [{"catalog-number": "X1", "label": {"id": mbid_for("label", label), "name": label}}],
        "media": [{"position": 1, "format": "CD", "track-count": tracks}],
        "genres": [{"name": "rock", "count": 5}, {"name": "art rock", "count": 2}],
        "cover-art-archive": {"front": cover, "count": 1 if cover else 0},
    }


def sample_artist(name: str) -> dict[str, Any]:
    return {
        "id": mbid_for("artist", name),
        "name": name,
        "sort-name": ", ".join(reversed(name.split(" ", 1))) if " " in name else name,
        "type": "Group",
        "country": "GB",
        "disambiguation": f"{name} from the fixtures",
        "genres": [{"name": "alternative rock", "count": 3}],
    }


class FakeMusicBrainz(LoopbackServer):
    """MusicBrainz and the Cover Art Archive on 127.0.0.1 (uvicorn in a background thread)."""

    label = "fake MusicBrainz"

    def __init__(self, releases: list[dict[str, Any]] | None = None, *, port: int = 0) -> None:
        self.releases: dict[str, dict[str, Any]] = {}
        self.artists: dict[str, dict[str, Any]] = {}
        for release in releases or []:
            self.add_release(release)
        self.requests: list[RecordedRequest] = []
        self._mode, self._retry_after = "ok", 1.0
        self._count: int | None = None
        self._lock = threading.Lock()
        super().__init__(port=port)

    @property
    def base_url(self) -> str:
        return f"{self.root_url}/ws/2"

    def add_release(self, release: dict[str, Any]) -> None:
        self.releases[release["id"]] = release
        for credit in release.get("artist-credit") or []:
            name = credit["artist"]["name"]
            self.artists.setdefault(credit["artist"]["id"], sample_artist(name))

    def set_mode(self, mode: str, *, count: int | None = None, retry_after: float = 1.0) -> None:
        """ok | 503 | 500 for the next `count` requests (None: until changed), then back to ok."""
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}")
        with self._lock:
            self._mode, self._count, self._retry_after = mode, count, retry_after

    def api_requests(self, prefix: str = "/ws/2/") -> list[RecordedRequest]:
        return [r for r in list(self.requests) if r.path.startswith(prefix)]

    def _take_mode(self) -> tuple[str, float]:
        with self._lock:
            mode = self._mode
            if mode != "ok" and self._count is not None:
                self._count -= 1
                if self._count <= 0:
                    self._mode, self._count = "ok", None
            return mode, self._retry_after

    def app(self) -> FastAPI:
        app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

        @app.middleware("http")
        async def record_and_fault(request: Request, call_next: Any) -> Response:
            path = request.url.path
            agent = request.headers.get("user-agent", "")
            self.requests.append(RecordedRequest(time.monotonic(), path, dict(request.query_params), agent))
            if path.startswith("/images/"):
                return await call_next(request)  # type: ignore[no-any-return]
            mode, retry_after = self._take_mode()
            if mode == "503":
                return JSONResponse(
                    {"error": "Your requests are exceeding the allowable rate limit."},
                    status_code=503,
                    headers={"Retry-After": f"{retry_after:g}"},
                )
            if mode == "500":
                return JSONResponse({"error": "Internal server error"}, status_code=500)
            return await call_next(request)  # type: ignore[no-any-return]

        @app.get("/ws/2/release/{mbid}")
        async def release(mbid: str) -> Response:
            found = self.releases.get(mbid)
            return JSONResponse(found) if found else JSONResponse({"error": "Not Found"}, status_code=404)

        @app.get("/ws/2/artist/{mbid}")
        async def artist(mbid: str) -> Response:
            found = self.artists.get(mbid)
            return JSONResponse(found) if found else JSONResponse({"error": "Not Found"}, status_code=404)

        @app.get("/ws/2/release")
        async def search(query: str = "", limit: int = 25) -> dict[str, Any]:
            fields = {key: value.replace('\\"', '"') for key, value in _QUERY_RE.findall(query)}
            title, credited = _norm(fields.get("release", "")), _norm(fields.get("artist", ""))
            found = []
            for item in self.releases.values():
                score = 100 if _norm(item["title"]) == title else 60 if title and title in _norm(item["title"]) else 0
                names = _norm("".join(c["name"] for c in item.get("artist-credit") or []))
                if credited and credited != names:
                    score -= 40
                if score > 0:
                    found.append({**item, "score": score, "track-count": item["media"][0]["track-count"]})
            found.sort(key=lambda r: -int(r["score"]))
            return {"created": "2026-01-01T00:00:00Z", "count": len(found), "offset": 0, "releases": found[:limit]}

        @app.get("/release/{mbid}/front-500")
        async def front(mbid: str) -> Response:
            found = self.releases.get(mbid)
            if not found or not found.get("cover-art-archive", {}).get("front"):
                return Response(b"Not Found", status_code=404)
            return RedirectResponse(f"{self.root_url}/images/{mbid}-front-500.png", status_code=307)

        @app.get("/images/{name}")
        async def image(name: str) -> Response:
            return Response(tiny_png(name, 50, 50), media_type="image/png")

        return app


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.casefold()).split())


def releases_for_library(root: Path, *, unknown: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """A release for every album of a library built by tests.music_builder (the tags' release id when it has one,
    else a made-up one a search finds), except the albums named in `unknown` ("Artist / Album")."""
    from reelscan.library.music_discovery import MusicWalker
    from reelscan.library.music_scanner import DirectoryError, scan_album_directory

    releases = []
    for folder in MusicWalker(root).walk():
        try:
            scan = scan_album_directory(root, folder.path, find_assets=False)
        except DirectoryError:
            continue
        for album in scan.albums:
            name = f"{album.album_artist} / {album.title}"
            if name in unknown or not album.album_artist:
                continue
            mbid = album.mb_release_id or mbid_for("release", name)
            releases.append(
                sample_release(
                    mbid, album.title, album.album_artist, tracks=len(album.tracks), date=str(album.year or 2000)
                )
            )
    return releases


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve a fake MusicBrainz and Cover Art Archive on loopback.")
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--library", type=Path, help="serve a release for every album of this music library")
    parser.add_argument("--detach", type=Path, metavar="PIDFILE", help="run in the background, pid in this file")
    args = parser.parse_args()
    if detach(args.detach):
        return
    fake = FakeMusicBrainz(releases_for_library(args.library) if args.library else [], port=args.port)
    print(f"fake MusicBrainz on {fake.base_url}: {len(fake.releases)} releases", flush=True)
    serve(fake, args.port)


if __name__ == "__main__":
    main()
