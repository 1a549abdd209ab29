"""Recording one movie folder: its movie (keyed by library + directory), streams and local assets, once per
(scan, folder); a renamed or moved folder keeps its movie. Every write is idempotent."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from reelscan.db.asset_records import ASSET_MODELS, AssetModel, AssetRow, _asset_rows
from reelscan.db.models import Image, Movie, Stream, Subtitle, Trailer, utcnow
from reelscan.db.scanned_rows import (
    CacheCheck,
    _actors,
    _asset_key,
    _claim_gone,
    _content_hash,
    _media_values,
    _needs_caching,
    _rebased,
    _set_subtitle_columns,
    _stream_columns,
    _upsert_scanned,
)
from reelscan.db.work_list import RecordedDirectory, _recorded, _scan_directory_row
from reelscan.library.assets import LocalAsset
from reelscan.library.scanner import DirectoryScan
from reelscan.library.videos import video_signature


def _movie_values(scan: DirectoryScan) -> dict[str, Any]:
    nfo = scan.nfo
    media = scan.media
    return {
        "main_video": scan.relative(scan.main.path),
        "video_parts": [scan.relative(p) for p in scan.main.parts],
        "video_versions": [scan.relative(p) for p in scan.main.versions],
        "disc_type": scan.main.disc,
        "title": scan.title,
        "title_source": scan.title_source,
        "original_title": nfo.original_title if nfo else None,
        "sort_title": nfo.sort_title if nfo else None,
        "year": scan.year,
        "premiered": nfo.premiered if nfo else None,
        "plot": nfo.plot if nfo else None,
        "outline": nfo.outline if nfo else None,
        "tagline": nfo.tagline if nfo else None,
        "runtime": nfo.runtime if nfo else None,
        "mpaa": nfo.mpaa if nfo else None,
        "imdb_id": scan.imdb_id,
        "tmdb_id": scan.tmdb_id,
        "unique_ids": dict(nfo.unique_ids) if nfo else {},
        "ratings": [
            {"name": r.name, "value": r.value, "votes": r.votes, "max": r.max, "default": r.default}
            for r in (nfo.ratings if nfo else [])
        ],
        "genres": list(nfo.genres) if nfo else [],
        "studios": list(nfo.studios) if nfo else [],
        "countries": list(nfo.countries) if nfo else [],
        "directors": list(nfo.directors) if nfo else [],
        "credits": list(nfo.credits) if nfo else [],
        "actors": _actors(nfo.actors if nfo else []),
        "set_name": nfo.set_name if nfo else None,
        "sets": list(nfo.sets) if nfo else [],
        "nfo_path": scan.relative(scan.nfo_path) if scan.nfo_path else None,
        **_media_values(media, scan.main.size),
    }


def _model_for(asset_type: str) -> AssetModel:
    if asset_type == "trailer":
        return Trailer
    if asset_type == "subtitle":
        return Subtitle
    return Image


def _sync_assets(
    session: Session, movie: Movie, scan: DirectoryScan, cache_exists: CacheCheck, *, new_movie: bool
) -> int:
    """Upsert the movie's local assets by source path; return how many need caching."""
    wanted: dict[tuple[AssetModel, str], LocalAsset] = {
        (_model_for(a.asset_type), scan.relative(a.path)): a for a in scan.assets
    }
    to_cache = 0
    for model in ASSET_MODELS:
        existing = (
            {}
            if new_movie
            else {row.source_path: row for row in _asset_rows(session, select(model).where(model.movie_id == movie.id))}
        )
        for source_path, old in existing.items():
            if (model, source_path) not in wanted:
                session.delete(old)
        for (wanted_model, source_path), asset in wanted.items():
            if wanted_model is not model:
                continue
            found = existing.get(source_path)
            if found is None:
                row: AssetRow = model(
                    movie_id=movie.id, source_path=source_path, file_size=asset.size, mtime_ns=asset.mtime_ns
                )
                session.add(row)
            else:
                row = found
            if isinstance(row, Image):
                row.image_type = asset.asset_type
            elif isinstance(row, Subtitle):
                _set_subtitle_columns(row, asset)
            to_cache += _needs_caching(row, asset, cache_exists)
    return to_cache


