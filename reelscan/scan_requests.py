"""A scan asked for by a person or a schedule: its checks, its scan_jobs row and its workflow input.

Plain database work; the callers (the CLI and API glue in service/, the scheduled-scan activity) add what only
the Temporal server can tell: whether a recorded workflow still runs and whether the search attributes exist."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reelscan.db import scan_jobs
from reelscan.db.models import ACTIVE_SCAN_STATUSES, Library, ScanJob, utcnow
from reelscan.db.session import session_scope
from reelscan.library_kinds import library_kind
from reelscan.payloads.scan import LibraryScanInput
from reelscan.scan_options import ScanOptions
from reelscan.settings import Settings


class ScanRequestError(Exception):
    """A request a person made that cannot be carried out (bad path, unknown id); the message says why."""


@dataclass(frozen=True)
class StartedScan:
    scan_job_id: int
    workflow_id: str
    library_id: int
    already_running: bool


@dataclass(frozen=True)
class RunningScan:
    """The library's scan that its row says is active."""

    scan_job_id: int
    workflow_id: str | None


def workflow_id_for(settings: Settings, library_id: int, scan_job_id: int) -> str:
    return f"{settings.resolved_workflow_id_prefix}-{library_id}-{scan_job_id}"


def check_library_path(path: Path) -> Path:
    if "\x00" in str(path):
        raise ScanRequestError("a library path cannot contain a NUL character")
    try:
        if not path.exists():
            raise ScanRequestError(f"library path {path} does not exist")
        if not path.is_dir():
            raise ScanRequestError(f"library path {path} is not a directory")
        next(path.iterdir(), None)
        return path.resolve()
    except PermissionError:
        raise ScanRequestError(f"library path {path} cannot be read: permission denied") from None
    except OSError as exc:  # a name too long, a link loop, a share that stopped answering
        raise ScanRequestError(f"library path {path} cannot be used: {exc.strerror or exc}") from None


def running_scan(settings: Settings, library_id: int) -> RunningScan | None:
    """The library's active scan row, after checking the library exists and its path can be read."""
    # Read before the write transaction below (into the workflow id): on SQLite a second connection of this
    # process would wait on that transaction.
    _ = settings.installation_id
    with session_scope(settings.resolved_database_url) as session:
        library = session.get(Library, library_id)
        if library is None:
            raise ScanRequestError(f"there is no library with id {library_id}")
        check_library_path(Path(library.path))
        running = scan_jobs.active_scan(session, library_id)
        return RunningScan(running.id, running.workflow_id) if running else None


def fail_vanished_scan(settings: Settings, scan_job_id: int) -> None:
    """The row says active but its workflow is gone (terminated by hand, server history lost)."""
    with session_scope(settings.resolved_database_url) as session:
        stale = session.get(ScanJob, scan_job_id)
        if stale is not None and stale.status in ACTIVE_SCAN_STATUSES:
            stale.status = "failed"
            stale.last_error = "the scan's workflow is no longer running"
            stale.completed_at = utcnow()


def create_scan(
    settings: Settings, library_id: int, options: ScanOptions
) -> tuple[StartedScan, LibraryScanInput | None]:
    """The scan's row and workflow input, or the library's active scan (then no input) when another starter won."""
    with session_scope(settings.resolved_database_url) as session:
        library = session.get(Library, library_id)
        assert library is not None
        job = scan_jobs.create_scan_job(session, library_id, options.to_json_dict())
        if job is None:  # another starter won the race
            other = scan_jobs.active_scan(session, library_id)
            assert other is not None
            return StartedScan(other.id, other.workflow_id or "", library_id, already_running=True), None
        job.workflow_id = workflow_id_for(settings, library_id, job.id)
        enrichment_wanted = (
            options.enable_enrichment if options.enable_enrichment is not None else library.auto_enrich
        ) and options.enrichment_mode != "none"
        scan_input = LibraryScanInput(
            scan_job_id=job.id,
            library_id=library_id,
            library_name=library.name,
            library_path=library.path,
            library_type=library.type,
            options=options,
            enrichment_wanted=enrichment_wanted,
            children_window=settings.resolved_children_window,
            directories_per_child=settings.directories_per_child,
            discovery_head=settings.discovery_head,
            discovery_head_seconds=settings.discovery_head_seconds,
            discovery_scan_while_walking=settings.discovery_scan_while_walking,
            cache_window=settings.cache_window,
            cache_batch_size=settings.cache_batch_size,
            progress_interval_seconds=settings.progress_interval_seconds,
            continue_as_new_events=settings.continue_as_new_events,
            scan_task_queue=settings.scan_task_queue,
            cache_task_queue=settings.cache_task_queue,
            enrich_task_queue=settings.enrich_task_queue,
            enrich_window=settings.enrich_window,
            auto_select_assets=library.auto_select_assets,
            provider_retry_attempts=settings.provider_retry_attempts,
            provider_failure_threshold=settings.provider_failure_threshold,
            provider_pause_seconds=settings.provider_pause_seconds,
            provider_requests_per_second=(
                settings.musicbrainz_requests_per_second
                if library_kind(library.type).music
                else settings.tmdb_requests_per_second
            ),
            music_enrich_task_queue=settings.music_enrich_task_queue,
        )
        return StartedScan(job.id, job.workflow_id, library_id, already_running=False), scan_input
