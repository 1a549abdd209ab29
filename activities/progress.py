"""The scan_jobs projection: absolute values written from the workflow's state (idempotent)."""

from __future__ import annotations

from temporalio import activity

from activities.common import database
from reelscan.db import music as music_db
from reelscan.db import scan_jobs, work_list
from reelscan.payloads.scan import OutcomeCounts, OutcomeCountsInput, RecordProgressInput, SettleInput


@activity.defn
def record_scan_progress(job: RecordProgressInput) -> None:
    state = job.state
    c = state.counters
    with database() as session:
        scan_jobs.write_scan_projection(
            session,
            state.scan_job_id,
            {
                "status": state.phase,
                "workflow_id": state.workflow_id,
                "directories_total": c.directories_total,
                "directories_queued": c.directories_queued,
                "directories_ignored": c.directories_ignored,
                "directories_scanned": c.directories_scanned,
                "directories_unchanged": c.directories_unchanged,
                "movies_missing": c.movies_missing,
                "movies_found": c.movies_found,
                "movies_new": c.movies_new,
                "movies_updated": c.movies_updated,
                "assets_queued": c.assets_queued,
                "assets_cached": c.assets_cached,
                "enrichment_queued": c.enrichment_queued,
                "enrichment_completed": c.enrichment_completed,
                "errors_count": c.errors_count,
                "last_error": c.last_error,
                "current_operation": state.current_operation,
                "discovery_completed_at": state.discovery_completed_at,
                "scanning_completed_at": state.scanning_completed_at,
                "caching_completed_at": state.caching_completed_at,
                "completed_at": state.completed_at,
                "progress": job.message,
            },
        )


@activity.defn
def count_scan_outcomes(job: OutcomeCountsInput) -> OutcomeCounts:
    """What the database says each directory of the scan became (pending ones included): the check before a
    phase ends, and the counts of a scan that was cancelled mid-flight."""
    with database() as session:
        counts = work_list.count_outcomes(session, job.scan_job_id)
        music = {name: counts[name] for name in work_list.MUSIC_COUNTS if counts.get(name)}
        artists = music_db.count_artists_of_scan(session, job.scan_job_id)
    outcomes = OutcomeCounts(**{k: v for k, v in counts.items() if k in OutcomeCounts.model_fields})
    if music or artists:  # a music library's scan
        outcomes.music, outcomes.artists_found = music, artists
    return outcomes


@activity.defn
def settle_unscanned_directories(job: SettleInput) -> OutcomeCounts:
    """After the last pass: every directory still pending becomes an error naming it; then the outcomes."""
    with database() as session:
        settled = work_list.settle_pending_directories(session, job.scan_job_id, job.reason)
    if settled:
        activity.logger.warning("%d directories were not scanned: %s", settled, job.reason)
    return count_scan_outcomes(OutcomeCountsInput(scan_job_id=job.scan_job_id))
