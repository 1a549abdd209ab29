"""Database operations of a music library scan: record one album folder (its albums, their artists, tracks and
artwork), count what discovery settled, and the caching queries of music artwork. Every write is idempotent:
keyed by natural keys, once per (scan, folder)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, case, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from reelscan.db import scanned_rows
from reelscan.db.models import Album, Artist, MusicAsset, Track, is_locked, utcnow
from reelscan.db.scanned_rows import CacheCheck
from reelscan.db.work_list import RecordedDirectory, recorded_directory, scan_directory_row
from reelscan.library.assets import LocalAsset
from reelscan.library.music_layout import name_key
from reelscan.library.music_scanner import AlbumFolderScan, AlbumScan, TrackScan

UNKNOWN_ARTIST = "Unknown artist"


def artist_for(session: Session, library_id: int, name: str | None, mbid: str | None) -> Artist:
    """The library's artist of this name, created on first use (two folders recording it at once: the second
    finds the first's row)."""
    shown = name or UNKNOWN_ARTIST
    key = name_key(shown)
    query = select(Artist).where(Artist.library_id == library_id, Artist.name_key == key)
    artist = session.scalars(query).one_or_none()
    if artist is None:
        try:
            with session.begin_nested():
                artist = Artist(library_id=library_id, name=shown, name_key=key, mbid=mbid, genres=[])
                session.add(artist)
                session.flush()
        except IntegrityError:
            artist = session.scalars(query).one()
    if mbid and not artist.mbid:
        artist.mbid = mbid
    return artist


def _track_values(track: TrackScan) -> dict[str, Any]:
    tags = track.tags
    return {
        "file_path": track.relative_path,
        "title": track.title,
        "artist": track.artist,
        "track_number": track.track_number,
        "disc_number": track.disc_number,
        "tagged": track.tagged,
        "date": tags.date if tags else None,
        "genres": list(tags.genres) if tags else [],
        "composers": list(tags.composers) if tags else [],
        "mb_recording_id": tags.mb_recording_id if tags else None,
        "mb_track_id": tags.mb_track_id if tags else None,
        "mb_artist_id": tags.mb_artist_id if tags else None,
        "replaygain": dict(tags.replaygain) if tags else {},
        "codec": tags.codec if tags else None,
        "duration_seconds": tags.duration_seconds if tags else None,
        "bitrate": tags.bitrate if tags else None,
        "sample_rate": tags.sample_rate if tags else None,
        "channels": tags.channels if tags else None,
        "bit_depth": tags.bit_depth if tags else None,
        "file_size": track.size,
    }


# The albums columns a scan sets from its AlbumScan attribute of the same name.
_ALBUM_COLUMNS = (
    "title", "title_source", "album_artist", "year", "release_date", "original_date", "genres", "compilation",
    "mb_release_id", "mb_release_group_id", "track_total", "disc_total",
)  # fmt: skip


def _album_values(album: AlbumScan) -> dict[str, Any]:
    values = {column: getattr(album, column) for column in _ALBUM_COLUMNS}
    values["genres"] = list(album.genres)
    return values


def _asset_key(scan: AlbumFolderScan, asset: LocalAsset) -> list[Any]:
    return [asset.asset_type, scan.relative(asset.path), asset.size, asset.mtime_ns]


class _Counts:
    def __init__(self) -> None:
        self.albums_new = self.albums_updated = self.albums_missing = 0
        self.tracks_new = self.tracks_updated = self.tracks_missing = 0


def _sync_tracks(
    library_id: int,
    album: Album,
    scanned: list[TrackScan],
    existing: dict[str, Track],
    c: _Counts,
    new_rows: list[dict[str, Any]],
) -> None:
    """Upsert an album's tracks by file path (a retagged track moves to its new album and counts as updated); the
    new ones go to new_rows, inserted together for the folder."""
    for track in scanned:
        values = _track_values(track)
        content_hash = scanned_rows.content_hash(values)
        row = existing.pop(track.relative_path, None)
        if row is None:
            new_rows.append({"library_id": library_id, "album_id": album.id, **values, "content_hash": content_hash})
            c.tracks_new += 1
            continue
        if row.content_hash == content_hash and row.state != "missing" and row.album_id == album.id:
            continue
        for key, value in values.items():
            if not is_locked(row, key):
                setattr(row, key, value)
        row.album_id, row.content_hash, row.state, row.updated_at = album.id, content_hash, "discovered", utcnow()
        c.tracks_updated += 1


