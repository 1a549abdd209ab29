"""Phase 2 activity: scan and record a child's directories (runs as a local activity of its child workflow)."""

from __future__ import annotations

from pathlib import Path

from temporalio import activity
from temporalio.exceptions import ApplicationError, CancelledError

from activities.common import LIBRARY_ROOT_ERROR, count, database, settings
from reelscan.cache_store import CacheStore
from reelscan.db import movie_records, series_records, work_list
from reelscan.db import music as music_db
from reelscan.library.music_scanner import AlbumFolderScan, scan_album_directory
from reelscan.library.scanner import DirectoryError, DirectoryScan, scan_movie_directory
from reelscan.library.series_scanner import SeriesScan, scan_series_directory
from reelscan.library_kinds import library_kind
from reelscan.payloads.scan import (
    DirectoryBatchResult,
    DirectoryRef,
    DirectoryScanInput,
    DirectoryScanResult,
    RecordedDirectoriesInput,
)

MAX_ERRORS_RETURNED = 5


# no_thread_cancel_exception: a cancel (local-activity timeout, task eviction, worker shutdown) must never land
# inside a folder's scan, where it would look like that folder's error; it is checked between folders instead.
@activity.defn(no_thread_cancel_exception=True)
def scan_directories(job: DirectoryScanInput) -> DirectoryBatchResult:
    """Idempotent: a retry reports what an earlier attempt recorded and scans only what it did not reach.

    The child's folders are read first, then recorded together in one transaction (one session for the reading
    of what was recorded, one for the writes): a failure records none of them and the retry does them all again.
    A cancel records the folders read so far, then ends the activity; the others stay pending."""
    movies = library_kind(job.library_type).movie
    with database() as session:
        recorded = work_list.already_recorded(session, job.scan_job_id, [d.seq for d in job.directories])
        videos = (
            movie_records.recorded_videos(session, job.library_id, [d.path for d in job.directories]) if movies else {}
        )
    read: list[tuple[DirectoryRef, Scanned]] = []
    signatures: dict[int, str | None] = {}
    cancelled = False
    for directory in job.directories:
        if directory.seq in recorded:
            continue
        if activity.is_cancelled():
            cancelled = True
            break
        scanned = _scan_one(job, directory)
        if isinstance(scanned, DirectoryScan):  # read here, not while the write transaction holds the database
            signatures[directory.seq] = movie_records.main_video_signature(videos.get(directory.path), scanned)
        read.append((directory, scanned))
    if read:
        recorded.update(_record(job, read, signatures))
    if cancelled:
        raise CancelledError("directory scan cancelled")
    return DirectoryBatchResult(results=[_result(d.seq, recorded[d.seq]) for d in job.directories])


@activity.defn
def load_recorded_directories(job: RecordedDirectoriesInput) -> DirectoryBatchResult:
    """What a child that failed had recorded before it failed (its other directories stay pending)."""
    with database() as session:
        recorded = work_list.already_recorded(session, job.scan_job_id, job.seqs)
    return DirectoryBatchResult(results=[_result(seq, recorded[seq]) for seq in job.seqs if seq in recorded])


# What reading a folder gave: its scan, or the message of the error it is recorded with.
Scanned = DirectoryScan | SeriesScan | AlbumFolderScan | str


def _known(job: DirectoryScanInput, directory: DirectoryRef) -> dict[str, str]:
    """The season folders' fingerprints recorded for this series folder (unchanged ones are not read); none for a
    movie library or a forced scan."""
    if not library_kind(job.library_type).tv or job.force_full_rescan:
        return {}
    with database() as session:
        return series_records.known_season_fingerprints(session, job.library_id, directory.path)


