"""Live progress for WebSocket clients: polls each running scan's `progress` query a few times a second and
pushes only what changed (queries add no history events), plus phase, completion and "library ready" events.
While a scan runs it also records the points of the scan's timeline (reelscan/timeline.py) in the database."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from datetime import UTC, datetime
from typing import Any

from fastapi import WebSocket
from temporalio.client import Client

from reelscan.db import timeline as timeline_db
from reelscan.db.models import ACTIVE_SCAN_STATUSES, ScanJob
from reelscan.db.session import session_scope
from reelscan.progress import FINAL_PHASES
from reelscan.settings import Settings
from reelscan.timeline import Point
from service import scans

log = logging.getLogger(__name__)
READY_PHASES = ("caching", "enriching", "completed")


def _comparable(message: dict[str, Any]) -> dict[str, Any]:
    """What counts as a change: everything but timestamps and the idle clock."""
    stable = {k: v for k, v in message.items() if k not in ("lastUpdatedAt", "health")}
    stable["stalled"] = (message.get("health") or {}).get("stalled")
    return stable


class ProgressBroadcaster:
    def __init__(self, settings: Settings, client: Client, interval: float = 0.3) -> None:
        self.settings = settings
        self.client = client
        self.interval = interval
        self.clients: set[WebSocket] = set()
        self.latest: dict[int, dict[str, Any]] = {}  # scan id -> last message sent
        self._ready_sent: set[int] = set()
        self._points: dict[int, Point | None] = {}  # scan id -> last timeline point stored
        self._recording: set[int] = set()  # scans whose timeline point is being written
        self._record_tasks: set[asyncio.Task[None]] = set()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await asyncio.gather(*self._record_tasks, return_exceptions=True)

    async def connect(self, websocket: WebSocket) -> None:
        """A new (or reconnecting) client gets the current state of recent scans at once."""
        await websocket.accept()
        self.clients.add(websocket)
        for message in list(self.latest.values()):
            await websocket.send_text(json.dumps(message))

    def disconnect(self, websocket: WebSocket) -> None:
        self.clients.discard(websocket)

    async def _send(self, event: dict[str, Any]) -> None:
        text = json.dumps(event)
        for websocket in list(self.clients):
            try:
                await websocket.send_text(text)
            except Exception:  # a closed socket: the client reconnects by itself
                self.clients.discard(websocket)

    async def _run(self) -> None:
        while True:
            try:
                await self.poll_once()
            except Exception:
                log.exception("progress poll failed")
            await asyncio.sleep(self.interval)

    async def poll_once(self) -> None:
        recent = await asyncio.to_thread(scans.list_scans, self.settings, 20)
        for job in recent:
            known = self.latest.get(job.id)
            if job.status not in ACTIVE_SCAN_STATUSES:
                self._points.pop(job.id, None)
                if known is not None and known.get("phase") in FINAL_PHASES:
                    continue
            message = await scans.scan_progress(self.client, self.settings, job.id)
            await self.publish(message)
            if job.status in ACTIVE_SCAN_STATUSES and job.id not in self._recording:
                # Beside the loop, not in it: a write waiting on the database (SQLite's one writer is often the
                # worker) must never hold back the live messages.
                self._recording.add(job.id)
                task = asyncio.get_running_loop().create_task(self._record(job.id, message))
                self._record_tasks.add(task)
                task.add_done_callback(self._record_tasks.discard)

    async def _record(self, scan_id: int, message: dict[str, Any]) -> None:
        try:
            await asyncio.to_thread(self.record_point, scan_id, message)
        except Exception:
            log.exception("recording the timeline of scan %s failed", scan_id)
        finally:
            self._recording.discard(scan_id)

    def record_point(self, scan_id: int, message: dict[str, Any]) -> None:
        """Store a timeline point of a running scan when something moved (at most one a second)."""
        with session_scope(self.settings.resolved_database_url) as session:
            if scan_id not in self._points:
                self._points[scan_id] = timeline_db.last_point(session, scan_id)
            last = self._points[scan_id]
            requests = last.provider_requests if last else 0
            if message.get("phase") not in ("discovering", "scanning", "caching"):
                job = session.get(ScanJob, scan_id)
                requests = timeline_db.provider_requests(session, job) if job else requests
            point = timeline_db.point_from_message(message, requests, datetime.now(UTC))
            if timeline_db.record_point(session, scan_id, point, last):
                self._points[scan_id] = point

    async def publish(self, message: dict[str, Any]) -> None:
        scan_id = int(message["scanJobId"])
        previous = self.latest.get(scan_id)
        if previous is not None and _comparable(previous) == _comparable(message):
            return
        self.latest[scan_id] = message
        await self._send(message)
        phase = message.get("phase")
        if previous is None or previous.get("phase") != phase:
            await self._send(
                {
                    "type": "scan:phase",
                    "scanJobId": scan_id,
                    "phase": phase,
                    "previous": previous.get("phase") if previous else None,
                }
            )
        if phase in READY_PHASES and scan_id not in self._ready_sent:
            self._ready_sent.add(scan_id)
            await self._send(
                {
                    "type": "library:ready",
                    "scanJobId": scan_id,
                    "libraryId": message.get("libraryId"),
                    "libraryName": message.get("libraryName"),
                }
            )
        if phase in FINAL_PHASES and (previous is None or previous.get("phase") not in FINAL_PHASES):
            await self._send(
                {"type": "scan:completed", "scanJobId": scan_id, "phase": phase, "summary": message.get("summary")}
            )
