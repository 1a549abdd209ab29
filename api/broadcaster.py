"""Live progress for WebSocket clients: polls each running scan's `progress` query a few times a second and
pushes only what changed (queries add no history events), plus phase, completion and "library ready" events."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

from fastapi import WebSocket
from temporalio.client import Client

from reelscan.db.models import ACTIVE_SCAN_STATUSES
from reelscan.progress import FINAL_PHASES
from reelscan.service import scans
from reelscan.settings import Settings

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
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

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
            if job.status not in ACTIVE_SCAN_STATUSES and known is not None and known.get("phase") in FINAL_PHASES:
                continue
            message = await scans.scan_progress(self.client, self.settings, job.id)
            await self.publish(message)

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