def _sync_assets(
    session: Session,
    library_id: int,
    owners: dict[str, tuple[int, int | None]],  # source path -> (album id, artist id or None)
    wanted: dict[str, tuple[LocalAsset, str | None]],  # source path -> (file, the embedded picture's hash)
    recorded_by: Sequence[int],
    cache_exists: CacheCheck,
) -> int:
    """Upsert the folder's artwork by source path; remove what the folder's albums recorded and no longer has.
    Returns how many need caching. An embedded cover stands as its picture's size and hash (its track's mtime
    changes with any tag)."""
    existing = {
        row.source_path: row
        for row in session.scalars(
            select(MusicAsset).where(
                MusicAsset.library_id == library_id,
                (MusicAsset.album_id.in_(recorded_by)) | (MusicAsset.source_path.in_(list(wanted))),
            )
        )
    }
    for source_path, old in existing.items():
        if source_path not in wanted:
            session.delete(old)
    to_cache = 0
    for source_path, (asset, sha) in wanted.items():
        album_id, artist_id = owners[source_path]
        row = existing.get(source_path)
        if row is None:
            row = MusicAsset(
                library_id=library_id, source_path=source_path, file_size=asset.size, mtime_ns=asset.mtime_ns
            )
            session.add(row)
        row.album_id, row.artist_id, row.asset_type, row.embedded = (
            album_id,
            artist_id,
            asset.asset_type,
            sha is not None,
        )
        if sha is not None and row.embedded_sha256 != sha:
            row.embedded_sha256 = sha
            row.sha256 = row.cache_path = row.cached_at = row.cache_error = None
        to_cache += scanned_rows.needs_caching(row, asset, cache_exists)
    return to_cache


