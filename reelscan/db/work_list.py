"""A scan's work list: the scan_directories rows discovery writes (seq 0..n-1), the rescan plan over them, the
phase errors, the pages children take, and what recording a folder left in its row (once per scan and folder)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, delete, func, insert, select, update
from sqlalchemy.orm import Session

from reelscan.db import statistics
from reelscan.db.asset_records import PendingAsset
from reelscan.db.models import Album, Movie, ScanDirectory, ScanError, Series, utcnow
from reelscan.library.discovery import DiscoveredDirectory


def replace_scan_directories(
    session: Session, scan_job_id: int, directories: Iterable[DiscoveredDirectory], batch_size: int = 2000
) -> int:
    """Store the discovered directories as the scan's work list (seq 0..n-1). Safe to run again. On PostgreSQL the
    work list is analyzed (its rows are a scan the statistics have not seen), and the movies when they grew."""
    session.execute(delete(ScanDirectory).where(ScanDirectory.scan_job_id == scan_job_id))
    count = _insert_rows(session, scan_job_id, directories, 0, batch_size)
    statistics.analyze(session, "scan_directories")
    statistics.analyze_grown(session, "movies")
    return count


def _insert_rows(
    session: Session, scan_job_id: int, directories: Iterable[DiscoveredDirectory], first_seq: int, batch_size: int
) -> int:
    """Insert pending work-list rows from first_seq on (Core, not the ORM's bulk insert: one statement per batch);
    how many."""
    table = cast("Table", ScanDirectory.__table__)
    count = 0
    batch: list[dict[str, Any]] = []
    for found in directories:
        batch.append(
            {
                "scan_job_id": scan_job_id,
                "seq": first_seq + count,
                "path": found.path,
                "fingerprint": found.fingerprint,
                "outcome": "pending",
            }
        )
        count += 1
        if len(batch) >= batch_size:
            session.execute(insert(table), batch)
            batch = []
    if batch:
        session.execute(insert(table), batch)
    return count


# What is recorded of a library's folders: by directory, the ids and fingerprints of its movie or series (or the
# albums of an album folder, which share its fingerprint).
Known = dict[str, list[tuple[int, str | None]]]
FolderModel = type[Movie] | type[Series] | type[Album]


@dataclass(frozen=True)
class RescanPlan:
    """What planning a rescan settled: the rows found unchanged, their movies (series, albums), and how many
    recorded ones became missing."""

    unchanged: int
    missing: int
    settled_ids: list[int]


def known_folders(session: Session, library_id: int, model: FolderModel, scope: Sequence[str] = ()) -> Known:
    """The library's recorded folders that are not missing (within a targeted scan's scope)."""
    known: Known = {}
    for movie_id, directory, fingerprint in session.execute(
        select(model.id, model.directory, model.fingerprint).where(
            model.library_id == library_id, model.state != "missing"
        )
    ):
        if not scope or in_scope(directory, scope):
            known.setdefault(directory, []).append((movie_id, fingerprint))
    return known


def stored_paths(session: Session, scan_job_id: int) -> tuple[set[str], int]:
    """The directories the scan's work list holds, and the seq the next one gets."""
    paths = set(session.scalars(select(ScanDirectory.path).where(ScanDirectory.scan_job_id == scan_job_id)))
    return paths, next_seq(session, scan_job_id)


def next_seq(session: Session, scan_job_id: int) -> int:
    last = session.scalar(select(func.max(ScanDirectory.seq)).where(ScanDirectory.scan_job_id == scan_job_id))
    return 0 if last is None else last + 1


