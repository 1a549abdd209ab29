"""A movie folder recorded the way a directory child records it (one scan job, its work list, one recorded
folder), for database tests that need a real recorded movie without a Temporal server."""

from __future__ import annotations

import shutil
from pathlib import Path

from reelscan.cache_store import CacheStore
from reelscan.db import movie_records, scan_jobs, work_list
from reelscan.db.session import session_scope
from reelscan.library.discovery import LibraryWalker
from reelscan.library.scanner import scan_movie_directory
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


def record_movie_folder(settings: Settings, root: Path, directory: str, *, read_media: bool = True) -> str:
    """One scan of the library at `root` that records `directory`; returns its outcome (new, updated, ...)."""
    with session_scope(settings.resolved_database_url) as session:
        library = scan_jobs.get_or_create_library(session, root)
        job = scan_jobs.create_scan_job(session, library.id, {})
        assert job is not None
        work_list.replace_scan_directories(session, job.id, LibraryWalker(root).walk())
        recorded = movie_records.record_directory_scan(
            session,
            scan_job_id=job.id,
            seq=0,
            library_id=library.id,
            scan=scan_movie_directory(root, directory, read_media=read_media),
            cache_exists=CacheStore(settings.resolved_cache_dir).exists,
        )
        scan_jobs.write_scan_projection(session, job.id, {"status": "completed"})
    return recorded.outcome
