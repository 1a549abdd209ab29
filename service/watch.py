"""Watching libraries: starting and signalling each library's LibraryWatchWorkflow, shared by the CLI, the API,
the worker's file-system watcher and the tests."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.service import RPCError

from reelscan.db.models import Library
from reelscan.db.session import session_scope
from reelscan.payloads.watch import MAX_FOLDERS_PER_SIGNAL, WatchInput
from reelscan.settings import Settings
from reelscan.watching import WATCH_MODES, choose_watch_mode, read_mountinfo
from service.scans import ScanRequestError
from workflows.library_watch import LibraryWatchWorkflow


def watch_workflow_id(settings: Settings, library_id: int) -> str:
    return f"{settings.resolved_workflow_id_prefix}-watch-{library_id}"


@dataclass(frozen=True)
class WatchPlan:
    """What watching a library does: its setting, the mode that setting resolves to on its mount, and why."""

    library_id: int
    name: str
    path: str
    library_type: str
    setting: str
    mode: str  # off | events | poll
    reason: str
    poll_interval_seconds: float


def watch_plan(library: Library, mountinfo: str | None = None) -> WatchPlan:
    setting = library.watch_mode or "off"
    mode, reason = choose_watch_mode(setting, library.path, read_mountinfo() if mountinfo is None else mountinfo)
    return WatchPlan(
        library.id, library.name, library.path, library.type, setting, mode, reason, library.poll_interval_seconds
    )


def library_plan(settings: Settings, library_id: int) -> WatchPlan:
    with session_scope(settings.resolved_database_url) as session:
        library = session.get(Library, library_id)
        if library is None:
            raise ScanRequestError(f"there is no library with id {library_id}")
        return watch_plan(library)


def watched_libraries(settings: Settings) -> list[WatchPlan]:
    with session_scope(settings.resolved_database_url) as session:
        plans = [watch_plan(library) for library in session.scalars(select(Library).order_by(Library.id))]
    return [plan for plan in plans if plan.mode != "off"]


def set_watch_mode(settings: Settings, library_id: int, mode: str, poll_interval_seconds: float | None = None) -> None:
    if mode not in WATCH_MODES:
        raise ScanRequestError(f"unknown watch mode {mode!r}: use one of {', '.join(WATCH_MODES)}")
    if poll_interval_seconds is not None and poll_interval_seconds <= 0:
        raise ScanRequestError("the polling interval must be more than 0 seconds")
    with session_scope(settings.resolved_database_url) as session:
        library = session.get(Library, library_id)
        if library is None:
            raise ScanRequestError(f"there is no library with id {library_id}")
        if poll_interval_seconds is None and library.watch_mode == "off":
            poll_interval_seconds = settings.watch_poll_seconds  # first watched: the configured default
        library.watch_mode = mode
        if poll_interval_seconds is not None:
            library.poll_interval_seconds = poll_interval_seconds


def _watch_input(settings: Settings, plan: WatchPlan, poll: bool) -> WatchInput:
    return WatchInput(
        library_id=plan.library_id,
        library_name=plan.name,
        library_path=plan.path,
        library_type=plan.library_type,
        quiet_seconds=settings.watch_quiet_seconds,
        poll_interval_seconds=plan.poll_interval_seconds if poll else 0.0,
        continue_as_new_events=settings.continue_as_new_events,
        scan_task_queue=settings.scan_task_queue,
    )


async def signal_changes(
    client: Client, settings: Settings, plan: WatchPlan, folders: list[str], *, poll: bool | None = None
) -> str:
    """Report changed folders to the library's watcher, starting it if it is not running (signal-with-start).
    Returns its workflow id. Long lists go in several signals."""
    poll = plan.mode == "poll" if poll is None else poll
    workflow_id = watch_workflow_id(settings, plan.library_id)
    batches = [folders[i : i + MAX_FOLDERS_PER_SIGNAL] for i in range(0, len(folders), MAX_FOLDERS_PER_SIGNAL)] or [[]]
    for batch in batches:
        await client.start_workflow(
            LibraryWatchWorkflow.run,
            _watch_input(settings, plan, poll),
            id=workflow_id,
            task_queue=settings.scan_task_queue,
            start_signal="changed",
            start_signal_args=[batch],
            static_summary=f"Watching library {plan.name} ({plan.path})",
        )
    return workflow_id


async def start_watch(client: Client, settings: Settings, plan: WatchPlan) -> str:
    """Make sure the watcher runs, with polling on or off as the plan says."""
    poll = plan.mode == "poll"
    workflow_id = await signal_changes(client, settings, plan, [], poll=poll)
    interval = plan.poll_interval_seconds if poll else 0.0
    await client.get_workflow_handle(workflow_id).signal(LibraryWatchWorkflow.configure, interval)
    return workflow_id


async def watch_state(client: Client, settings: Settings, library_id: int) -> dict[str, Any] | None:
    """The watcher's state query, or None when no watcher runs for the library."""
    handle = client.get_workflow_handle(watch_workflow_id(settings, library_id))
    try:
        description = await handle.describe()
        if description.status != WorkflowExecutionStatus.RUNNING:
            return None
        result: dict[str, Any] = await handle.query(LibraryWatchWorkflow.state, rpc_timeout=timedelta(seconds=5))
    except RPCError:
        return None
    return result