def store_directories(
    session: Session,
    scan_job_id: int,
    model: FolderModel,
    directories: Sequence[DiscoveredDirectory],
    first_seq: int,
    known: Known,
    *,
    force: bool,
) -> RescanPlan:
    """Add directories to the work list from first_seq on, those whose fingerprint matches what is recorded
    settled as unchanged in the same transaction: a reader sees a stored row with its final plan."""
    _insert_rows(session, scan_job_id, directories, first_seq, 2000)
    # The chunks of a walk grow the work list while children look their folders up in it (see statistics).
    statistics.analyze_grown(session, "scan_directories")
    unchanged = [
        (seq, [movie_id for movie_id, _ in recorded])
        for seq, d in enumerate(directories, start=first_seq)
        if not force
        and d.fingerprint
        and (recorded := known.get(d.path))
        and all(fp == d.fingerprint for _, fp in recorded)
    ]
    _settle(session, scan_job_id, model, ScanDirectory.seq, unchanged)
    return RescanPlan(len(unchanged), 0, [movie_id for _, ids in unchanged for movie_id in ids])


def _settle(
    session: Session, scan_job_id: int, model: FolderModel, key: Any, unchanged: Sequence[tuple[int, list[int]]]
) -> None:
    """Mark these rows (by `key`: the row id or its seq) unchanged and their movies seen by this scan."""
    for start in range(0, len(unchanged), 1000):
        chunk = unchanged[start : start + 1000]
        session.execute(
            update(ScanDirectory)
            .where(ScanDirectory.scan_job_id == scan_job_id, key.in_([row for row, _ in chunk]))
            .values(outcome="unchanged")
        )
        session.execute(
            update(model)
            .where(model.id.in_([movie_id for _, ids in chunk for movie_id in ids]))
            .values(last_scan_job_id=scan_job_id)
        )


def mark_missing(
    session: Session, scan_job_id: int, model: FolderModel, known: Known, unchecked: Collection[str] = ()
) -> int:
    """Recorded folders no row of the scan's work list holds are gone: their movies become missing (kept, not
    deleted), except at or under a folder the walk could not read (`unchecked`)."""
    found = set(session.scalars(select(ScanDirectory.path).where(ScanDirectory.scan_job_id == scan_job_id)))
    missing = [
        movie_id
        for directory, rows in known.items()
        if directory not in found and not _under_any(directory, unchecked)
        for movie_id, _ in rows
    ]
    for start in range(0, len(missing), 1000):
        session.execute(
            update(model)
            .where(model.id.in_(missing[start : start + 1000]))
            .values(state="missing", updated_at=utcnow(), last_scan_job_id=scan_job_id)
        )
    return len(missing)


def settled_from(
    session: Session, scan_job_id: int, library_id: int, model: FolderModel, from_seq: int
) -> tuple[int, RescanPlan]:
    """The work list's rows stored from from_seq on, for a walk still storing its rest: how far it is stored and
    what discovery settled there (none of those rows was given to a child yet, so "unchanged" is discovery's)."""
    end = next_seq(session, scan_job_id)
    unchanged = list(
        session.scalars(
            select(ScanDirectory.path).where(
                ScanDirectory.scan_job_id == scan_job_id,
                ScanDirectory.seq >= from_seq,
                ScanDirectory.seq < end,  # a chunk stored meanwhile is the next call's (PostgreSQL reads anew)
                ScanDirectory.outcome == "unchanged",
            )
        )
    )
    ids: list[int] = []
    for start in range(0, len(unchanged), 1000):
        ids.extend(
            session.scalars(
                select(model.id).where(
                    model.library_id == library_id,
                    model.directory.in_(unchanged[start : start + 1000]),
                    model.state != "missing",
                )
            )
        )
    return max(end, from_seq), RescanPlan(len(unchanged), 0, sorted(ids))


