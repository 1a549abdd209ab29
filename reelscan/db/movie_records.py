"""Recording one movie folder: its movie (keyed by library + directory), streams and local assets, once per
(scan, folder); a renamed or moved folder keeps its movie. Every write is idempotent."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.orm import Session

from reelscan.db import scanned_rows, statistics
from reelscan.db.asset_records import ASSET_MODELS, AssetModel, AssetRow, PendingAsset, asset_rows
from reelscan.db.models import Image, Movie, ScanDirectory, Stream, Subtitle, Trailer, utcnow
from reelscan.db.scanned_rows import CacheCheck
from reelscan.db.work_list import RecordedDirectory, directory_rows, recorded_directory
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
        **scanned_rows.title_values(scan),
        "outline": nfo.outline if nfo else None,
        "tagline": nfo.tagline if nfo else None,
        "runtime": nfo.runtime if nfo else None,
        "mpaa": nfo.mpaa if nfo else None,
        "unique_ids": dict(nfo.unique_ids) if nfo else {},
        "ratings": scanned_rows.ratings(nfo.ratings if nfo else []),
        "countries": list(nfo.countries) if nfo else [],
        "directors": list(nfo.directors) if nfo else [],
        "credits": list(nfo.credits) if nfo else [],
        "set_name": nfo.set_name if nfo else None,
        "sets": list(nfo.sets) if nfo else [],
        **scanned_rows.media_values(media, scan.main.size),
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
            else {row.source_path: row for row in asset_rows(session, select(model).where(model.movie_id == movie.id))}
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
                scanned_rows.set_subtitle_columns(row, asset)
            to_cache += scanned_rows.needs_caching(row, asset, cache_exists)
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
    return record_directory_scans(
        session, scan_job_id=scan_job_id, library_id=library_id, scans=[(seq, scan)], cache_exists=cache_exists
    )[seq]


def record_directory_scans(
    session: Session,
    *,
    scan_job_id: int,
    library_id: int,
    scans: Sequence[tuple[int, DirectoryScan]],
    cache_exists: CacheCheck,
    signatures: Mapping[int, str | None] | None = None,
) -> dict[int, RecordedDirectory]:
    """Upsert the movies of a child's directories (by seq) in the caller's transaction, with their streams and
    assets. Once per (scan_job_id, seq): a directory an earlier attempt recorded returns what it stored.

    A folder without a movie row, whose main video is no missing movie's (not a moved folder), is a new movie:
    those are written set-based, the movies, their streams and their assets each in one statement, and their asset
    rows come back with the result (nothing to query back before caching). The other folders (a movie already
    recorded there, or a claim of a moved folder's movie) are recorded one by one.

    signatures: the main videos' signatures by seq, read beforehand (see main_video_signature); those not given
    are read here."""
    signatures = signatures or {}
    rows = directory_rows(session, scan_job_id, [seq for seq, _ in scans])
    recorded: dict[int, RecordedDirectory] = {}
    todo: list[tuple[ScanDirectory, DirectoryScan]] = []
    for seq, scan in scans:
        row = rows[seq]
        if row.outcome != "pending":
            recorded[seq] = recorded_directory(row)
        else:
            todo.append((row, scan))
    if not todo:
        return recorded
    directories = [scan.relative_dir for _, scan in todo]
    known = {
        movie.directory: movie
        for movie in session.scalars(
            select(Movie).where(Movie.library_id == library_id, Movie.directory.in_(directories))
        )
    }
    fresh: list[tuple[ScanDirectory, DirectoryScan, str | None]] = []
    for row, scan in todo:
        found = known.get(scan.relative_dir)
        signature = signatures[row.seq] if row.seq in signatures else _main_video_signature(found, scan)
        if found is not None:
            recorded[row.seq] = _record_one(session, row, scan_job_id, library_id, scan, cache_exists, found, signature)
        else:
            fresh.append((row, scan, signature))
    gone = _missing_signatures(session, library_id, [signature for _, _, signature in fresh if signature])
    new: list[tuple[ScanDirectory, DirectoryScan, str | None]] = []
    for row, scan, signature in fresh:
        if signature is not None and signature in gone:  # perhaps a moved folder: claimed as one by one
            recorded[row.seq] = _record_one(session, row, scan_job_id, library_id, scan, cache_exists, None, signature)
        else:
            new.append((row, scan, signature))
    if new:
        statistics.analyze_grown(session, "movies")  # a first scan grows the table from nothing
        recorded.update(_insert_new_movies(session, new, scan_job_id, library_id))
    return recorded


def _missing_signatures(session: Session, library_id: int, signatures: Sequence[str]) -> set[str]:
    """Which of these main-video signatures a missing movie of the library has (a folder that may have moved)."""
    if not signatures:
        return set()
    query = select(Movie.video_signature).where(
        Movie.library_id == library_id, Movie.state == "missing", Movie.video_signature.in_(set(signatures))
    )
    return {signature for signature in session.scalars(query) if signature}


def _movie_hash(values: dict[str, Any], streams: list[dict[str, Any]], assets: Iterable[dict[str, Any]]) -> str:
    """A movie's content hash; its assets sorted, so that the order a folder lists them in does not count."""
    return scanned_rows.content_hash(values, streams, sorted(assets, key=lambda a: (a["type"], a["path"])))


def _insert_new_movies(
    session: Session,
    new: Sequence[tuple[ScanDirectory, DirectoryScan, str | None]],
    scan_job_id: int,
    library_id: int,
) -> dict[int, RecordedDirectory]:
    """New movies as the one-by-one path would write them (see scanned_rows.upsert_scanned and _sync_assets): one
    insert of the movies, one of their streams, one per asset table; the scan_directories rows are updated at the
    flush."""
    if not new:
        return {}
    movies: list[dict[str, Any]] = []
    streams_of: list[list[dict[str, Any]]] = []
    for row, scan, signature in new:
        values = _movie_values(scan)
        streams = scan.media.stream_rows() if scan.media else []
        movies.append(
            {
                "library_id": library_id,
                "directory": scan.relative_dir,
                **values,
                "state": "discovered",
                "content_hash": _movie_hash(values, streams, (scanned_rows.asset_key(scan, a) for a in scan.assets)),
                "video_signature": signature,
                "scan_errors": list(scan.errors),
                "last_scan_job_id": scan_job_id,
                "fingerprint": row.fingerprint,
            }
        )
        streams_of.append(streams)
    movie_table = _table(Movie)
    movie_ids = list(
        session.execute(insert(movie_table).returning(movie_table.c.id, sort_by_parameter_order=True), movies).scalars()
    )
    stream_rows = [
        {"movie_id": movie_id, "position": i, **scanned_rows.stream_columns(s)}
        for movie_id, streams in zip(movie_ids, streams_of, strict=True)
        for i, s in enumerate(streams)
    ]
    if stream_rows:
        session.execute(insert(_table(Stream)), stream_rows)
    assets_of = _insert_new_assets(
        session, [(movie_id, scan) for movie_id, (_, scan, _) in zip(movie_ids, new, strict=True)]
    )
    recorded: dict[int, RecordedDirectory] = {}
    for movie_id, (row, scan, _) in zip(movie_ids, new, strict=True):
        assets = assets_of.get(movie_id, [])
        row.outcome = "new"
        row.movie_id = movie_id
        row.moved_from = None
        row.assets_queued = len(assets)
        row.errors = list(scan.errors) or None
        recorded[row.seq] = RecordedDirectory("new", movie_id, len(assets), list(scan.errors), assets=tuple(assets))
    return recorded


def _insert_new_assets(session: Session, owners: Sequence[tuple[int, DirectoryScan]]) -> dict[int, list[PendingAsset]]:
    """The local assets of new movies (by source path, as _sync_assets keys them), every one still to cache."""
    rows: dict[AssetModel, list[dict[str, Any]]] = {model: [] for model in ASSET_MODELS}
    for movie_id, scan in owners:
        wanted = {(_model_for(a.asset_type), scan.relative(a.path)): a for a in scan.assets}
        for (model, source_path), asset in wanted.items():
            values: dict[str, Any] = {
                "movie_id": movie_id,
                "source_path": source_path,
                "file_size": asset.size,
                "mtime_ns": asset.mtime_ns,
            }
            if model is Image:
                values["image_type"] = asset.asset_type
            elif model is Subtitle:
                values.update(
                    language=asset.language,
                    forced=asset.forced,
                    sdh=asset.sdh,
                    default=asset.default,
                    format=asset.format,
                )
            rows[model].append(values)
    pending: dict[int, list[PendingAsset]] = {}
    for model, values_list in rows.items():
        if not values_list:
            continue
        table = _table(model)
        ids = session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), values_list).scalars()
        for asset_id, values in zip(ids, values_list, strict=True):
            asset_type = values.get("image_type") or ("trailer" if model is Trailer else "subtitle")
            pending.setdefault(values["movie_id"], []).append(
                PendingAsset(model, asset_id, "movie", values["movie_id"], asset_type, values["source_path"])
            )
    return pending


