"""What the CLI and the API show of a music library: albums with their artist, cover and track counts, and one
album with its tracks (technical details included) and artwork."""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, selectinload

from reelscan.db.models import Album, Artist, MusicAsset, Track


def _asset_view(row: MusicAsset) -> dict[str, Any]:
    return {
        "id": row.id,
        "type": row.asset_type,
        "owner": row.owner[0],
        "source": "embedded" if row.embedded else row.source,
        "path": row.source_path if row.source == "local" else None,
        "url": row.url,
        "size": row.file_size,
        "cachePath": row.cache_path,
        "sha256": row.sha256,
    }


def _cover(album: Album, assets: list[MusicAsset]) -> MusicAsset | None:
    """The chosen cover, else the best cached one (folder file, then embedded, then the archive's)."""
    covers = [a for a in assets if a.asset_type == "cover" and a.artist_id is None and a.cache_path]
    chosen = next((a for a in covers if a.id == album.cover_id), None)
    order = {"local": 0, "embedded": 1, "caa": 2}
    return chosen or min(
        covers, key=lambda a: (order.get("embedded" if a.embedded else a.source, 9), a.id), default=None
    )


def _artist_view(artist: Artist | None) -> dict[str, Any] | None:
    if artist is None:
        return None
    return {
        "id": artist.id,
        "name": artist.name,
        "sortName": artist.sort_name,
        "mbid": artist.mbid,
        "disambiguation": artist.disambiguation,
        "country": artist.country,
        "type": artist.artist_type,
        "genres": artist.genres,
    }


def album_view(
    album: Album, artist: Artist | None, assets: list[MusicAsset], counts: tuple[int, int]
) -> dict[str, Any]:
    cover = _cover(album, assets)
    return {
        "id": album.id,
        "libraryId": album.library_id,
        "title": album.title,
        "titleSource": album.title_source,
        "albumArtist": album.album_artist,
        "artist": _artist_view(artist),
        "year": album.year,
        "releaseDate": album.release_date,
        "originalDate": album.original_date,
        "genres": album.genres,
        "compilation": album.compilation,
        "label": album.label,
        "releaseType": album.release_type,
        "mbReleaseId": album.mb_release_id,
        "mbReleaseGroupId": album.mb_release_group_id,
        "directory": album.directory,
        "state": album.state,
        "providerMatch": album.provider_match,
        "tracks": counts[0],
        "missingTracks": counts[1],
        "discs": album.disc_total,
        "cover": cover.cache_path if cover else None,
        "errors": album.scan_errors,
    }


def _track_counts(session: Session, album_ids: list[int]) -> dict[int, tuple[int, int]]:
    missing = func.sum(case((Track.state == "missing", 1), else_=0))
    rows = session.execute(
        select(Track.album_id, func.count(), missing).where(Track.album_id.in_(album_ids)).group_by(Track.album_id)
    ).all()
    return {album_id: (int(total) - int(gone or 0), int(gone or 0)) for album_id, total, gone in rows}


def list_albums(
    session: Session,
    library_id: int | None = None,
    *,
    artist_id: int | None = None,
    state: str | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Albums by album artist, year and title, each with its artist, cover and track counts."""
    query = select(Album, Artist).outerjoin(Artist, Artist.id == Album.artist_id)
    if library_id is not None:
        query = query.where(Album.library_id == library_id)
    if artist_id is not None:
        query = query.where(Album.artist_id == artist_id)
    if state:
        query = query.where(Album.state == state)
    query = query.order_by(func.coalesce(Artist.sort_name, Artist.name), Album.year, Album.title, Album.id).offset(
        offset
    )
    if limit is not None:
        query = query.limit(limit)
    rows = session.execute(query).all()
    ids = [album.id for album, _ in rows]
    assets: dict[int, list[MusicAsset]] = {}
    for asset in session.scalars(
        select(MusicAsset).where(MusicAsset.album_id.in_(ids), MusicAsset.asset_type == "cover")
    ):
        assets.setdefault(asset.album_id, []).append(asset)
    counts = _track_counts(session, ids)
    return [album_view(album, artist, assets.get(album.id, []), counts.get(album.id, (0, 0))) for album, artist in rows]


def _track_view(track: Track) -> dict[str, Any]:
    return {
        "id": track.id,
        "disc": track.disc_number,
        "number": track.track_number,
        "title": track.title,
        "artist": track.artist,
        "file": track.file_path,
        "state": track.state,
        "tagged": track.tagged,
        "date": track.date,
        "genres": track.genres,
        "composers": track.composers,
        "mbRecordingId": track.mb_recording_id,
        "mbTrackId": track.mb_track_id,
        "replayGain": track.replaygain,
        "codec": track.codec,
        "durationSeconds": track.duration_seconds,
        "bitrate": track.bitrate,
        "sampleRate": track.sample_rate,
        "channels": track.channels,
        "bitDepth": track.bit_depth,
        "fileSize": track.file_size,
    }


def album_detail(session: Session, album_id: int) -> dict[str, Any] | None:
    """An album with its artist, every track (technical details included) and its artwork and its artist's."""
    album = session.scalars(select(Album).where(Album.id == album_id).options(selectinload(Album.tracks))).one_or_none()
    if album is None:
        return None
    artist = session.get(Artist, album.artist_id) if album.artist_id else None
    own = list(session.scalars(select(MusicAsset).where(MusicAsset.album_id == album.id).order_by(MusicAsset.id)))
    artist_assets = (
        list(session.scalars(select(MusicAsset).where(MusicAsset.artist_id == artist.id).order_by(MusicAsset.id)))
        if artist
        else []
    )
    counts = _track_counts(session, [album.id]).get(album.id, (0, 0))
    view = album_view(album, artist, own, counts)
    view["trackList"] = [_track_view(t) for t in album.tracks]
    view["assets"] = [_asset_view(a) for a in own if a.artist_id is None]
    view["artistAssets"] = [_asset_view(a) for a in {a.id: a for a in artist_assets}.values()]
    view["durationSeconds"] = round(sum(t.duration_seconds or 0 for t in album.tracks if t.state != "missing"), 3)
    return view


def count_albums(session: Session) -> tuple[dict[int, int], dict[int, int]]:
    """Albums and artists (with albums) by library id."""
    albums = dict(session.execute(select(Album.library_id, func.count()).group_by(Album.library_id)).all())
    artists = dict(
        session.execute(
            select(Album.library_id, func.count(func.distinct(Album.artist_id))).group_by(Album.library_id)
        ).all()
    )
    return albums, artists