def plan_rescan(
    session: Session,
    scan_job_id: int,
    library_id: int,
    *,
    complete: bool,
    force: bool,
    model: FolderModel = Movie,
    unchecked: Collection[str] = (),
    scope: Sequence[str] = (),
    from_seq: int = 0,
) -> RescanPlan:
    """Mark directories whose fingerprint matches their movie's (or series', with model=Series) as unchanged (no
    child is started for them), and movies whose directory is gone as missing (kept, not deleted).

    complete=False (a walk cut short by max_directories) marks nothing missing; a movie at or under an
    `unchecked` folder (one the walk could not read) is not known to be gone either, so it keeps its state.
    A targeted scan gives its folders as scope: only the movies in them (the folder itself or below it) can become
    missing; every other movie is left as it is. Only rows from from_seq on are settled: the rows before it were
    planned already (and may be scanned by now); every row counts as found."""
    known = known_folders(session, library_id, model, scope)
    unchanged: list[tuple[int, list[int]]] = []
    for row_id, seq, path, fingerprint in session.execute(
        select(ScanDirectory.id, ScanDirectory.seq, ScanDirectory.path, ScanDirectory.fingerprint).where(
            ScanDirectory.scan_job_id == scan_job_id
        )
    ):
        rows = known.get(path)
        if seq >= from_seq and not force and rows and fingerprint and all(fp == fingerprint for _, fp in rows):
            unchanged.append((row_id, [movie_id for movie_id, _ in rows]))
    _settle(session, scan_job_id, model, ScanDirectory.id, unchanged)
    missing = mark_missing(session, scan_job_id, model, known, unchecked) if complete else 0
    return RescanPlan(len(unchanged), missing, [movie_id for _, ids in unchanged for movie_id in ids])


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
    # The asset rows a new movie's recording wrote, all still to cache (known without querying them back); empty
    # when recording did not say (what an earlier attempt recorded, or a folder recorded one by one).
    assets: tuple[PendingAsset, ...] = field(default=(), compare=False)


# What recording an album folder counts, as scan_directories columns (reelscan.db.music).
MUSIC_COUNTS = (
    "albums_found", "albums_new", "albums_updated", "albums_missing",
    "tracks_found", "tracks_new", "tracks_updated", "tracks_missing", "tracks_untagged",
)  # fmt: skip


def recorded_directory(row: ScanDirectory) -> RecordedDirectory:
    """What a work-list row says the scan recorded for its folder, as the directory child reports it."""
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


def scan_directory_row(session: Session, scan_job_id: int, seq: int) -> ScanDirectory:
    """The work-list row of a scan's directory number `seq`; a LookupError when the scan has none."""
    row = session.scalars(
        select(ScanDirectory).where(ScanDirectory.scan_job_id == scan_job_id, ScanDirectory.seq == seq)
    ).one_or_none()
    if row is None:
        raise LookupError(f"scan {scan_job_id} has no directory #{seq}")
    return row


def directory_rows(session: Session, scan_job_id: int, seqs: Sequence[int]) -> dict[int, ScanDirectory]:
    """The scan_directories rows of these directories (by seq), in one query; LookupError when one is not there."""
    rows = {
        row.seq: row
        for row in session.scalars(
            select(ScanDirectory).where(ScanDirectory.scan_job_id == scan_job_id, ScanDirectory.seq.in_(seqs))
        )
    }
    for seq in seqs:
        if seq not in rows:
            raise LookupError(f"scan {scan_job_id} has no directory #{seq}")
    return rows


def already_recorded(session: Session, scan_job_id: int, seqs: Sequence[int]) -> dict[int, RecordedDirectory]:
    """What earlier attempts recorded for these directories (by seq), so a retry reports the same thing."""
    rows = session.scalars(
        select(ScanDirectory).where(
            ScanDirectory.scan_job_id == scan_job_id, ScanDirectory.seq.in_(seqs), ScanDirectory.outcome != "pending"
        )
    )
    return {row.seq: recorded_directory(row) for row in rows}


def record_directory_error(session: Session, scan_job_id: int, seq: int, message: str) -> RecordedDirectory:
    row = scan_directory_row(session, scan_job_id, seq)
    if row.outcome != "pending":
        return recorded_directory(row)
    row.outcome = "error"
    row.errors = [message]
    return RecordedDirectory("error", None, 0, [message])