def record_directory_scan(
    session: Session,
    *,
    scan_job_id: int,
    seq: int,
    library_id: int,
    scan: DirectoryScan,
    cache_exists: CacheCheck,
) -> RecordedDirectory:
    """Upsert the movie of one directory (keyed by library + directory) and its streams and assets."""
    row = _scan_directory_row(session, scan_job_id, seq)
    if row.outcome != "pending":
        return _recorded(row)

    values = _movie_values(scan)
    streams = scan.media.stream_rows() if scan.media else []
    asset_keys = sorted((_asset_key(scan, a) for a in scan.assets), key=lambda a: (a["type"], a["path"]))
    content_hash = _content_hash(values, streams, asset_keys)

    found = session.scalars(
        select(Movie).where(Movie.library_id == library_id, Movie.directory == scan.relative_dir)
    ).one_or_none()
    signature = _main_video_signature(found, scan)
    moved_from = None
    if found is None and signature is not None:
        found, moved_from = _claim_moved_movie(session, library_id, signature, scan)
    # This scan counted the old folder's movie missing: found here, it is not (see count_outcomes).
    counted_missing = found is not None and found.state == "missing" and found.last_scan_job_id == scan_job_id
    keys = {"library_id": library_id, "directory": scan.relative_dir}
    only_moved = found is not None and moved_from is not None and _only_moved(found, moved_from, scan, values, streams)
    if found is not None and only_moved:
        # The same folder under another name: only its paths changed (done by the claim); all else stays.
        movie, outcome = found, "updated"
        movie.content_hash, movie.updated_at = content_hash, utcnow()
        if movie.state == "missing":
            movie.state = "enriched" if movie.enriched_at is not None else "discovered"
    else:
        # Fields a user edited (locked) keep their value; a rescan updates everything else it reads.
        movie, outcome = _upsert_scanned(session, Movie, found, keys, values, content_hash)
    movie.video_signature = signature
    session.flush()

    if outcome != "unchanged" and not only_moved:
        if outcome == "updated":
            session.execute(delete(Stream).where(Stream.movie_id == movie.id))
        if streams:
            session.execute(
                insert(Stream),
                [{"movie_id": movie.id, "position": i, **_stream_columns(s)} for i, s in enumerate(streams)],
            )
    to_cache = _sync_assets(session, movie, scan, cache_exists, new_movie=outcome == "new")
    movie.scan_errors = list(scan.errors)
    movie.last_scan_job_id = scan_job_id
    movie.fingerprint = row.fingerprint

    row.outcome = outcome
    row.movie_id = movie.id
    row.moved_from = moved_from if counted_missing else None
    row.assets_queued = to_cache
    row.errors = list(scan.errors) or None
    return RecordedDirectory(outcome, movie.id, to_cache, list(scan.errors))


def _main_video_signature(found: Movie | None, scan: DirectoryScan) -> str | None:
    """The main video's signature: the recorded one while the same file keeps its size, else read from the file
    (two megabytes, once per new or changed main video)."""
    if (
        found is not None
        and found.video_signature
        and found.main_video == scan.relative(scan.main.path)
        and found.video_signature.startswith(f"{scan.main.size}:")
    ):
        return found.video_signature
    return video_signature(scan.main)


def _claim_moved_movie(
    session: Session, library_id: int, signature: str, scan: DirectoryScan
) -> tuple[Movie | None, str | None]:
    """The movie of a folder that was renamed or moved to this one: same main video (size and end hashes), and
    its old folder is gone. Its paths (directory, videos, NFO, assets) move here; returns it and the old folder."""
    new = scan.relative_dir
    movie, old = _claim_gone(session, Movie, library_id, signature, new, scan.root)
    if movie is not None and old is not None:
        movie.main_video = _rebased(movie.main_video, old, new)
        movie.nfo_path = _rebased(movie.nfo_path, old, new)
        movie.video_parts = [_rebased(part, old, new) for part in movie.video_parts or []]
        movie.video_versions = [_rebased(path, old, new) for path in movie.video_versions or []]
        for model in ASSET_MODELS:
            for row in _asset_rows(session, select(model).where(model.movie_id == movie.id)):
                row.source_path = _rebased(row.source_path, old, new) or row.source_path
    return movie, old


def _only_moved(
    movie: Movie, old: str, scan: DirectoryScan, values: dict[str, Any], streams: list[dict[str, Any]]
) -> bool:
    """Whether what the scan read is what was recorded for the old folder, paths aside."""
    new = scan.relative_dir
    back = dict(values)
    for key in ("main_video", "nfo_path"):
        back[key] = _rebased(values[key], new, old)
    back["video_parts"] = [_rebased(part, new, old) for part in values["video_parts"]]
    back["video_versions"] = [_rebased(path, new, old) for path in values["video_versions"]]
    assets = sorted(
        ({**_asset_key(scan, a), "path": _rebased(scan.relative(a.path), new, old)} for a in scan.assets),
        key=lambda a: (a["type"], a["path"]),
    )
    return movie.content_hash == _content_hash(back, streams, assets)
