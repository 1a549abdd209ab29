"""Phase 1 activity: walk the library and store the scan's directory list."""

from __future__ import annotations

import time
from pathlib import Path

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.common import LIBRARY_ROOT_ERROR, database
from reelscan.db import music as music_db
from reelscan.db import scan_jobs, work_list
from reelscan.db.models import Album, Movie, Series
from reelscan.library.discovery import (
    DiscoveredDirectory,
    DiscoveryStats,
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
)

# What a library's directories are: movie folders, series folders or album folders.
WALKERS: dict[LibraryKind, type[FolderWalker]] = {MOVIES: LibraryWalker, TV: SeriesWalker, MUSIC: MusicWalker}
MODELS: dict[LibraryKind, type[Movie] | type[Series] | type[Album]] = {MOVIES: Movie, TV: Series, MUSIC: Album}


@activity.defn
def discover_directories(job: DiscoverInput) -> DiscoverResult:
    """Walk the root (heartbeating as it goes); the list goes to the database, only counts come back. A "head"
    stage stores the first folders only; the "rest" stage then adds what the head left (see DiscoverInput)."""

    def heartbeat(stats: DiscoveryStats) -> None:
        activity.heartbeat(stats.found)

    kind = library_kind(job.library_type)
    head = job.stage == "head"
    try:
        # A TV library's directories are series folders (each with its season folders), a music library's albums.
        walker = WALKERS[kind](
            Path(job.library_path),
            max_directories=job.max_directories,
            on_progress=heartbeat,
            progress_every=200,
            only=job.paths,
        )
        # The walk first, then the writes: a walk of a share (a NAS) takes minutes, and a transaction open that long
        # would hold SQLite's write lock from every other writer and reader of the data dir.
        found = walk_head(walker, job.head_limit, job.head_seconds) if head else list(walker.walk())
        with database() as session:
            if job.stage == "rest":
                total = work_list.append_scan_directories(session, job.scan_job_id, found, job.head_rows)
            else:
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
                from_seq=job.head_rows if job.stage == "rest" else 0,
            )
            episodes_unchanged = scan_jobs.count_episodes_settled_by(session, plan.settled_ids) if kind.tv else 0
            music_unchanged = (
                dict(
                    zip(
                        ("albums", "tracks", "untagged"),
                        music_db.count_settled_by(session, plan.settled_ids),
                        strict=True,
                    )
                )
                if kind.music
                else {}
            )
            if not head:  # the whole walk's errors; a head's are found again by the rest
                work_list.replace_scan_errors(
                    session, job.scan_job_id, "discovering", ((e.path, e.message) for e in walker.stats.error_list)
                )
    except LibraryRootError as exc:
        raise ApplicationError(str(exc), type=LIBRARY_ROOT_ERROR, non_retryable=True) from None
    stats = walker.stats
    if head:
        return DiscoverResult(
            directories_total=total,
            directories_ignored=0,
            directories_unchanged=plan.unchanged,
            episodes_unchanged=episodes_unchanged,
            music_unchanged=music_unchanged,
            errors_count=0,
        )
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