def record_album_folder(
    session: Session,
    *,
    scan_job_id: int,
    seq: int,
    library_id: int,
    scan: AlbumFolderScan,
    cache_exists: CacheCheck,
) -> RecordedDirectory:
    """Upsert the albums of one album folder (keyed by library, folder and album tag), their artists (by name),
    tracks (by file path; gone ones marked missing) and the folder's artwork. Albums of the folder no longer there
    (retagged away) are marked missing. Once per (scan_job_id, seq): a retry returns what the first attempt stored.
    Locked fields are kept."""
    row = scan_directory_row(session, scan_job_id, seq)
    if row.outcome != "pending":
        return recorded_directory(row)
    folder = scan.relative_dir
    recorded = {
        a.album_key: a
        for a in session.scalars(select(Album).where(Album.library_id == library_id, Album.directory == folder))
    }
    recorded_ids = [a.id for a in recorded.values()]
    paths = [t.relative_path for t in scan.tracks]
    existing_tracks = {
        t.file_path: t
        for t in session.scalars(
            select(Track).where(
                Track.library_id == library_id,
                (Track.album_id.in_(recorded_ids)) | (Track.file_path.in_(paths)),
            )
        )
    }
    c = _Counts()
    new_tracks: list[dict[str, Any]] = []
    outcomes: list[str] = []
    main: Album | None = None
    owners: dict[str, tuple[int, int | None]] = {}
    wanted: dict[str, tuple[LocalAsset, str | None]] = {}
    main_artist: Artist | None = None
    for album_scan in scan.albums:
        values = _album_values(album_scan)
        tracks_hash = [scanned_rows.content_hash(_track_values(t)) for t in album_scan.tracks]
        assets = [_asset_key(scan, a) for a in album_scan.assets]
        cover = album_scan.embedded_cover
        content_hash = scanned_rows.content_hash(values, tracks_hash, assets, cover.picture.sha256 if cover else None)
        found = recorded.pop(album_scan.key, None)
        keys = {"library_id": library_id, "directory": folder, "album_key": album_scan.key}
        album, outcome = scanned_rows.upsert_scanned(session, Album, found, keys, values, content_hash)
        artist = artist_for(session, library_id, album.album_artist, album_scan.album_artist_mbid)
        if not is_locked(album, "album_artist") or album.artist_id is None:
            album.artist_id = artist.id
        album.fingerprint, album.last_scan_job_id = row.fingerprint, scan_job_id
        album.scan_errors = list(scan.errors) if main is None else []
        session.flush()
        outcomes.append(outcome)
        c.albums_new += outcome == "new"
        c.albums_updated += outcome == "updated"
        _sync_tracks(library_id, album, album_scan.tracks, existing_tracks, c, new_tracks)
        for asset in album_scan.assets:
            path = scan.relative(asset.path)
            owners[path], wanted[path] = (album.id, None), (asset, None)
        if cover is not None:
            owners[cover.track_path] = (album.id, None)
            picture = LocalAsset("cover", Path(cover.track_path), cover.picture.size, 0, format=cover.picture.extension)
            wanted[cover.track_path] = (picture, cover.picture.sha256)
        if main is None:
            main, main_artist = album, artist
    assert main is not None and main_artist is not None  # a folder without tracks is a DirectoryError
    if new_tracks:  # one executemany for the folder's new tracks, not an ORM unit of work per track
        session.execute(insert(cast("Table", Track.__table__)), new_tracks)
    for asset in scan.artist_assets:
        path = scan.relative(asset.path)
        owners[path], wanted[path] = (main.id, main_artist.id), (asset, None)
    for gone in recorded.values():  # albums of this folder no longer in its tags
        if gone.state != "missing":
            gone.state, gone.updated_at, gone.last_scan_job_id = "missing", utcnow(), scan_job_id
            c.albums_missing += 1
    for track in existing_tracks.values():
        if track.state != "missing":
            track.state, track.updated_at = "missing", utcnow()
            c.tracks_missing += 1
    session.flush()
    to_cache = _sync_assets(session, library_id, owners, wanted, [*recorded_ids, main.id], cache_exists)
    if all(o == "new" for o in outcomes) and not recorded_ids:
        outcome = "new"
    elif all(o == "unchanged" for o in outcomes) and not c.albums_missing and not c.tracks_missing:
        outcome = "unchanged"
    else:
        outcome = "updated"
    row.outcome = outcome
    row.album_id = main.id
    row.assets_queued = to_cache
    row.errors = list(scan.errors) or None
    row.albums_found = len(scan.albums)
    row.albums_new, row.albums_updated, row.albums_missing = c.albums_new, c.albums_updated, c.albums_missing
    row.tracks_found = len(scan.tracks)
    row.tracks_new, row.tracks_updated, row.tracks_missing = c.tracks_new, c.tracks_updated, c.tracks_missing
    row.tracks_untagged = scan.untagged
    return recorded_directory(row)


def count_settled_by(session: Session, album_ids: Sequence[int]) -> tuple[int, int, int]:
    """Albums, tracks and untagged tracks on disk of these albums (the ones discovery settled as unchanged)."""
    albums = tracks = untagged = 0
    for start in range(0, len(album_ids), 1000):
        chunk = select(Album.id).where(Album.id.in_(album_ids[start : start + 1000]), Album.state != "missing")
        albums += session.scalar(select(func.count()).select_from(chunk.subquery())) or 0
        untagged_sum = func.coalesce(func.sum(case((Track.tagged.is_(False), 1), else_=0)), 0)
        query = select(func.count(), untagged_sum).where(Track.album_id.in_(chunk), Track.state != "missing")
        track_count, untagged_count = session.execute(query).one()
        tracks, untagged = tracks + int(track_count or 0), untagged + int(untagged_count or 0)
    return albums, tracks, untagged


def count_artists_of_scan(session: Session, scan_job_id: int) -> int:
    """Artists of the albums this scan found on disk (recorded or settled unchanged)."""
    query = select(func.count(func.distinct(Album.artist_id))).where(
        Album.last_scan_job_id == scan_job_id, Album.state != "missing"
    )
    return session.scalar(query) or 0


def albums_of_folders(session: Session, album_ids: Sequence[int]) -> list[int]:
    """Every album of the folders these (main) albums are in: the albums a folder's cache batch covers."""
    if not album_ids:
        return []
    folders = select(Album.library_id, Album.directory).where(Album.id.in_(album_ids)).subquery()
    query = select(Album.id).join(
        folders, (Album.library_id == folders.c.library_id) & (Album.directory == folders.c.directory)
    )
    return list(session.scalars(query))
