"""Phase 1 activity: walk the library and store the scan's directory list."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.common import LIBRARY_ROOT_ERROR, database
from reelscan.db import music as music_db
from reelscan.db import scan_jobs, work_list
from reelscan.db.models import Album, Movie, Series
from reelscan.library.discovery import (
    DiscoveredDirectory,
    FolderWalker,
    LibraryRootError,
    LibraryWalker,
)
from reelscan.library.music_discovery import MusicWalker
from reelscan.library.tv_discovery import SeriesWalker
from reelscan.library_kinds import MOVIES, MUSIC, TV, LibraryKind, library_kind
from reelscan.payloads.scan import (
    DirectoryPage,
    DirectoryPageInput,
    DirectoryRef,
    DiscoverInput,
    DiscoverResult,
    PrioritizeInput,
    StoredDirectoriesInput,
)

CHUNK_SECONDS = 2.0  # a slow share's walk stores what it found at least this often

# What a library's directories are: movie folders, series folders or album folders.
WALKERS: dict[LibraryKind, type[FolderWalker]] = {MOVIES: LibraryWalker, TV: SeriesWalker, MUSIC: MusicWalker}
MODELS: dict[LibraryKind, type[Movie] | type[Series] | type[Album]] = {MOVIES: Movie, TV: Series, MUSIC: Album}


@activity.defn
def discover_directories(job: DiscoverInput) -> DiscoverResult:
    """Walk the root (heartbeating as it goes); the list goes to the database, only counts come back. A "head"
    stage stores the first folders only; the "rest" stage then stores the others in chunks as it walks, which
    count_stored_directories reports (see DiscoverInput)."""
    return discover(job, on_stored=lambda rows: activity.heartbeat(rows))


def discover(job: DiscoverInput, on_stored: Callable[[int], None]) -> DiscoverResult:
    """discover_directories; on_stored is told the rows stored after each chunk of the rest."""
    kind = library_kind(job.library_type)
    try:
        # A TV library's directories are series folders (each with its season folders), a music library's albums.
        walker = WALKERS[kind](
            Path(job.library_path),
            max_directories=job.max_directories,
            on_progress=lambda stats: activity.heartbeat(stats.found),
            progress_every=200,
            only=job.paths,
        )
        if job.stage == "rest":
            return _store_rest(job, walker, kind, on_stored)
        head = job.stage == "head"
        # The walk first, then the writes: a walk of a share (a NAS) takes minutes, and a transaction open that long
        # would hold SQLite's write lock from every other writer and reader of the data dir.
        found = walk_head(walker, job.head_limit, job.head_seconds) if head else list(walker.walk())
        with database() as session:
            total = work_list.replace_scan_directories(session, job.scan_job_id, found)
            # Errors elsewhere (a video loose in the root, an odd name) say nothing about whether a folder is gone;
            # only what could not be read is kept as it was. A head is never complete: nothing goes missing.
            plan = work_list.plan_rescan(
                session,
                job.scan_job_id,
                job.library_id,
                complete=not head and not walker.stats.truncated,
                force=job.force_full_rescan,
                model=MODELS[kind],
                unchecked=walker.stats.unchecked.keys(),
                scope=job.paths,
            )
            episodes_unchanged, music_unchanged = _settled_counts(session, kind, plan)
            if not head:  # the whole walk's errors; a head's are found again by the rest
                work_list.replace_scan_errors(
                    session, job.scan_job_id, "discovering", ((e.path, e.message) for e in walker.stats.error_list)
                )
    except LibraryRootError as exc:
        raise ApplicationError(str(exc), type=LIBRARY_ROOT_ERROR, non_retryable=True) from None
    if head:
        return _settled_result(total, plan, episodes_unchanged, music_unchanged)
    return _walk_result(walker, kind, total, plan, episodes_unchanged, music_unchanged)


def _store_rest(
    job: DiscoverInput, walker: FolderWalker, kind: LibraryKind, on_stored: Callable[[int], None]
) -> DiscoverResult:
    """The rest of a walk whose head is stored: every chunk of job.chunk_rows folders (or what CHUNK_SECONDS of
    walking find) goes to the work list in a transaction of its own, settled as unchanged where it is, so children
    scan it while the walk goes on. A retry keeps what an earlier attempt stored (it may be scanned by now) and
    adds the folders it does not hold. The settled counts come from count_stored_directories, not from here."""
    model = MODELS[kind]
    with database() as session:
        present, seq = work_list.stored_paths(session, job.scan_job_id)
        known = work_list.known_folders(session, job.library_id, model, job.paths)
    chunk: list[DiscoveredDirectory] = []
    flushed_at = time.monotonic()

    def flush() -> None:
        nonlocal seq, flushed_at
        if chunk:
            with database() as session:
                work_list.store_directories(
                    session, job.scan_job_id, model, chunk, seq, known, force=job.force_full_rescan
                )
            seq += len(chunk)
            chunk.clear()
            on_stored(seq)
        flushed_at = time.monotonic()

    for directory in walker.walk():
        if directory.path in present:
            continue
        present.add(directory.path)
        chunk.append(directory)
        if len(chunk) >= job.chunk_rows or time.monotonic() - flushed_at >= CHUNK_SECONDS:
            flush()
    flush()
    stats = walker.stats
    with database() as session:
        missing = (
            0
            if stats.truncated
            else work_list.mark_missing(session, job.scan_job_id, model, known, stats.unchecked.keys())
        )
        work_list.replace_scan_errors(
            session, job.scan_job_id, "discovering", ((e.path, e.message) for e in stats.error_list)
        )
    return _walk_result(walker, kind, seq, work_list.RescanPlan(0, missing, []), 0, {})


def _walk_result(
    walker: FolderWalker,
    kind: LibraryKind,
    total: int,
    plan: work_list.RescanPlan,
    episodes_unchanged: int,
    music_unchanged: dict[str, int],
) -> DiscoverResult:
    stats = walker.stats
    return DiscoverResult(
        directories_total=total,
        directories_ignored=stats.ignored,
        directories_unchanged=plan.unchanged,
        movies_missing=plan.missing,
        episodes_unchanged=episodes_unchanged,
        music_unchanged=music_unchanged,
        errors_count=stats.errors,
        first_errors=stats.error_messages[:5],
        folders_unchecked=len(stats.unchecked),
        unchecked_notice=unchecked_notice(stats.unchecked, kind),
    )


def _settled_counts(session: Session, kind: LibraryKind, plan: work_list.RescanPlan) -> tuple[int, dict[str, int]]:
    """Episodes of the series, or albums, tracks and untagged tracks of the album folders, a plan settled."""
    if kind.tv:
        return scan_jobs.count_episodes_settled_by(session, plan.settled_ids), {}
    if kind.music:
        counts = music_db.count_settled_by(session, plan.settled_ids)
        return 0, dict(zip(("albums", "tracks", "untagged"), counts, strict=True))
    return 0, {}


@activity.defn
def count_stored_directories(job: StoredDirectoriesInput) -> DiscoverResult:
    """While the rest of a walk is stored: how many rows the work list holds (directories_total) and what discovery
    settled from job.from_seq on (none of those rows was given to a child yet)."""
    kind = library_kind(job.library_type)
    with database() as session:
        stored, plan = work_list.settled_from(session, job.scan_job_id, job.library_id, MODELS[kind], job.from_seq)
        episodes_unchanged, music_unchanged = _settled_counts(session, kind, plan)
    return _settled_result(stored, plan, episodes_unchanged, music_unchanged)


def _settled_result(
    rows: int, plan: work_list.RescanPlan, episodes_unchanged: int, music_unchanged: dict[str, int]
) -> DiscoverResult:
    """Rows stored and what discovery settled among them; the walk's own counts (ignored, missing, errors) come
    with the whole walk."""
    return DiscoverResult(
        directories_total=rows,
        directories_ignored=0,
        directories_unchanged=plan.unchanged,
        episodes_unchanged=episodes_unchanged,
        music_unchanged=music_unchanged,
        errors_count=0,
    )


def walk_head(walker: FolderWalker, limit: int, seconds: float) -> list[DiscoveredDirectory]:
    """The first folders of a walk: up to limit of them, or as many as the walk finds in that many seconds (at
    least one), so a slow share does not keep the first scans waiting."""
    found: list[DiscoveredDirectory] = []
    deadline = time.monotonic() + seconds
    try:
        for directory in walker.walk():
            found.append(directory)
            if len(found) >= limit or time.monotonic() >= deadline:
                break
    finally:
        walker.close()  # the generator left early never reaches the end of walk(), which stops the read-ahead
    return found


def unchecked_notice(unchecked: dict[str, str], kind: LibraryKind) -> str | None:
    """One line for people: how many folders could not be checked, why, and what that means for the rescan."""
    if not unchecked:
        return None
    reasons: dict[str, int] = {}
    for reason in unchecked.values():
        reasons[reason] = reasons.get(reason, 0) + 1
    why = ", ".join(f"{reason}: {count:,}" if len(reasons) > 1 else reason for reason, count in reasons.items())
    folders = "1 folder" if len(unchecked) == 1 else f"{len(unchecked):,} folders"
    return f"{folders} could not be checked ({why}); {kind.items} under them were not marked missing"


@activity.defn
def load_directory_page(job: DirectoryPageInput) -> DirectoryPage:
    """A bounded page of the work list, so no payload grows with the library."""
    with database() as session:
        rows = work_list.directory_page(session, job.scan_job_id, job.start_seq, job.limit)
    return DirectoryPage(directories=[DirectoryRef(seq=seq, path=path) for seq, path in rows])


@activity.defn
def find_pending_directories(job: PrioritizeInput) -> DirectoryPage:
    """The prioritized directories that are still waiting to be scanned."""
    with database() as session:
        rows = work_list.pending_directories_by_path(session, job.scan_job_id, job.paths)
    return DirectoryPage(directories=[DirectoryRef(seq=seq, path=path) for seq, path in rows])
