"""A database filled with a TV library the way a scan fills it (discovery, the series scan, recording and
caching), without running the pipeline."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from reelscan.asset_cache import cache_pending_assets, pending_assets
from reelscan.cache_store import CacheStore
from reelscan.db import scan_jobs, series_records, work_list
from reelscan.db.session import session_scope
from reelscan.library.series_scanner import scan_series_directory
from reelscan.library.tv_discovery import SeriesWalker
from reelscan.settings import Settings


def record_tv_library(settings: Settings, root: Path, name: str | None = None) -> int:
    """Record every series folder of the library at root (created as a TV library on first use), cache its assets
    and complete the scan; returns the library id."""
    url = settings.resolved_database_url
    store = CacheStore(settings.resolved_cache_dir)
    found = list(SeriesWalker(root).walk())
    series_ids: list[int] = []
    with session_scope(url) as session:
        library = scan_jobs.get_or_create_library(session, root, name, library_type="tv")
        library_id = library.id
        job = scan_jobs.create_scan_job(session, library_id, {})
        assert job is not None
        job_id = job.id
        work_list.replace_scan_directories(session, job_id, found)
        for seq, series in enumerate(found):
            recorded = series_records.record_series_scan(
                session,
                scan_job_id=job_id,
                seq=seq,
                library_id=library_id,
                scan=scan_series_directory(root, series.path),
                cache_exists=store.exists,
            )
            assert recorded.series_id is not None
            series_ids.append(recorded.series_id)
    with session_scope(url) as session:
        pending = pending_assets(session, [], series_ids=series_ids)
    cache_pending_assets(partial(session_scope, url), store, root, pending, scan_job_id=job_id)
    with session_scope(url) as session:
        scan_jobs.write_scan_projection(session, job_id, {"status": "completed"})
    return library_id
