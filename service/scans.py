"""Starting, inspecting and cancelling scans: the one place the CLI and the API share."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import (
    Client,
    WorkflowQueryFailedError,
    WorkflowQueryRejectedError,
)
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.service import RPCError

from activities.scan_preparation import prepare_scan, workflow_running
from reelscan.db import scan_jobs
from reelscan.db.models import ACTIVE_SCAN_STATUSES, ScanJob
from reelscan.db.session import session_scope
from reelscan.library_kinds import LIBRARY_TYPES as LIBRARY_TYPES
from reelscan.scan_options import ScanOptions
from reelscan.scan_requests import ScanRequestError as ScanRequestError
from reelscan.scan_requests import StartedScan as StartedScan
from reelscan.scan_requests import check_library_path
from reelscan.scan_requests import workflow_id_for as workflow_id_for
from reelscan.settings import Settings
from service import embedded
from service.shown_progress import ShownProgress
from workflows.library_scan import LibraryScanWorkflow
from workflows.scan_start import initial_search_attributes, scan_summary_text

_shown = ShownProgress()
MAX_NAME_LENGTH = 255  # libraries.name


def library_for_path(settings: Settings, path: Path, name: str | None = None, library_type: str | None = None) -> int:
    """The library at this path, created on first use (a movie library unless library_type says otherwise).

    A library_type that is not one of LIBRARY_TYPES, or that differs from the existing library's, is refused."""
    if library_type is not None and library_type not in LIBRARY_TYPES:
        raise ScanRequestError(f"unknown library type {library_type!r}: use one of {', '.join(LIBRARY_TYPES)}")
    if name is not None and len(name) > MAX_NAME_LENGTH:
        raise ScanRequestError(f"a library name has at most {MAX_NAME_LENGTH} characters")
    root = check_library_path(path)
    with session_scope(settings.resolved_database_url) as session:
        library = scan_jobs.get_or_create_library(session, root, name, library_type or "movie")
        if library_type is not None and library.type != library_type:
            raise ScanRequestError(
                f"library path {root} is already a {library.type} library (id {library.id}), not a {library_type} one"
            )
        return library.id


async def start_scan(client: Client, settings: Settings, library_id: int, options: ScanOptions) -> StartedScan:
    """Start a scan, or return the library's running scan instead of starting a second one."""
    started, scan_input = await prepare_scan(client, settings, library_id, options)
    if scan_input is None:
        return started
    await client.start_workflow(
        LibraryScanWorkflow.run,
        scan_input,
        id=started.workflow_id,
        task_queue=settings.scan_task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        static_summary=scan_summary_text(scan_input),
        search_attributes=initial_search_attributes(scan_input),
    )
    return started


def scan_row(settings: Settings, scan_job_id: int) -> ScanJob:
    with session_scope(settings.resolved_database_url) as session:
        job = session.get(ScanJob, scan_job_id)
        if job is None:
            raise ScanRequestError(f"there is no scan with id {scan_job_id}")
        session.expunge(job)
        return job


async def _idle_queues(client: Client, settings: Settings) -> list[str]:
    """Task queues of the scan that no worker is polling right now."""
    idle = []
    queues = [
        (settings.scan_task_queue, TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW),
        (settings.cache_task_queue, TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY),
        (settings.enrich_task_queue, TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY),
    ]
    for name, kind in queues:
        try:
            described = await client.workflow_service.describe_task_queue(
                DescribeTaskQueueRequest(
                    namespace=settings.temporal_namespace, task_queue=TaskQueue(name=name), task_queue_type=kind
                )
            )
        except RPCError:
            continue
        if not described.pollers:
            idle.append(name)
    return idle


def _idle_seconds(message: dict[str, Any]) -> float:
    last = datetime.fromisoformat(str(message.get("lastUpdatedAt")))
    if last.tzinfo is None:  # SQLite hands back naive datetimes; they are stored in UTC
        last = last.replace(tzinfo=UTC)
    return (datetime.now(UTC) - last).total_seconds()


async def scan_health(client: Client, settings: Settings, message: dict[str, Any]) -> dict[str, Any]:
    """Scan health monitoring: a running scan whose progress has not moved for a while is stalled, and
    says what it waits on (for example a task queue no worker polls)."""
    idle_seconds = _idle_seconds(message)
    if idle_seconds < settings.stall_after_seconds:
        return {"stalled": False, "idleSeconds": round(idle_seconds, 1)}
    idle = await _idle_queues(client, settings)
    if not idle and message.get("phase") == "discovering":
        return {"stalled": False, "idleSeconds": round(idle_seconds, 1)}  # a long walk moves no counter
    reason = (
        "; ".join(f"no worker is polling task queue {name}" for name in idle)
        if idle
        else f"no progress for {idle_seconds:.0f} s (waiting on: {message.get('currentOperation')})"
    )
    return {"stalled": True, "idleSeconds": round(idle_seconds, 1), "waitingOn": reason}


