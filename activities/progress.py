"""The scan_jobs projection: absolute values written from the workflow's state (idempotent)."""

from __future__ import annotations

from temporalio import activity

from activities.common import database
from reelscan.db import repository
from reelscan.jobs import OutcomeCounts, OutcomeCountsInput, RecordProgressInput


@activity.defn
def record_scan_progress(job: RecordProgressInput) -> None:
    state = job.state
    c = state.counters
    with database() as session:
        repository.write_scan_projection(
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
    """What the database says was recorded, to settle the counters of a scan that was cancelled mid-flight."""
    with database() as session:
        counts = repository.count_outcomes(session, job.scan_job_id)
    return OutcomeCounts(**{k: v for k, v in counts.items() if k in OutcomeCounts.model_fields})
