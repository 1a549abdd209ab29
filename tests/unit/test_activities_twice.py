"""Every activity is safe to run twice: same input, same database and cache afterwards, same result."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from temporalio.testing import ActivityEnvironment

from activities.cache import cache_assets
from activities.discovery import discover_directories
from activities.progress import record_scan_progress
from activities.scan import scan_directories
from reelscan.db import scan_jobs, work_list
from reelscan.db.models import Image, Movie, ScanDirectory, ScanJob, Stream, Subtitle, Trailer
from reelscan.db.session import session_scope
from reelscan.payloads.scan import (
    CacheAssetsInput,
    DirectoryRef,
    DirectoryScanInput,
    DiscoverInput,
    RecordProgressInput,
)
from reelscan.progress import ScanState, build_message, enter_phase
from reelscan.settings import Settings
from tests.library_builder import build_library


def snapshot(settings: Settings) -> dict[str, Any]:
    """Database content by natural keys (ids and timestamps left out) and the cache's files."""
    with session_scope(settings.resolved_database_url) as session:
        state: dict[str, Any] = {
            "directories": sorted(
                (d.seq, d.path, d.fingerprint, d.outcome, d.assets_queued, str(d.errors))
                for d in session.scalars(select(ScanDirectory))
            ),
            "movies": sorted(
                (m.directory, m.title, m.year, m.content_hash, m.state) for m in session.scalars(select(Movie))
            ),
            "streams": session.query(Stream).count(),
            "assets": sorted(
                (model.__name__, source, sha, cached)
                for model in (Image, Trailer, Subtitle)
                for source, sha, cached in session.execute(select(model.source_path, model.sha256, model.cache_path))
            ),
            "scan": [(j.status, j.movies_found, j.errors_count) for j in session.scalars(select(ScanJob))],
        }
    cache = settings.resolved_cache_dir
    state["cache"] = sorted((str(p.relative_to(cache)), p.stat().st_mtime_ns) for p in cache.rglob("*") if p.is_file())
    return state


def test_each_activity_twice_changes_nothing_the_second_time(sqlite_settings: Settings, tmp_path: Path) -> None:
    library = build_library(tmp_path / "Movies")
    with session_scope(sqlite_settings.resolved_database_url) as session:
        library_id = scan_jobs.get_or_create_library(session, library.root).id
        job = scan_jobs.create_scan_job(session, library_id, {})
        assert job is not None
        scan_job_id = job.id
    env = ActivityEnvironment()

    discover = DiscoverInput(scan_job_id=scan_job_id, library_id=library_id, library_path=str(library.root))
    first = env.run(discover_directories, discover)
    before = snapshot(sqlite_settings)
    assert env.run(discover_directories, discover) == first
    assert snapshot(sqlite_settings) == before

    with session_scope(sqlite_settings.resolved_database_url) as session:
        pages = work_list.directory_page(session, scan_job_id, 0, 1000)
    movie_ids = []
    for seq, path in pages:
        job_input = DirectoryScanInput(
            scan_job_id=scan_job_id,
            library_id=library_id,
            library_path=str(library.root),
            directories=[DirectoryRef(seq=seq, path=path)],
        )
        result = env.run(scan_directories, job_input).results[0]
        before = snapshot(sqlite_settings)
        assert env.run(scan_directories, job_input).results == [result], path
        assert snapshot(sqlite_settings) == before, path
        if result.movie_id:
            movie_ids.append(result.movie_id)

    batch = CacheAssetsInput(scan_job_id=scan_job_id, library_path=str(library.root), movie_ids=movie_ids)
    cached = env.run(cache_assets, batch)
    before = snapshot(sqlite_settings)
    assert env.run(cache_assets, batch) == cached.model_copy(update={"bytes_copied": 0})
    assert snapshot(sqlite_settings) == before
    assert cached.cached == library.assets_total

    state = ScanState(
        scan_job_id=scan_job_id,
        library_id=library_id,
        library_name="Movies",
        started_at=before_time(sqlite_settings, scan_job_id),
    )
    enter_phase(state, "completed", state.started_at)
    progress = RecordProgressInput(state=state, message=build_message(state, state.started_at).to_json_dict())
    env.run(record_scan_progress, progress)
    before = snapshot(sqlite_settings)
    env.run(record_scan_progress, progress)
    assert snapshot(sqlite_settings) == before


def before_time(settings: Settings, scan_job_id: int) -> Any:
    with session_scope(settings.resolved_database_url) as session:
        job = session.get(ScanJob, scan_job_id)
        assert job is not None
        return job.started_at
