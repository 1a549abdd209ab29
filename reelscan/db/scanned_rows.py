"""What recording a movie, series or album folder shares: content hashes, the upsert of a scanned row that keeps
locked fields, stream columns, whether an asset needs caching, and claiming the row of a folder that moved."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from reelscan.db.asset_records import AssetRow
from reelscan.db.models import Album, Episode, Movie, Series, Subtitle, TvAsset, is_locked, utcnow
from reelscan.library.assets import LocalAsset
from reelscan.library.media_info import MediaInfo
from reelscan.library.nfo import Actor, Rating
from reelscan.library.scanner import DirectoryScan
from reelscan.library.series_scanner import SeriesScan

# Whether a cached file is still in place: (relative cache path, expected size) -> bool; CacheStore.exists fits.
CacheCheck = Callable[[str, int | None], bool]


# Rows a scan inserts or updates from what it read, by content hash.
ScannedRow = TypeVar("ScannedRow", Movie, Series, Episode, Album)


Owner = TypeVar("Owner", Movie, Series)


def actors(actors: Iterable[Actor]) -> list[dict[str, Any]]:
    return [{"name": a.name, "role": a.role, "order": a.order} for a in actors]


def ratings(ratings: Iterable[Rating]) -> list[dict[str, Any]]:
    return [{"name": r.name, "value": r.value, "votes": r.votes, "max": r.max, "default": r.default} for r in ratings]


def title_values(scan: DirectoryScan | SeriesScan) -> dict[str, Any]:
    """The columns a movie and a series fill alike, from the folder's name and its NFO."""
    nfo = scan.nfo
    return {
        "title": scan.title,
        "title_source": scan.title_source,
        "original_title": nfo.original_title if nfo else None,
        "sort_title": nfo.sort_title if nfo else None,
        "year": scan.year,
        "premiered": nfo.premiered if nfo else None,
        "plot": nfo.plot if nfo else None,
        "genres": list(nfo.genres) if nfo else [],
        "studios": list(nfo.studios) if nfo else [],
        "actors": actors(nfo.actors if nfo else []),
        "imdb_id": scan.imdb_id,
        "tmdb_id": scan.tmdb_id,
        "nfo_path": scan.relative(scan.nfo_path) if scan.nfo_path else None,
    }


def media_values(media: MediaInfo | None, size: int) -> dict[str, Any]:
    """Container, duration and size of a video file (the size from the directory listing when media info has none)."""
    return {
        "container": media.container if media else None,
        "duration_seconds": media.duration_seconds if media else None,
        "file_size": media.file_size if media and media.file_size else size or None,
    }


def asset_key(scan: DirectoryScan | SeriesScan, asset: LocalAsset) -> dict[str, Any]:
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


def content_hash(*parts: Any) -> str:
    blob = json.dumps(list(parts), sort_keys=True, default=str)
    return hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()


def set_subtitle_columns(row: Subtitle | TvAsset, asset: LocalAsset) -> None:
    row.language, row.forced, row.sdh, row.default = asset.language, asset.forced, asset.sdh, asset.default
    row.format = asset.format


def needs_caching(row: AssetRow, asset: LocalAsset, cache_exists: CacheCheck) -> bool:
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


# Values that follow another field's lock: a locked title keeps where it came from too.
_LOCKED_WITH = {"title_source": "title", "sets": "set_name"}


def upsert_scanned(
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


def rebased(path: str | None, old: str, new: str) -> str | None:
    """A path (relative to the root) under folder old, moved under folder new."""
    if path is None:
        return None
    if path == old or path.startswith(old + "/"):
        return new + path[len(old) :]
    return path


def claim_gone(
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


def stream_columns(stream: dict[str, Any]) -> dict[str, Any]:
    values = {key: stream.get(key) for key in _STREAM_COLUMNS}
    values["default"] = bool(values["default"])
    values["forced"] = bool(values["forced"])
    return values
