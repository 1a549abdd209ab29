"""A movie or series folder recorded the way a directory child records it (one scan job, its work list, one
recorded folder), for database tests that need a real recorded movie or series without a Temporal server."""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from reelscan.cache_store import CacheStore
from reelscan.db import movie_records, scan_jobs, series_records, work_list
from reelscan.db.session import session_scope
from reelscan.db.work_list import RecordedDirectory
from reelscan.library.discovery import DiscoveredDirectory, LibraryWalker
from reelscan.library.scanner import scan_movie_directory
from reelscan.library.series_scanner import scan_series_directory
from reelscan.settings import Settings
from tests.library_builder import MEDIA

HEAT_NFO = "<movie><title>Heat</title><year>1995</year><plot>From the NFO.</plot></movie>"


def heat_folder(root: Path) -> Path:
    """Heat (1995): a real video and an NFO with title, year and plot."""
    folder = root / "Heat (1995)"
    folder.mkdir(parents=True)
    shutil.copyfile(MEDIA / "h264_aac.mp4", folder / "Heat.mp4")
    (folder / "movie.nfo").write_text(HEAT_NFO)
    return folder


@contextmanager
def _scan_of_one_folder(
    settings: Settings, root: Path, library_type: str, directories: Iterable[DiscoveredDirectory]
) -> Iterator[tuple[Session, dict[str, Any]]]:
    """A scan job of the library at `root` with this work list, completed when the block ends: the session, and
    the arguments that record its first folder but for the scan."""
    with session_scope(settings.resolved_database_url) as session:
        library = scan_jobs.get_or_create_library(session, root, library_type=library_type)
        job = scan_jobs.create_scan_job(session, library.id, {})
        assert job is not None
        work_list.replace_scan_directories(session, job.id, directories)
        yield (
            session,
            {
                "scan_job_id": job.id,
                "seq": 0,
                "library_id": library.id,
                "cache_exists": CacheStore(settings.resolved_cache_dir).exists,
            },
        )
        scan_jobs.write_scan_projection(session, job.id, {"status": "completed"})


def record_movie_folder(settings: Settings, root: Path, directory: str, *, read_media: bool = True) -> str:
    """One scan of the library at `root` that records `directory`; returns its outcome (new, updated, ...)."""
    with _scan_of_one_folder(settings, root, "movie", LibraryWalker(root).walk()) as (session, job):
        scan = scan_movie_directory(root, directory, read_media=read_media)
        recorded = movie_records.record_directory_scan(session, scan=scan, **job)
    return recorded.outcome


def record_series_folder(
    settings: Settings, root: Path, directory: str, *, read_media: bool = True, incremental: bool = False
) -> RecordedDirectory:
    """One scan of the TV library at `root` that records this series folder. Incremental: the recorded season
    fingerprints are passed in, as scan_directories does when the scan is not forced."""
    with _scan_of_one_folder(settings, root, "tv", [DiscoveredDirectory(directory, "fingerprint")]) as (session, job):
        known = series_records.known_season_fingerprints(session, job["library_id"], directory) if incremental else None
        scan = scan_series_directory(root, directory, read_media=read_media, known_season_fingerprints=known)
        return series_records.record_series_scan(session, scan=scan, **job)
