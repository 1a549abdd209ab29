"""Scheduled scans on Temporal Schedules: one schedule per library, skipping a run while the last one goes on."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleIntervalSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleSpec,
    ScheduleState,
)
from temporalio.service import RPCError, RPCStatusCode

from reelscan.db.models import Library
from reelscan.db.session import session_scope
from reelscan.payloads.scan import ScheduledScanInput
from reelscan.scan_options import ScanOptions
from reelscan.settings import Settings
from service.scans import ScanRequestError
from workflows.scheduled_scan import ScheduledScanWorkflow

_DURATION = re.compile(r"^\s*(\d+)\s*([smhd])\s*$", re.IGNORECASE)
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


@dataclass(frozen=True)
class ScheduleInfo:
    schedule_id: str
    library_id: int
    spec: str
    paused: bool
    next_runs: list[str]
    recent_runs: int


def parse_every(text: str) -> timedelta:
    match = _DURATION.match(text)
    if not match or int(match.group(1)) == 0:
        raise ScanRequestError(f"cannot read the interval {text!r}: use a number and s, m, h or d, e.g. 12h")
    return timedelta(**{_UNITS[match.group(2).lower()]: int(match.group(1))})


def schedule_id_for(settings: Settings, library_id: int) -> str:
    return f"{settings.resolved_workflow_id_prefix}-schedule-library-{library_id}"


async def add_schedule(
    client: Client,
    settings: Settings,
    library_id: int,
    *,
    every: str | None = None,
    cron: str | None = None,
    options: ScanOptions | None = None,
) -> str:
    if bool(every) == bool(cron):
        raise ScanRequestError("give either --every (e.g. 12h) or --cron (e.g. '0 3 * * *')")
    spec = (
        ScheduleSpec(intervals=[ScheduleIntervalSpec(every=parse_every(every))])
        if every
        else ScheduleSpec(cron_expressions=[str(cron)])
    )
    schedule_id = schedule_id_for(settings, library_id)
    action = ScheduleActionStartWorkflow(
        ScheduledScanWorkflow.run,
        ScheduledScanInput(library_id=library_id, options=options or ScanOptions()),
        id=f"{settings.resolved_workflow_id_prefix}-scheduled-library-{library_id}",
        task_queue=settings.scan_task_queue,
    )
    schedule = Schedule(
        action=action,
        spec=spec,
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
        state=ScheduleState(note=f"reelscan: scan library {library_id} ({every or cron})"),
    )
    try:
        await client.create_schedule(
            schedule_id, schedule, memo={"spec": f"every {every}" if every else f"cron {cron}"}
        )
    except Exception as exc:  # ScheduleAlreadyRunningError and RPC errors
        if "already" in str(exc).lower():
            raise ScanRequestError(f"library {library_id} already has a schedule ({schedule_id})") from None
        raise
    return schedule_id


async def list_schedules(client: Client, settings: Settings) -> list[ScheduleInfo]:
    """Every library's schedule.

    The server's schedule list is eventually consistent: it can miss a schedule created a moment ago and still show
    one just deleted. So the schedules of the libraries in the database are read by id (always current), and the
    list only adds those of libraries the database no longer has.
    """
    # The prefix (and so the installation id) is read before the session below opens.
    prefix = f"{settings.resolved_workflow_id_prefix}-schedule-library-"
    with session_scope(settings.resolved_database_url) as session:
        candidates = {schedule_id_for(settings, library_id) for library_id in session.scalars(select(Library.id))}
    async for entry in await client.list_schedules():
        if entry.id.startswith(prefix):
            candidates.add(entry.id)
    found = []
    for schedule_id in candidates:
        try:
            description = await client.get_schedule_handle(schedule_id).describe()
        except RPCError as exc:
            if exc.status == RPCStatusCode.NOT_FOUND:
                continue
            raise
        # The server turns cron expressions into calendars: show what the user asked for.
        text = str((await description.memo()).get("spec", ""))
        found.append(
            ScheduleInfo(
                schedule_id=schedule_id,
                library_id=int(schedule_id.removeprefix(prefix)),
                spec=text,
                paused=description.schedule.state.paused,
                next_runs=[t.isoformat() for t in description.info.next_action_times[:3]],
                recent_runs=description.info.num_actions,
            )
        )
    return sorted(found, key=lambda s: s.library_id)


async def change_schedule(client: Client, settings: Settings, library_id: int, action: str) -> str:
    handle = client.get_schedule_handle(schedule_id_for(settings, library_id))
    try:
        if action == "pause":
            await handle.pause(note="paused from reelscan")
        elif action == "unpause":
            await handle.unpause(note="unpaused from reelscan")
        elif action == "trigger":
            await handle.trigger(overlap=ScheduleOverlapPolicy.SKIP)
        elif action == "delete":
            await handle.delete()
        else:
            raise ScanRequestError(f"unknown schedule action {action!r}")
    except RPCError as exc:
        if "not found" in str(exc).lower():
            raise ScanRequestError(f"library {library_id} has no schedule") from None
        raise
    return f"schedule of library {library_id}: {action}d" if action != "trigger" else "scan triggered"
