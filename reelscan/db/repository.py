"""Database operations of a scan. Every write is idempotent: keyed by natural keys, safe to run twice."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

from sqlalchemy import Table, bindparam, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from reelscan.db.models import (
    ACTIVE_SCAN_STATUSES,
    Album,
    AssetCandidate,
    Episode,
    EpisodeStream,
    Image,
    Library,
    Movie,
    MusicAsset,
    ScanDirectory,
    ScanError,
    ScanJob,
    Season,
    Series,
    Stream,
    Subtitle,
    Trailer,
    TvAsset,
    utcnow,
)
from reelscan.library.assets import LocalAsset
from reelscan.library.discovery import DiscoveredDirectory
from reelscan.library.media_info import MediaInfo
from reelscan.library.nfo import Actor
from reelscan.library.scanner import DirectoryScan
from reelscan.library.series_scanner import EpisodeScan, SeriesScan
from reelscan.library.tv_nfo import EpisodeNfo
from reelscan.library.videos import video_signature

AssetRow = Image | Trailer | Subtitle | AssetCandidate | TvAsset | MusicAsset
# Whether a cached file is still in place: (relative cache path, expected size) -> bool; CacheStore.exists fits.
CacheCheck = Callable[[str, int | None], bool]
MovieAssetModel = type[Image] | type[Trailer] | type[Subtitle]
AssetModel = MovieAssetModel | type[AssetCandidate] | type[TvAsset] | type[MusicAsset]
# Rows a scan inserts or updates from what it read, by content hash.
ScannedRow = TypeVar("ScannedRow", Movie, Series, Episode, Album)
Owner = TypeVar("Owner", Movie, Series)
ASSET_MODELS: tuple[MovieAssetModel, ...] = (Image, Trailer, Subtitle)


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


def plan_rescan(
    session: Session,
    scan_job_id: int,
    library_id: int,
    *,
    complete: bool,
    force: bool,
    model: type[Movie] | type[Series] | type[Album] = Movie,
    unchecked: Collection[str] = (),
    scope: Sequence[str] = (),
) -> tuple[int, int]:
    """Mark directories whose fingerprint matches their movie's (or series', with model=Series) as unchanged (no
    child is started for them), and movies whose directory is gone as missing (kept, not deleted). Returns
    (unchanged, newly missing).

    complete=False (a walk cut short by max_directories) marks nothing missing; a movie at or under an
    `unchecked` folder (one the walk could not read) is not known to be gone either, so it keeps its state.
    A targeted scan gives its folders as scope: only the movies in them (the folder itself or below it) can become
    missing; every other movie is left as it is."""
    # A folder's rows: one movie or series, or the albums of an album folder (which share its fingerprint).
    known: dict[str, list[tuple[int, str | None]]] = {}
    for movie_id, directory, fingerprint in session.execute(
        select(model.id, model.directory, model.fingerprint).where(
            model.library_id == library_id, model.state != "missing"
        )
    ):
        if not scope or in_scope(directory, scope):
            known.setdefault(directory, []).append((movie_id, fingerprint))
    found: set[str] = set()
    unchanged: list[tuple[int, list[int]]] = []
    for row_id, path, fingerprint in session.execute(
        select(ScanDirectory.id, ScanDirectory.path, ScanDirectory.fingerprint).where(
            ScanDirectory.scan_job_id == scan_job_id
        )
    ):
        found.add(path)
        rows = known.get(path)
        if not force and rows and fingerprint and all(fp == fingerprint for _, fp in rows):
            unchanged.append((row_id, [movie_id for movie_id, _ in rows]))
    for start in range(0, len(unchanged), 1000):
        chunk = unchanged[start : start + 1000]
        session.execute(
            update(ScanDirectory)
            .where(ScanDirectory.id.in_([row_id for row_id, _ in chunk]))
            .values(outcome="unchanged")
        )
        session.execute(
            update(model)
            .where(model.id.in_([movie_id for _, ids in chunk for movie_id in ids]))
            .values(last_scan_job_id=scan_job_id)
        )
    missing = (
        [
            movie_id
            for directory, rows in known.items()
            if directory not in found and not _under_any(directory, unchecked)
            for movie_id, _ in rows
        ]
        if complete
        else []
    )
    for start in range(0, len(missing), 1000):
        session.execute(
            update(model)
            .where(model.id.in_(missing[start : start + 1000]))
            .values(state="missing", updated_at=utcnow(), last_scan_job_id=scan_job_id)
        )
    return len(unchanged), len(missing)


def in_scope(directory: str, folders: Sequence[str]) -> bool:
    """Whether a directory (relative to the root) is one of these folders or below one of them."""
    return any(directory == folder or directory.startswith(folder + "/") for folder in folders)


def _under_any(directory: str, folders: Collection[str]) -> bool:
    """Whether a relative path is one of these folders or lies below one ("" is the root: everything is)."""
    if not folders:
        return False
    parts = directory.split("/")
    return any("/".join(parts[:n]) in folders for n in range(len(parts) + 1))


def replace_scan_errors(session: Session, scan_job_id: int, phase: str, errors: Iterable[tuple[str, str]]) -> None:
    """Store a phase's errors ((path, message) pairs) as the only ones of that phase for the scan: safe to run
    again. Paths and messages are made storable text (a name may not be valid UTF-8)."""
    session.execute(delete(ScanError).where(ScanError.scan_job_id == scan_job_id, ScanError.phase == phase))
    rows = [
        {"scan_job_id": scan_job_id, "phase": phase, "path": _text(path), "message": _text(message)}
        for path, message in errors
    ]
    for start in range(0, len(rows), 1000):
        session.execute(insert(ScanError), rows[start : start + 1000])


def _text(value: str) -> str:
    return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace").replace("\x00", "\ufffd")


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
    """How many directories of a scan ended new, updated, unchanged, in error or are still pending, the error
    messages they recorded, and the episodes their series folders recorded."""
    of_scan = ScanDirectory.scan_job_id == scan_job_id
    recorded = (of_scan, ScanDirectory.outcome != "pending")
    rows = session.execute(select(ScanDirectory.outcome, func.count()).where(of_scan).group_by(ScanDirectory.outcome))
    counts = {str(outcome): int(count) for outcome, count in rows}
    columns = ("episodes_found", "episodes_new", "episodes_updated", "episodes_missing", "unmatched", *MUSIC_COUNTS)
    sums = session.execute(
        select(*(func.coalesce(func.sum(getattr(ScanDirectory, name)), 0) for name in columns)).where(*recorded)
    ).one()
    counts.update({name: int(value) for name, value in zip(columns, sums, strict=True)})
    # Few folders carry errors: their lists are read, not counted in SQL (JSON functions differ per database).
    messages = session.scalars(select(ScanDirectory.errors).where(*recorded, ScanDirectory.errors.is_not(None)))
    counts["error_messages"] = sum(len(errors or []) for errors in messages)
    counts["moved"] = session.scalar(select(func.count()).where(*recorded, ScanDirectory.moved_from.is_not(None))) or 0
    return counts


def settle_pending_directories(session: Session, scan_job_id: int, reason: str) -> int:
    """Directories still pending become errors that name them ("not scanned: <path>: <why>"). Returns how many."""
    rows = session.execute(
        select(ScanDirectory.id, ScanDirectory.path).where(
            ScanDirectory.scan_job_id == scan_job_id, ScanDirectory.outcome == "pending"
        )
    ).all()
    for row_id, path in rows:  # few: what two passes could not scan
        session.execute(
            update(ScanDirectory)
            .where(ScanDirectory.id == row_id, ScanDirectory.outcome == "pending")
            .values(outcome="error", errors=[f"not scanned: {path}: {reason}"])
        )
    return len(rows)


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
    """What recording one directory did: a movie folder's movie, or a series folder's series and episodes."""

    outcome: str  # new | updated | unchanged | error (of the movie, or of the series)
    movie_id: int | None
    assets_to_cache: int
    errors: list[str]
    series_id: int | None = None
    episodes_found: int = 0  # episode rows of the folder's files (a multi-episode file counts each episode)
    episodes_new: int = 0
    episodes_updated: int = 0
    episodes_missing: int = 0  # episodes of the series no longer on disk, newly marked missing
    unmatched: int = 0  # video files no episode rule matched (each also one of errors)
    music: dict[str, int] | None = None  # an album folder's album and track counts (MUSIC_COUNTS), with album_id


# What recording an album folder counts, as scan_directories columns (reelscan.db.music).
MUSIC_COUNTS = (
    "albums_found", "albums_new", "albums_updated", "albums_missing",
    "tracks_found", "tracks_new", "tracks_updated", "tracks_missing", "tracks_untagged",
)  # fmt: skip


def _recorded(row: ScanDirectory) -> RecordedDirectory:
    return RecordedDirectory(
        row.outcome,
        row.movie_id,
        row.assets_queued,
        list(row.errors or []),
        series_id=row.series_id,
        episodes_found=row.episodes_found or 0,
        episodes_new=row.episodes_new or 0,
        episodes_updated=row.episodes_updated or 0,
        episodes_missing=row.episodes_missing or 0,
        unmatched=row.unmatched or 0,
        music=(
            {"album_id": row.album_id, **{name: getattr(row, name) or 0 for name in MUSIC_COUNTS}}
            if row.album_id is not None
            else None
        ),
    )


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
        "actors": _actors(nfo.actors if nfo else []),
        "set_name": nfo.set_name if nfo else None,
        "nfo_path": scan.relative(scan.nfo_path) if scan.nfo_path else None,
        **_media_values(media, scan.main.size),
    }


def _actors(actors: Iterable[Actor]) -> list[dict[str, Any]]:
    return [{"name": a.name, "role": a.role, "order": a.order} for a in actors]


def _media_values(media: MediaInfo | None, size: int) -> dict[str, Any]:
    """Container, duration and size of a video file (the size from the directory listing when media info has none)."""
    return {
        "container": media.container if media else None,
        "duration_seconds": media.duration_seconds if media else None,
        "file_size": media.file_size if media and media.file_size else size or None,
    }


def _asset_key(scan: DirectoryScan | SeriesScan, asset: LocalAsset) -> dict[str, Any]:
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


def _content_hash(*parts: Any) -> str:
    blob = json.dumps(list(parts), sort_keys=True, default=str)
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
            if isinstance(row, Image):
                row.image_type = asset.asset_type
            elif isinstance(row, Subtitle):
                _set_subtitle_columns(row, asset)
            to_cache += _needs_caching(row, asset, cache_exists)
    return to_cache


def _set_subtitle_columns(row: Subtitle | TvAsset, asset: LocalAsset) -> None:
    row.language, row.forced, row.sdh, row.default = asset.language, asset.forced, asset.sdh, asset.default
    row.format = asset.format


def _needs_caching(row: AssetRow, asset: LocalAsset, cache_exists: CacheCheck) -> bool:
    """Forget the cached copy of a file that changed (or whose copy is gone); True when the file needs caching."""
    if row.file_size != asset.size or row.mtime_ns != asset.mtime_ns:
        row.file_size, row.mtime_ns = asset.size, asset.mtime_ns
        row.sha256 = row.cache_path = row.cached_at = row.cache_error = None
    elif row.cache_path and not cache_exists(row.cache_path, row.file_size):
        row.cache_path = row.cached_at = None
    if row.cache_path is None:
        row.cache_error = None
        return True
    return False


def is_locked(row: object, field: str) -> bool:
    """Whether a user locked this field (`<field>_locked`); fields without a lock column are never locked."""
    return bool(getattr(row, f"{field}_locked", False))


# Values that follow another field's lock: a locked title keeps where it came from too.
_LOCKED_WITH = {"title_source": "title"}


def _upsert_scanned(
    session: Session,
    model: type[ScannedRow],
    found: ScannedRow | None,
    keys: dict[str, Any],
    values: dict[str, Any],
    content_hash: str,
) -> tuple[ScannedRow, str]:
    """Insert a row for what a scan read, or update the found one: "new", "updated" (its content hash changed, or
    it was missing and is back: discovered again) or "unchanged". Locked fields (a user's edits) are kept."""
    if found is None:
        row = model(**keys, **values, state="discovered", content_hash=content_hash)
        session.add(row)
        return row, "new"
    if found.content_hash == content_hash and found.state != "missing":
        return found, "unchanged"
    for key, value in values.items():
        if not is_locked(found, _LOCKED_WITH.get(key, key)):
            setattr(found, key, value)
    found.content_hash = content_hash
    found.updated_at = utcnow()
    if found.state == "missing":
        found.state = "discovered"
    return found, "updated"


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


def _rebased(path: str | None, old: str, new: str) -> str | None:
    """A path (relative to the root) under folder old, moved under folder new."""
    if path is None:
        return None
    if path == old or path.startswith(old + "/"):
        return new + path[len(old) :]
    return path


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


def _claim_gone(
    session: Session, model: type[Owner], library_id: int, signature: str, new: str, root: Path
) -> tuple[Owner | None, str | None]:
    """The movie or series with this signature whose folder is gone, now at `new`: its directory is moved here if
    no other folder took it first (two copies of one video appearing at once). Only rows discovery marked missing
    are looked at, so a library of many copies of one video does not make every new folder look at all of them."""
    candidates = session.scalars(
        select(model)
        .where(
            model.library_id == library_id,
            model.video_signature == signature,
            model.directory != new,
            model.state == "missing",
        )
        .order_by(model.id)
    )
    for row in list(candidates):
        old = row.directory
        if (root / old).is_dir():
            continue  # still there: a copy, not a move
        claimed = session.execute(update(model).where(model.id == row.id, model.directory == old).values(directory=new))
        if getattr(claimed, "rowcount", 0):
            row.directory = new
            return row, old
    return None, None


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
    assets = sorted(
        ({**_asset_key(scan, a), "path": _rebased(scan.relative(a.path), new, old)} for a in scan.assets),
        key=lambda a: (a["type"], a["path"]),
    )
    return movie.content_hash == _content_hash(back, streams, assets)


def episodes_signature(directory: str, files: Iterable[tuple[str, int | None]]) -> str | None:
    """What identifies a series folder wherever it goes: its episode files' names inside it and their sizes."""
    inside = sorted(
        {(path[len(directory) + 1 :], size or 0) for path, size in files if path.startswith(directory + "/")}
    )
    if not inside:
        return None
    return f"{len(inside)}:" + _content_hash(inside)[:64]


def _claim_moved_series(session: Session, library_id: int, scan: SeriesScan) -> tuple[Series | None, str | None]:
    """The series of a folder renamed or moved to this one: the same episode files (names and sizes) and its old
    folder gone. Its paths (folder, NFO, seasons, episodes, assets) move here; the scan then updates it as usual,
    keeping its id, locked fields, episodes and cached artwork."""
    new = scan.relative_dir
    files = [(e.relative_path, _media_values(e.media, e.size)["file_size"]) for e in scan.episodes]
    signature = episodes_signature(new, files)
    if signature is None:
        return None, None
    series, old = _claim_gone(session, Series, library_id, signature, new, scan.root)
    if series is not None and old is not None:
        series.nfo_path = _rebased(series.nfo_path, old, new)
        for season in session.scalars(select(Season).where(Season.series_id == series.id)):
            season.folder = _rebased(season.folder, old, new)
        for episode in session.scalars(select(Episode).where(Episode.series_id == series.id)):
            episode.file_path = _rebased(episode.file_path, old, new) or episode.file_path
            episode.nfo_path = _rebased(episode.nfo_path, old, new)
        for asset in session.scalars(select(TvAsset).where(TvAsset.series_id == series.id)):
            asset.source_path = _rebased(asset.source_path, old, new) or asset.source_path
        session.flush()
    return series, old


# --- phase 2 for TV libraries: record one series folder ---------------------------------------------------------


@dataclass(frozen=True)
class _WantedEpisode:
    """One episode row a series scan found: its natural key, values, streams and the file's assets."""

    key: tuple[Any, ...]
    values: dict[str, Any]
    streams: list[dict[str, Any]]
    assets: list[LocalAsset]  # the file's thumb and subtitles, on the file's first episode row only
    content_hash: str


def _episode_key(season: int | None, number: int | None, file_path: str) -> tuple[Any, ...]:
    """Numbered episodes by (season, number); air-date and absolute-number files by their path (see Episode)."""
    return ("number", season, number) if number is not None else ("file", file_path)


def _episode_nfo(episode: EpisodeScan, index: int, number: int | None) -> EpisodeNfo | None:
    """The <episodedetails> of one episode of a file: the one with its number, else the one in its position."""
    for nfo in episode.nfo:
        if number is not None and nfo.episode == number and nfo.season in (None, episode.season):
            return nfo
    return episode.nfo[index] if index < len(episode.nfo) else None


def _episode_values(scan: SeriesScan, episode: EpisodeScan, index: int, number: int | None) -> dict[str, Any]:
    nfo = _episode_nfo(episode, index, number)
    return {
        "season_number": episode.season,
        "episode_number": number,
        "file_path": episode.relative_path,
        "file_episodes": list(episode.episodes),
        "air_date": (nfo.aired if nfo else None) or episode.air_date,
        "absolute_number": episode.absolute,
        "title": nfo.title if nfo else None,
        "plot": nfo.plot if nfo else None,
        "unique_ids": dict(nfo.ids.unique_ids) if nfo else {},
        "nfo_path": scan.relative(episode.nfo_path) if episode.nfo_path else None,
        **_media_values(episode.media, episode.size),
    }


def _wanted_episodes(scan: SeriesScan, errors: list[str], taken: Mapping[tuple[Any, ...], str]) -> list[_WantedEpisode]:
    """An episode row per episode number of each file; a number a second file claims again is an error, and so is
    one an episode of an unchanged season folder holds (taken: its file by key)."""
    wanted: dict[tuple[Any, ...], _WantedEpisode] = {}
    for episode in scan.episodes:
        streams = episode.media.stream_rows() if episode.media else []
        assets = [a for a in (episode.thumb, *episode.subtitles) if a is not None]
        for index, number in enumerate(episode.episodes or (None,)):
            key = _episode_key(episode.season, number, episode.relative_path)
            if key in wanted or key in taken:
                first = wanted[key].values["file_path"] if key in wanted else taken[key]
                label = f"S{episode.season:02d}E{number:02d}" if episode.season is not None else f"E{number:02d}"
                errors.append(f"duplicate episode {label}: {episode.relative_path} (also {first})")
                continue
            values = _episode_values(scan, episode, index, number)
            keys = [_asset_key(scan, a) for a in assets]
            wanted[key] = _WantedEpisode(key, values, streams, assets, _content_hash(values, streams, keys))
            assets = []
    return list(wanted.values())


def _series_values(scan: SeriesScan) -> dict[str, Any]:
    nfo = scan.nfo
    return {
        "title": scan.title,
        "title_source": scan.title_source,
        "original_title": nfo.original_title if nfo else None,
        "year": scan.year,
        "premiered": nfo.premiered if nfo else None,
        "plot": nfo.plot if nfo else None,
        "studios": list(nfo.studios) if nfo else [],
        "genres": list(nfo.genres) if nfo else [],
        "actors": _actors(nfo.actors if nfo else []),
        "imdb_id": scan.imdb_id,
        "tmdb_id": scan.tmdb_id,
        "tvdb_id": scan.tvdb_id,
        "unique_ids": dict(nfo.ids.unique_ids) if nfo else {},
        "nfo_path": scan.relative(scan.nfo_path) if scan.nfo_path else None,
    }


def _sync_seasons(session: Session, series: Series, scan: SeriesScan) -> dict[int, int]:
    """Upsert the scanned seasons by number (seasons no longer seen are kept); their ids by number."""
    seasons = {row.number: row for row in session.scalars(select(Season).where(Season.series_id == series.id))}
    for scanned in scan.seasons:
        season = seasons.get(scanned.number)
        if season is None:
            season = seasons[scanned.number] = Season(series_id=series.id, number=scanned.number)
            session.add(season)
        season.folder, season.fingerprint = scanned.folder, scanned.fingerprint
    session.flush()
    return {number: season.id for number, season in seasons.items()}


@dataclass
class _EpisodeCounts:
    new: int = 0
    updated: int = 0
    missing: int = 0


def _episodes_by_key(session: Session, series: Series | None) -> dict[tuple[Any, ...], Episode]:
    """The recorded episodes of a series by natural key (none for a new series)."""
    if series is None:
        return {}
    return {
        _episode_key(row.season_number, row.episode_number, row.file_path): row
        for row in session.scalars(select(Episode).where(Episode.series_id == series.id))
    }


def _untouched_episodes(
    existing: dict[tuple[Any, ...], Episode], unchanged_folders: Collection[str]
) -> dict[tuple[Any, ...], Episode]:
    """The episodes on disk in the season folders a scan did not read (taken out of existing): kept as they are."""
    keys = [
        key
        for key, row in existing.items()
        if row.state != "missing" and row.file_path.rpartition("/")[0] in unchanged_folders
    ]
    return {key: existing.pop(key) for key in keys}


def _sync_episodes(
    session: Session,
    series: Series,
    wanted: list[_WantedEpisode],
    existing: dict[tuple[Any, ...], Episode],
    scan_job_id: int,
) -> tuple[dict[tuple[Any, ...], int], _EpisodeCounts]:
    """Upsert the episodes by natural key over the existing ones (those of unchanged season folders left out),
    replace the streams of changed ones, mark the ones gone as missing. Returns the episode ids by key and the
    counts."""
    existing = dict(existing)
    counts = _EpisodeCounts()
    changed: list[tuple[Episode, _WantedEpisode]] = []
    kept: dict[tuple[Any, ...], Episode] = {}
    for episode in wanted:
        found = existing.pop(episode.key, None)
        keys = {"series_id": series.id}
        row, outcome = _upsert_scanned(session, Episode, found, keys, episode.values, episode.content_hash)
        row.last_scan_job_id = scan_job_id
        kept[episode.key] = row
        if outcome != "unchanged":
            changed.append((row, episode))
            counts.new += outcome == "new"
            counts.updated += outcome == "updated"
    for row in existing.values():
        if row.state != "missing":
            row.state, row.updated_at = "missing", utcnow()
            counts.missing += 1
    session.flush()
    if changed:
        session.execute(delete(EpisodeStream).where(EpisodeStream.episode_id.in_([row.id for row, _ in changed])))
        streams = [
            {"episode_id": row.id, "position": i, **_stream_columns(s)}
            for row, episode in changed
            for i, s in enumerate(episode.streams)
        ]
        if streams:
            session.execute(insert(EpisodeStream), streams)
    return {key: row.id for key, row in kept.items()}, counts


def _sync_tv_assets(
    session: Session,
    series: Series,
    wanted: dict[str, tuple[int | None, int | None, LocalAsset]],
    cache_exists: CacheCheck,
    kept_episodes: Collection[int] = (),
) -> int:
    """Upsert a series folder's assets by source path (owners by season and episode id); return how many need
    caching. The assets of kept_episodes (episodes of unchanged season folders, not read) stay as they are."""
    existing = {row.source_path: row for row in session.scalars(select(TvAsset).where(TvAsset.series_id == series.id))}
    to_cache = 0
    for source_path, old in existing.items():
        if source_path not in wanted and old.episode_id not in kept_episodes:
            session.delete(old)
    for source_path, (season_id, episode_id, asset) in wanted.items():
        row = existing.get(source_path)
        if row is None:
            row = TvAsset(series_id=series.id, source_path=source_path, file_size=asset.size, mtime_ns=asset.mtime_ns)
            session.add(row)
        row.season_id, row.episode_id, row.asset_type = season_id, episode_id, asset.asset_type
        _set_subtitle_columns(row, asset)
        to_cache += _needs_caching(row, asset, cache_exists)
    return to_cache


def known_season_fingerprints(session: Session, library_id: int, directory: str) -> dict[str, str]:
    """The recorded fingerprints of a series folder's season folders, by folder (relative to the root); none when
    the series is new or was missing."""
    rows = session.execute(
        select(Season.folder, Season.fingerprint)
        .join(Series, Series.id == Season.series_id)
        .where(
            Series.library_id == library_id,
            Series.directory == directory,
            Series.state != "missing",
            Season.folder.is_not(None),
            Season.fingerprint.is_not(None),
        )
    )
    return {folder: fingerprint for folder, fingerprint in rows if folder and fingerprint}


def record_series_scan(
    session: Session,
    *,
    scan_job_id: int,
    seq: int,
    library_id: int,
    scan: SeriesScan,
    cache_exists: CacheCheck,
) -> RecordedDirectory:
    """Upsert the series of one series folder (keyed by library + directory), its seasons (by number), episodes
    (by natural key, see Episode; gone ones marked missing), their streams and every asset of the folder.

    Once per (scan_job_id, seq) like record_directory_scan: a retry returns what the first attempt stored.
    Unmatched video files are recorded as errors ("unmatched episode file: <path>"). Locked fields are kept.

    The episodes of the season folders the scan did not read (scan.unchanged_folders) are kept as recorded, with
    their assets and the series' errors about those folders; they count in episodes_found, and the series' content
    hash takes their recorded hashes, so the outcome and the counts are those of a full scan.
    """
    row = _scan_directory_row(session, scan_job_id, seq)
    if row.outcome != "pending":
        return _recorded(row)

    found = session.scalars(
        select(Series).where(Series.library_id == library_id, Series.directory == scan.relative_dir)
    ).one_or_none()
    moved_from = None
    if found is None:
        found, moved_from = _claim_moved_series(session, library_id, scan)
    counted_missing = found is not None and found.state == "missing" and found.last_scan_job_id == scan_job_id
    skipped = scan.unchanged_folders
    existing = _episodes_by_key(session, found)
    untouched = _untouched_episodes(existing, skipped)
    errors = [*scan.errors, *(f"unmatched episode file: {path}" for path in scan.unmatched)]
    episodes = _wanted_episodes(scan, errors, {key: e.file_path for key, e in untouched.items()})
    values = _series_values(scan)
    seasons = [{"number": s.number, "folder": s.folder} for s in scan.seasons]
    folder_assets = [
        _asset_key(scan, a) for a in [*scan.assets, *(a for season in scan.seasons for a in season.assets)]
    ]
    episode_hashes = sorted([*(e.content_hash for e in episodes), *(e.content_hash or "" for e in untouched.values())])
    content_hash = _content_hash(values, seasons, folder_assets, episode_hashes, scan.unmatched)
    # Errors about the folders not read (their NFOs, media info) stay the series' until those folders are read again.
    kept_errors = [
        e
        for e in ((found.scan_errors or []) if found else [])
        if e not in errors and any(f"{f}/" in e for f in skipped)
    ]

    keys = {"library_id": library_id, "directory": scan.relative_dir}
    series, outcome = _upsert_scanned(session, Series, found, keys, values, content_hash)
    session.flush()

    season_ids = _sync_seasons(session, series, scan)
    episode_ids, counts = _sync_episodes(session, series, episodes, existing, scan_job_id)
    wanted_assets: dict[str, tuple[int | None, int | None, LocalAsset]] = {}
    for asset in scan.assets:
        wanted_assets.setdefault(scan.relative(asset.path), (None, None, asset))
    for season in scan.seasons:
        for asset in season.assets:
            wanted_assets.setdefault(scan.relative(asset.path), (season_ids[season.number], None, asset))
    for episode in episodes:
        for asset in episode.assets:
            wanted_assets.setdefault(scan.relative(asset.path), (None, episode_ids[episode.key], asset))
    to_cache = _sync_tv_assets(session, series, wanted_assets, cache_exists, {e.id for e in untouched.values()})
    series.scan_errors = [*errors, *kept_errors]
    series.last_scan_job_id = scan_job_id
    series.fingerprint = row.fingerprint
    series.video_signature = episodes_signature(
        scan.relative_dir,
        [(e.values["file_path"], e.values["file_size"]) for e in episodes]
        + [(e.file_path, e.file_size) for e in untouched.values()],
    )

    row.outcome = outcome
    row.series_id = series.id
    row.moved_from = moved_from if counted_missing else None
    row.assets_queued = to_cache
    row.errors = errors or None
    row.episodes_found = len(episodes) + len(untouched)
    row.episodes_new, row.episodes_updated, row.episodes_missing = counts.new, counts.updated, counts.missing
    row.unmatched = len(scan.unmatched)
    return _recorded(row)


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


def uncached_assets(
    session: Session,
    movie_ids: Sequence[int],
    candidate_ids: Sequence[int] = (),
    series_ids: Sequence[int] = (),
    album_ids: Sequence[int] = (),
    music_asset_ids: Sequence[int] = (),
) -> list[AssetRow]:
    """Local assets of these movies and series (with their seasons' and episodes') and downloaded provider
    candidates that are not cached yet."""
    rows: list[AssetRow] = []
    if movie_ids:
        for model in ASSET_MODELS:
            query = select(model).where(model.movie_id.in_(movie_ids), model.cache_path.is_(None)).order_by(model.id)
            rows.extend(_asset_rows(session, query))
    if candidate_ids:
        query = select(AssetCandidate).where(AssetCandidate.id.in_(candidate_ids), AssetCandidate.cache_path.is_(None))
        rows.extend(_asset_rows(session, query.order_by(AssetCandidate.id)))
    if series_ids:
        query = select(TvAsset).where(TvAsset.series_id.in_(series_ids), TvAsset.cache_path.is_(None))
        rows.extend(_asset_rows(session, query.order_by(TvAsset.id)))
    if album_ids:  # every local album and artist artwork the scans of these albums' folders recorded
        query = select(MusicAsset).where(
            MusicAsset.album_id.in_(album_ids), MusicAsset.source == "local", MusicAsset.cache_path.is_(None)
        )
        rows.extend(_asset_rows(session, query.order_by(MusicAsset.id)))
    if music_asset_ids:  # downloaded album covers
        query = select(MusicAsset).where(MusicAsset.id.in_(music_asset_ids), MusicAsset.cache_path.is_(None))
        rows.extend(_asset_rows(session, query.order_by(MusicAsset.id)))
    return rows


def asset_owner(row: AssetRow) -> tuple[str, int]:
    """The cache's entity type and id of an asset: ("movie", id), or ("series"|"season"|"episode", id); a provider
    candidate's owner is its movie, series or season."""
    return row.owner if isinstance(row, TvAsset | AssetCandidate | MusicAsset) else ("movie", row.movie_id)


def asset_type_of(row: AssetRow) -> str:
    if isinstance(row, AssetCandidate | TvAsset | MusicAsset):
        return row.asset_type
    if isinstance(row, Image):
        return row.image_type
    return "trailer" if isinstance(row, Trailer) else "subtitle"


def mark_assets_cached(session: Session, cached: Sequence[tuple[AssetModel, int, str, str]], scan_job_id: int) -> None:
    """Record (model, asset id, sha256, cache path) of cached files: one executemany per table, not per file."""
    now = utcnow()
    for model in {model for model, *_ in cached}:
        table = cast("Table", model.__table__)
        session.connection().execute(
            update(table)
            .where(table.c.id == bindparam("asset_id"))
            .values(
                sha256=bindparam("sha"),
                cache_path=bindparam("path"),
                cached_at=now,
                cache_error=None,
                cache_scan_job_id=scan_job_id,
            ),
            [{"asset_id": i, "sha": sha, "path": path} for m, i, sha, path in cached if m is model],
        )


def mark_asset_failed(session: Session, model: AssetModel, asset_id: int, *, error: str, scan_job_id: int) -> None:
    session.execute(
        update(model).where(model.id == asset_id).values(cache_error=error[:2000], cache_scan_job_id=scan_job_id)
    )


def cache_outcome(
    session: Session,
    movie_ids: Sequence[int],
    scan_job_id: int,
    candidate_ids: Sequence[int] = (),
    series_ids: Sequence[int] = (),
    album_ids: Sequence[int] = (),
    music_asset_ids: Sequence[int] = (),
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
    if series_ids:
        queries.append(
            select(TvAsset).where(TvAsset.series_id.in_(series_ids), TvAsset.cache_scan_job_id == scan_job_id)
        )
    if album_ids:
        queries.append(
            select(MusicAsset).where(
                MusicAsset.album_id.in_(album_ids),
                MusicAsset.source == "local",
                MusicAsset.cache_scan_job_id == scan_job_id,
            )
        )
    if music_asset_ids:
        queries.append(
            select(MusicAsset).where(MusicAsset.id.in_(music_asset_ids), MusicAsset.cache_scan_job_id == scan_job_id)
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


def count_episodes_settled_by(session: Session, scan_job_id: int) -> int:
    """Episodes on disk of the series this scan settled as unchanged at discovery (found without a rescan)."""
    query = (
        select(func.count())
        .select_from(Episode)
        .join(Series, Series.id == Episode.series_id)
        .where(Series.last_scan_job_id == scan_job_id, Series.state != "missing", Episode.state != "missing")
    )
    return session.scalar(query) or 0


def count_series(session: Session, library_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Series).where(Series.library_id == library_id)) or 0
