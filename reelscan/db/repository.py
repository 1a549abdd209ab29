"""Database operations of a scan. Every write is idempotent: keyed by natural keys, safe to run twice."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from reelscan.db.models import (
    ACTIVE_SCAN_STATUSES,
    AssetCandidate,
    Image,
    Library,
    Movie,
    ScanDirectory,
    ScanJob,
    Stream,
    Subtitle,
    Trailer,
    utcnow,
)
from reelscan.library.assets import LocalAsset
from reelscan.library.discovery import DiscoveredDirectory
from reelscan.library.scanner import DirectoryScan

AssetRow = Image | Trailer | Subtitle | AssetCandidate
# Whether a cached file is still in place: (relative cache path, expected size) -> bool; CacheStore.exists fits.
CacheCheck = Callable[[str, int | None], bool]
AssetModel = type[Image] | type[Trailer] | type[Subtitle] | type[AssetCandidate]
ASSET_MODELS: tuple[AssetModel, ...] = (Image, Trailer, Subtitle)


# --- libraries and scan jobs -------------------------------------------------------------------------------------


def get_or_create_library(
    session: Session, path: Path, name: str | None = None, library_type: str = "movie"
) -> Library:
    resolved = str(path.resolve())
    library = session.scalars(select(Library).where(Library.path == resolved)).first()
    if library is None:
        library = Library(name=name or path.resolve().name or resolved, path=resolved, type=library_type)
        session.add(library)
        session.flush()
    return library


def active_scan(session: Session, library_id: int) -> ScanJob | None:
    return session.scalars(
        select(ScanJob).where(ScanJob.library_id == library_id, ScanJob.status.in_(ACTIVE_SCAN_STATUSES))
    ).first()


def create_scan_job(session: Session, library_id: int, options: dict[str, Any]) -> ScanJob | None:
    """A new scan row, or None when the library already has an active scan (unique partial index)."""
    job = ScanJob(library_id=library_id, status="discovering", options=options)
    try:
        with session.begin_nested():
            session.add(job)
            session.flush()
    except IntegrityError:
        return None
    return job


# --- phase 1: the scan's directory list -------------------------------------------------------------------------


def replace_scan_directories(
    session: Session, scan_job_id: int, directories: Iterable[DiscoveredDirectory], batch_size: int = 2000
) -> int:
    """Store the discovered directories as the scan's work list (seq 0..n-1). Safe to run again."""
    session.execute(delete(ScanDirectory).where(ScanDirectory.scan_job_id == scan_job_id))
    count = 0
    batch: list[dict[str, Any]] = []
    for found in directories:
        batch.append(
            {
                "scan_job_id": scan_job_id,
                "seq": count,
                "path": found.path,
                "fingerprint": found.fingerprint,
                "outcome": "pending",
            }
        )
        count += 1
        if len(batch) >= batch_size:
            session.execute(insert(ScanDirectory), batch)
            batch = []
    if batch:
        session.execute(insert(ScanDirectory), batch)
    return count


def plan_rescan(session: Session, scan_job_id: int, library_id: int, *, complete: bool, force: bool) -> tuple[int, int]:
    """Mark directories whose fingerprint matches their movie's as unchanged (no child is started for them),
    and movies whose directory is gone as missing (kept, not deleted). Returns (unchanged, newly missing)."""
    known = {
        directory: (movie_id, fingerprint)
        for movie_id, directory, fingerprint in session.execute(
            select(Movie.id, Movie.directory, Movie.fingerprint).where(
                Movie.library_id == library_id, Movie.state != "missing"
            )
        )
    }
    found: set[str] = set()
    unchanged: list[dict[str, Any]] = []
    for row_id, path, fingerprint in session.execute(
        select(ScanDirectory.id, ScanDirectory.path, ScanDirectory.fingerprint).where(
            ScanDirectory.scan_job_id == scan_job_id
        )
    ):
        found.add(path)
        movie = known.get(path)
        if not force and movie and fingerprint and movie[1] == fingerprint:
            unchanged.append({"row_id": row_id, "movie_id": movie[0]})
    for start in range(0, len(unchanged), 1000):
        chunk = unchanged[start : start + 1000]
        session.execute(
            update(ScanDirectory).where(ScanDirectory.id.in_([c["row_id"] for c in chunk])).values(outcome="unchanged")
        )
        session.execute(
            update(Movie).where(Movie.id.in_([c["movie_id"] for c in chunk])).values(last_scan_job_id=scan_job_id)
        )
    missing = [movie_id for directory, (movie_id, _) in known.items() if directory not in found] if complete else []
    for start in range(0, len(missing), 1000):
        session.execute(
            update(Movie)
            .where(Movie.id.in_(missing[start : start + 1000]))
            .values(state="missing", updated_at=utcnow())
        )
    return len(unchanged), len(missing)


