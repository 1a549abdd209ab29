"""The file-system watcher: watchdog observers on the libraries set to file-system events, their events reduced
to top-level folders and sent to each library's LibraryWatchWorkflow in batches (every REELSCAN_WATCH_BATCH_SECONDS).

Polled libraries need no observer: their watcher workflow runs the polling pass itself. Run by the worker (first
process only) and by `starter.py watch-library`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable, Sequence

from temporalio.client import Client
from temporalio.service import RPCError
from watchdog.events import EVENT_TYPE_CLOSED_NO_WRITE, EVENT_TYPE_OPENED, FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from reelscan.library_kinds import library_kind
from reelscan.payloads.watch import MAX_FOLDERS_PER_SIGNAL
from reelscan.settings import Settings
from reelscan.watching import event_folder
from service.watch import WatchPlan, signal_changes, start_watch

log = logging.getLogger("reelscan.watch")
# Reading a file is no change (and the scanner reads every file it scans).
IGNORED_EVENTS = frozenset({EVENT_TYPE_OPENED, EVENT_TYPE_CLOSED_NO_WRITE})


class FolderBatch:
    """Top-level folders changed since the last batch, collected from observer threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._folders: dict[str, None] = {}

    def add(self, folder: str) -> None:
        with self._lock:
            self._folders[folder] = None

    def take(self) -> list[str]:
        with self._lock:
            folders, self._folders = list(self._folders), {}
        return folders

    def give_back(self, folders: Sequence[str]) -> None:
        """Folders a signal could not deliver go out with the next batch."""
        with self._lock:
            for folder in folders:
                self._folders[folder] = None


class LibraryEvents(FileSystemEventHandler):
    def __init__(self, root: str, batch: FolderBatch, *, loose_videos: bool = False) -> None:
        self.root = root
        self.batch = batch
        self.loose_videos = loose_videos  # a movie library: videos loose in the root are movies

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in IGNORED_EVENTS:
            return
        for path in (event.src_path, event.dest_path):
            text = path.decode("utf-8", "surrogateescape") if isinstance(path, bytes) else path
            if text:
                folder = event_folder(self.root, text, loose_videos=self.loose_videos)
                if folder is not None:
                    self.batch.add(folder)


def start_observer(plan: WatchPlan, batch: FolderBatch) -> BaseObserver:
    """inotify on Linux (the platform's native API elsewhere); a polling observer when that cannot start
    (for example when the inotify watch limit is reached)."""
    kind = library_kind(plan.library_type)
    handler = LibraryEvents(plan.path, batch, loose_videos=kind.type == "movie")
    observer: BaseObserver = Observer()
    try:
        observer.schedule(handler, plan.path, recursive=True)
        observer.start()
    except OSError as exc:
        log.warning("file-system events unavailable for %s (%s); polling its files instead", plan.path, exc)
        observer = PollingObserver(timeout=5)
        observer.schedule(handler, plan.path, recursive=True)
        observer.start()
    return observer


class WatchRunner:
    """Observers for the watched libraries and the loop that sends their batches. With refresh, the libraries are
    read again from the database every refresh_seconds: one set to be watched later is picked up, one turned off
    is dropped."""

    def __init__(
        self,
        client: Client,
        settings: Settings,
        plans: Sequence[WatchPlan],
        *,
        refresh: Callable[[], list[WatchPlan]] | None = None,
        refresh_seconds: float = 30.0,
    ) -> None:
        self.client = client
        self.settings = settings
        self.initial = [plan for plan in plans if plan.mode != "off"]
        self.refresh = refresh
        self.refresh_seconds = refresh_seconds
        self.plans: dict[int, WatchPlan] = {}
        self.batches: dict[int, FolderBatch] = {}
        self.observing: dict[int, BaseObserver] = {}
        self.signals_sent = 0

    @property
    def observers(self) -> list[BaseObserver]:
        return list(self.observing.values())

    async def run(self, stop: asyncio.Event) -> None:
        await self._apply(self.initial)
        refreshed = time.monotonic()
        try:
            while not stop.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.settings.watch_batch_seconds)
                await self.flush()
                if self.refresh is not None and time.monotonic() - refreshed >= self.refresh_seconds:
                    refreshed = time.monotonic()
                    try:
                        plans = await asyncio.to_thread(self.refresh)
                    except Exception as exc:  # the database is away for a moment: keep watching as before
                        log.warning("could not read the watched libraries: %s", exc)
                    else:
                        await self._apply(plans)
        finally:
            for library_id in list(self.observing):
                await self._stop_observer(library_id)

    async def _apply(self, plans: Sequence[WatchPlan]) -> None:
        """Start watching what is new or changed in plans, stop what is no longer in them."""
        wanted = {plan.library_id: plan for plan in plans if plan.mode != "off"}
        for library_id in [known for known in self.plans if known not in wanted]:
            await self._stop_observer(library_id)
            del self.plans[library_id]
            log.info("no longer watching library %s", library_id)
        for library_id, plan in wanted.items():
            if self.plans.get(library_id) == plan:
                continue
            try:
                await start_watch(self.client, self.settings, plan)
            except RPCError as exc:
                log.warning("could not start the watcher of library %s: %s; retrying", library_id, exc)
                continue
            await self._stop_observer(library_id)
            self.plans[library_id] = plan
            self.batches.setdefault(library_id, FolderBatch())
            if plan.mode == "events":
                self.observing[library_id] = start_observer(plan, self.batches[library_id])
            log.info("watching library %s (%s): %s, %s", library_id, plan.path, plan.mode, plan.reason)

    async def _stop_observer(self, library_id: int) -> None:
        observer = self.observing.pop(library_id, None)
        if observer is not None:
            observer.stop()
            await asyncio.to_thread(observer.join, 5)

    async def flush(self) -> None:
        for library_id, plan in self.plans.items():
            batch = self.batches[library_id]
            folders = batch.take()
            for start in range(0, len(folders), MAX_FOLDERS_PER_SIGNAL):
                part = folders[start : start + MAX_FOLDERS_PER_SIGNAL]
                try:
                    await signal_changes(self.client, self.settings, plan, part)
                    self.signals_sent += 1
                except RPCError as exc:
                    log.warning("could not report changes in library %s: %s; retrying", library_id, exc)
                    batch.give_back(folders[start:])
                    break
