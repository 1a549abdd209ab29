"""Phase 3 activity: a batch of cache-asset jobs (every uncached asset of a few movies)."""

from __future__ import annotations

from pathlib import Path

from temporalio import activity
from temporalio.exceptions import ApplicationError, CancelledError

from activities.common import count, database, settings
from reelscan.asset_cache import cache_pending_assets, pending_assets
from reelscan.cache_store import CacheStore
from reelscan.db import asset_records
from reelscan.db import music as music_db
from reelscan.db.asset_records import PendingAsset
from reelscan.payloads.scan import CacheAssetsInput, CacheAssetsResult

# Tries per file: from this attempt on, files that still fail are recorded as counted errors instead of raising.
# (The workflow allows more attempts than this, for database outages only.)
CACHE_MAX_ATTEMPTS = 3
CACHE_INCOMPLETE = "CacheIncomplete"


def _heartbeat(asset: PendingAsset) -> None:
    """Between files: report progress, and stop here (never inside a copy) once cancelled."""
    if activity.is_cancelled():
        raise CancelledError("asset caching cancelled")
    activity.heartbeat(asset.source_path)


@activity.defn(no_thread_cancel_exception=True)
def cache_assets(job: CacheAssetsInput) -> CacheAssetsResult:
    """Hash and copy each asset into the content-addressed cache, then store its cache path.

    A file that fails makes the attempt fail after the others are done, so Temporal retries only what is
    left (cached files are skipped); from attempt CACHE_MAX_ATTEMPTS on, failures are recorded as counted errors.
    """
    store = CacheStore(settings().resolved_cache_dir)
    root = Path(job.library_path)
    files_final = activity.info().attempt >= CACHE_MAX_ATTEMPTS
    with database() as session:
        album_ids = music_db.albums_of_folders(session, job.album_ids)
        pending = pending_assets(
            session, job.movie_ids, job.candidate_ids, job.series_ids, album_ids, job.music_asset_ids
        )
    outcomes = cache_pending_assets(database, store, root, pending, job.scan_job_id, before_each=_heartbeat)
    failures: list[str] = []
    copied_bytes = 0
    for outcome in outcomes:
        asset = outcome.asset
        if outcome.error is not None:
            failures.append(str(outcome.error))
            activity.logger.warning(
                "cannot cache %s: %s", asset.asset_type, outcome.error, extra={"directory": asset.source_path}
            )
            if files_final:
                with database() as session:
                    asset_records.mark_asset_failed(
                        session, asset.model, asset.asset_id, error=str(outcome.error), scan_job_id=job.scan_job_id
                    )
            continue
        assert outcome.stored is not None
        if outcome.stored.copied:
            copied_bytes += outcome.stored.size
            count("bytes_cached", outcome.stored.size)
        count("assets_cached", asset_type=asset.asset_type)
    if files_final:
        count("errors", len(failures), phase="caching")
    if failures and not files_final:
        raise ApplicationError(
            f"{len(failures)} of {len(pending)} assets could not be cached yet; first: {failures[0]}",
            type=CACHE_INCOMPLETE,
        )
    with database() as session:
        by_type, failed, messages = asset_records.cache_outcome(
            session, job.movie_ids, job.scan_job_id, job.candidate_ids, job.series_ids, album_ids, job.music_asset_ids
        )
    return CacheAssetsResult(
        cached=sum(by_type.values()),
        failed=failed,
        bytes_copied=copied_bytes,
        by_type=by_type,
        errors=messages,
    )