def directory_page(session: Session, scan_job_id: int, start_seq: int, limit: int) -> list[tuple[int, str]]:
    """The next directories still to scan, from start_seq on (unchanged ones were settled by plan_rescan)."""
    rows = session.execute(
        select(ScanDirectory.seq, ScanDirectory.path)
        .where(
            ScanDirectory.scan_job_id == scan_job_id,
            ScanDirectory.seq >= start_seq,
            ScanDirectory.outcome == "pending",
        )
        .order_by(ScanDirectory.seq)
        .limit(limit)
    ).all()
    return [(seq, path) for seq, path in rows]


def count_outcomes(session: Session, scan_job_id: int) -> dict[str, int]:
    """How many directories of a scan ended new, updated, unchanged or in error (pending ones left out)."""
    rows = session.execute(
        select(ScanDirectory.outcome, func.count())
        .where(ScanDirectory.scan_job_id == scan_job_id, ScanDirectory.outcome != "pending")
        .group_by(ScanDirectory.outcome)
    ).all()
    return {str(outcome): int(count) for outcome, count in rows}


def pending_directories_by_path(session: Session, scan_job_id: int, paths: Sequence[str]) -> list[tuple[int, str]]:
    """Directories of this scan, by path, that are still waiting (for the prioritize signal)."""
    rows = session.execute(
        select(ScanDirectory.seq, ScanDirectory.path)
        .where(
            ScanDirectory.scan_job_id == scan_job_id,
            ScanDirectory.path.in_(list(paths)),
            ScanDirectory.outcome == "pending",
        )
        .order_by(ScanDirectory.seq)
    ).all()
    return [(seq, path) for seq, path in rows]


# --- phase 2: record one directory ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordedDirectory:
    outcome: str  # new | updated | unchanged | error
    movie_id: int | None
    assets_to_cache: int
    errors: list[str]


def _recorded(row: ScanDirectory) -> RecordedDirectory:
    return RecordedDirectory(row.outcome, row.movie_id, row.assets_queued, list(row.errors or []))


def _scan_directory_row(session: Session, scan_job_id: int, seq: int) -> ScanDirectory:
    row = session.scalars(
        select(ScanDirectory).where(ScanDirectory.scan_job_id == scan_job_id, ScanDirectory.seq == seq)
    ).one_or_none()
    if row is None:
        raise LookupError(f"scan {scan_job_id} has no directory #{seq}")
    return row


def already_recorded(session: Session, scan_job_id: int, seqs: Sequence[int]) -> dict[int, RecordedDirectory]:
    """What earlier attempts recorded for these directories (by seq), so a retry reports the same thing."""
    rows = session.scalars(
        select(ScanDirectory).where(
            ScanDirectory.scan_job_id == scan_job_id, ScanDirectory.seq.in_(seqs), ScanDirectory.outcome != "pending"
        )
    )
    return {row.seq: _recorded(row) for row in rows}


def record_directory_error(session: Session, scan_job_id: int, seq: int, message: str) -> RecordedDirectory:
    row = _scan_directory_row(session, scan_job_id, seq)
    if row.outcome != "pending":
        return _recorded(row)
    row.outcome = "error"
    row.errors = [message]
    return RecordedDirectory("error", None, 0, [message])


def _movie_values(scan: DirectoryScan) -> dict[str, Any]:
    nfo = scan.nfo
    media = scan.media
    return {
        "main_video": scan.relative(scan.main.path),
        "video_parts": [scan.relative(p) for p in scan.main.parts],
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
        "actors": [{"name": a.name, "role": a.role, "order": a.order} for a in (nfo.actors if nfo else [])],
        "set_name": nfo.set_name if nfo else None,
        "nfo_path": scan.relative(scan.nfo_path) if scan.nfo_path else None,
        "container": media.container if media else None,
        "duration_seconds": media.duration_seconds if media else None,
        "file_size": media.file_size if media and media.file_size else scan.main.size or None,
    }


def _asset_key(scan: DirectoryScan, asset: LocalAsset) -> dict[str, Any]:
    return {
        "type": asset.asset_type,
        "path": scan.relative(asset.path),
        "size": asset.size,
        "mtime_ns": asset.mtime_ns,
        "language": asset.language,
        "forced": asset.forced,
        "sdh": asset.sdh,
        "default": asset.default,
    }


