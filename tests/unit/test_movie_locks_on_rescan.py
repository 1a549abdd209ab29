"""A rescan of a changed movie folder keeps the fields a user edited (locked), like enrichment does."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import select, update

from reelscan.cache_store import CacheStore
from reelscan.db import movie_records, scan_jobs, work_list
from reelscan.db.models import Movie
from reelscan.db.session import session_scope
from reelscan.library.discovery import LibraryWalker
from reelscan.library.scanner import scan_movie_directory
from reelscan.settings import Settings
from tests.library_builder import MEDIA

NFO = "<movie><title>Heat</title><year>1995</year><plot>From the NFO.</plot></movie>"


def scan_once(settings: Settings, root: Path) -> str:
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
            scan=scan_movie_directory(root, "Heat (1995)"),
            cache_exists=CacheStore(settings.resolved_cache_dir).exists,
        )
        scan_jobs.write_scan_projection(session, job.id, {"status": "completed"})
    return recorded.outcome


def test_a_rescan_keeps_locked_fields_and_updates_the_rest(sqlite_settings: Settings, tmp_path: Path) -> None:
    root = tmp_path / "Movies"
    folder = root / "Heat (1995)"
    folder.mkdir(parents=True)
    shutil.copyfile(MEDIA / "h264_aac.mp4", folder / "Heat.mp4")
    (folder / "movie.nfo").write_text(NFO)
    assert scan_once(sqlite_settings, root) == "new"
    with session_scope(sqlite_settings.resolved_database_url) as session:
        session.execute(update(Movie).values(title="Heat (Director's Cut)", title_locked=True))

    (folder / "movie.nfo").write_text(NFO.replace("From the NFO.", "A newer plot."))
    assert scan_once(sqlite_settings, root) == "updated"

    with session_scope(sqlite_settings.resolved_database_url) as session:
        movie = session.scalars(select(Movie)).one()
        assert (movie.title, movie.plot) == ("Heat (Director's Cut)", "A newer plot.")
