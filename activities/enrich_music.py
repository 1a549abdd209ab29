"""Phase 4 activities for music libraries. MusicBrainz and Cover Art Archive calls run on the music-enrich task
queue, one call per activity, so the Temporal server keeps MusicBrainz's rate (about one request per second) for
every worker together; the database steps run on the scan queue."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from temporalio import activity

from activities.common import count, database, settings
from activities.provider_calls import provider_failure
from reelscan.db import music_enrichment
from reelscan.library.music_tags import picture_extension
from reelscan.payloads.enrichment import ProviderConfig, ProviderConfigInput
from reelscan.payloads.music import (
    AlbumCoverInput,
    AlbumEnrichmentPage,
    AlbumEnrichmentPageInput,
    AlbumOutcomeInput,
    AlbumReleaseInput,
    AlbumStepInput,
    AlbumTarget,
    ArtistInput,
    ReleaseApplied,
    ReleaseFound,
    ReleaseSearchInput,
)
from reelscan.providers.musicbrainz import MusicBrainzClient, choose_release, parse_artist, parse_release
from reelscan.providers.tmdb import ProviderError

NO_USER_AGENT = (
    "no MusicBrainz User-Agent configured: set REELSCAN_MUSICBRAINZ_USER_AGENT on the workers to a name and a contact,"
    " e.g. 'reelscan/0.1 ( you@example.org )'"
)
_clients: dict[tuple[str, ...], MusicBrainzClient] = {}
T = TypeVar("T")


def musicbrainz() -> MusicBrainzClient:
    """One shared client per worker process and configuration."""
    s = settings()
    key = (
        s.musicbrainz_base_url,
        s.cover_art_base_url,
        str(s.musicbrainz_user_agent),
        str(s.musicbrainz_timeout_seconds),
    )
    if key not in _clients:
        _clients[key] = MusicBrainzClient(
            user_agent=s.musicbrainz_user_agent or "reelscan",
            base_url=s.musicbrainz_base_url,
            cover_art_url=s.cover_art_base_url,
            timeout=s.musicbrainz_timeout_seconds,
        )
    return _clients[key]


async def musicbrainz_request(call: Callable[[MusicBrainzClient], Awaitable[T]]) -> T:
    """One counted call; its failure becomes the matching ApplicationError (503 and 429 wait for Retry-After)."""
    try:
        count("enrichment_requests", provider="musicbrainz")
        return await call(musicbrainz())
    except ProviderError as exc:
        raise provider_failure(exc) from None


# --- on the music-enrich queue: one provider call each ---------------------------------------------------------


@activity.defn
async def fetch_music_provider_configuration(job: ProviderConfigInput) -> ProviderConfig:
    """Whether the workers may call MusicBrainz: it needs no key, but a User-Agent naming a contact."""
    if not settings().musicbrainz_user_agent:
        return ProviderConfig(configured=False, reason=NO_USER_AGENT)
    return ProviderConfig(configured=True)


@activity.defn
async def search_release(job: ReleaseSearchInput) -> ReleaseFound:
    """A careful artist + album search: a release only when it is sure (same title, artist and track count)."""
    results = await musicbrainz_request(lambda mb: mb.search_releases(job.artist or "", job.title))
    return ReleaseFound(mbid=choose_release(results, album=job.title, artist=job.artist, track_count=job.track_count))


@activity.defn
async def fetch_release(job: AlbumReleaseInput) -> ReleaseApplied:
    """The release's metadata applied to the album (locked fields and the tags' values kept)."""
    data = await musicbrainz_request(lambda mb: mb.release(job.mbid))
    meta = parse_release(data)
    meta.mbid = meta.mbid or job.mbid

    def apply() -> int:
        with database() as session:
            return music_enrichment.apply_release(session, job.album_id, meta, job.match)

    changed = await asyncio.to_thread(apply)
    return ReleaseApplied(artist_mbid=meta.artist_mbid, has_front_cover=meta.has_front_cover, fields_changed=changed)


@activity.defn
async def fetch_artist(job: ArtistInput) -> int:
    data = await musicbrainz_request(lambda mb: mb.artist(job.artist_mbid))
    meta = parse_artist(data)

    def apply() -> int:
        with database() as session:
            return music_enrichment.apply_artist(session, job.album_id, meta)

    return await asyncio.to_thread(apply)


@activity.defn
async def fetch_album_cover(job: AlbumCoverInput) -> list[int]:
    """The release's front cover from the Cover Art Archive, downloaded for the cache batch (once: a cover
    already cached from the same address is not fetched again). Returns the asset ids waiting for the cache."""
    s = settings()
    url = music_enrichment.cover_url(s.cover_art_base_url, job.mbid)

    def cached() -> bool:
        with database() as session:
            return music_enrichment.has_cached_cover(session, job.album_id, url)

    if await asyncio.to_thread(cached):
        return []
    found = await musicbrainz_request(lambda mb: mb.front_cover(job.mbid))
    if found is None:
        return []
    data, _ = found
    extension = picture_extension("", data)
    if extension is None:
        activity.logger.warning("the Cover Art Archive sent no image for release %s", job.mbid)
        return []
    folder = s.data_dir.resolve() / "downloads" / "album" / str(job.album_id)
    target = folder / f"front-{job.mbid}.{extension}"

    def store() -> list[int]:
        folder.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        with database() as session:
            return music_enrichment.record_downloaded_cover(session, job.album_id, target, url)

    return await asyncio.to_thread(store)


# --- on the scan queue: database ---------------------------------------------------------------------------------


@activity.defn
def load_album_enrichment_page(job: AlbumEnrichmentPageInput) -> AlbumEnrichmentPage:
    with database() as session:
        rows, total = music_enrichment.album_enrichment_page(
            session, job.scan_job_id, job.library_id, job.after_album_id, job.limit
        )
        albums = [
            AlbumTarget(
                album_id=album.id,
                title=album.title,
                artist=album.album_artist,
                year=album.year,
                mb_release_id=album.mb_release_id,
                track_count=tracks,
            )
            for album, tracks in rows
        ]
    return AlbumEnrichmentPage(albums=albums, total=total)


@activity.defn
def select_album_cover(job: AlbumStepInput) -> int | None:
    with database() as session:
        return music_enrichment.select_cover(session, job.album_id)


@activity.defn
def record_album_outcome(job: AlbumOutcomeInput) -> None:
    with database() as session:
        music_enrichment.mark_album_outcome(session, job.album_id, job.state, job.reason or None)


MUSIC_ENRICH_QUEUE_ACTIVITIES: list[Callable[..., Any]] = [
    fetch_music_provider_configuration,
    search_release,
    fetch_release,
    fetch_artist,
    fetch_album_cover,
]
MUSIC_SCAN_QUEUE_ACTIVITIES: list[Callable[..., Any]] = [
    load_album_enrichment_page,
    select_album_cover,
    record_album_outcome,
]