def _content_hash(values: dict[str, Any], streams: list[dict[str, Any]], assets: list[dict[str, Any]]) -> str:
    blob = json.dumps([values, streams, assets], sort_keys=True, default=str)
    return hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()


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
            if row.file_size != asset.size or row.mtime_ns != asset.mtime_ns:
                row.file_size, row.mtime_ns = asset.size, asset.mtime_ns
                row.sha256 = row.cache_path = row.cached_at = row.cache_error = None
            elif row.cache_path and not cache_exists(row.cache_path, row.file_size):
                row.cache_path = row.cached_at = None
            if isinstance(row, Image):
                row.image_type = asset.asset_type
            elif isinstance(row, Subtitle):
                row.language, row.forced, row.sdh, row.default = asset.language, asset.forced, asset.sdh, asset.default
                row.format = asset.format
            if row.cache_path is None:
                row.cache_error = None
                to_cache += 1
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

    movie = session.scalars(
        select(Movie).where(Movie.library_id == library_id, Movie.directory == scan.relative_dir)
    ).one_or_none()
    if movie is None:
        outcome = "new"
        movie = Movie(library_id=library_id, directory=scan.relative_dir, state="discovered", **values)
        session.add(movie)
        session.flush()
    elif movie.content_hash != content_hash or movie.state == "missing":
        outcome = "updated"
        for key, value in values.items():
            setattr(movie, key, value)
        movie.updated_at = utcnow()
        if movie.state == "missing":
            movie.state = "discovered"
    else:
        outcome = "unchanged"

    if outcome != "unchanged":
        movie.content_hash = content_hash
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
    row.assets_queued = to_cache
    row.errors = list(scan.errors) or None
    return RecordedDirectory(outcome, movie.id, to_cache, list(scan.errors))


_STREAM_COLUMNS = (
    "kind",
    "codec",
    "language",
    "width",
    "height",
    "frame_rate",
    "bit_depth",
    "hdr_format",
    "channels",
    "default",
    "forced",
    "title",
)


def _stream_columns(stream: dict[str, Any]) -> dict[str, Any]:
    values = {key: stream.get(key) for key in _STREAM_COLUMNS}
    values["default"] = bool(values["default"])
    values["forced"] = bool(values["forced"])
    return values


# --- phase 3: asset caching -------------------------------------------------------------------------------------


def _asset_rows(session: Session, query: Any) -> list[AssetRow]:
    return cast("list[AssetRow]", list(session.scalars(query)))


def uncached_assets(session: Session, movie_ids: Sequence[int], candidate_ids: Sequence[int] = ()) -> list[AssetRow]:
    """Local assets of these movies and downloaded provider candidates that are not cached yet."""
    rows: list[AssetRow] = []
    if movie_ids:
        for model in ASSET_MODELS:
            query = select(model).where(model.movie_id.in_(movie_ids), model.cache_path.is_(None)).order_by(model.id)
            rows.extend(_asset_rows(session, query))
    if candidate_ids:
        query = select(AssetCandidate).where(AssetCandidate.id.in_(candidate_ids), AssetCandidate.cache_path.is_(None))
        rows.extend(_asset_rows(session, query.order_by(AssetCandidate.id)))
    return rows


def asset_type_of(row: AssetRow) -> str:
    if isinstance(row, AssetCandidate):
        return row.asset_type
    if isinstance(row, Image):
        return row.image_type
    return "trailer" if isinstance(row, Trailer) else "subtitle"


def mark_asset_cached(
    session: Session, model: AssetModel, asset_id: int, *, sha256: str, cache_path: str, scan_job_id: int
) -> None:
    session.execute(
        update(model)
        .where(model.id == asset_id)
        .values(
            sha256=sha256, cache_path=cache_path, cached_at=utcnow(), cache_error=None, cache_scan_job_id=scan_job_id
        )
    )


def mark_asset_failed(session: Session, model: AssetModel, asset_id: int, *, error: str, scan_job_id: int) -> None:
    session.execute(
        update(model).where(model.id == asset_id).values(cache_error=error[:2000], cache_scan_job_id=scan_job_id)
    )


def cache_outcome(
    session: Session, movie_ids: Sequence[int], scan_job_id: int, candidate_ids: Sequence[int] = ()
) -> tuple[dict[str, int], int, list[str]]:
    """Assets of this batch cached in this scan (by type), and those given up (count, first messages)."""
    by_type: dict[str, int] = {}
    failed = 0
    messages: list[str] = []
    queries = [
        select(model).where(model.movie_id.in_(movie_ids), model.cache_scan_job_id == scan_job_id)
        for model in ASSET_MODELS
    ]
    queries.append(
        select(AssetCandidate).where(
            AssetCandidate.id.in_(candidate_ids), AssetCandidate.cache_scan_job_id == scan_job_id
        )
    )
    for query in queries:
        for row in _asset_rows(session, query):
            if row.cache_path is not None:
                kind = asset_type_of(row)
                by_type[kind] = by_type.get(kind, 0) + 1
            elif row.cache_error:
                failed += 1
                if len(messages) < 5:
                    messages.append(row.cache_error)
    return by_type, failed, messages


# --- the scan_jobs projection -----------------------------------------------------------------------------------


def write_scan_projection(session: Session, scan_job_id: int, values: dict[str, Any]) -> None:
    """Absolute values only, so writing the same snapshot twice changes nothing."""
    session.execute(update(ScanJob).where(ScanJob.id == scan_job_id).values(**values, updated_at=utcnow()))


def count_movies(session: Session, library_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Movie).where(Movie.library_id == library_id)) or 0
