"""Phase 2 activity: scan and record a child's directories (runs as a local activity of its child workflow)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session
from temporalio import activity
from temporalio.exceptions import ApplicationError, CancelledError

from activities.common import LIBRARY_ROOT_ERROR, count, database, settings
from reelscan.cache_store import CacheStore
from reelscan.db import repository
from reelscan.jobs import DirectoryBatchResult, DirectoryRef, DirectoryScanInput, DirectoryScanResult
from reelscan.library.scanner import DirectoryError, DirectoryScan, scan_movie_directory
from reelscan.library.series_scanner import SeriesScan, scan_series_directory

MAX_ERRORS_RETURNED = 5

# What reading one directory gave: what to record, or the message of its error.
Reading = DirectoryScan | SeriesScan | str


@activity.defn
def scan_directories(job: DirectoryScanInput) -> DirectoryBatchResult:
    """Read every directory not recorded yet, then record them in one transaction (one wait for the database's
    write lock per child, not per directory). Idempotent: a retry reports what an earlier attempt recorded and
    reads only the rest."""
    with database() as session:
        recorded = repository.already_recorded(session, job.scan_job_id, [d.seq for d in job.directories])
    readings: list[tuple[DirectoryRef, Reading]] = []
    for directory in job.directories:
        if directory.seq in recorded:
            continue
        if activity.is_cancelled():
            raise CancelledError("directory scan cancelled")
        readings.append((directory, _read(job, directory)))
    if readings:
        cache = CacheStore(settings().resolved_cache_dir)
        with database() as session:
            for directory, reading in readings:
                recorded[directory.seq] = _record(session, job, directory, reading, cache)
    for directory, _ in readings:
        outcome = recorded[directory.seq]
        count("directories_scanned", outcome=outcome.outcome)
        count("errors", len(outcome.errors), phase="scanning")
        activity.logger.info(
            "directory %s", outcome.outcome, extra={"directory": directory.path, "errors": len(outcome.errors)}
        )
    return DirectoryBatchResult(results=[_result(d.seq, recorded[d.seq]) for d in job.directories])


def _known(job: DirectoryScanInput, directory: DirectoryRef) -> dict[str, str]:
    """The season folders' fingerprints recorded for this series folder (unchanged ones are not read); none for a
    movie library or a forced scan."""
    if job.library_type != "tv" or job.force_full_rescan:
        return {}
    with database() as session:
        return repository.known_season_fingerprints(session, job.library_id, directory.path)


def _read(job: DirectoryScanInput, directory: DirectoryRef) -> Reading:
    root = Path(job.library_path)
    known = _known(job, directory)  # before the try: a database outage is retried, not this folder's error
    try:
        if job.library_type == "tv":
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
    except Exception as exc:  # a bug or an odd file must not stop the scan: it becomes this directory's error
        activity.logger.exception("unexpected error scanning a directory", extra={"directory": directory.path})
        return f"cannot scan {root / directory.path}: {type(exc).__name__}: {exc}"


def _record(
    session: Session, job: DirectoryScanInput, directory: DirectoryRef, reading: Reading, cache: CacheStore
) -> repository.RecordedDirectory:
    if isinstance(reading, str):
        return repository.record_directory_error(session, job.scan_job_id, directory.seq, reading)
    record = repository.record_series_scan if isinstance(reading, SeriesScan) else repository.record_directory_scan
    return record(
        session,
        scan_job_id=job.scan_job_id,
        seq=directory.seq,
        library_id=job.library_id,
        scan=reading,  # type: ignore[arg-type]  # record was chosen for this kind of scan
        cache_exists=cache.exists,
    )


def _result(seq: int, recorded: repository.RecordedDirectory) -> DirectoryScanResult:
    return DirectoryScanResult(
        seq=seq,
        outcome=recorded.outcome,
        movie_id=recorded.movie_id,
        series_id=recorded.series_id,
        episodes_found=recorded.episodes_found,
        episodes_new=recorded.episodes_new,
        episodes_updated=recorded.episodes_updated,
        episodes_missing=recorded.episodes_missing,
        unmatched=recorded.unmatched,
        assets_to_cache=recorded.assets_to_cache,
        error_count=len(recorded.errors),
        errors=recorded.errors[:MAX_ERRORS_RETURNED],
    )
