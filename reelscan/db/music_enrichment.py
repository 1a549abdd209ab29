"""Phase 4 for music libraries, database side: the albums to enrich, MusicBrainz metadata applied (never over a
locked field, never over what the tags said), the artist's details, the downloaded front cover and the choice of
cover."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reelscan.db import enrichment
from reelscan.db.models import Album, Artist, MusicAsset, Track, is_locked, utcnow
from reelscan.providers.musicbrainz import ArtistMetadata, ReleaseMetadata

COVER_PREFERENCE = ("local", "embedded", "caa")  # a folder's own cover first, then the tracks', then the archive's


def album_enrichment_page(
    session: Session, scan_job_id: int, library_id: int, after_album_id: int, limit: int
) -> tuple[list[tuple[Album, int | None]], int]:
    """A page (by id) of the albums this scan found on disk, each with its tracks on disk, and how many albums
    there are in all."""
    rows, total = enrichment.enrichment_page(session, Album, scan_job_id, library_id, after_album_id, limit)
    counts = dict(
        session.execute(
            select(Track.album_id, func.count())
            .where(Track.album_id.in_([a.id for a in rows]), Track.state != "missing")
            .group_by(Track.album_id)
        ).all()
    )
    return [(album, counts.get(album.id)) for album in rows], total


def _set(row: Any, field: str, value: Any, *, only_if_empty: bool) -> int:
    """Set a field unless it is locked (or, for what the tags may have said, unless it has a value)."""
    if value in (None, "", []) or is_locked(row, field):
        return 0
    current = getattr(row, field)
    if only_if_empty and current not in (None, "", []):
        return 0
    if current == value:
        return 0
    setattr(row, field, value)
    return 1


def apply_release(session: Session, album_id: int, meta: ReleaseMetadata, match: str) -> int:
    """The release's metadata on the album: the tags' title, date and genres stay (MusicBrainz fills what they
    lack; a title taken from the folder name gives way), label and release type are MusicBrainz's. Returns how
    many fields changed."""
    album = session.get(Album, album_id)
    if album is None:
        return 0
    changed = 0
    if album.title_source == "folder" and _set(album, "title", meta.title, only_if_empty=False):
        album.title_source = "musicbrainz"
        changed += 1
    changed += _set(album, "year", meta.year, only_if_empty=True)
    changed += _set(album, "release_date", meta.release_date, only_if_empty=True)
    changed += _set(album, "genres", meta.genres, only_if_empty=True)
    changed += _set(album, "label", meta.label, only_if_empty=False)
    changed += _set(album, "release_type", meta.release_type, only_if_empty=False)
    album.mb_release_id = meta.mbid or album.mb_release_id
    album.mb_release_group_id = meta.release_group_mbid or album.mb_release_group_id
    album.provider_match = match
    album.updated_at = utcnow()
    artist = session.get(Artist, album.artist_id) if album.artist_id else None
    if artist is not None and meta.artist_mbid and not artist.mbid:
        artist.mbid = meta.artist_mbid
    return changed


def apply_artist(session: Session, album_id: int, meta: ArtistMetadata) -> int:
    """The artist's MusicBrainz details on the album's artist (its name stays the tags'); locked fields kept."""
    album = session.get(Album, album_id)
    artist = session.get(Artist, album.artist_id) if album is not None and album.artist_id else None
    if artist is None:
        return 0
    changed = sum(
        _set(artist, name, value, only_if_empty=False)
        for name, value in (
            ("sort_name", meta.sort_name),
            ("disambiguation", meta.disambiguation),
            ("country", meta.country),
            ("genres", meta.genres),
        )
    )
    artist.artist_type = meta.artist_type or artist.artist_type
    artist.mbid = meta.mbid or artist.mbid
    artist.enriched_at, artist.provider_match, artist.updated_at = utcnow(), "musicbrainz", utcnow()
    return changed


def cover_url(cover_art_base_url: str, mbid: str) -> str:
    return f"{cover_art_base_url.rstrip('/')}/release/{mbid}/front-500"


def has_cached_cover(session: Session, album_id: int, url: str) -> bool:
    """The archive's cover at this address is cached for the album already (a rescan fetches it once)."""
    row = session.scalars(
        select(MusicAsset).where(MusicAsset.album_id == album_id, MusicAsset.source == "caa", MusicAsset.url == url)
    ).first()
    return row is not None and row.cache_path is not None


def record_downloaded_cover(session: Session, album_id: int, path: Path, url: str) -> list[int]:
    """The downloaded front cover as the album's artwork, for the cache batch. Returns its asset id (none when the
    album is gone)."""
    album = session.get(Album, album_id)
    if album is None:
        path.unlink(missing_ok=True)
        return []
    for old in session.scalars(select(MusicAsset).where(MusicAsset.album_id == album_id, MusicAsset.source == "caa")):
        if old.url != url:
            session.delete(old)
    source = str(path)
    row = session.scalars(
        select(MusicAsset).where(MusicAsset.library_id == album.library_id, MusicAsset.source_path == source)
    ).one_or_none()
    size = path.stat().st_size
    if row is None:
        row = MusicAsset(library_id=album.library_id, album_id=album_id, source_path=source, file_size=size, mtime_ns=0)
        session.add(row)
    row.asset_type, row.source, row.url, row.embedded = "cover", "caa", url, False
    row.file_size, row.sha256, row.cache_path, row.cached_at, row.cache_error = size, None, None, None, None
    session.flush()
    return [row.id]


def select_cover(session: Session, album_id: int) -> int | None:
    """The album's cover: its folder's own file, else the one embedded in its tracks, else the archive's; a locked
    choice is kept. Returns the chosen asset id."""
    album = session.get(Album, album_id)
    if album is None or is_locked(album, "cover"):
        return album.cover_id if album else None
    covers = list(
        session.scalars(
            select(MusicAsset).where(
                MusicAsset.album_id == album_id, MusicAsset.asset_type == "cover", MusicAsset.artist_id.is_(None)
            )
        )
    )

    def rank(row: MusicAsset) -> tuple[int, int]:
        kind = "embedded" if row.embedded else row.source
        return (COVER_PREFERENCE.index(kind) if kind in COVER_PREFERENCE else 9, row.id)

    usable = [row for row in covers if row.cache_error is None]
    album.cover_id = min(usable, key=rank).id if usable else None
    return album.cover_id


def mark_album_outcome(session: Session, album_id: int, state: str, reason: str | None = None) -> None:
    """enriched (with the time), unmatched or enrichment_failed (with the reason for people)."""
    album = session.get(Album, album_id)
    if album is None:
        return
    album.state = state
    album.enrichment_error = reason[:2000] if reason else None
    if state == "enriched":
        album.enriched_at = utcnow()
    elif state == "unmatched":
        album.provider_match = "none"