def _scan_one(job: DirectoryScanInput, directory: DirectoryRef) -> Scanned:
    root = Path(job.library_path)
    known = _known(job, directory)  # before the try: a database outage is retried, not this folder's error
    kind = library_kind(job.library_type)
    try:
        if kind.music:
            return scan_album_directory(root, directory.path, find_assets=not job.skip_asset_discovery)
        if kind.tv:
            return scan_series_directory(
                root, directory.path, read_media=not job.skip_ffprobe, known_season_fingerprints=known
            )
        return scan_movie_directory(
            root, directory.path, read_media=not job.skip_ffprobe, find_assets=not job.skip_asset_discovery
        )
    except DirectoryError as exc:
        if not root.is_dir() or next(root.iterdir(), None) is None:
            # Not this directory's fault: the whole share went away (or left an empty mount point).
            raise ApplicationError(
                f"library root {root} disappeared during the scan (is the share still mounted?)",
                type=LIBRARY_ROOT_ERROR,
                non_retryable=True,
            ) from None
        return str(exc)
    except CancelledError:
        raise  # never this folder's error: the scan of it did not finish, it stays pending
    except Exception as exc:  # a bug or an odd file must not stop the scan: it becomes this directory's error
        activity.logger.exception("unexpected error scanning a directory", extra={"directory": directory.path})
        return f"cannot scan {root / directory.path}: {type(exc).__name__}: {exc}"


def _record(
    job: DirectoryScanInput, read: list[tuple[DirectoryRef, Scanned]], signatures: dict[int, str | None]
) -> dict[int, work_list.RecordedDirectory]:
    """Record the folders read, in one transaction: movie folders together (new movies set-based), series and
    album folders one by one, errors as the folders' outcomes."""
    exists = CacheStore(settings().resolved_cache_dir).exists
    scan_job_id, library_id = job.scan_job_id, job.library_id
    recorded: dict[int, work_list.RecordedDirectory] = {}
    with database() as session:
        movies = [(d.seq, scan) for d, scan in read if isinstance(scan, DirectoryScan)]
        if movies:
            recorded.update(
                movie_records.record_directory_scans(
                    session,
                    scan_job_id=scan_job_id,
                    library_id=library_id,
                    scans=movies,
                    cache_exists=exists,
                    signatures=signatures,
                )
            )
        for directory, scan in read:
            seq = directory.seq
            if isinstance(scan, str):
                recorded[seq] = work_list.record_directory_error(session, scan_job_id, seq, scan)
            elif isinstance(scan, SeriesScan):
                recorded[seq] = series_records.record_series_scan(
                    session, scan_job_id=scan_job_id, seq=seq, library_id=library_id, scan=scan, cache_exists=exists
                )
            elif isinstance(scan, AlbumFolderScan):
                recorded[seq] = music_db.record_album_folder(
                    session, scan_job_id=scan_job_id, seq=seq, library_id=library_id, scan=scan, cache_exists=exists
                )
    for directory, _ in read:
        earlier = recorded[directory.seq]
        count("directories_scanned", outcome=earlier.outcome)
        count("errors", len(earlier.errors), phase="scanning")
        activity.logger.info(
            "directory %s", earlier.outcome, extra={"directory": directory.path, "errors": len(earlier.errors)}
        )
    return recorded


# What a recorded directory hands on to its result as it is, by the same name.
_CARRIED = (
    "outcome", "movie_id", "series_id", "episodes_found", "episodes_new", "episodes_updated", "episodes_missing",
    "unmatched", "assets_to_cache",
)  # fmt: skip


def _result(seq: int, earlier: work_list.RecordedDirectory) -> DirectoryScanResult:
    return DirectoryScanResult(
        seq=seq,
        **{name: getattr(earlier, name) for name in _CARRIED},
        error_count=len(earlier.errors),
        errors=earlier.errors[:MAX_ERRORS_RETURNED],
        **_music(earlier),
    )


def _music(earlier: work_list.RecordedDirectory) -> dict[str, object]:
    """An album folder's main album and counts (nothing for movie and series folders: their payloads stay)."""
    if earlier.music is None:
        return {}
    counts = dict(earlier.music)
    return {"album_id": counts.pop("album_id"), "music": counts}