def _table(model: type[Any]) -> Table:
    return cast("Table", model.__table__)


def _record_one(
    session: Session,
    row: ScanDirectory,
    scan_job_id: int,
    library_id: int,
    scan: DirectoryScan,
    cache_exists: CacheCheck,
    found: Movie | None,
    signature: str | None,
) -> RecordedDirectory:
    """One folder whose movie may exist already (recorded there, or claimed from the folder it moved from)."""
    values = _movie_values(scan)
    streams = scan.media.stream_rows() if scan.media else []
    content_hash = _movie_hash(values, streams, (scanned_rows.asset_key(scan, a) for a in scan.assets))

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
        movie, outcome = scanned_rows.upsert_scanned(session, Movie, found, keys, values, content_hash)
    movie.video_signature = signature
    session.flush()

    if outcome != "unchanged" and not only_moved:
        if outcome == "updated":
            session.execute(delete(Stream).where(Stream.movie_id == movie.id))
        if streams:
            session.execute(
                insert(Stream),
                [
                    {"movie_id": movie.id, "position": i, **scanned_rows.stream_columns(s)}
                    for i, s in enumerate(streams)
                ],
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
    return main_video_signature((found.main_video, found.video_signature) if found else None, scan)


def recorded_videos(
    session: Session, library_id: int, directories: Sequence[str]
) -> dict[str, tuple[str | None, str | None]]:
    """The recorded main video and its signature of the movies in these folders (for main_video_signature)."""
    query = select(Movie.directory, Movie.main_video, Movie.video_signature).where(
        Movie.library_id == library_id, Movie.directory.in_(list(directories))
    )
    return {directory: (main, signature) for directory, main, signature in session.execute(query)}


def main_video_signature(recorded: tuple[str | None, str | None] | None, scan: DirectoryScan) -> str | None:
    """The main video's signature: the recorded one (main video, signature) while the same file keeps its size,
    else read from the file (two megabytes, once per new or changed main video). Best read before the transaction
    that records the folder, which then does not wait on the file (a NAS) holding the database's write lock."""
    if recorded is not None:
        main, signature = recorded
        if signature and main == scan.relative(scan.main.path) and signature.startswith(f"{scan.main.size}:"):
            return signature
    return video_signature(scan.main)


def _claim_moved_movie(
    session: Session, library_id: int, signature: str, scan: DirectoryScan
) -> tuple[Movie | None, str | None]:
    """The movie of a folder that was renamed or moved to this one: same main video (size and end hashes), and
    its old folder is gone. Its paths (directory, videos, NFO, assets) move here; returns it and the old folder."""
    new = scan.relative_dir
    movie, old = scanned_rows.claim_gone(session, Movie, library_id, signature, new, scan.root)
    if movie is not None and old is not None:
        movie.main_video = scanned_rows.rebased(movie.main_video, old, new)
        movie.nfo_path = scanned_rows.rebased(movie.nfo_path, old, new)
        movie.video_parts = [scanned_rows.rebased(part, old, new) for part in movie.video_parts or []]
        movie.video_versions = [scanned_rows.rebased(path, old, new) for path in movie.video_versions or []]
        for model in ASSET_MODELS:
            for row in asset_rows(session, select(model).where(model.movie_id == movie.id)):
                row.source_path = scanned_rows.rebased(row.source_path, old, new) or row.source_path
    return movie, old


def _only_moved(
    movie: Movie, old: str, scan: DirectoryScan, values: dict[str, Any], streams: list[dict[str, Any]]
) -> bool:
    """Whether what the scan read is what was recorded for the old folder, paths aside."""
    new = scan.relative_dir
    back = dict(values)
    for key in ("main_video", "nfo_path"):
        back[key] = scanned_rows.rebased(values[key], new, old)
    back["video_parts"] = [scanned_rows.rebased(part, new, old) for part in values["video_parts"]]
    back["video_versions"] = [scanned_rows.rebased(path, new, old) for path in values["video_versions"]]
    assets = (
        {**scanned_rows.asset_key(scan, a), "path": scanned_rows.rebased(scan.relative(a.path), new, old)}
        for a in scan.assets
    )
    return movie.content_hash == _movie_hash(back, streams, assets)
