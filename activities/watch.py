"""Activities of the library watcher: snapshots of changed folders, and the polling pass for network shares."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.common import LIBRARY_ROOT_ERROR, database
from activities.discovery import MODELS
from reelscan.db.models import ScanDirectory, ScanJob
from reelscan.library.discovery import DiscoveryStats, LibraryRootError
from reelscan.library_kinds import library_kind
from reelscan.payloads.watch import PollInput, PollResult, SnapshotInput, SnapshotResult
from reelscan.watching import folder_snapshot, poll_pass


@activity.defn
def snapshot_folders(job: SnapshotInput) -> SnapshotResult:
    """What each folder holds now (names, sizes, mtimes) as a short digest; read-only, so safe to run twice."""
    snapshots = {}
    for i, folder in enumerate(job.folders):
        snapshots[folder] = folder_snapshot(job.library_path, folder)
        activity.heartbeat(i)  # the SDK throttles these; one per folder keeps a slow share's folder alive
    return SnapshotResult(snapshots=snapshots)


@activity.defn
def poll_library_changes(job: PollInput) -> PollResult:
    """Walk the library computing fingerprints only (no media info, no NFOs) and compare them with the recorded
    movies' or series': the top-level folders that changed, appeared or vanished. Read-only."""

    def heartbeat(stats: DiscoveryStats) -> None:
        activity.heartbeat(stats.found)

    kind = library_kind(job.library_type)
    model = MODELS[kind]
    with database() as session:
        rows = session.execute(
            select(model.directory, model.fingerprint).where(
                model.library_id == job.library_id, model.state != "missing"
            )
        )
        known: dict[str, str | None] = {str(directory): fingerprint for directory, fingerprint in rows}
        # Folders whose last scan ended in error, with their fingerprint then (the latest scan wins).
        errors = session.execute(
            select(ScanDirectory.path, ScanDirectory.fingerprint)
            .join(ScanJob, ScanJob.id == ScanDirectory.scan_job_id)
            .where(ScanJob.library_id == job.library_id, ScanDirectory.outcome == "error")
            .order_by(ScanDirectory.scan_job_id)
        )
        failed: dict[str, str | None] = {str(path): fingerprint for path, fingerprint in errors}
    try:
        # A folder that could not be read is not gone: vanished ones count only after a complete walk.
        found = poll_pass(
            Path(job.library_path),
            known,
            tv=kind.tv,
            music=kind.music,
            failed=failed,
            on_progress=heartbeat,
        )
    except LibraryRootError as exc:
        raise ApplicationError(str(exc), type=LIBRARY_ROOT_ERROR, non_retryable=True) from None
    changed = found.changed
    return PollResult(folders=changed[: job.limit], more=len(changed) > job.limit, directories=found.directories)