async def pause_watch(client: Client, settings: Settings, library_id: int, *, paused: bool) -> None:
    handle = client.get_workflow_handle(watch_workflow_id(settings, library_id))
    try:
        await handle.signal(LibraryWatchWorkflow.pause if paused else LibraryWatchWorkflow.resume)
    except RPCError:
        raise ScanRequestError(f"library {library_id} is not being watched") from None


def _every(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:g} s"
    if seconds < 7200:
        return f"{seconds / 60:g} min"
    return f"{seconds / 3600:g} h"


def _ago(seconds: float) -> str:
    seconds = max(0.0, seconds)
    if seconds < 90:
        return f"{seconds:.0f} s ago"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min ago"
    if seconds < 172800:
        return f"{seconds / 3600:.0f} h ago"
    return f"{seconds / 86400:.0f} days ago"


def watch_status_text(plan: WatchPlan, state: dict[str, Any] | None, now: float, reachable: bool = True) -> str:
    """One line on how a library is watched right now: what the CLI's `libraries`, the API and the page show."""
    if state is None:
        if plan.mode == "off":
            return "not watched"
        if not reachable:
            return f"{plan.mode}: state unknown (Temporal is not reachable)"
        start = f"reelscan watch-library --library {plan.library_id}"
        return f"{plan.mode}: no watcher running (the worker starts it; or `{start}`)"
    poll = float(state.get("pollIntervalSeconds") or 0)
    parts = [("paused, " if state.get("paused") else "") + (f"polling every {_every(poll)}" if poll else "watching")]
    pending = int(state.get("pendingCount") or 0)
    if state.get("scanning"):
        parts.append(f"scanning {len(state['scanning']):,} folder{'s' if len(state['scanning']) != 1 else ''}")
    if pending:
        parts.append(f"{pending:,} folder{'s' if pending != 1 else ''} pending")
    elif state.get("fullScanWanted"):
        parts.append("a scan of the whole library is due")
    last = state.get("lastChangeAt")
    parts.append(f"last change {_ago(now - float(last))}" if last else "no change seen yet")
    if state.get("lastError"):
        parts.append(f"last problem: {state['lastError']}")
    return ", ".join(parts)


def plan_fields(plan: WatchPlan) -> dict[str, Any]:
    return {
        "setting": plan.setting,
        "mode": plan.mode,
        "reason": plan.reason,
        "pollIntervalSeconds": plan.poll_interval_seconds,
    }


async def watch_overview(client: Client | None, settings: Settings, plan: WatchPlan, now: float) -> dict[str, Any]:
    """A library's watch setting and, when Temporal answers, its watcher's live state, with the line to show."""
    state = await watch_state(client, settings, plan.library_id) if client is not None else None
    keys = ("paused", "pendingCount", "scanning", "lastChangeAt", "lastScanJobId", "lastError", "polls")
    return {
        **plan_fields(plan),
        "running": state is not None,
        **({key: state.get(key) for key in keys} if state else {}),
        "status": watch_status_text(plan, state, now, reachable=client is not None),
    }


def _all_plans(settings: Settings) -> list[WatchPlan]:
    mountinfo = read_mountinfo()
    with session_scope(settings.resolved_database_url) as session:
        return [watch_plan(library, mountinfo) for library in session.scalars(select(Library).order_by(Library.id))]


async def watch_overviews(client: Client | None, settings: Settings) -> dict[int, dict[str, Any]]:
    """watch_overview of every library, queried side by side."""
    plans = await asyncio.to_thread(_all_plans, settings)
    now = time.time()
    found = await asyncio.gather(*(watch_overview(client, settings, plan, now) for plan in plans))
    return {plan.library_id: overview for plan, overview in zip(plans, found, strict=True)}
