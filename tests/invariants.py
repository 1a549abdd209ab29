"""What must hold after every movie scan, read straight from the database and the scan's final message.

One definition for every test: the counters a user sees add up, and they equal what the database recorded.
This is an oracle independent of the workflow: it never reads the workflow's state, only the tables.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from reelscan.db.models import AssetCandidate, Image, Movie, ScanDirectory, ScanJob, Subtitle, Trailer
from reelscan.db.session import session_scope
from reelscan.settings import Settings

FOUND = ("new", "updated", "unchanged")


@dataclass
class ScanRecord:
    """What the database holds for one scan of one library."""

    outcomes: Counter[str]
    directory_errors: int  # error messages stored on the scan's directory rows (folder and movie level)
    rows: dict[str, tuple[str, int | None, list[str]]]  # path -> (outcome, movie id, errors)
    movies: dict[str, tuple[str, int | None]]  # directory -> (title, year), movies of the library
    movie_ids: set[int]
    assets_cached: int  # assets of the library cached by this scan
    assets_failed: int  # assets this scan gave up on
    assets_unsettled: int  # assets of found movies neither cached nor given up
    job: dict[str, Any] = field(default_factory=dict)


def read_scan(settings: Settings, scan_job_id: int) -> ScanRecord:
    with session_scope(settings.resolved_database_url) as session:
        job = session.get(ScanJob, scan_job_id)
        assert job is not None, f"no scan_jobs row {scan_job_id}"
        directories = list(session.scalars(select(ScanDirectory).where(ScanDirectory.scan_job_id == scan_job_id)))
        movies = list(session.scalars(select(Movie).where(Movie.library_id == job.library_id)))
        movie_ids = {m.id for m in movies}
        cached = failed = unsettled = 0
        found_ids = {d.movie_id for d in directories if d.outcome in FOUND and d.movie_id is not None}
        # Local assets, and the provider artwork enrichment downloaded for caching.
        for model in (Image, Trailer, Subtitle, AssetCandidate):
            for movie_id, cache_path, cache_error, cache_scan in session.execute(
                select(model.movie_id, model.cache_path, model.cache_error, model.cache_scan_job_id).where(
                    model.movie_id.in_(movie_ids)
                )
            ):
                if cache_path is not None and cache_scan == scan_job_id:
                    cached += 1
                elif cache_path is None and cache_error and cache_scan == scan_job_id:
                    failed += 1
                elif cache_path is None and movie_id in found_ids and model is not AssetCandidate:
                    unsettled += 1
        return ScanRecord(
            outcomes=Counter(d.outcome for d in directories),
            directory_errors=sum(len(d.errors or []) for d in directories),
            rows={d.path: (d.outcome, d.movie_id, list(d.errors or [])) for d in directories},
            movies={m.directory: (m.title, m.year) for m in movies if m.state != "missing"},
            movie_ids=movie_ids,
            assets_cached=cached,
            assets_failed=failed,
            assets_unsettled=unsettled,
            job={
                "status": job.status,
                "directories_total": job.directories_total,
                "directories_scanned": job.directories_scanned,
                "movies_found": job.movies_found,
                "movies_new": job.movies_new,
                "movies_updated": job.movies_updated,
                "assets_queued": job.assets_queued,
                "assets_cached": job.assets_cached,
                "enrichment_queued": job.enrichment_queued,
                "enrichment_completed": job.enrichment_completed,
                "errors_count": job.errors_count,
                "last_error": job.last_error,
                "progress_phase": (job.progress or {}).get("phase"),
            },
        )


def scan_problems(
    settings: Settings,
    message: dict[str, Any],
    *,
    phase: str = "completed",
    fresh_library: bool = True,
    caching: bool = True,
    discovery_errors: int = 0,
) -> list[str]:
    """Every invariant the final message and the database break, in words (empty when all hold).

    fresh_library: the library had no movies before this scan (then every movie of the library is this scan's).
    caching: the scan cached assets (then no asset of a found movie may be left unsettled).
    discovery_errors: errors the walk itself counted (they are stored nowhere else).
    """
    problems: list[str] = []

    def check(ok: bool, text: str) -> None:
        if not ok:
            problems.append(text)

    if not message:
        return ["the scan returned no final message (its workflow failed)"]
    db = read_scan(settings, int(message["scanJobId"]))
    progress = message.get("progress") or {}
    scanning = progress.get("scanning") or {}
    caching_progress = progress.get("caching") or {}
    enriching = progress.get("enriching") or {}
    stats = message.get("stats") or {}
    scanned, total = scanning.get("scanned", 0), scanning.get("total", 0)
    found_db = sum(db.outcomes[o] for o in FOUND)
    recorded_db = found_db + db.outcomes["error"]

    got = message.get("phase")
    check(got == phase, f"phase is {got!r}, expected {phase!r}: {message.get('lastError')}")
    check(total == len(db.rows), f"directories total {total} != {len(db.rows)} scan_directories rows")
    if phase == "completed":
        check(scanned == total, f"directories scanned {scanned} != total {total}")
        pending = sorted(p for p, (o, _, _) in db.rows.items() if o == "pending")
        check(not pending, f"{len(pending)} directories still pending in the database: {pending[:5]}")
        check(recorded_db == total, f"new+updated+unchanged+error in the database {recorded_db} != total {total}")
    check(scanned == recorded_db, f"directories scanned {scanned} != {recorded_db} recorded in the database")
    check(
        stats.get("moviesFound") == found_db,
        f"moviesFound {stats.get('moviesFound')} != {found_db} found in the database ({dict(db.outcomes)})",
    )
    check(stats.get("moviesNew") == db.outcomes["new"], f"moviesNew {stats.get('moviesNew')} != {db.outcomes['new']}")
    check(
        stats.get("moviesUpdated") == db.outcomes["updated"],
        f"moviesUpdated {stats.get('moviesUpdated')} != {db.outcomes['updated']}",
    )
    for path, (outcome, movie_id, _) in sorted(db.rows.items()):
        if outcome in FOUND:
            check(movie_id in db.movie_ids, f"{path} is {outcome} but its movie {movie_id} is not in the library")
            check(path in db.movies, f"{path} is {outcome} but no movie has that directory")
    if fresh_library:
        check(
            len(db.movies) == stats.get("moviesFound"),
            f"{len(db.movies)} movies in the database != moviesFound {stats.get('moviesFound')}",
        )

    cached, queued, failed = (caching_progress.get(k, 0) for k in ("cached", "queued", "failed"))
    if phase == "completed":
        check(cached + failed == queued, f"assets cached {cached} + failed {failed} != queued {queued}")
        if caching:
            check(db.assets_unsettled == 0, f"{db.assets_unsettled} assets of found movies neither cached nor failed")
    check(stats.get("assetsCached") == cached, f"stats assetsCached {stats.get('assetsCached')} != caching {cached}")
    if fresh_library:
        check(cached == db.assets_cached, f"assets cached {cached} != {db.assets_cached} cached in the database")
    check(failed == db.assets_failed, f"assets failed {failed} != {db.assets_failed} given up in the database")
    if phase == "completed" and enriching:
        check(
            enriching.get("completed") == enriching.get("queued"),
            f"enrichment completed {enriching.get('completed')} != queued {enriching.get('queued')}",
        )

    expected_errors = db.directory_errors + failed + enriching.get("failed", 0) + discovery_errors
    check(
        stats.get("errorsCount") == expected_errors,
        f"errorsCount {stats.get('errorsCount')} != {expected_errors} (directory errors {db.directory_errors}, "
        f"assets failed {failed}, enrichment failed {enriching.get('failed', 0)}, discovery {discovery_errors})",
    )

    job = db.job
    check(job["status"] == got, f"scan_jobs status {job['status']!r} != phase {got!r}")
    check(job["progress_phase"] == got, f"scan_jobs progress phase {job['progress_phase']!r} != phase {got!r}")
    for column, value in (
        ("directories_total", total),
        ("directories_scanned", scanned),
        ("movies_found", stats.get("moviesFound")),
        ("movies_new", stats.get("moviesNew")),
        ("assets_cached", cached),
        ("errors_count", stats.get("errorsCount")),
    ):
        check(job[column] == value, f"scan_jobs {column} {job[column]} != message {value}")
    return problems


def assert_scan_invariants(settings: Settings, message: dict[str, Any], *, context: str = "", **options: Any) -> None:
    problems = scan_problems(settings, message, **options)
    assert not problems, f"{context}\n  " + "\n  ".join(problems) + f"\n  summary: {message.get('summary')}"


def movie_set(settings: Settings, library_id: int) -> dict[str, tuple[str, int | None]]:
    """The library's movies by directory: (title, year)."""
    with session_scope(settings.resolved_database_url) as session:
        rows = session.execute(select(Movie.directory, Movie.title, Movie.year).where(Movie.library_id == library_id))
        return {directory: (title, year) for directory, title, year in rows}


def error_directories(settings: Settings, scan_job_id: int) -> dict[str, list[str]]:
    """Directories of a scan recorded as errors, with their messages."""
    with session_scope(settings.resolved_database_url) as session:
        rows = session.execute(
            select(ScanDirectory.path, ScanDirectory.errors).where(
                ScanDirectory.scan_job_id == scan_job_id, ScanDirectory.outcome == "error"
            )
        )
        return {path: list(errors or []) for path, errors in rows}