def _without_worker(settings: Settings, message: dict[str, Any], pid: int) -> dict[str, Any]:
    """The health of a scan whose embedded worker has ended: known at once from its pid file."""
    reason = (
        f"no worker is running (the embedded worker, pid {pid}, has ended); "
        f"restart it with `{embedded.restart_command(settings)}` or by scanning again"
    )
    return {"stalled": True, "idleSeconds": round(_idle_seconds(message), 1), "waitingOn": reason}


def _recorded_message(job: ScanJob) -> dict[str, Any]:
    if job.progress:
        return dict(job.progress)
    return {
        "type": "scan:progress",
        "scanJobId": job.id,
        "libraryId": job.library_id,
        "phase": job.status,
        # The scan has not written its first progress yet (just started): the message's shape, nothing counted.
        "progress": {},
        "stats": {
            "moviesFound": job.movies_found,
            "moviesNew": job.movies_new,
            "moviesUpdated": job.movies_updated,
            "moviesMissing": job.movies_missing,
            "assetsCached": job.assets_cached,
            "errorsCount": job.errors_count,
        },
        "summary": f"Scan {job.status}",
        "lastError": job.last_error,
        "startedAt": job.started_at.isoformat(),
        "lastUpdatedAt": (job.updated_at or job.started_at).isoformat(),
    }


async def scan_progress(client: Client | None, settings: Settings, scan_job_id: int) -> dict[str, Any]:
    """The ScanProgressMessage: live from the workflow while it runs, else the last one recorded; a running
    scan also carries its health (stalled or not, and on what)."""
    result: dict[str, Any]
    job = scan_row(settings, scan_job_id)
    if client is None or not job.workflow_id or job.status not in ACTIVE_SCAN_STATUSES:
        if job.workflow_id:
            _shown.forget(job.workflow_id)
        return _recorded_message(job)
    ended = None if settings.temporal_address else embedded.ended_worker(settings)
    if ended is not None:  # no worker could answer the query: say so without waiting for one
        result = dict(_recorded_message(job), estimatedTimeRemaining=None)
        result["health"] = _without_worker(settings, result, ended)
        return _shown.not_behind(job.workflow_id, result)
    try:
        result = await client.get_workflow_handle(job.workflow_id).query("progress", rpc_timeout=timedelta(seconds=5))
    except (RPCError, WorkflowQueryFailedError, WorkflowQueryRejectedError):
        # No worker answers: say what was last recorded, and why it waits; no time estimate while nothing runs.
        result = dict(_recorded_message(job), estimatedTimeRemaining=None)
    result["health"] = await scan_health(client, settings, result)
    return _shown.not_behind(job.workflow_id, result)


async def recorded_final(settings: Settings, scan_job_id: int, wait_seconds: float = 60.0) -> dict[str, Any] | None:
    """The final message once the scan_jobs row holds it. The live query says "completed" a moment before the
    workflow's last projection write lands, so a command that saw it waits for the row (then `status`, `list` and
    the API agree with what it printed)."""
    deadline = asyncio.get_running_loop().time() + wait_seconds
    while True:
        job = scan_row(settings, scan_job_id)
        if job.status not in ACTIVE_SCAN_STATUSES:
            return _recorded_message(job)
        if asyncio.get_running_loop().time() > deadline:
            return None
        await asyncio.sleep(0.2)


async def cancel_scan(client: Client, settings: Settings, scan_job_id: int) -> str:
    job = scan_row(settings, scan_job_id)
    if job.status not in ACTIVE_SCAN_STATUSES:
        return f"scan {scan_job_id} is already {job.status}"
    if not job.workflow_id or not await workflow_running(client, job.workflow_id):
        raise ScanRequestError(f"scan {scan_job_id} has no running workflow")
    await client.get_workflow_handle(job.workflow_id).signal("cancel")
    return f"cancel requested for scan {scan_job_id}"


def list_scans(settings: Settings, limit: int = 50) -> list[ScanJob]:
    with session_scope(settings.resolved_database_url) as session:
        rows = list(session.scalars(select(ScanJob).order_by(ScanJob.id.desc()).limit(limit)))
        for row in rows:
            session.expunge(row)
        return rows
