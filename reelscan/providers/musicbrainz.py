"""MusicBrainz (web service v2, JSON) and Cover Art Archive client on httpx, plus pure functions that turn their
answers into album and artist metadata and choose a search result carefully.

MusicBrainz asks every client for a meaningful User-Agent with contact details and about one request per second;
it answers 503 when a client goes faster. The rate is kept by the Temporal server (the music-enrich task queue's
rate limit); here a 503 or 429 is a ProviderRateLimited with the Retry-After it sent, like TMDB's 429. Errors say
what happened from the request path only. Nothing here logs.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import httpx

from reelscan.providers.http import json_object
from reelscan.providers.tmdb import ProviderError, ProviderNotFound, ProviderRateLimited, ProviderUnavailable

DEFAULT_BASE_URL = "https://musicbrainz.org/ws/2"
DEFAULT_COVER_ART_URL = "https://coverartarchive.org"
DEFAULT_RETRY_AFTER = 1.0
RELEASE_INCLUDES = "artist-credits+labels+release-groups+media+genres"
MAX_COVER_BYTES = 20 * 1024 * 1024
# A search result must be this sure (MusicBrainz's own score, 0-100) and name the same album and artist.
MIN_SEARCH_SCORE = 90
MIN_TITLE_SIMILARITY = 0.92


class ProviderMalformed(ProviderUnavailable):
    """The provider answered something that is not the JSON it documents."""


def _retry_after(response: httpx.Response) -> float:
    value = response.headers.get("Retry-After", "")
    try:
        return max(float(value), 0.1)
    except ValueError:
        return DEFAULT_RETRY_AFTER


def _failure(response: httpx.Response, what: str) -> ProviderError:
    status = response.status_code
    if status in (429, 503):
        return ProviderRateLimited(f"MusicBrainz asked to slow down ({status}) for {what}", _retry_after(response))
    if status == 404:
        return ProviderNotFound(f"MusicBrainz has nothing for {what} (404)")
    if status in (400, 401, 403):
        return ProviderError(f"MusicBrainz refused {what} ({status})")
    return ProviderUnavailable(f"MusicBrainz failed for {what} ({status})")


class MusicBrainzClient:
    """Async MusicBrainz + Cover Art Archive client sharing one connection pool; `async with` or `aclose()`."""

    def __init__(
        self,
        *,
        user_agent: str,
        base_url: str = DEFAULT_BASE_URL,
        cover_art_url: str = DEFAULT_COVER_ART_URL,
        timeout: float = 10.0,
    ) -> None:
        headers = {"Accept": "application/json", "User-Agent": user_agent}
        self._http = httpx.AsyncClient(base_url=base_url.rstrip("/"), headers=headers, timeout=timeout)
        self._covers = httpx.AsyncClient(
            base_url=cover_art_url.rstrip("/"),
            headers={"User-Agent": user_agent},
            timeout=timeout,
            follow_redirects=True,
        )

    async def __aenter__(self) -> MusicBrainzClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()
        await self._covers.aclose()

    async def _get(self, path: str, params: dict[str, str], what: str) -> dict[str, Any]:
        try:
            response = await self._http.get(path, params={**params, "fmt": "json"})
        except httpx.TimeoutException:
            raise ProviderUnavailable(f"MusicBrainz did not answer in time for {what}") from None
        except httpx.HTTPError as exc:
            raise ProviderUnavailable(f"MusicBrainz cannot be reached for {what}: {type(exc).__name__}") from None
        if response.status_code != 200:
            raise _failure(response, what)
        return json_object(response, ProviderMalformed(f"MusicBrainz sent something unreadable for {what}"))

    async def release(self, mbid: str) -> dict[str, Any]:
        """A release (an album as issued) with its artist credits, label, release group and media."""
        return await self._get(f"/release/{mbid}", {"inc": RELEASE_INCLUDES}, f"release {mbid}")

    async def artist(self, mbid: str) -> dict[str, Any]:
        return await self._get(f"/artist/{mbid}", {"inc": "genres"}, f"artist {mbid}")

    async def search_releases(self, artist: str, album: str) -> list[dict[str, Any]]:
        query = f'release:"{_lucene(album)}"' + (f' AND artist:"{_lucene(artist)}"' if artist else "")
        data = await self._get("/release", {"query": query, "limit": "10"}, f"a search for {album!r}")
        releases = data.get("releases")
        return [r for r in releases if isinstance(r, dict)] if isinstance(releases, list) else []

    async def front_cover(self, release_mbid: str) -> tuple[bytes, str] | None:
        """The release's front cover from the Cover Art Archive (its 500 px thumbnail) and its content type; None
        when the archive has none."""
        what = f"the cover of release {release_mbid}"
        try:
            response = await self._covers.get(f"/release/{release_mbid}/front-500")
        except httpx.TimeoutException:
            raise ProviderUnavailable(f"the Cover Art Archive did not answer in time for {what}") from None
        except httpx.HTTPError as exc:
            raise ProviderUnavailable(
                f"the Cover Art Archive cannot be reached for {what}: {type(exc).__name__}"
            ) from None
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise _failure(response, what)
        if len(response.content) > MAX_COVER_BYTES:
            raise ProviderMalformed(f"the Cover Art Archive sent more than 20 MB for {what}")
        return response.content, response.headers.get("Content-Type", "")


def _lucene(text: str) -> str:
    """Text inside a quoted Lucene phrase: quotes and backslashes escaped."""
    return re.sub(r'(["\\])', r"\\\1", text)


# --- answers -> metadata ------------------------------------------------------------------------------------------


@dataclass
class ReleaseMetadata:
    mbid: str
    title: str | None = None
    artist: str | None = None  # the credited album artist, joined as MusicBrainz writes it
    artist_mbid: str | None = None
    release_group_mbid: str | None = None
    release_type: str | None = None  # Album | Single | EP | Compilation | ...
    release_date: str | None = None
    year: int | None = None
    label: str | None = None
    genres: list[str] = field(default_factory=list)
    track_count: int | None = None
    has_front_cover: bool = False


@dataclass
class ArtistMetadata:
    mbid: str
    name: str | None = None
    sort_name: str | None = None
    disambiguation: str | None = None
    country: str | None = None
    artist_type: str | None = None
    genres: list[str] = field(default_factory=list)


def _text(value: object) -> str | None:
    return value.strip()[:1000] or None if isinstance(value, str) else None


def _genres(data: dict[str, Any]) -> list[str]:
    genres = data.get("genres") if isinstance(data.get("genres"), list) else []
    ranked = sorted((g for g in genres or [] if isinstance(g, dict) and _text(g.get("name"))),
                    key=lambda g: -int(g.get("count") or 0))  # fmt: skip
    return [str(_text(g["name"])) for g in ranked][:10]


def _credit(data: dict[str, Any]) -> tuple[str | None, str | None]:
    credits = data.get("artist-credit") if isinstance(data.get("artist-credit"), list) else []
    name = "".join(f"{c.get('name', '')}{c.get('joinphrase', '')}" for c in credits or [] if isinstance(c, dict))
    first = next((c for c in credits or [] if isinstance(c, dict)), {})
    artist = first.get("artist") if isinstance(first.get("artist"), dict) else {}
    return _text(name), _text((artist or {}).get("id"))


def _track_count(data: dict[str, Any]) -> int | None:
    media = data.get("media") if isinstance(data.get("media"), list) else None
    if media:
        return sum(int(m.get("track-count") or 0) for m in media if isinstance(m, dict)) or None
    count = data.get("track-count")
    return int(count) if isinstance(count, int) else None


def parse_release(data: dict[str, Any]) -> ReleaseMetadata:
    artist, artist_mbid = _credit(data)
    group = data.get("release-group") if isinstance(data.get("release-group"), dict) else {}
    date = _text(data.get("date"))
    year = int(date[:4]) if date and date[:4].isdigit() else None
    labels = data.get("label-info") if isinstance(data.get("label-info"), list) else []
    label = next(
        (
            _text(li["label"].get("name"))
            for li in labels or []
            if isinstance(li, dict) and isinstance(li.get("label"), dict)
        ),
        None,
    )
    art = data.get("cover-art-archive") if isinstance(data.get("cover-art-archive"), dict) else {}
    genres = _genres(data) or _genres(group or {})
    return ReleaseMetadata(
        mbid=str(data.get("id") or ""),
        title=_text(data.get("title")),
        artist=artist,
        artist_mbid=artist_mbid,
        release_group_mbid=_text((group or {}).get("id")),
        release_type=_text((group or {}).get("primary-type")),
        release_date=date[:10] if date else None,
        year=year,
        label=label,
        genres=genres,
        track_count=_track_count(data),
        has_front_cover=bool((art or {}).get("front")),
    )


def parse_artist(data: dict[str, Any]) -> ArtistMetadata:
    area = data.get("area") if isinstance(data.get("area"), dict) else {}
    return ArtistMetadata(
        mbid=str(data.get("id") or ""),
        name=_text(data.get("name")),
        sort_name=_text(data.get("sort-name")),
        disambiguation=_text(data.get("disambiguation")),
        country=_text(data.get("country")) or _text(((area or {}).get("iso-3166-1-codes") or [None])[0]),
        artist_type=_text(data.get("type")),
        genres=_genres(data),
    )


def _normal(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").casefold()
    text = text.replace("&", " and ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def similar(a: str, b: str) -> float:
    left, right = _normal(a), _normal(b)
    if not left or not right:
        return 0.0
    return 1.0 if left == right else difflib.SequenceMatcher(None, left, right).ratio()


def choose_release(
    results: list[dict[str, Any]], *, album: str, artist: str | None, track_count: int | None
) -> str | None:
    """The release a search found for this album, or None rather than a guess: MusicBrainz's score at least
    MIN_SEARCH_SCORE, the same title (spelling aside), the same credited artist when one is known, and the same
    number of tracks when the folder's count is known (several issues of one album differ in that)."""
    best: tuple[float, str] | None = None
    for result in results:
        score = result.get("score")
        if not isinstance(score, int) or score < MIN_SEARCH_SCORE:
            continue
        meta = parse_release(result)
        if not meta.mbid or similar(meta.title or "", album) < MIN_TITLE_SIMILARITY:
            continue
        if artist and similar(meta.artist or "", artist) < MIN_TITLE_SIMILARITY:
            continue
        if track_count and meta.track_count and meta.track_count != track_count:
            continue
        rank = score + similar(meta.title or "", album)
        if best is None or rank > best[0]:
            best = (rank, meta.mbid)
    return best[1] if best else None
