"""Recording a child's movie folders together (record_directory_scans, new movies set-based) stores what recording
them one by one stores: movies, streams, assets and the scan_directories rows, on a first scan and on a rescan
with a changed, a renamed and an unchanged folder."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from reelscan.cache_store import CacheStore
from reelscan.db import movie_records, scan_jobs, work_list
from reelscan.db.asset_records import ASSET_MODELS, MovieAssetModel
from reelscan.db.models import Image, Movie, ScanDirectory, Stream, Subtitle, Trailer
from reelscan.db.session import dispose_engines, migrate, session_scope
from reelscan.library.discovery import LibraryWalker
from reelscan.library.scanner import DirectoryError, scan_movie_directory
from tests.library_builder import build_library

SKIPPED = {"id", "movie_id", "created_at", "updated_at", "cached_at", "last_scan_job_id", "cache_scan_job_id"}


def scan(url: str, root: Path, cache: CacheStore, *, batched: bool) -> dict[int, Any]:
    """One scan of the library: discovery, the rescan plan, then every pending folder recorded in one batch or
    one by one (folders that cannot be read as their errors)."""
    with session_scope(url) as session:
        library_id = scan_jobs.get_or_create_library(session, root).id
        job = scan_jobs.create_scan_job(session, library_id, {})
        assert job is not None
        walker = LibraryWalker(root)
        work_list.replace_scan_directories(session, job.id, walker.walk())
        work_list.plan_rescan(session, job.id, library_id, complete=True, force=False)
        pending = work_list.directory_page(session, job.id, 0, 10_000)
        scans = []
        for seq, path in pending:
            try:
                scans.append((seq, scan_movie_directory(root, path)))
            except DirectoryError as exc:
                work_list.record_directory_error(session, job.id, seq, str(exc))
        if batched:
            recorded = movie_records.record_directory_scans(
                session, scan_job_id=job.id, library_id=library_id, scans=scans, cache_exists=cache.exists
            )
        else:
            recorded = {
                seq: movie_records.record_directory_scan(
                    session, scan_job_id=job.id, seq=seq, library_id=library_id, scan=s, cache_exists=cache.exists
                )
                for seq, s in scans
            }
        scan_jobs.write_scan_projection(session, job.id, {"status": "completed"})
    return recorded


def asset_rows(session: Session, model: MovieAssetModel) -> list[Image | Trailer | Subtitle]:
    return list(session.scalars(select(model)))


def contents(url: str) -> dict[str, Any]:
    """Every row recording wrote, keyed by what identifies it (ids and times left out)."""

    def plain(row: object) -> dict[str, Any]:
        return {k: v for k, v in vars(row).items() if not k.startswith("_") and k not in SKIPPED}

    with session_scope(url) as session:
        directory: dict[int | None, str] = dict(session.execute(select(Movie.id, Movie.directory)).all())
        movies = {m.directory: plain(m) for m in session.scalars(select(Movie))}
        streams = sorted(
            (directory[s.movie_id], s.position, sorted(plain(s).items(), key=str))
            for s in session.scalars(select(Stream))
        )
        assets = sorted(
            (model.__name__, directory[a.movie_id], a.source_path, sorted(plain(a).items(), key=str))
            for model in ASSET_MODELS
            for a in asset_rows(session, model)
        )
        rows = sorted(
            (
                r.scan_job_id,
                r.seq,
                r.path,
                r.outcome,
                r.assets_queued,
                r.errors,
                r.moved_from,
                directory.get(r.movie_id),
            )
            for r in session.scalars(select(ScanDirectory))
        )
    return {"movies": movies, "streams": streams, "assets": assets, "scan_directories": rows}


def test_a_batch_records_what_one_by_one_records(tmp_path: Path) -> None:
    library = tmp_path / "Movies"
    build_library(library, hostile=False)
    urls = {batched: f"sqlite:///{tmp_path / f'{batched}.db'}" for batched in (True, False)}
    caches = {batched: CacheStore(tmp_path / f"cache-{batched}") for batched in (True, False)}
    try:
        for url in urls.values():
            migrate(url)
        first = {batched: scan(urls[batched], library, caches[batched], batched=batched) for batched in urls}
        assert any(r.outcome == "new" for r in first[True].values())
        assert {s: r.outcome for s, r in first[True].items()} == {s: r.outcome for s, r in first[False].items()}
        # The set-based path knows the asset rows it wrote: as many as it says are to cache.
        assert all(len(r.assets) == r.assets_to_cache for r in first[True].values() if r.outcome == "new")
        assert contents(urls[True]) == contents(urls[False])

        folders = sorted(p for p in library.iterdir() if p.is_dir() and any(p.glob("*.mp4")))
        renamed, changed = folders[0], folders[1]
        shutil.move(renamed, renamed.with_name(renamed.name + " (moved)"))
        (changed / "movie.nfo").write_text("<movie><title>Changed</title><year>2001</year></movie>")
        second = {batched: scan(urls[batched], library, caches[batched], batched=batched) for batched in urls}
        outcomes = {s: r.outcome for s, r in second[True].items()}
        assert outcomes == {s: r.outcome for s, r in second[False].items()}
        assert "updated" in outcomes.values()
        assert contents(urls[True]) == contents(urls[False])
    finally:
        dispose_engines()
